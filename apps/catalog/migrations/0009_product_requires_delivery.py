from django.db import migrations, models

HELP_TEXT = (
    "Untick for what is never shipped (a paid membership): a cart of such items alone pays no "
    "shipping fee and asks for no address, and the warehouse never sees them."
)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0008_series_banner"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalproduct",
            name="requires_delivery",
            field=models.BooleanField(
                default=True, help_text=HELP_TEXT, verbose_name="needs delivery"
            ),
        ),
        migrations.AddField(
            model_name="product",
            name="requires_delivery",
            field=models.BooleanField(
                default=True, help_text=HELP_TEXT, verbose_name="needs delivery"
            ),
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0010_order_line_price_reason"),
    ]

    operations = [
        migrations.AlterField(
            model_name="order",
            name="shipping_method",
            field=models.CharField(
                choices=[
                    ("courier", "Courier delivery"),
                    ("pickup", "In-store pickup"),
                    ("none", "No delivery needed"),
                ],
                max_length=16,
                verbose_name="shipping method",
            ),
        ),
    ]

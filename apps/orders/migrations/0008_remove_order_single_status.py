from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0007_fill_payment_and_fulfilment_status"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="order", name="order_status_expiry"),
        migrations.RemoveField(model_name="order", name="status"),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                fields=["fulfilment_status", "expires_at"], name="order_fulfilment_expiry"
            ),
        ),
    ]

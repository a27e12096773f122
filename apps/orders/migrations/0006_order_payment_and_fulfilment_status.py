from django.db import migrations, models


class Migration(migrations.Migration):
    """The single order status splits in two: payment and fulfilment. Added next to the old
    field first, so the next migration can fill them from it."""

    dependencies = [
        ("orders", "0005_online_payment_label"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="fulfilment_status",
            field=models.CharField(
                choices=[
                    ("awaiting_payment", "Awaiting payment"),
                    ("to_pick", "Waiting to be packed"),
                    ("picking", "Being packed"),
                    ("shipped", "Shipped"),
                    ("delivered", "Delivered"),
                    ("completed", "Completed"),
                    ("cancelled", "Cancelled"),
                ],
                db_index=True,
                default="awaiting_payment",
                max_length=24,
                verbose_name="fulfilment status",
            ),
        ),
        migrations.AddField(
            model_name="order",
            name="payment_status",
            field=models.CharField(
                choices=[
                    ("unpaid", "Unpaid"),
                    ("paid", "Paid"),
                    ("partly_refunded", "Partly refunded"),
                    ("refunded", "Refunded"),
                ],
                db_index=True,
                default="unpaid",
                max_length=24,
                verbose_name="payment status",
            ),
        ),
        migrations.AddField(
            model_name="orderevent",
            name="machine",
            field=models.CharField(
                blank=True,
                choices=[("payment", "Payment"), ("fulfilment", "Fulfilment")],
                max_length=16,
                verbose_name="state machine",
            ),
        ),
    ]

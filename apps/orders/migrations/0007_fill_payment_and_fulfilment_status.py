from django.db import migrations

PAYMENT_EVENTS = {"paid", "refunded", "partially_refunded"}
# Old statuses as each machine now names them. An old refund's "from" was wherever the goods
# were: money had come in, so for the payment machine it was "paid".
PAYMENT_VALUES = {
    "pending_payment": "unpaid",
    "paid": "paid",
    "partially_refunded": "partly_refunded",
    "refunded": "refunded",
}
FULFILMENT_VALUES = {"pending_payment": "awaiting_payment", "paid": "to_pick"}


def _payment_status(order) -> str:
    if order.refunded_amount > 0 and order.refunded_amount >= order.total_amount:
        return "refunded"
    if order.refunded_amount > 0:
        return "partly_refunded"
    if order.paid_at is not None:
        return "paid"
    return "unpaid"


def _fulfilment_status(order) -> str:
    status = order.status
    if status == "pending_payment":
        return "to_pick" if order.payment_method == "cod" else "awaiting_payment"
    if status == "paid":
        return "to_pick"
    if status in {"picking", "shipped", "delivered", "completed", "cancelled"}:
        return status
    # "refunded" and "partially_refunded" hid where the goods were: the dates tell.
    if order.delivered_at is not None:
        return "delivered"
    if order.shipped_at is not None:
        return "shipped"
    if status == "refunded":
        return "cancelled"  # refunded in full before shipping: nothing left to send
    return "to_pick"  # partly refunded before shipping: the rest still to be packed


def split_status(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    OrderEvent = apps.get_model("orders", "OrderEvent")
    for order in Order.objects.all().iterator(chunk_size=500):
        order.payment_status = _payment_status(order)
        order.fulfilment_status = _fulfilment_status(order)
        order.save(update_fields=["payment_status", "fulfilment_status"])
    for event in OrderEvent.objects.filter(kind="status").iterator(chunk_size=500):
        if event.to_status in PAYMENT_EVENTS:
            event.machine = "payment"
            if event.from_status:
                event.from_status = PAYMENT_VALUES.get(event.from_status, "paid")
            event.to_status = PAYMENT_VALUES[event.to_status]
        else:
            event.machine = "fulfilment"
            event.from_status = FULFILMENT_VALUES.get(event.from_status, event.from_status)
            event.to_status = FULFILMENT_VALUES.get(event.to_status, event.to_status)
        event.save(update_fields=["machine", "from_status", "to_status"])


def join_status(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    for order in Order.objects.all().iterator(chunk_size=500):
        if order.payment_status in {"refunded", "partly_refunded"}:
            status = "refunded" if order.payment_status == "refunded" else "partially_refunded"
        elif order.fulfilment_status in {"awaiting_payment", "to_pick"}:
            status = "paid" if order.payment_status == "paid" else "pending_payment"
        else:
            status = order.fulfilment_status
        order.status = status
        order.save(update_fields=["status"])


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0006_order_payment_and_fulfilment_status"),
    ]

    operations = [migrations.RunPython(split_status, join_status)]

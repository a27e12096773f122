from celery import shared_task

from apps.core.outbox import outbox_claim
from apps.orders import emails, services
from apps.orders.models import Order


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def order_email_send(
    order_id: int, kind: str, line_id: int | None = None, outbox_id: int | None = None
) -> None:
    with outbox_claim(outbox_id) as due:
        order = Order.objects.filter(pk=order_id).first()
        if due and order is not None:
            emails.send_order_email(order=order, kind=kind, line_id=line_id)


@shared_task
def orders_expire_unpaid() -> int:
    return services.orders_expire_unpaid()


@shared_task
def orders_complete_delivered() -> int:
    return services.orders_complete_delivered()

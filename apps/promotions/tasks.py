from celery import shared_task

from apps.core.outbox import outbox_claim
from apps.orders.models import Order
from apps.promotions import emails, services
from apps.promotions.models import GroupBuy


@shared_task
def group_buys_settle_due() -> int:
    return services.group_buys_settle_due()


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def group_buy_email_send(group_buy_id: int, order_id: int, outbox_id: int | None = None) -> None:
    with outbox_claim(outbox_id) as due:
        group_buy = GroupBuy.objects.select_related("sku__product").filter(pk=group_buy_id).first()
        order = Order.objects.filter(pk=order_id).first()
        if due and group_buy is not None and order is not None:
            emails.group_buy_failed_email(group_buy=group_buy, order=order).send()

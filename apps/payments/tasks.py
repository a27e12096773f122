from celery import shared_task

from apps.core.outbox import outbox_claim
from apps.payments import services
from apps.payments.gateways.base import GatewayError
from apps.payments.models import Refund


@shared_task
def payments_settle_unnotified() -> int:
    return services.payments_settle_unnotified()


@shared_task(autoretry_for=(GatewayError,), retry_backoff=True, max_retries=8)
def payment_refund_send(refund_id: int, reason: str = "", outbox_id: int | None = None) -> None:
    with outbox_claim(outbox_id) as due:
        refund = Refund.objects.select_related("order").filter(pk=refund_id).first()
        if due and refund is not None:
            services.payment_refund_send(refund=refund, reason=reason)

from celery import shared_task

from apps.aftersales import emails
from apps.aftersales.models import ReturnRequest
from apps.core.outbox import outbox_claim


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def return_email_send(return_request_id: int, step: str, outbox_id: int | None = None) -> None:
    with outbox_claim(outbox_id) as due:
        return_request = ReturnRequest.objects.filter(pk=return_request_id).first()
        if due and return_request is not None:
            emails.send_return_email(return_request=return_request, step=step)

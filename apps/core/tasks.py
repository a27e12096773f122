from celery import shared_task

from apps.core import outbox


@shared_task
def outbox_flush() -> int:
    return outbox.outbox_flush()

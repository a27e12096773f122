from celery import shared_task

from apps.payments import services


@shared_task
def payments_settle_unnotified() -> int:
    return services.payments_settle_unnotified()

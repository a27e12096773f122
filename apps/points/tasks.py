from celery import shared_task

from apps.points import services


@shared_task
def points_expire() -> int:
    return services.points_expire()

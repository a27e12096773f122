from celery import shared_task

from apps.members import services


@shared_task
def members_recompute_tiers() -> int:
    return services.members_recompute_tiers()

from celery import shared_task

from apps.members import services


@shared_task
def members_recompute_tiers() -> int:
    return services.members_recompute_tiers()


@shared_task
def memberships_remind_renewal() -> int:
    return services.memberships_remind_renewal()

from django.core.management.base import BaseCommand

from apps.promotions.services import group_buys_settle_due


class Command(BaseCommand):
    help = (
        "Settle group buys whose deadline has come: success sends their paid orders to the pick"
        " list, failure cancels and refunds every order (cron; safe to run twice)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"settled: {group_buys_settle_due()}")

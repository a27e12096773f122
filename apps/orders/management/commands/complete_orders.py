from django.core.management.base import BaseCommand

from apps.orders.services import orders_complete_delivered


class Command(BaseCommand):
    help = "Complete delivered orders whose return window is over (nightly; safe to rerun)."

    def handle(self, *args, **options):
        self.stdout.write(f"completed: {orders_complete_delivered()}")

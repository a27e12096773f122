from django.core.management.base import BaseCommand

from apps.orders.services import orders_expire_unpaid


class Command(BaseCommand):
    help = "Cancel online orders unpaid past their payment window and release their stock (cron)."

    def handle(self, *args, **options):
        self.stdout.write(f"expired: {orders_expire_unpaid()}")

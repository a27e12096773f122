from django.core.management.base import BaseCommand

from apps.points.services import points_expire


class Command(BaseCommand):
    help = "Expire points older than SHOP_POINTS_EXPIRY_DAYS (nightly; safe to rerun)."

    def handle(self, *args, **options):
        self.stdout.write(f"members whose points expired: {points_expire()}")

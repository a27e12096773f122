from django.conf import settings
from django.core.management.base import BaseCommand

from apps.members.services import memberships_remind_renewal


class Command(BaseCommand):
    help = (
        "Email members whose paid membership ends within SHOP_MEMBERSHIP_REMIND_DAYS "
        f"(now {settings.SHOP_MEMBERSHIP_REMIND_DAYS}) and who have not renewed: once per "
        "membership period (daily; safe to rerun)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"renewal reminders sent: {memberships_remind_renewal()}")

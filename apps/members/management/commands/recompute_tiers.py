from django.core.management.base import BaseCommand

from apps.members.services import members_recompute_tiers


class Command(BaseCommand):
    help = "Move members to the VIP tier their 12-month spend reaches (nightly; safe to rerun)."

    def handle(self, *args, **options):
        self.stdout.write(f"tiers changed: {members_recompute_tiers()}")

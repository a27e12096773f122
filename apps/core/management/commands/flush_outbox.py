from django.core.management.base import BaseCommand

from apps.core.outbox import outbox_flush


class Command(BaseCommand):
    help = "Hand the broker every queued task (order emails...) it has not taken yet."

    def handle(self, *args, **options):
        self.stdout.write(f"{outbox_flush()} tasks handed over")

from django.core.management.base import BaseCommand

from apps.payments import services


class Command(BaseCommand):
    help = "Ask the payment providers about online orders whose payment notification never came."

    def handle(self, *args, **options):
        settled = services.payments_settle_unnotified()
        self.stdout.write(f"{settled} orders settled")

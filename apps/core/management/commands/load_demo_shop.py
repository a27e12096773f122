from django.core.management.base import BaseCommand

from apps.catalog.demo import load_bulk_products, load_catalog
from apps.community.demo import load_help_pages
from apps.members.demo import load_members
from apps.staff.demo import load_staff


class Command(BaseCommand):
    help = "Load the demo shop (idempotent): catalog, help pages, staff per role, members."

    def add_arguments(self, parser):
        parser.add_argument(
            "--products", type=int, default=0, help="Top the catalog up to this many products."
        )
        parser.add_argument("--no-images", action="store_true", help="Skip drawing pictures.")

    def handle(self, *args, products: int, no_images: bool, **options):
        count = load_catalog(with_images=not no_images)
        self.stdout.write(f"catalog: {count} demo products")
        self.stdout.write(f"help pages: {load_help_pages()}")
        self.stdout.write(f"staff users: {load_staff()}")
        self.stdout.write(f"members: {load_members()}")
        if products:
            added = load_bulk_products(total=products)
            self.stdout.write(f"bulk products added: {added}")
        self.stdout.write(self.style.SUCCESS("Demo shop ready."))

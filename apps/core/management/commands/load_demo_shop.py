from django.core.management.base import BaseCommand

from apps.catalog.demo import load_bulk_products, load_catalog
from apps.community.demo import load_help_pages
from apps.members.demo import load_members, load_membership_plan
from apps.members.models import User
from apps.orders.demo import load_pickup_points
from apps.points.demo import load_points
from apps.promotions.demo import load_flash_sales_and_group_buys, load_promotions
from apps.segments.demo import load_segments
from apps.staff.demo import DEMO_STAFF, load_staff


class Command(BaseCommand):
    help = (
        "Load the demo shop: creates the demo catalog, help pages, staff per role, members,"
        " pickup points, customer segments and the demo campaign that are missing, and never"
        " changes rows that exist (safe to run on every start)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--products", type=int, default=0, help="Top the catalog up to this many products."
        )
        parser.add_argument("--no-images", action="store_true", help="Skip drawing pictures.")

    def handle(self, *args, products: int, no_images: bool, **options):
        count = load_catalog(with_images=not no_images)
        self.stdout.write(f"catalog: {count} demo products")
        self.stdout.write(f"help pages: {load_help_pages()}")
        # load_staff puts every demo account back in its demo role, so it runs only while an
        # account is missing: a role an operator changed survives the next `make run`.
        # (Role permissions themselves are synced after every migrate.)
        existing = User.objects.filter(email__in=DEMO_STAFF.values()).count()
        staff = load_staff() if existing < len(DEMO_STAFF) else existing
        self.stdout.write(f"staff users: {staff}")
        self.stdout.write(f"members: {load_members()}")
        self.stdout.write(f"membership plan: {load_membership_plan(with_images=not no_images)}")
        self.stdout.write(f"members given demo points: {load_points()}")
        self.stdout.write(f"pickup points: {load_pickup_points()}")
        self.stdout.write(f"customer segments: {load_segments()}")
        self.stdout.write(f"promotions: {load_promotions()}")
        self.stdout.write(f"flash sale and group buy: {load_flash_sales_and_group_buys()}")
        if products:
            added = load_bulk_products(total=products)
            self.stdout.write(f"bulk products added: {added}")
        self.stdout.write(self.style.SUCCESS("Demo shop ready."))

"""Reads of orders shared by pages, admin and tasks; a member's orders are always filtered by
that member, and a lookup by number always needs the matching contact."""

import hmac
from datetime import date, datetime, time

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Sum
from django.utils import timezone

from apps.core.choices import ShippingMethod
from apps.orders.choices import FulfilmentStatus
from apps.orders.models import Order, OrderEvent, OrderLine, PickupPoint
from apps.promotions.models import GroupBuy


def orders_for_member(*, member) -> QuerySet[Order]:
    return (
        Order.objects.filter(member=member)
        .annotate(item_count=Sum("lines__quantity"))
        .order_by("-created_at", "-id")
    )


def order_with_details(*, number: str) -> Order | None:
    return (
        Order.objects.filter(number=number)
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.select_related("sku__product")),
            Prefetch("events", queryset=OrderEvent.objects.exclude(kind=OrderEvent.Kind.NOTE)),
        )
        .first()
    )


def order_for_viewer(*, number: str, user, session_numbers: list[str]) -> Order | None:
    """The order if this visitor may see it: its member, or the guest session that placed it."""
    order = order_with_details(number=number)
    if order is None:
        return None
    if user.is_authenticated and order.member_id == user.pk:
        return order
    if order.member_id is None and number in session_numbers:
        return order
    return None


def pickup_points_active() -> list[PickupPoint]:
    """The pickup points offered at checkout, in the back office's order (one query)."""
    return list(PickupPoint.objects.filter(is_active=True))


def pickup_point_active(*, point_id: int | None) -> PickupPoint | None:
    """One pickup point still offered at checkout; None for an unknown or retired one."""
    if point_id is None:
        return None
    return PickupPoint.objects.filter(pk=point_id, is_active=True).first()


def _normalise_contact(contact: str) -> str:
    return contact.strip().lower().replace(" ", "").replace("-", "")


def order_lookup(*, number: str, contact: str) -> Order | None:
    """The order whose number and phone or email both match, else None. The contact check
    takes the same time whether or not the number exists."""
    number = number.strip()[:20]
    order = order_with_details(number=number) if number.isdigit() else None
    wanted = _normalise_contact(contact).encode()
    phone = _normalise_contact(order.phone if order else "x" * 11).encode()
    email = _normalise_contact(order.email if order else "nobody@example.invalid").encode()
    matches = hmac.compare_digest(wanted, phone) | hmac.compare_digest(wanted, email)
    return order if order is not None and matches and wanted else None


def lines_to_deliver() -> QuerySet[OrderLine]:
    """Order lines of products that are shipped: what the warehouse packs (a membership
    bought beside a kettle is not)."""
    return OrderLine.objects.filter(sku__product__requires_delivery=True)


def orders_for_packing(orders: QuerySet[Order]) -> QuerySet[Order]:
    """Of these orders, those with something to pack, each with only the lines to pack
    (prefetched): orders with nothing to deliver never reach pick lists or packing slips, nor
    do orders of a group buy that is still open."""
    return (
        orders.filter(Exists(lines_to_deliver().filter(order=OuterRef("pk"))))
        .exclude(shipping_method=ShippingMethod.NONE)
        # Held until their group buy succeeds (apps.promotions settles it at its deadline).
        .exclude(group_buy_link__group_buy__status=GroupBuy.Status.OPEN)
        .prefetch_related(Prefetch("lines", queryset=lines_to_deliver()))
        .order_by("created_at")
    )


def pick_list_for_day(*, day: date) -> dict:
    """Orders ready to pack or being packed (paid, partly refunded, or cash on delivery: the
    fulfilment status says so) placed up to the end of `day`, and the SKUs to fetch from the
    shelves with quantities (less what was refunded) and order numbers. Lines of products
    that are never shipped are left out, and so are orders holding nothing else."""
    end = timezone.make_aware(datetime.combine(day, time.max))
    orders = list(
        orders_for_packing(
            Order.objects.filter(
                fulfilment_status__in=[FulfilmentStatus.TO_PICK, FulfilmentStatus.PICKING],
                created_at__lte=end,
            )
        )
    )
    skus: dict[str, dict] = {}
    for order in orders:
        for line in order.lines.all():
            quantity = line.quantity - line.refunded_quantity
            if quantity <= 0:
                continue
            row = skus.setdefault(
                line.sku_code,
                {
                    "sku_code": line.sku_code,
                    "product_name": line.product_name,
                    "options": line.sku_options,
                    "quantity": 0,
                    "orders": [],
                },
            )
            row["quantity"] += quantity
            row["orders"].append(order.number)
    return {"orders": orders, "skus": sorted(skus.values(), key=lambda row: row["sku_code"])}


def orders_with_notes_to_review() -> QuerySet[Order]:
    return Order.objects.exclude(customer_note="").filter(
        fulfilment_status__in=[
            FulfilmentStatus.AWAITING_PAYMENT,
            FulfilmentStatus.TO_PICK,
            FulfilmentStatus.PICKING,
        ]
    )


def order_status_counts() -> dict[str, int]:
    """How many orders are in each fulfilment status."""
    return dict(Order.objects.order_by().values_list("fulfilment_status").annotate(n=Count("id")))


# Returns and exchanges ------------------------------------------------------------------------

# Orders whose goods the shopper holds: delivered, completed, or partly refunded after delivery.

"""Reads of orders shared by pages, admin and tasks; a member's orders are always filtered by
that member, and a lookup by number always needs the matching contact."""

import hmac
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext

from apps.catalog.models import Sku
from apps.orders.choices import OrderStatus, PaymentMethod
from apps.orders.models import (
    RETURN_OPEN_STATUSES,
    Order,
    OrderEvent,
    OrderLine,
    ReturnLine,
    ReturnRequest,
)


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


def pick_list_for_day(*, day: date) -> dict:
    """Orders ready to pack (paid, being packed, or cash on delivery) placed up to the end of
    `day`, and the SKUs to fetch from the shelves with quantities and order numbers."""
    end = timezone.make_aware(datetime.combine(day, time.max))
    ready = Q(status__in=[OrderStatus.PAID, OrderStatus.PICKING]) | Q(
        status=OrderStatus.PENDING_PAYMENT, payment_method=PaymentMethod.CASH_ON_DELIVERY
    )
    orders = list(
        Order.objects.filter(ready, created_at__lte=end)
        .order_by("created_at")
        .prefetch_related("lines")
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
        status__in=[OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, OrderStatus.PICKING]
    )


def order_status_counts() -> dict[str, int]:
    return dict(Order.objects.values_list("status").annotate(n=Count("id")))


# Returns and exchanges ------------------------------------------------------------------------

# Orders whose goods the shopper holds: delivered, completed, or partly refunded after delivery.
RETURNABLE_ORDER_STATUSES = {
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
    OrderStatus.PARTIALLY_REFUNDED,
}


@dataclass
class ReturnableLine:
    line: OrderLine
    # Bought, less refunded; zero while the line is in an open request.
    available: int
    # What an exchange may send instead: the same SKU, or another option of the same product
    # on sale at the price paid.
    replacements: list[Sku]


@dataclass
class OrderAfterSales:
    requests: list[ReturnRequest]
    refusal: str
    can_request: bool


def order_return_refusal(*, order: Order, now=None) -> str:
    """Why no return or exchange can be asked for on this order now, or "" if one can: the
    order must have been delivered, and today (shop time) must be at most SHOP_RETURN_DAYS
    calendar days after the day of delivery."""
    if order.delivered_at is None or order.status not in RETURNABLE_ORDER_STATUSES:
        return gettext("Returns and exchanges can be asked for once the order is delivered.")
    today = timezone.localdate(now or timezone.now())
    if today > order.return_deadline:
        return gettext(
            "Returns and exchanges can be asked for up to %(days)d days after delivery: the "
            "last day was %(date)s."
        ) % {"days": settings.SHOP_RETURN_DAYS, "date": order.return_deadline.isoformat()}
    return ""


def order_returnable_lines(*, order: Order) -> list[ReturnableLine]:
    lines = list(order.lines.all())
    held = set(
        ReturnLine.objects.filter(
            order_line__order=order, request__status__in=RETURN_OPEN_STATUSES
        ).values_list("order_line_id", flat=True)
    )
    product_of = dict(
        Sku.objects.filter(pk__in={line.sku_id for line in lines}).values_list("pk", "product_id")
    )
    options: dict[int, list[Sku]] = {}
    for sku in Sku.objects.filter(product_id__in=set(product_of.values())).order_by(
        "sort_order", "pk"
    ):
        options.setdefault(sku.product_id, []).append(sku)
    return [
        ReturnableLine(
            line=line,
            available=0 if line.pk in held else line.quantity - line.refunded_quantity,
            replacements=[
                sku
                for sku in options.get(product_of[line.sku_id], [])
                if sku.pk == line.sku_id or (sku.is_active and sku.price == line.unit_price)
            ],
        )
        for line in lines
    ]


def order_after_sales(*, order: Order, now=None) -> OrderAfterSales:
    """The order's returns and exchanges, and whether the shopper may ask for another."""
    refusal = order_return_refusal(order=order, now=now)
    can_request = not refusal and any(
        item.available for item in order_returnable_lines(order=order)
    )
    return OrderAfterSales(
        requests=list(order.return_requests.order_by("-created_at", "-id")),
        refusal=refusal,
        can_request=can_request,
    )


def return_request_for_order(*, order: Order, number: str) -> ReturnRequest | None:
    return (
        ReturnRequest.objects.filter(order=order, number=number)
        .select_related("order")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=ReturnLine.objects.select_related("order_line", "replacement_sku"),
            ),
            "photos",
            "events",
        )
        .first()
    )

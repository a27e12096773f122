"""Reads for returns and exchanges: whether an order may still be returned, what of it, and
a request with everything its page shows."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext

from apps.aftersales.models import RETURN_OPEN_STATUSES, ReturnLine, ReturnRequest
from apps.catalog.models import Sku
from apps.orders.choices import FulfilmentStatus, PaymentStatus
from apps.orders.models import Order, OrderLine

# The shopper holds the goods (delivered; completed orders are past the window anyway) and
# has not had all the money back.
RETURNABLE_FULFILMENT_STATUSES = {FulfilmentStatus.DELIVERED, FulfilmentStatus.COMPLETED}
RETURNABLE_PAYMENT_STATUSES = {PaymentStatus.PAID, PaymentStatus.PARTLY_REFUNDED}


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
    if (
        order.delivered_at is None
        or order.fulfilment_status not in RETURNABLE_FULFILMENT_STATUSES
        or order.payment_status not in RETURNABLE_PAYMENT_STATUSES
    ):
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

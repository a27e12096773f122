"""Reads for the back office: each role's work of today, as counts of the queues the index
links to. A queue is defined once here; the changelist filter its card opens (orders'
"work" filter, returns' "state" filter, SKUs' "low stock" filter) applies the same rule."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from apps.aftersales.models import ReturnRequest, ReturnStatus
from apps.catalog.selectors import low_stock_skus
from apps.core.choices import ShippingMethod
from apps.orders.choices import FulfilmentStatus
from apps.orders.models import Order
from apps.staff.services import member_roles

# Paid (or cash on delivery) and not yet handed to the courier: the pick list's orders
# (an order with nothing to deliver is completed once paid, and is never one of them).
ORDERS_TO_SHIP = Q(fulfilment_status__in=[FulfilmentStatus.TO_PICK, FulfilmentStatus.PICKING]) & ~Q(
    shipping_method=ShippingMethod.NONE
)
# A note on an order still in the warehouse may change what is packed or when it is sent.
HAS_NOTE = ~Q(customer_note="")
ORDERS_TO_SHIP_WITH_NOTE = ORDERS_TO_SHIP & HAS_NOTE
# Requests the shop must answer (approve or reject) or inspect (goods back at the shop);
# approved requests wait for the shopper to send the goods.
RETURNS_WAITING = Q(status__in=[ReturnStatus.REQUESTED, ReturnStatus.RECEIVED])


@dataclass(frozen=True)
class Queue:
    label: str
    permission: str
    changelist: str
    query: dict[str, str]


QUEUES = {
    "orders_to_ship": Queue(
        _("Orders to ship"), "orders.view_order", "orders_order", {"work": "to_ship"}
    ),
    "returns_waiting": Queue(
        _("Returns and exchanges waiting"),
        "aftersales.view_returnrequest",
        "aftersales_returnrequest",
        {"state": "waiting"},
    ),
    "orders_with_note": Queue(
        _("Customer notes on orders to ship"),
        "orders.view_order",
        "orders_order",
        {"work": "note"},
    ),
    "low_stock_skus": Queue(
        _("SKUs low on stock"), "catalog.view_sku", "catalog_sku", {"low_stock": "yes"}
    ),
}

# The queues each role opens the day with. The store manager and superusers see them all.
ROLE_QUEUES = {
    "warehouse": ["orders_to_ship"],
    "aftersales_service": ["returns_waiting", "orders_with_note"],
    "store_assistant": ["low_stock_skus"],
}
EVERY_QUEUE_ROLES = {"store_manager"}


@dataclass(frozen=True)
class WorkCard:
    key: str
    label: str
    count: int
    url: str


def queues_for_user(*, user) -> list[str]:
    """The queue keys shown to a staff member, in QUEUES order, only those whose list they
    may open."""
    if user.is_superuser:
        wanted = set(QUEUES)
    else:
        roles = set(member_roles(member=user))
        if roles & EVERY_QUEUE_ROLES:
            wanted = set(QUEUES)
        else:
            wanted = {key for role in roles for key in ROLE_QUEUES.get(role, [])}
    return [key for key in QUEUES if key in wanted and user.has_perm(QUEUES[key].permission)]


def queue_counts(*, keys: list[str]) -> dict[str, int]:
    """How many rows each queue holds: one query per table, each on its indexed status."""
    counts = {}
    if {"orders_to_ship", "orders_with_note"} & set(keys):
        counts.update(
            Order.objects.filter(ORDERS_TO_SHIP).aggregate(
                orders_to_ship=Count("pk"), orders_with_note=Count("pk", filter=HAS_NOTE)
            )
        )
    if "returns_waiting" in keys:
        counts["returns_waiting"] = ReturnRequest.objects.filter(RETURNS_WAITING).count()
    if "low_stock_skus" in keys:
        counts["low_stock_skus"] = low_stock_skus().count()
    return counts


def todays_work(*, user) -> list[WorkCard]:
    """The cards on the back office's index for this staff member: each queue of their roles
    with its count and a link to its filtered list."""
    keys = queues_for_user(user=user)
    counts = queue_counts(keys=keys)
    return [
        WorkCard(
            key=key,
            label=QUEUES[key].label,
            count=counts[key],
            url=f"{reverse(f'admin:{QUEUES[key].changelist}_changelist')}?"
            f"{urlencode(QUEUES[key].query)}",
        )
        for key in keys
    ]

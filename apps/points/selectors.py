"""Reads of a member's points; every query is filtered by the member."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from apps.points import rules
from apps.points.models import PointsAccount, PointsEntry


def points_balance(*, member) -> int:
    """The member's balance (0 for a guest or a member who never had points)."""
    if not getattr(member, "is_authenticated", False):
        return 0
    found = PointsAccount.objects.filter(member=member).values_list("balance", flat=True)
    return found.first() or 0


def points_ledger(*, member) -> QuerySet[PointsEntry]:
    """The member's ledger, newest first (only theirs: every read starts here)."""
    return PointsEntry.objects.filter(member=member).order_by("-created_at", "-id")


@dataclass(frozen=True)
class NextExpiry:
    points: int
    on: datetime


def points_next_expiry(*, member, now: datetime | None = None) -> NextExpiry | None:
    """The points that expire next and the day they do (None when nothing is left)."""
    now = now or timezone.now()
    first = (
        PointsEntry.objects.filter(member=member, remaining__gt=0, expires_at__gt=now)
        .annotate(day=TruncDate("expires_at"))
        .values("day")
        .annotate(points=Sum("remaining"))
        .order_by("day")
        .first()
    )
    return NextExpiry(points=first["points"], on=first["day"]) if first else None


def points_used_for_order(*, order) -> int:
    """The points an order was paid with (0 when none)."""
    found = PointsEntry.objects.filter(order=order, kind=PointsEntry.Kind.SPENT).values_list(
        "points", flat=True
    )
    return -(found.first() or 0)


@dataclass(frozen=True)
class CheckoutPoints:
    """What the checkout's "use points" field offers: the balance, and the most of it this
    order can use (`offer.points`, saving `offer.amount`)."""

    balance: int
    offer: rules.PointsOffer
    # The shop's terms, for the sentence under the field.
    points_per_yuan: int = 100
    max_percent: Decimal = Decimal("50")


def points_checkout_offer(*, member, pricing) -> CheckoutPoints | None:
    """For a member with points: the points this cart (priced without points, so with every
    other discount) can use. None for a guest or an empty balance."""
    balance = points_balance(member=member)
    if balance <= 0:
        return None
    return CheckoutPoints(
        balance=balance,
        offer=rules.points_offer(lines=pricing.purchasable_lines, available=balance),
        points_per_yuan=settings.SHOP_POINTS_PER_YUAN_REDEEMED,
        max_percent=settings.SHOP_POINTS_MAX_REDEEM_PERCENT,
    )


@dataclass(frozen=True)
class OrderPoints:
    """An order's points line: `label` ("1,200 points used") and what they paid, beside the
    order's other savings (its discounts less the points)."""

    points: int
    amount: Decimal
    label: str
    other_savings: Decimal


def order_points(*, order) -> OrderPoints | None:
    from apps.points.pricing import points_label

    points = points_used_for_order(order=order)
    if not points:
        return None
    amount = rules.amount_for_points(points)
    return OrderPoints(
        points=points,
        amount=amount,
        label=points_label(points),
        other_savings=max(order.discount_amount - amount, Decimal("0.00")),
    )

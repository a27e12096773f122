"""Reads of a member's points; every query is filtered by the member."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

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

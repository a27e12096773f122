"""Reads of referral sharing: a member's own shares (every query filtered by the sharer) and
the shop's top sharers for staff."""

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from apps.referrals.models import Referral, ReferralVisit, ShareCode


@dataclass(frozen=True)
class ShareSummary:
    visits: int
    signups: int
    orders: int
    points: int


def share_summary(*, member) -> ShareSummary:
    """Visits, sign-ups, orders and points (given less taken back) the member's links
    brought: two queries."""
    visits = ReferralVisit.objects.filter(sharer=member).count()
    by_kind = {
        row["kind"]: row
        for row in Referral.objects.filter(sharer=member)
        .values("kind")
        .annotate(count=Count("pk"), given=Sum("points_awarded"), back=Sum("points_reversed"))
    }
    signups, orders = by_kind.get(Referral.Kind.SIGNUP, {}), by_kind.get(Referral.Kind.ORDER, {})
    points = sum((row["given"] or 0) - (row["back"] or 0) for row in by_kind.values())
    return ShareSummary(
        visits=visits,
        signups=signups.get("count", 0),
        orders=orders.get("count", 0),
        points=points,
    )


def shared_pages(*, member, limit: int = 10) -> list[dict]:
    """The member's most visited shared pages: {"path", "visits"}."""
    return list(
        ReferralVisit.objects.filter(sharer=member)
        .values("path")
        .annotate(visits=Count("pk"))
        .order_by("-visits", "path")[:limit]
    )


def referrals_of(*, member) -> QuerySet[Referral]:
    """What the member's links brought, newest first, with the orders' numbers and states."""
    return (
        Referral.objects.filter(sharer=member)
        .select_related("order")
        .only(
            "kind",
            "created_at",
            "points_awarded",
            "points_reversed",
            "rewarded_at",
            "order__number",
            "order__payment_status",
        )
    )


def _count(queryset, column: str = "pk"):
    return Coalesce(
        Subquery(
            queryset.order_by().values("sharer").annotate(total=Count(column)).values("total"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def top_sharers() -> QuerySet[ShareCode]:
    """Every share code with its visits, sign-ups, orders and points kept, most points first
    (one query; each count a subquery, so the counts never multiply)."""
    mine = {"sharer": OuterRef("member_id")}
    referrals = Referral.objects.filter(**mine)
    points = (
        referrals.order_by()
        .values("sharer")
        .annotate(total=Sum("points_awarded") - Sum("points_reversed"))
        .values("total")
    )
    return (
        ShareCode.objects.select_related("member")
        .annotate(
            visit_count=_count(ReferralVisit.objects.filter(**mine)),
            signup_count=_count(referrals.filter(kind=Referral.Kind.SIGNUP)),
            order_count=_count(referrals.filter(kind=Referral.Kind.ORDER)),
            points_kept=Coalesce(Subquery(points, output_field=IntegerField()), Value(0)),
        )
        .order_by("-points_kept", "-order_count", "-visit_count", "pk")
    )

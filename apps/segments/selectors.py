"""Who is in a segment, as one query: each member's order figures are correlated
subqueries over apps.orders (never a Python loop over members), and each segment's rule is
a condition on them (see apps.segments.models for the definitions)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.aftersales.models import ReturnRequest
from apps.members.models import Tier, User
from apps.orders.choices import PaymentStatus
from apps.orders.models import Order, OrderLine
from apps.segments.models import Segment, SegmentKind

# Money came in and was not all refunded.
PAID_ORDER_STATUSES = (PaymentStatus.PAID, PaymentStatus.PARTLY_REFUNDED)
AMOUNT = DecimalField(max_digits=12, decimal_places=2)


def twelve_months_before(moment: datetime) -> datetime:
    """The same calendar day and time a year earlier, in shop time (29 February → 28th)."""
    local = timezone.localtime(moment)
    try:
        return local.replace(year=local.year - 1)
    except ValueError:
        return local.replace(year=local.year - 1, day=28)


def _paid_orders_of_member() -> QuerySet[Order]:
    return Order.objects.filter(member=OuterRef("pk"), payment_status__in=PAID_ORDER_STATUSES)


def _per_member(orders: QuerySet[Order], **aggregate) -> Subquery:
    """One aggregate of a member's orders, as a correlated subquery."""
    (name,) = aggregate
    return Subquery(orders.order_by().values("member").annotate(**aggregate).values(name))


def members_with_order_figures(
    members: QuerySet[User] | None = None, *, now: datetime | None = None
) -> QuerySet[User]:
    """Members annotated with `paid_orders_12m`, `spend_12m` (totals less refunds) and
    `last_paid_at` (their latest paid order, ever; None if they never paid one)."""
    now = now or timezone.now()
    members = User.objects.filter(is_active=True) if members is None else members
    recent = _paid_orders_of_member().filter(paid_at__gte=twelve_months_before(now))
    return members.annotate(
        paid_orders_12m=Coalesce(
            _per_member(recent, count=Count("pk")), Value(0), output_field=IntegerField()
        ),
        spend_12m=Coalesce(
            _per_member(
                recent, spend=Sum(F("total_amount") - F("refunded_amount"), output_field=AMOUNT)
            ),
            Value(Decimal("0.00")),
            output_field=AMOUNT,
        ),
        last_paid_at=_per_member(_paid_orders_of_member(), last=Max("paid_at")),
    )


def _loyal(orders: int, spend: Decimal) -> Q:
    return Q(paid_orders_12m__gte=orders, spend_12m__gte=spend)


def segment_condition(segment: Segment, *, now: datetime | None = None) -> Q:
    """The segment's rule as a condition on members_with_order_figures()."""
    now = now or timezone.now()
    kind = segment.kind
    if kind == SegmentKind.LOYAL:
        return _loyal(segment.min_paid_orders, segment.min_spend_amount)
    if kind == SegmentKind.GENERAL:
        return Q(last_paid_at__isnull=False) & ~_loyal(*segment.loyal_thresholds)
    if kind == SegmentKind.SILENT:
        return Q(last_paid_at__lt=now - timedelta(days=segment.silent_days))
    if kind in (SegmentKind.BOUGHT_CATEGORY, SegmentKind.BOUGHT_SERIES):
        lines = OrderLine.objects.filter(
            order__member=OuterRef("pk"),
            order__payment_status__in=PAID_ORDER_STATUSES,
            refunded_quantity__lt=F("quantity"),
        )
        if kind == SegmentKind.BOUGHT_CATEGORY:
            lines = lines.filter(
                Q(sku__product__category_id=segment.category_id)
                | Q(sku__product__category__parent_id=segment.category_id)
            )
        else:
            lines = lines.filter(sku__product__series_id=segment.series_id)
        return Q(Exists(lines))
    if kind == SegmentKind.TIER:
        # Members not yet placed in a tier hold the entry tier (threshold 0): apps.members.
        entry = Tier.objects.filter(pk=segment.tier_id, threshold_amount__lte=0)
        return Q(tier_id=segment.tier_id) | (Q(tier__isnull=True) & Q(Exists(entry)))
    raise ValueError(f"Unknown segment kind: {kind}")


def segment_members(segment: Segment, *, now: datetime | None = None) -> QuerySet[User]:
    """The segment's members, biggest spenders first, each with its order figures; one
    query however many members there are."""
    now = now or timezone.now()
    return (
        members_with_order_figures(now=now)
        .filter(segment_condition(segment, now=now))
        .order_by("-spend_12m", "email")
    )


def segment_count(segment: Segment, *, now: datetime | None = None) -> int:
    """How many members the segment holds (one query)."""
    return segment_members(segment, now=now).count()


@dataclass(frozen=True)
class CustomerProfile:
    paid_orders_12m: int
    spend_12m: Decimal
    last_paid_at: datetime | None
    returns_count: int
    segments: list[Segment]


def member_customer_profile(member: User, *, now: datetime | None = None) -> CustomerProfile:
    """A member's figures and segments for the back office: two queries (the segments, then
    the member with every segment's rule as a yes/no column), however many segments exist."""
    now = now or timezone.now()
    segments = list(Segment.objects.select_related("category", "series", "tier"))
    flags = {
        f"in_segment_{segment.pk}": Case(
            When(Q(is_active=True) & segment_condition(segment, now=now), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
        for segment in segments
    }
    returns = ReturnRequest.objects.filter(order__member=OuterRef("pk"))
    row = (
        members_with_order_figures(User.objects.filter(pk=member.pk), now=now)
        .annotate(
            returns_count=Coalesce(
                Subquery(
                    returns.order_by()
                    .values("order__member")
                    .annotate(count=Count("pk"))
                    .values("count")
                ),
                Value(0),
                output_field=IntegerField(),
            ),
        )
        .annotate(**flags)
        .values("paid_orders_12m", "spend_12m", "last_paid_at", "returns_count", *flags)
        .get()
    )
    return CustomerProfile(
        paid_orders_12m=row["paid_orders_12m"],
        spend_12m=row["spend_12m"],
        last_paid_at=row["last_paid_at"],
        returns_count=row["returns_count"],
        segments=[segment for segment in segments if row[f"in_segment_{segment.pk}"]],
    )

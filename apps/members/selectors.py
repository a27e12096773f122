"""Reads of a member's own data; every query here is filtered by the member. And the VIP
tiers, which are the shop's, not a member's."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, F, Min, OuterRef, QuerySet, Sum
from django.utils import timezone

from apps.core.kept import KeptPerVersion
from apps.core.money import money
from apps.members.models import Address, Membership, MembershipPlan, Tier, User


def addresses_for_member(*, member: User) -> QuerySet[Address]:
    """The member's address book, default first, then newest."""
    return Address.objects.filter(member=member)


def address_for_member(*, member: User, address_id: int) -> Address | None:
    """One of the member's own addresses; None for an unknown id and for anyone else's
    address alike, so ids reveal nothing."""
    return addresses_for_member(member=member).filter(pk=address_id).first()


# --- VIP tiers ------------------------------------------------------------------------------

# The tiers, kept by each worker until the catalog's version changes (every tier change bumps
# it, services.tiers_changed): pricing a member's page reads their tier from here and the
# tier id on their user row, so member prices cost no query.
_tiers: KeptPerVersion[tuple[Tier, ...]] = KeptPerVersion("catalog", size=4)


def tiers_all() -> tuple[Tier, ...]:
    """Every tier, lowest threshold first. Shared between requests: read, never change."""
    return _tiers.get("tiers", lambda: tuple(Tier.objects.order_by("threshold_amount", "pk")))


def tier_by_id(tier_id: int | None) -> Tier | None:
    return next((tier for tier in tiers_all() if tier.pk == tier_id), None)


def tier_for_spend(spend: Decimal, tiers: Sequence[Tier] | None = None) -> Tier | None:
    """The highest tier whose threshold the spend reaches (None when no tier is reached)."""
    tiers = tiers_all() if tiers is None else tiers
    reached = [tier for tier in tiers if spend >= tier.threshold_amount]
    return max(reached, key=lambda tier: tier.threshold_amount, default=None)


def higher_tier(*tiers: Tier | None) -> Tier | None:
    """The highest of these tiers (by threshold); None when all are None."""
    present = [tier for tier in tiers if tier is not None]
    return max(present, key=lambda tier: tier.threshold_amount, default=None)


def memberships_valid_at(now: datetime) -> QuerySet[Membership]:
    """Paid membership periods running at `now` (not revoked)."""
    return Membership.objects.filter(revoked_at__isnull=True, starts_at__lte=now, ends_at__gt=now)


def member_membership_tier(
    *, member: User, now: datetime | None = None, tiers: Sequence[Tier] | None = None
) -> Tier | None:
    """The highest tier a paid membership of the member's grants at `now` (None without
    one)."""
    now = now or timezone.now()
    tiers = tiers_all() if tiers is None else tiers
    granted = set(memberships_valid_at(now).filter(member=member).values_list("tier_id", flat=True))
    return higher_tier(*(tier for tier in tiers if tier.pk in granted))


def member_tier(member) -> Tier | None:
    """The member's tier as pages show it; a member not yet placed in one holds whatever a
    spend of nothing reaches (the entry tier), and a guest none."""
    if member is None or not getattr(member, "is_authenticated", False):
        return None
    return tier_by_id(member.tier_id) or tier_for_spend(Decimal("0.00"))


def best_discount_tier() -> Tier | None:
    """The tier with the largest discount: what "member prices from" quotes."""
    discounted = [tier for tier in tiers_all() if tier.has_discount]
    return max(discounted, key=lambda tier: tier.discount_percent, default=None)


def member_spend(*, member: User, now: datetime | None = None) -> tuple[Decimal, datetime | None]:
    """The member's paid spend, less refunds, over the tier window ending `now`, and when
    the oldest payment counted in it was made (None when nothing counts)."""
    from apps.orders.models import Order

    now = now or timezone.now()
    since = now - timedelta(days=settings.MEMBER_TIER_WINDOW_DAYS)
    totals = Order.objects.filter(member=member, paid_at__gt=since, paid_at__lte=now).aggregate(
        spend=Sum(F("total_amount") - F("refunded_amount")), oldest=Min("paid_at")
    )
    return money(totals["spend"] or 0), totals["oldest"]


@dataclass(frozen=True)
class TierProgress:
    """What the member centre's tier card shows."""

    tier: Tier | None
    spend: Decimal
    next_tier: Tier | None
    needed: Decimal
    # Spending `needed` before this day reaches the next tier (the day the oldest counted
    # payment leaves the 12-month window); None when nothing counts yet (any 12 months do).
    reach_by: date | None


def member_tier_progress(*, member: User, now: datetime | None = None) -> TierProgress:
    now = now or timezone.now()
    spend, oldest = member_spend(member=member, now=now)
    tier = member_tier(member)
    floor = tier.threshold_amount if tier is not None else Decimal("-1")
    higher = [candidate for candidate in tiers_all() if candidate.threshold_amount > floor]
    next_tier = higher[0] if higher else None
    needed = Decimal("0.00")
    if next_tier is not None:
        needed = max(next_tier.threshold_amount - spend, needed)
    reach_by = None
    if oldest is not None and next_tier is not None:
        # The last whole day on which every payment counted now still counts.
        drops_out = oldest + timedelta(days=settings.MEMBER_TIER_WINDOW_DAYS)
        reach_by = timezone.localdate(drops_out) - timedelta(days=1)
    return TierProgress(
        tier=tier, spend=spend, next_tier=next_tier, needed=money(needed), reach_by=reach_by
    )


# --- Paid memberships ----------------------------------------------------------------------


@dataclass(frozen=True)
class MembershipStatus:
    """What the member centre says about the member's paid membership."""

    tier: Tier
    # The end of the running period, or of the renewals that follow it without a gap.
    valid_until: datetime
    is_valid: bool
    renew_url: str
    remind_days: int


def member_membership_status(
    *, member: User, now: datetime | None = None
) -> MembershipStatus | None:
    """The member's running paid membership (the highest tier if several), or else the one
    that ended most recently within SHOP_MEMBERSHIP_LAPSED_SHOWN_DAYS; None without either.
    One query."""
    now = now or timezone.now()
    shown_since = now - timedelta(days=settings.SHOP_MEMBERSHIP_LAPSED_SHOWN_DAYS)
    periods = list(
        Membership.objects.filter(member=member, revoked_at__isnull=True, ends_at__gt=shown_since)
        .select_related("tier", "plan__sku__product")
        .order_by("starts_at", "id")
    )
    running = [period for period in periods if period.is_valid_at(now)]
    if running:
        current = max(running, key=lambda period: (period.tier.threshold_amount, period.ends_at))
    else:
        ended = [period for period in periods if period.ends_at <= now]
        if not ended:
            return None
        current = max(ended, key=lambda period: period.ends_at)
    valid_until = current.ends_at
    for period in periods:
        # Renewals of the same plan that start before the last one ends continue it.
        if period.plan_id == current.plan_id and period.starts_at <= valid_until:
            valid_until = max(valid_until, period.ends_at)
    return MembershipStatus(
        tier=current.tier,
        valid_until=valid_until,
        is_valid=bool(running),
        renew_url=current.plan.sku.product.get_absolute_url(),
        remind_days=settings.SHOP_MEMBERSHIP_REMIND_DAYS,
    )


def skus_needing_account(sku_ids: Iterable[int]) -> set[int]:
    """Those of these SKUs that only a signed-in member may buy: membership plans, since a
    membership is held by a member account (a guest's order would grant nothing). The cart
    and checkout ask before a guest adds or orders; one query, none for no SKUs."""
    wanted = set(sku_ids)
    if not wanted:
        return set()
    return set(MembershipPlan.objects.filter(sku_id__in=wanted).values_list("sku_id", flat=True))


def memberships_of_member(*, member: User) -> QuerySet[Membership]:
    """Every period the member paid for, newest first (revoked ones included)."""
    return Membership.objects.filter(member=member).select_related("tier", "plan__sku__product")


def memberships_due_for_reminder(*, now: datetime | None = None) -> QuerySet[Membership]:
    """Periods ending within SHOP_MEMBERSHIP_REMIND_DAYS whose member has not been reminded,
    has not renewed already (no later period of the same plan), and whose plan is still sold."""
    now = now or timezone.now()
    renewed = Membership.objects.filter(
        member=OuterRef("member"),
        plan=OuterRef("plan"),
        revoked_at__isnull=True,
        ends_at__gt=OuterRef("ends_at"),
    )
    return (
        Membership.objects.filter(
            reminded_at__isnull=True,
            revoked_at__isnull=True,
            ends_at__gt=now,
            ends_at__lte=now + timedelta(days=settings.SHOP_MEMBERSHIP_REMIND_DAYS),
            plan__is_active=True,
            plan__sku__product__is_published=True,
            member__is_active=True,
        )
        .exclude(Exists(renewed))
        .order_by("ends_at", "pk")
    )

"""Every write to members' points. Each one runs in a transaction that changes the ledger and
the balance together, holding the member's account row locked, so entries and balance never
disagree and two writers for one member take turns.

Rules:
- Earning: a member's paid order earns points on what was paid for the goods (not delivery),
  SHOP_POINTS_PER_YUAN per yuan times their tier's multiplier, once per order.
- Refunds: a refund takes back the same share of the points the order earned, and gives back
  the same share of the points it was paid with. Points already spent cannot be taken back:
  the reversal takes what is left (never below zero) and records the rest as a shortfall.
- Redeeming: points are taken when the order is placed, in its transaction; a cancelled (or
  expired) order gives them back. The balance never goes below zero: the debit is a
  conditional update, backed by a CHECK constraint.
- Expiry: each credit expires SHOP_POINTS_EXPIRY_DAYS after it was given; spending draws on
  the credits that expire first.
"""

import logging
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.points import rules
from apps.points.models import PointsAccount, PointsEntry, PointsTierRate

logger = logging.getLogger(__name__)

Kind = PointsEntry.Kind


class PointsError(Exception):
    """A points change refused, with a message for the shopper or operator."""


class NotEnoughPoints(PointsError):
    pass


def _expiry(now: datetime) -> datetime:
    return now + timedelta(days=settings.SHOP_POINTS_EXPIRY_DAYS)


def _account_locked(member_id: int) -> PointsAccount:
    """The member's account, created on first use, locked until the transaction ends."""
    PointsAccount.objects.get_or_create(member_id=member_id)
    return PointsAccount.objects.select_for_update().get(member_id=member_id)


def _credit(
    *,
    member_id: int,
    kind: str,
    points: int,
    reason: str,
    now: datetime,
    order=None,
    actor=None,
    expires_at: datetime | None = None,
) -> PointsEntry:
    """Add points (the account row must be locked by the caller)."""
    entry = PointsEntry.objects.create(
        member_id=member_id,
        kind=kind,
        points=points,
        remaining=points,
        reason=reason[:200],
        order=order,
        actor=actor,
        created_at=now,
        expires_at=expires_at or _expiry(now),
    )
    PointsAccount.objects.filter(member_id=member_id).update(balance=F("balance") + points)
    return entry


def _draw_on_credits(*, member_id: int, points: int) -> datetime | None:
    """Take `points` from the member's credits, soonest expiry first; returns the latest
    expiry drawn on. The caller has taken the points off the balance under its lock."""
    left, latest = points, None
    credits = (
        PointsEntry.objects.filter(member_id=member_id, remaining__gt=0)
        .order_by("expires_at", "id")
        .only("pk", "remaining", "expires_at")
    )
    changed = []
    for credit in credits.iterator(chunk_size=200):
        if left <= 0:
            break
        taken = min(left, credit.remaining)
        credit.remaining -= taken
        left -= taken
        latest = credit.expires_at
        changed.append(credit)
    PointsEntry.objects.bulk_update(changed, ["remaining"])
    return latest


def _debit(
    *,
    member_id: int,
    kind: str,
    points: int,
    reason: str,
    now: datetime,
    order=None,
    actor=None,
    take_what_is_left: bool = False,
) -> PointsEntry:
    """Take points off the balance. Strict debits (spending, staff deductions) take all or
    raise NotEnoughPoints; `take_what_is_left` (refund reversals) takes at most the balance
    and records the rest as the entry's shortfall."""
    wanted = points
    if take_what_is_left:
        balance = PointsAccount.objects.filter(member_id=member_id).values_list(
            "balance", flat=True
        )
        points = min(points, balance.first() or 0)
    # Conditional: of two debits at once, the second finds the balance already lowered (the
    # row is locked by the first until it commits) and changes nothing.
    taken = PointsAccount.objects.filter(member_id=member_id, balance__gte=points).update(
        balance=F("balance") - points
    )
    if not taken:
        raise NotEnoughPoints(_("You do not have enough points for that."))
    latest = _draw_on_credits(member_id=member_id, points=points) if points else None
    return PointsEntry.objects.create(
        member_id=member_id,
        kind=kind,
        points=-points,
        shortfall=wanted - points,
        reason=reason[:200],
        order=order,
        actor=actor,
        created_at=now,
        expires_at=latest,
    )


# --- checkout ---------------------------------------------------------------------------


def points_redeem(*, member, order, points: int, now: datetime | None = None) -> PointsEntry:
    """Pay part of an order with points, in the order's own transaction (order_place): if
    the order fails, the points stay. NotEnoughPoints when the balance no longer has them
    (another order took them a moment ago)."""
    now = now or timezone.now()
    if points <= 0:
        raise PointsError(_("Choose how many points to use."))
    with transaction.atomic():
        PointsAccount.objects.get_or_create(member_id=member.pk)
        entry = _debit(
            member_id=member.pk,
            kind=Kind.SPENT,
            points=points,
            reason=_("Order %(number)s") % {"number": order.number},
            order=order,
            now=now,
        )
    logger.info(
        "points.redeemed", extra={"member_id": member.pk, "order_id": order.pk, "points": points}
    )
    return entry


# --- orders: earn, reverse on refund, give back on cancel ---------------------------------


def _tier_multiplier(tier_id: int | None) -> Decimal:
    if tier_id is None:
        return Decimal(1)
    rate = PointsTierRate.objects.filter(tier_id=tier_id).values_list("multiplier", flat=True)
    found = rate.first()
    return Decimal(1) if found is None else found


def points_sync_for_order(*, order_id: int, now: datetime | None = None) -> list[PointsEntry]:
    """Bring the member's points in line with what the order's money did: earn on a paid
    order (once), take back the refunded share of what it earned, give back the refunded (or
    cancelled) share of what it was paid with. Each amount is a target compared with the
    ledger, so running this again, or late, writes nothing more. Returns the new entries."""
    from apps.orders.models import Order

    now = now or timezone.now()
    order = (
        Order.objects.filter(pk=order_id)
        .select_related("member")
        .only(
            "pk",
            "number",
            "member_id",
            "member__tier_id",
            "payment_status",
            "fulfilment_status",
            "paid_at",
            "total_amount",
            "shipping_amount",
            "refunded_amount",
        )
        .first()
    )
    if order is None or order.member_id is None:
        return []
    written: list[PointsEntry] = []
    with transaction.atomic():
        _account_locked(order.member_id)
        mine = PointsEntry.objects.filter(member_id=order.member_id, order_id=order.pk)
        totals = dict(
            mine.values("kind").annotate(points=Sum("points")).values_list("kind", "points")
        )
        shortfall = (
            mine.filter(kind=Kind.REFUND_REVERSAL).aggregate(total=Sum("shortfall"))["total"] or 0
        )
        number = {"number": order.number}
        earned = totals.get(Kind.EARNED, 0)
        if order.paid_at is not None and Kind.EARNED not in totals:
            goods = Decimal(order.total_amount) - Decimal(order.shipping_amount)
            earned = rules.points_earned_for(goods, _tier_multiplier(order.member.tier_id))
            if earned:
                written.append(
                    _credit(
                        member_id=order.member_id,
                        kind=Kind.EARNED,
                        points=earned,
                        reason=_("Order %(number)s paid") % number,
                        order=order,
                        now=now,
                    )
                )
        share = rules.order_refunded_share(order)
        reversed_so_far = -totals.get(Kind.REFUND_REVERSAL, 0) + shortfall
        to_reverse = rules.points_share(earned, share) - reversed_so_far
        if to_reverse > 0:
            written.append(
                _debit(
                    member_id=order.member_id,
                    kind=Kind.REFUND_REVERSAL,
                    points=to_reverse,
                    reason=_("Order %(number)s refunded") % number,
                    order=order,
                    now=now,
                    take_what_is_left=True,
                )
            )
        spent = -totals.get(Kind.SPENT, 0)
        to_restore = rules.points_share(spent, share) - totals.get(Kind.RESTORED, 0)
        if to_restore > 0:
            spent_entry = mine.filter(kind=Kind.SPENT).only("expires_at").first()
            written.append(
                _credit(
                    member_id=order.member_id,
                    kind=Kind.RESTORED,
                    points=to_restore,
                    reason=_("Order %(number)s cancelled or refunded") % number,
                    order=order,
                    now=now,
                    # Given back with the expiry they had: cancelling never extends it.
                    expires_at=spent_entry.expires_at if spent_entry else None,
                )
            )
    for entry in written:
        logger.info(
            "points.order_synced",
            extra={"order_id": order.pk, "kind": entry.kind, "points": entry.points},
        )
    return written


def points_sync_for_order_on_commit(*, order_id: int) -> None:
    """points_sync_for_order once the current transaction commits (the order's payment
    transition calls it when money moves). A failure is logged and never undoes the payment
    or refund; the next sync of the order catches up."""

    def sync() -> None:
        points_sync_for_order(order_id=order_id)

    transaction.on_commit(sync, robust=True)


# --- staff and rewards ------------------------------------------------------------------


def points_adjust(*, member, points: int, reason: str, actor, now: datetime | None = None):
    """Staff add (positive) or take (negative) points with a reason, recorded with who did
    it. Taking more than the member has is refused."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise PointsError(_("Give a reason for the change."))
    if points == 0:
        raise PointsError(_("Enter a number of points other than zero."))
    with transaction.atomic():
        _account_locked(member.pk)
        if points > 0:
            entry = _credit(
                member_id=member.pk,
                kind=Kind.ADJUSTED,
                points=points,
                reason=reason,
                actor=actor,
                now=now,
            )
        else:
            try:
                entry = _debit(
                    member_id=member.pk,
                    kind=Kind.ADJUSTED,
                    points=-points,
                    reason=reason,
                    actor=actor,
                    now=now,
                )
            except NotEnoughPoints:
                raise NotEnoughPoints(
                    _("The member has fewer than %(points)d points.") % {"points": -points}
                ) from None
    logger.info(
        "points.adjusted",
        extra={"member_id": member.pk, "points": points, "actor_id": getattr(actor, "pk", None)},
    )
    return entry


def points_reward(*, member_id: int, points: int, reason: str, order=None, now=None):
    """Give a referral reward (apps.referrals), expiring like earned points."""
    now = now or timezone.now()
    with transaction.atomic():
        _account_locked(member_id)
        return _credit(
            member_id=member_id,
            kind=Kind.REFERRAL,
            points=points,
            reason=reason,
            order=order,
            now=now,
        )


def points_reward_reverse(*, member_id: int, points: int, reason: str, order=None, now=None):
    """Take back a referral reward: what is left of it, never below zero (the rest is the
    entry's shortfall)."""
    now = now or timezone.now()
    with transaction.atomic():
        _account_locked(member_id)
        return _debit(
            member_id=member_id,
            kind=Kind.REFERRAL,
            points=points,
            reason=reason,
            order=order,
            now=now,
            take_what_is_left=True,
        )


# --- expiry -----------------------------------------------------------------------------


def points_expire(*, now: datetime | None = None) -> int:
    """Expire what is left of every credit whose date has passed, one entry per member
    (Celery beat nightly and `manage.py expire_points`). Idempotent: expired credits have
    nothing left, so a second run finds nothing. Returns how many members lost points."""
    now = now or timezone.now()
    due = PointsEntry.objects.filter(remaining__gt=0, expires_at__lte=now)
    member_ids = sorted(set(due.values_list("member_id", flat=True)))
    expired_members = 0
    for member_id in member_ids:
        with transaction.atomic():
            _account_locked(member_id)
            credits = list(
                due.filter(member_id=member_id).select_for_update().only("pk", "remaining")
            )
            points = sum(credit.remaining for credit in credits)
            if not points:
                continue
            PointsEntry.objects.filter(pk__in=[credit.pk for credit in credits]).update(remaining=0)
            PointsAccount.objects.filter(member_id=member_id).update(balance=F("balance") - points)
            PointsEntry.objects.create(
                member_id=member_id,
                kind=Kind.EXPIRED,
                points=-points,
                reason=_("Points older than %(days)d days")
                % {"days": settings.SHOP_POINTS_EXPIRY_DAYS},
                created_at=now,
            )
        expired_members += 1
    if expired_members:
        logger.info("points.expired", extra={"members": expired_members})
    return expired_members

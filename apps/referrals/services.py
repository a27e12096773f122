"""Every write of referral sharing.

Rules: a friend who signs up through a member's link within SHOP_REFERRAL_DAYS earns the
sharer SHOP_REFERRAL_SIGNUP_POINTS, once per friend; an order placed through the link is
attributed to the sharer when it is placed (guests' orders too), and once it is paid within
SHOP_REFERRAL_DAYS of the link being opened it earns the sharer SHOP_REFERRAL_ORDER_POINTS,
once per order. A refund takes back the same share of that reward (never below a zero
balance). Nobody is rewarded for their own sign-up or orders: the same member, email or
mobile number as the sharer counts as their own."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.points import services as points_services
from apps.points.rules import order_refunded_share, points_share
from apps.referrals.links import ReferralClick
from apps.referrals.models import Referral, ReferralVisit, ShareCode

logger = logging.getLogger(__name__)


def share_code_for(*, member) -> str:
    """The member's share code, made on first use."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return ShareCode.objects.get_or_create(member=member)[0].code
        except IntegrityError:
            continue  # two random codes collided: draw again
    raise RuntimeError("could not draw a free share code")


def _sharer_id(code: str) -> int | None:
    return ShareCode.objects.filter(code=code).values_list("member_id", flat=True).first()


def referral_visit_record(*, code: str, path: str) -> ReferralVisit | None:
    """Count a visit through a member's link; None for an unknown code."""
    sharer_id = _sharer_id(code)
    if sharer_id is None:
        return None
    return ReferralVisit.objects.create(sharer_id=sharer_id, path=path[:300])


def _in_time(click: ReferralClick, when: datetime) -> bool:
    return (
        click.clicked_at <= when <= click.clicked_at + timedelta(days=settings.SHOP_REFERRAL_DAYS)
    )


def _visit_id(click: ReferralClick, sharer_id: int) -> int | None:
    found = ReferralVisit.objects.filter(pk=click.visit_id, sharer_id=sharer_id)
    return click.visit_id if found.exists() else None


def referral_signup_reward(
    *, friend, click: ReferralClick, now: datetime | None = None
) -> Referral | None:
    """A friend signed up through a link: the sharer earns points, once per friend, never
    for signing themselves up."""
    now = now or timezone.now()
    sharer_id = _sharer_id(click.code)
    if sharer_id is None or sharer_id == friend.pk or not _in_time(click, now):
        return None
    points = settings.SHOP_REFERRAL_SIGNUP_POINTS
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                sharer_id=sharer_id,
                kind=Referral.Kind.SIGNUP,
                friend=friend,
                visit_id=_visit_id(click, sharer_id),
                clicked_at=click.clicked_at,
                points_awarded=points,
                rewarded_at=now if points else None,
            )
            if points:
                points_services.points_reward(
                    member_id=sharer_id, points=points, reason=_("A friend signed up"), now=now
                )
    except IntegrityError:
        return None  # this friend was counted already
    logger.info("referral.signup", extra={"sharer_id": sharer_id, "friend_id": friend.pk})
    return referral


def _is_own_order(order, sharer) -> bool:
    if order.member_id is not None and order.member_id == sharer.pk:
        return True
    if order.email and order.email.strip().lower() == sharer.email.lower():
        return True
    return bool(order.phone and sharer.phone and order.phone == sharer.phone)


def referral_attribute_order(*, order, click: ReferralClick | None) -> Referral | None:
    """Note, as the order is placed (in its transaction), that it came through a member's
    link opened within SHOP_REFERRAL_DAYS; never the sharer's own order."""
    if click is None or not _in_time(click, order.created_at):
        return None
    share = ShareCode.objects.filter(code=click.code).select_related("member").first()
    if share is None or _is_own_order(order, share.member):
        return None
    referral, _created = Referral.objects.get_or_create(
        order=order,
        defaults={
            "sharer_id": share.member_id,
            "kind": Referral.Kind.ORDER,
            "friend_id": order.member_id,
            "visit_id": _visit_id(click, share.member_id),
            "clicked_at": click.clicked_at,
        },
    )
    return referral


def referral_sync_for_order(*, order_id: int, now: datetime | None = None) -> Referral | None:
    """Reward the sharer for an attributed order paid within SHOP_REFERRAL_DAYS of the link
    (once), and take back the refunded share of the reward. Compared with what was given and
    taken, so running it again changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update()
            .select_related("order")
            .filter(order_id=order_id, kind=Referral.Kind.ORDER)
            .first()
        )
        if referral is None:
            return None
        order = referral.order
        number = {"number": order.number}
        paid_in_time = order.paid_at is not None and order.paid_at <= referral.clicked_at + (
            timedelta(days=settings.SHOP_REFERRAL_DAYS)
        )
        if referral.rewarded_at is None and paid_in_time:
            points = settings.SHOP_REFERRAL_ORDER_POINTS
            referral.points_awarded = points
            referral.rewarded_at = now
            if points:
                points_services.points_reward(
                    member_id=referral.sharer_id,
                    points=points,
                    reason=_("A friend's order %(number)s") % number,
                    order=order,
                    now=now,
                )
        to_reverse = (
            points_share(referral.points_awarded, order_refunded_share(order))
            - referral.points_reversed
        )
        if to_reverse > 0:
            points_services.points_reward_reverse(
                member_id=referral.sharer_id,
                points=to_reverse,
                reason=_("A friend's order %(number)s refunded") % number,
                order=order,
                now=now,
            )
            referral.points_reversed += to_reverse
        referral.save(update_fields=["points_awarded", "points_reversed", "rewarded_at"])
    return referral


def referral_sync_for_order_on_commit(*, order_id: int) -> None:
    """referral_sync_for_order once the current transaction commits; a failure is logged and
    never undoes the payment or refund."""
    transaction.on_commit(lambda: referral_sync_for_order(order_id=order_id), robust=True)

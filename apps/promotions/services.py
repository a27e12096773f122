"""Every write of apps.promotions: members claiming coupons, and what an order takes from
promotions when it is placed (a coupon use, drawn by a conditional update in the order's
transaction; the offers it used, for the figures) and gives back when it is cancelled unpaid."""

import logging

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.promotions.coupons import coupon_check, normalize_code
from apps.promotions.models import Coupon, CouponClaim, CouponUse, OfferUse
from apps.promotions.offers import evaluate, running_offers
from apps.promotions.pricing import COUPONS_RULE, OFFERS_RULE

logger = logging.getLogger(__name__)


class PromotionError(Exception):
    """A promotion change refused, with a message for the shopper."""


@transaction.atomic
def coupon_claim(*, member, coupon_id, now=None) -> CouponClaim:
    """Keep a claimable, running coupon in the member's "My coupons" (claiming twice keeps
    the first claim)."""
    now = now or timezone.now()
    coupon = Coupon.objects.filter(pk=coupon_id, claimable=True, is_active=True).first()
    if coupon is None or not coupon.is_running(now):
        raise PromotionError(_("This coupon cannot be claimed now."))
    if coupon.uses_left is not None and coupon.uses_left <= 0:
        raise PromotionError(_("This coupon has been used up."))
    try:
        with transaction.atomic():
            claim, _created = CouponClaim.objects.get_or_create(coupon=coupon, member=member)
    except IntegrityError:
        # The same member claimed it twice at once.
        claim = CouponClaim.objects.get(coupon=coupon, member=member)
    return claim


def _order_error(message: str) -> Exception:
    # Lazy: apps.orders.services imports this module.
    from apps.orders.services import OrderError

    return OrderError(message)


def promotions_take_for_order(*, order, pricing, member=None) -> None:
    """Inside order placement's transaction: record the offers the order used and draw the
    coupon's use. The use is a conditional update (uses_left ≥ 1), so the last uses go to
    exactly as many orders; the row stays locked to commit, so the per-customer count read
    after it sees any other order of the same buyer. A code that no longer applies (or whose
    last use another buyer just took) refuses the order: it would cost more than the review
    page said."""
    member = member if member is not None and member.is_authenticated else None
    _record_offers(order=order, pricing=pricing)
    codes = pricing.context.coupon_codes
    if not codes:
        return
    lines = pricing.purchasable_lines
    check = coupon_check(
        code=codes[0],
        lines=lines,
        amounts=[line.line_total - _offer_share(line, pricing) for line in lines],
        context=pricing.context,
        email=order.email if member is None else "",
    )
    if not check.applies:
        raise _order_error(check.message)
    given = pricing.discount_from(COUPONS_RULE)
    if given <= 0:
        return  # the price guard took it all back: nothing used
    coupon = check.coupon
    drawn = (
        Coupon.objects.filter(pk=coupon.pk)
        .filter(Q(uses_left__isnull=True) | Q(uses_left__gte=1))
        .update(uses_left=F("uses_left") - 1)
    )
    if not drawn:
        raise _order_error(_("The code %(code)s has just been used up.") % {"code": coupon.code})
    limit = coupon.per_customer_limit
    used = CouponUse.objects.filter(coupon=coupon, released_at__isnull=True)
    used = used.filter(member=member) if member else used.filter(email__iexact=order.email)
    if limit and used.count() >= limit:
        raise _order_error(_("You have already used the code %(code)s.") % {"code": coupon.code})
    CouponUse.objects.create(
        coupon=coupon, order=order, member=member, email=order.email, amount=given
    )


def _offer_share(line, pricing) -> object:
    return sum(
        (
            share
            for index, share in line.discount_shares.items()
            if index < len(pricing.discounts) and pricing.discounts[index].rule == OFFERS_RULE
        ),
        0,
    )


def _record_offers(*, order, pricing) -> None:
    given = {
        applied.label: applied.amount
        for applied in pricing.discounts
        if applied.rule == OFFERS_RULE and applied.amount > 0
    }
    if not given:
        return
    verdict = evaluate(running_offers(pricing.context.now), pricing.purchasable_lines)
    uses = []
    for outcome in verdict.applied:
        amount = given.pop(outcome.offer.name, None)
        if amount:
            uses.append(OfferUse(offer_id=outcome.offer.id, order=order, amount=amount))
    OfferUse.objects.bulk_create(uses)


def promotions_release_for_order(*, order, now=None) -> int:
    """An order cancelled before it was paid gives its coupon use back (once). Returns how
    many uses went back."""
    from apps.orders.choices import PaymentStatus

    if order.payment_status != PaymentStatus.UNPAID:
        return 0
    now = now or timezone.now()
    released = 0
    for use in CouponUse.objects.select_for_update().filter(order=order, released_at__isnull=True):
        use.released_at = now
        use.save(update_fields=["released_at"])
        Coupon.objects.filter(pk=use.coupon_id, uses_left__isnull=False).update(
            uses_left=F("uses_left") + 1
        )
        released += 1
    return released


def coupon_code_for_session(code: str) -> str:
    return normalize_code(code)


@transaction.atomic
def coupon_sync_uses_left(*, coupon_id: int) -> None:
    """After staff change a coupon's total uses: what is left is the total less the uses
    orders hold now (never below zero); no total, no limit. The row is locked, so an order
    drawing a use at the same moment waits."""
    coupon = Coupon.objects.select_for_update().get(pk=coupon_id)
    if coupon.total_uses is None:
        left = None
    else:
        held = CouponUse.objects.filter(coupon=coupon, released_at__isnull=True).count()
        left = max(coupon.total_uses - held, 0)
    Coupon.objects.filter(pk=coupon.pk).update(uses_left=left)

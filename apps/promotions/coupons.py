"""Whether a coupon code applies to a cart, and if not, why, in words the shopper can act on.
The coupon discount rule, checkout's coupon field, the review page and order placement all
ask `coupon_check`, so they never disagree."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from apps.core.money import CENT, format_cny, money
from apps.promotions.scope import scope_of

# The name of the coupons' discount rule in the pricing service (apps.promotions.pricing).
COUPONS_RULE = "coupons"

ZERO = Decimal("0.00")


class Refusal:
    """Why a code does not apply (CouponCheck.reason)."""

    NONE = ""
    UNKNOWN = "unknown"
    NOT_STARTED = "not_started"
    EXPIRED = "expired"
    USED_UP = "used_up"
    ALREADY_USED = "already_used"
    MEMBERS_ONLY = "members_only"
    NOT_FOR_THESE = "not_for_these"
    MIN_SPEND = "min_spend"


def normalize_code(code: str) -> str:
    return "".join(str(code or "").split()).upper()


@dataclass(frozen=True)
class CouponCheck:
    code: str
    coupon: object = None
    amount: Decimal = ZERO
    reason: str = Refusal.NONE
    message: str = ""
    sku_ids: frozenset[int] = field(default_factory=frozenset)
    lifts_floor: bool = False

    @property
    def applies(self) -> bool:
        return not self.reason


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _refused(code: str, reason: str, message: str, coupon=None) -> CouponCheck:
    return CouponCheck(code=code, coupon=coupon, reason=reason, message=message)


def find_coupon(code: str):
    from apps.promotions.models import Coupon

    if not code:
        return None
    return (
        Coupon.objects.select_related("campaign")
        .prefetch_related("products", "series", "categories")
        .filter(code=code, is_active=True)
        .first()
    )


def uses_by(coupon, *, member=None, email: str = "") -> int:
    """How many orders of this member (or, for a guest, this email) hold the coupon now."""
    if member is None and not email:
        return 0
    uses = coupon.uses.filter(released_at__isnull=True)
    uses = uses.filter(member=member) if member is not None else uses.filter(email__iexact=email)
    return uses.count()


def coupon_check(
    *, code: str, lines: Sequence, amounts: Sequence[Decimal], context, email: str = ""
) -> CouponCheck:
    """Check `code` against the cart `lines`, each costing `amounts[i]` after the offers (the
    coupon's minimum spend counts what the lines in its scope cost after 满减). `email`: a
    guest's, to count their earlier uses (order placement knows it; the cart does not)."""
    code = normalize_code(code)
    coupon = find_coupon(code)
    if coupon is None:
        return _refused(
            code,
            Refusal.UNKNOWN,
            _("We do not know the code %(code)s. Check it and try again.") % {"code": code},
        )
    now = context.now
    if now < coupon.starts_at:
        return _refused(
            code,
            Refusal.NOT_STARTED,
            _("The code %(code)s can be used from %(when)s.")
            % {"code": code, "when": _when(coupon.starts_at)},
            coupon,
        )
    if now >= coupon.ends_at:
        return _refused(
            code,
            Refusal.EXPIRED,
            _("The code %(code)s expired on %(when)s.")
            % {"code": code, "when": _when(coupon.ends_at)},
            coupon,
        )
    if coupon.uses_left is not None and coupon.uses_left <= 0:
        return _refused(
            code,
            Refusal.USED_UP,
            _("The code %(code)s has been used up.") % {"code": code},
            coupon,
        )
    member = context.member
    if coupon.members_only and member is None:
        return _refused(
            code,
            Refusal.MEMBERS_ONLY,
            _("The code %(code)s is for members: log in to use it.") % {"code": code},
            coupon,
        )
    limit = coupon.per_customer_limit
    if limit and uses_by(coupon, member=member, email=email) >= limit:
        return _refused(
            code,
            Refusal.ALREADY_USED,
            _("You have already used the code %(code)s.") % {"code": code},
            coupon,
        )
    scope = scope_of(coupon)
    chosen = [
        (line, amount)
        for line, amount in zip(lines, amounts, strict=True)
        if scope.covers(line.sku.product)
    ]
    if not chosen:
        return _refused(
            code,
            Refusal.NOT_FOR_THESE,
            _("The code %(code)s is not for the products in your cart.") % {"code": code},
            coupon,
        )
    base = money(sum((amount for _line, amount in chosen), ZERO))
    if base < coupon.min_spend:
        language = get_language() or settings.LANGUAGE_CODE
        return _refused(
            code,
            Refusal.MIN_SPEND,
            _("Add %(gap)s more to use the code %(code)s (from %(minimum)s).")
            % {
                "gap": format_cny(coupon.min_spend - base, language),
                "code": code,
                "minimum": format_cny(coupon.min_spend, language),
            },
            coupon,
        )
    return CouponCheck(
        code=code,
        coupon=coupon,
        amount=coupon_amount(coupon, base),
        sku_ids=frozenset(line.sku.pk for line, _amount in chosen),
        lifts_floor=coupon.campaign is not None and coupon.campaign.lifts_floor(now),
    )


def coupon_amount(coupon, base: Decimal) -> Decimal:
    """What the coupon takes off lines costing `base`: its amount, or its percentage rounded
    down to the cent and capped; never more than `base`."""
    from apps.promotions.models import Coupon

    if coupon.kind == Coupon.Kind.PERCENT:
        off = (base * (coupon.percent or 0) / 100).quantize(CENT, rounding=ROUND_FLOOR)
        if coupon.max_discount is not None:
            off = min(off, coupon.max_discount)
    else:
        off = coupon.amount or ZERO
    return money(max(min(off, base), ZERO))


def coupon_label(code: str) -> str:
    return _("Coupon %(code)s") % {"code": code}

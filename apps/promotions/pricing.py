"""The two discount rules of apps.promotions, plugged into the one pricing service
(apps.cart.pricing): spend-and-save offers (满减, order 100) and coupons (order 200). The
stacking rule is written in the apps.promotions package docstring."""

from apps.cart.pricing import Discount, discount_rule
from apps.promotions.coupons import coupon_check, coupon_label
from apps.promotions.offers import evaluate, running_offers

OFFERS_RULE = "offers"
COUPONS_RULE = "coupons"


@discount_rule(name=OFFERS_RULE, order=100)
def offers_discount(*, lines, context) -> list[Discount]:
    """Each running offer the cart reaches, on the lines in its scope (one offer per line)."""
    verdict = evaluate(running_offers(context.now), lines)
    return [
        Discount(
            label=outcome.offer.name,
            amount=outcome.saving,
            sku_ids=outcome.sku_ids,
            lifts_floor=outcome.offer.lifts_floor(context.now),
        )
        for outcome in verdict.applied
    ]


@discount_rule(name=COUPONS_RULE, order=200)
def coupon_discount(*, lines, context) -> Discount | None:
    """The first coupon code given, when it applies, on what its lines cost after 满减."""
    if not context.coupon_codes:
        return None
    check = coupon_check(
        code=context.coupon_codes[0],
        lines=lines,
        amounts=[line.paid_amount for line in lines],
        context=context,
    )
    if not check.applies or check.amount <= 0:
        return None
    return Discount(
        label=coupon_label(check.code),
        amount=check.amount,
        sku_ids=check.sku_ids,
        lifts_floor=check.lifts_floor,
    )

"""Paying with points at checkout: one more input of the one pricing service. The shopper
asks for a number of points (PricingContext.points_to_redeem); this rule turns what may be
used of them into a discount, capped by their balance, SHOP_POINTS_MAX_REDEEM_PERCENT of the
goods after every earlier discount, and the price floor. It runs last (order 900), so it sees
what is still left to pay."""

from django.utils.translation import gettext as _

from apps.cart.pricing import Discount, discount_rule
from apps.points import rules, selectors

RULE_NAME = "points"


def points_label(points: int) -> str:
    """ "1,200 points used" (已用 1,200 积分): thousands grouped with commas in both
    languages, as prices are."""
    return _("%(points)s points used") % {"points": f"{points:,}"}


@discount_rule(name=RULE_NAME, order=900)
def points_discount(*, lines, context) -> Discount | None:
    wanted = context.points_to_redeem
    member = context.member
    if wanted <= 0 or member is None:
        return None
    available = min(wanted, selectors.points_balance(member=member))
    offer = rules.points_offer(lines=lines, available=available)
    if not offer.points:
        return None
    return Discount(label=points_label(offer.points), amount=offer.amount)

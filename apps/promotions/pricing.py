"""The rules of apps.promotions, plugged into the one pricing service (apps.cart.pricing):
two discount rules, spend-and-save offers (满减, order 100) and coupons (order 200), and two
unit-price rules, the group-buy deal price (250) and the flash price (300). The whole
stacking rule is written in the apps.promotions package docstring.

For unit prices: member tier price (200) → group-buy deal price (250, only
for a cart or order joining that group buy) → flash price (300). Each rule returns the lower
of its own price and the price so far, so they never stack: the lowest applies. Every price
then passes the price guard (no unit under the floor of its list price) unless the promotion
that set it belongs to a major festival campaign while that campaign runs.

A flash price holds only while the sale runs and has units left, and only for up to its
per-customer limit: a line holding more (or more than the units left) cannot be bought as it
is, and the cart says "At most 2 per customer at the flash price" (a purchase-limit rule).
Guests are counted by the email and phone they order with, so their limit is checked when
the order is placed (apps.promotions.services)."""

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.cart.pricing import (
    Discount,
    UnitPrice,
    discount_rule,
    purchase_limit_rule,
    unit_price_rule,
)
from apps.promotions import selectors
from apps.promotions.coupons import COUPONS_RULE, coupon_check, coupon_label
from apps.promotions.offers import OFFERS_RULE, evaluate, running_offers


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


# --- flash sales and group buys ------------------------------------------------------

FLASH_SALE_RULE = "flash_sale"
GROUP_BUY_RULE = "group_buy"


def flash_sale_reason() -> str:
    """What the cart says of a flash price (限时特卖)."""
    return _("Flash sale")


def group_buy_reason() -> str:
    return _("Group-buy price")


def flash_sale_applied(line) -> bool:
    """The priced line (apps.cart.pricing.PricedLine) was priced at a flash price."""
    return flash_sale_reason() in line.price_reasons


def group_buy_applied(line) -> bool:
    return group_buy_reason() in line.price_reasons


@unit_price_rule(name=GROUP_BUY_RULE, order=250)
def group_buy_price(*, sku, quantity, context, unit_price) -> UnitPrice | None:
    """The deal price, for the group buy's SKU, in a cart or order joining it while open."""
    if context.group_buy_id is None:
        return None
    deal = selectors.group_buy_on_shelf(group_buy_id=context.group_buy_id)
    if deal is None or deal.sku_id != sku.pk or not deal.is_open(context.now):
        return None
    return UnitPrice(
        price=min(deal.price, unit_price),
        reason=group_buy_reason(),
        lifts_floor=deal.lifts_floor(context.now),
    )


@unit_price_rule(name=FLASH_SALE_RULE, order=300)
def flash_sale_price(*, sku, quantity, context, unit_price) -> UnitPrice | None:
    """The flash price while the sale runs and has units left; a lower price so far (a
    member's) stays. A member who already bought their limit at the flash price pays the
    normal price again, so they can still buy the product."""
    if sku.pk is None:
        return None  # an unsaved SKU (pricing as pure arithmetic) is on no sale
    sale = selectors.flash_sale_on_sale(sku_id=sku.pk, now=context.now)
    if sale is None:
        return None
    member = context.member
    if member is not None and (
        selectors.flash_sale_bought(flash_sale_id=sale.id, member=member) >= sale.per_customer_limit
    ):
        return None
    return UnitPrice(
        price=min(sale.price, unit_price),
        reason=flash_sale_reason(),
        lifts_floor=sale.lifts_floor(context.now),
    )


def flash_sale_limit_message(*, limit: int, bought: int) -> str:
    if bought:
        return _(
            "At most %(limit)d per customer at the flash price, and you have bought"
            " %(bought)d: lower the quantity."
        ) % {"limit": limit, "bought": bought}
    return _("At most %(limit)d per customer at the flash price: lower the quantity.") % {
        "limit": limit
    }


@purchase_limit_rule(name=FLASH_SALE_RULE, order=300)
def flash_sale_limit(*, sku, quantity, context, unit_price, reasons) -> str | None:
    """A line at the flash price holds no more than the units left and the buyer's limit
    (what a member already bought counts; a guest is counted at order placement)."""
    if flash_sale_reason() not in reasons:
        return None
    sale = selectors.flash_sale_on_sale(sku_id=sku.pk, now=context.now)
    if sale is None:
        return None
    if quantity > sale.quantity_left:
        return _("Only %(count)d left at the flash price: lower the quantity.") % {
            "count": sale.quantity_left
        }
    bought = 0
    if quantity <= sale.per_customer_limit and context.member is not None:
        bought = selectors.flash_sale_bought(flash_sale_id=sale.id, member=context.member)
    if quantity + bought > sale.per_customer_limit:
        return flash_sale_limit_message(limit=sale.per_customer_limit, bought=bought)
    return None


def cards_with_flash_sales(cards, *, request=None, now: datetime | None = None) -> list:
    """The product cards with the flash price of a sale running now and its end (for the
    countdown): the kept cards are never changed, each card with a sale is a copy. The page
    is cached no longer than the next start or end of a sale."""
    now = now or timezone.now()
    selectors.promotions_valid_until(request, now=now)
    sales = selectors.flash_sales_by_product(now=now)
    if not sales:
        return list(cards)
    return [
        replace(
            card,
            flash_price=sales[card.id].shelf_price(now),
            flash_ends_at=sales[card.id].ends_at,
        )
        if card.id in sales
        else card
        for card in cards
    ]


@dataclass(frozen=True)
class ProductPromotions:
    """What a product page shows of promotions, the same for every visitor: the chosen SKU's
    flash sale (its price as the cart will charge a guest, or that it sold out) and the
    product's open group buy with its deal price."""

    flash_sale: selectors.ShelfFlashSale | None = None
    flash_price: Decimal | None = None
    group_buy: selectors.ShelfGroupBuy | None = None
    group_buy_price: Decimal | None = None


def product_promotions(*, request, product_id: int, sku_id: int | None, now=None):
    """The product page's flash sale and group buy now; the page is cached no longer than
    the next start or end of either."""
    now = now or timezone.now()
    selectors.promotions_valid_until(request, now=now)
    sale = selectors.flash_sale_in_window(sku_id=sku_id, now=now) if sku_id else None
    deal = selectors.group_buy_for_product(product_id=product_id, now=now)
    return ProductPromotions(
        flash_sale=sale,
        flash_price=sale.shelf_price(now) if sale is not None and not sale.sold_out else None,
        group_buy=deal,
        group_buy_price=deal.shelf_price(now) if deal is not None else None,
    )

"""The one place that computes what a shopper pays: line prices, subtotal, discounts,
shipping fee and total. Cart pages, checkout and order placement all call price_items();
promotions will plug in here as further discount steps."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from apps.catalog.models import Sku
from apps.core.choices import ShippingMethod
from apps.core.money import money

ZERO = Decimal("0.00")


@dataclass
class PricedLine:
    sku: Sku
    quantity: int
    unit_price: Decimal
    line_total: Decimal
    price_seen: Decimal | None = None
    problem: str = ""

    @property
    def purchasable(self) -> bool:
        return not self.problem

    @property
    def price_changed(self) -> bool:
        return self.price_seen is not None and self.price_seen != self.unit_price


@dataclass
class Pricing:
    lines: list[PricedLine]
    shipping_method: str
    subtotal: Decimal = ZERO
    discount: Decimal = ZERO
    shipping_fee: Decimal = ZERO
    total: Decimal = ZERO
    free_shipping_gap: Decimal = ZERO
    notices: list[str] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines if line.purchasable)

    @property
    def purchasable_lines(self) -> list[PricedLine]:
        return [line for line in self.lines if line.purchasable]

    @property
    def has_problems(self) -> bool:
        return any(not line.purchasable for line in self.lines)


def shipping_fee_for(*, subtotal: Decimal, shipping_method: str) -> Decimal:
    """Courier costs a flat fee below the free-shipping threshold; pickup is always free."""
    if shipping_method == ShippingMethod.PICKUP or subtotal <= 0:
        return ZERO
    if subtotal >= settings.SHOP_FREE_SHIPPING_THRESHOLD:
        return ZERO
    return money(settings.SHOP_COURIER_FEE)


def line_problem(sku: Sku, quantity: int) -> str:
    if not sku.is_active or not sku.product.is_published:
        return _("This product is no longer sold.")
    if sku.stock <= 0:
        return _("Sold out.")
    if quantity > sku.stock:
        return _("Only %(stock)d left: lower the quantity.") % {"stock": sku.stock}
    return ""


def price_items(
    *,
    items: list[tuple[Sku, int, Decimal | None]],
    shipping_method: str = ShippingMethod.COURIER,
) -> Pricing:
    """Price (sku, quantity, price the shopper saw) items. Lines that cannot be bought (sold
    out, too many, withdrawn) are kept with a problem and left out of the totals."""
    lines = []
    for sku, quantity, price_seen in items:
        unit_price = money(sku.price)
        lines.append(
            PricedLine(
                sku=sku,
                quantity=quantity,
                unit_price=unit_price,
                line_total=money(unit_price * quantity),
                price_seen=price_seen,
                problem=line_problem(sku, quantity),
            )
        )
    pricing = Pricing(lines=lines, shipping_method=shipping_method)
    pricing.subtotal = money(sum((line.line_total for line in pricing.purchasable_lines), ZERO))
    pricing.discount = ZERO
    after_discount = pricing.subtotal - pricing.discount
    pricing.shipping_fee = shipping_fee_for(
        subtotal=after_discount, shipping_method=shipping_method
    )
    pricing.total = money(after_discount + pricing.shipping_fee)
    if shipping_method == ShippingMethod.COURIER and pricing.shipping_fee > 0:
        pricing.free_shipping_gap = money(settings.SHOP_FREE_SHIPPING_THRESHOLD - after_discount)
    for line in lines:
        if line.price_changed:
            pricing.notices.append(
                _("The price of %(name)s changed from %(old)s to %(new)s.")
                % {
                    "name": line.sku,
                    "old": f"¥{line.price_seen}",
                    "new": f"¥{line.unit_price}",
                }
            )
    return pricing

"""The one place that computes what a shopper pays and whether a line can be bought: unit
prices, line problems, subtotal, order-level discounts spread over the lines, shipping fee and
total. Cart pages, checkout and order placement all call price_items().

Delivery follows the goods: a product that is never shipped (Product.requires_delivery off,
such as a paid membership) costs no shipping. A cart holding only such products has no
delivery at all (no fee, no free-shipping gap, `needs_delivery` False). In a mixed cart the
fee applies as for any delivery, and the free-shipping threshold counts only the goods that
are delivered (what they cost after discounts): a membership does not make a kettle ship
free, as the parcel holds only the kettle.

Promotions plug in without this module knowing them: an app registers **unit-price rules**
(may lower one SKU's unit price, with a reason the shopper sees) and **discount rules**
(order-level amounts off, spread over the lines to the cent) with the decorators below,
usually from its AppConfig.ready(); a **purchase-limit rule** may say that a line cannot be
bought at its promotional price in that quantity (a flash sale's per-customer limit). Rules
run in a fixed order (their `order`, then name); a rule that raises is logged and skipped, so
a broken promotion never breaks checkout."""

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_CEILING, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from apps.catalog.models import Sku
from apps.core.choices import ShippingMethod
from apps.core.money import CENT, format_cny, money

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PricingContext:
    """Who is buying, with which coupons, when, and how it is delivered: everything besides
    the items that may change a price. Rules read the time from `now`, never the clock."""

    buyer: Any = None
    coupon_codes: tuple[str, ...] = ()
    now: datetime = field(default_factory=timezone.now)
    shipping_method: str = ShippingMethod.COURIER
    # Points the member asks to pay with (apps.points caps them by balance, the per-order
    # share and the price floor).
    points_to_redeem: int = 0
    # The group buy (apps.promotions) this cart or order joins: only then does its deal price
    # apply, to its SKU. None for every other purchase (carts say so in Cart.joining_group_buy).
    group_buy_id: int | None = None

    @property
    def member(self):
        """The signed-in member, or None for a guest (anonymous users count as guests)."""
        buyer = self.buyer
        return buyer if buyer is not None and getattr(buyer, "is_authenticated", False) else None


@dataclass(frozen=True)
class UnitPrice:
    """What a unit-price rule returns: a lower unit price and why ("Gold member price").
    `lifts_floor`: the price comes from a campaign flagged as a major festival promotion, so
    the price guard lets the line go below the floor."""

    price: Decimal
    reason: str
    lifts_floor: bool = False


@dataclass(frozen=True)
class Discount:
    """What a discount rule returns: an amount off the order and its label ("满199减20").
    `sku_ids` limits which lines share it (None: every line that can be bought)."""

    label: str
    amount: Decimal
    sku_ids: frozenset[int] | None = None
    # From a major festival promotion: the lines it touches may go below the price floor.
    lifts_floor: bool = False


class LineProblem:
    """Why a line cannot be bought as it is (the shopper's message is PricedLine.problem)."""

    NONE = ""
    WITHDRAWN = "withdrawn"
    SOLD_OUT = "sold_out"
    TOO_MANY = "too_many"
    # A promotion's own limit (a flash sale's units per customer or units left at its price).
    LIMIT = "limit"


@dataclass
class PricedLine:
    sku: Sku
    quantity: int
    list_price: Decimal
    unit_price: Decimal
    line_total: Decimal
    price_seen: Decimal | None = None
    problem_code: str = LineProblem.NONE
    problem: str = ""
    # Labels of the unit-price rules that lowered the price, in the order they ran.
    price_reasons: tuple[str, ...] = ()
    # This line's share of the order-level discounts (what it really costs: line_total − this).
    discount_amount: Decimal = ZERO
    # The line's share of each applied discount, by its place in Pricing.discounts.
    discount_shares: dict[int, Decimal] = field(default_factory=dict)
    # A major festival promotion priced the line: the price guard leaves it alone.
    floor_lifted: bool = False
    # What the price guard took back from the line's discounts to keep it at its floor.
    guard_amount: Decimal = ZERO

    @property
    def purchasable(self) -> bool:
        return not self.problem_code

    @property
    def needs_delivery(self) -> bool:
        """The line is shipped (or collected); a membership, say, is not."""
        return self.sku.product.requires_delivery

    @property
    def price_changed(self) -> bool:
        return self.price_seen is not None and self.price_seen != self.unit_price

    @property
    def unit_saving(self) -> Decimal:
        return self.list_price - self.unit_price

    @property
    def paid_amount(self) -> Decimal:
        """What the shopper pays for the line after its share of order discounts."""
        return self.line_total - self.discount_amount

    @property
    def max_quantity(self) -> int:
        return quantity_limit(self.sku)

    @property
    def stock_state(self) -> str:
        """ "out", "low" (only a few left) or "ok", for the shopper's stock label."""
        if self.problem_code in (LineProblem.WITHDRAWN, LineProblem.SOLD_OUT):
            return "out"
        return "low" if self.sku.stock < settings.SHOP_FEW_LEFT_BELOW else "ok"


@dataclass(frozen=True)
class AppliedDiscount:
    label: str
    amount: Decimal
    # The name of the discount rule that gave it ("points"), for whoever records it.
    rule: str = ""


@dataclass
class Pricing:
    lines: list[PricedLine]
    context: PricingContext
    subtotal: Decimal = ZERO
    discount: Decimal = ZERO
    discounts: list[AppliedDiscount] = field(default_factory=list)
    # What the price guard took back from discounts in all (apps.cart.pricing, "Price guard").
    guard_amount: Decimal = ZERO
    shipping_fee: Decimal = ZERO
    total: Decimal = ZERO
    free_shipping_gap: Decimal = ZERO
    notices: list[str] = field(default_factory=list)

    @property
    def shipping_method(self) -> str:
        return self.context.shipping_method

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines if line.purchasable)

    @property
    def purchasable_lines(self) -> list[PricedLine]:
        return [line for line in self.lines if line.purchasable]

    @property
    def needs_delivery(self) -> bool:
        """Something to buy is shipped (or collected): checkout asks how and where. False for
        a cart of things that are never shipped (a paid membership), and for an empty one."""
        return any(line.needs_delivery for line in self.purchasable_lines)

    @property
    def delivered_goods_amount(self) -> Decimal:
        """What the goods that are delivered cost after discounts: the free-shipping
        threshold counts only these."""
        lines = self.purchasable_lines
        return money(sum((line.paid_amount for line in lines if line.needs_delivery), ZERO))

    @property
    def has_problems(self) -> bool:
        return any(not line.purchasable for line in self.lines)

    @property
    def can_check_out(self) -> bool:
        """Something to buy and nothing in the way: the cart's "Check out" and checkout's
        own guard both ask this."""
        return bool(self.item_count) and not self.has_problems

    @property
    def price_savings(self) -> Decimal:
        """What lower unit prices (member, flash sale, ...) save on the lines bought."""
        lines = self.purchasable_lines
        return money(sum((line.unit_saving * line.quantity for line in lines), ZERO))

    @property
    def savings(self) -> Decimal:
        return self.price_savings + self.discount

    def discount_from(self, rule: str) -> Decimal:
        """What the discounts of one rule (by its registered name) take off the order."""
        return money(sum((item.amount for item in self.discounts if item.rule == rule), ZERO))


# --- rule registries ---------------------------------------------------------------------

UnitPriceRule = Callable[..., UnitPrice | None]
DiscountRule = Callable[..., Discount | Iterable[Discount] | None]


@dataclass(frozen=True)
class RegisteredRule:
    name: str
    order: int
    function: Callable


class RuleRegistry:
    """Named rules run in (order, name) order. Registering a name again from the same
    function (a module imported twice) replaces it; another function under a taken name is
    a configuration error."""

    def __init__(self, kind: str):
        self.kind = kind
        self._rules: dict[str, RegisteredRule] = {}

    def register(self, *, name: str, order: int = 100) -> Callable[[Callable], Callable]:
        def decorator(function: Callable) -> Callable:
            existing = self._rules.get(name)
            if existing is not None and _qualified(existing.function) != _qualified(function):
                raise ImproperlyConfigured(f"Two {self.kind} rules are named {name!r}.")
            self._rules[name] = RegisteredRule(name=name, order=order, function=function)
            return function

        return decorator

    def unregister(self, name: str) -> None:
        self._rules.pop(name, None)

    def __iter__(self):
        return iter(sorted(self._rules.values(), key=lambda rule: (rule.order, rule.name)))

    def __len__(self) -> int:
        return len(self._rules)


def _qualified(function: Callable) -> str:
    return f"{function.__module__}.{function.__qualname__}"


unit_price_rules = RuleRegistry("unit-price")
discount_rules = RuleRegistry("discount")
# Limits a promotion puts on how many units may be bought at its price: a rule returns the
# shopper's message ("At most 2 per customer at the flash price") or None; the line then
# cannot be bought as it is (LineProblem.LIMIT) until the quantity is lowered.
purchase_limit_rules = RuleRegistry("purchase-limit")
unit_price_rule = unit_price_rules.register
discount_rule = discount_rules.register
purchase_limit_rule = purchase_limit_rules.register


def _run_rule(rule: RegisteredRule, kind: str, check: Callable, **arguments):
    """Call a rule and check what it gave back (`check` also runs a generator to its end), so
    that whatever goes wrong inside a rule is caught here."""
    try:
        return check(rule.function(**arguments))
    except Exception:
        # A broken promotion must never stop a shopper from paying the normal price.
        logger.exception("pricing.rule_failed", extra={"rule": rule.name, "rule_kind": kind})
        return None


def _checked_unit_price(offer) -> UnitPrice | None:
    if offer is None:
        return None
    if not isinstance(offer, UnitPrice):
        raise TypeError(f"a unit-price rule returned {offer!r}, not a UnitPrice or None")
    return UnitPrice(
        price=money(offer.price), reason=str(offer.reason), lifts_floor=bool(offer.lifts_floor)
    )


def _checked_limit(message) -> str | None:
    if message is None or message == "":
        return None
    return str(message)


def _limit_problem(
    sku: Sku, quantity: int, context: PricingContext, unit_price: Decimal, reasons: list[str]
) -> str:
    """The first purchase-limit rule's message for this line as priced, or ""."""
    for rule in purchase_limit_rules:
        message = _run_rule(
            rule,
            "purchase_limit",
            _checked_limit,
            sku=sku,
            quantity=quantity,
            context=context,
            unit_price=unit_price,
            reasons=tuple(reasons),
        )
        if message:
            return message
    return ""


def _checked_discounts(result) -> list[Discount]:
    if result is None:
        return []
    found = [result] if isinstance(result, Discount) else list(result)
    for discount in found:
        if not isinstance(discount, Discount):
            raise TypeError(f"a discount rule returned {discount!r}, not a Discount")
    return [
        Discount(
            label=str(discount.label),
            amount=max(money(discount.amount), ZERO),
            sku_ids=None if discount.sku_ids is None else frozenset(discount.sku_ids),
            lifts_floor=bool(discount.lifts_floor),
        )
        for discount in found
    ]


# --- the arithmetic ----------------------------------------------------------------------


def shipping_fee_for(*, subtotal: Decimal, shipping_method: str) -> Decimal:
    """Courier costs a flat fee below the free-shipping threshold; pickup is always free.
    `subtotal` is what the goods to deliver cost after discounts. Only price_items decides
    that nothing is delivered; any other method (even "none") pays as a courier does, so
    a fee is never dodged by naming another method."""
    if shipping_method == ShippingMethod.PICKUP or subtotal <= 0:
        return ZERO
    if subtotal >= settings.SHOP_FREE_SHIPPING_THRESHOLD:
        return ZERO
    return money(settings.SHOP_COURIER_FEE)


def price_floor(list_price: Decimal) -> Decimal:
    """The lowest unit price the pricing guard allows for a list price: SHOP_PRICE_FLOOR_PERCENT
    of it, rounded up to the cent so that rounding never takes a price under the guard."""
    floor = Decimal(list_price) * settings.SHOP_PRICE_FLOOR_PERCENT / 100
    return floor.quantize(CENT, rounding=ROUND_CEILING)


def quantity_limit(sku: Sku) -> int:
    """The most units of a SKU one cart line may hold: its stock, and the shop's line cap."""
    return max(min(sku.stock, settings.SHOP_MAX_LINE_QUANTITY), 0)


def line_problem(sku: Sku, quantity: int) -> tuple[str, str]:
    """(code, message for the shopper) of what stops this quantity being bought, or ("", "")."""
    if not sku.is_active or not sku.product.is_published:
        return LineProblem.WITHDRAWN, _("This product is no longer sold.")
    if sku.stock <= 0:
        return LineProblem.SOLD_OUT, _("Sold out.")
    if quantity > sku.stock:
        return LineProblem.TOO_MANY, _("Only %(stock)d left: lower the quantity.") % {
            "stock": sku.stock
        }
    return LineProblem.NONE, ""


def spread_cents(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split `amount` over parts in proportion to `weights`, to the cent: each part is its
    proportional share rounded down, and the cents left go one each to the parts with the
    largest remainders (earlier parts first on a tie). The parts add up to exactly `amount`
    (capped at the sum of the weights), and no part exceeds its weight."""
    cents = [int(money(weight) / CENT) for weight in weights]
    total = sum(cents)
    wanted = min(int(money(amount) / CENT), total)
    if total <= 0 or wanted <= 0:
        return [ZERO for _weight in weights]
    shares = [wanted * part // total for part in cents]
    remainders = [wanted * part % total for part in cents]
    left = wanted - sum(shares)
    by_remainder = sorted(range(len(cents)), key=lambda index: (-remainders[index], index))
    for index in by_remainder[:left]:
        shares[index] += 1
    return [money(Decimal(share) * CENT) for share in shares]


def _unit_price(
    sku: Sku, quantity: int, context: PricingContext
) -> tuple[Decimal, list[str], bool]:
    """The unit price after every unit-price rule, why, and whether a major festival
    promotion lifted the floor; otherwise never below the floor (the first half of the price
    guard: a rule's price under it is raised to it)."""
    list_price = money(sku.price)
    price = list_price
    reasons: list[str] = []
    lifted = False
    for rule in unit_price_rules:
        offer = _run_rule(
            rule,
            "unit_price",
            _checked_unit_price,
            sku=sku,
            quantity=quantity,
            context=context,
            unit_price=price,
        )
        # Rules may only lower a price, and never below zero.
        if offer is not None and ZERO <= offer.price < price:
            price = offer.price
            reasons.append(offer.reason)
            lifted = lifted or offer.lifts_floor
    if not lifted and price < list_price:
        price = max(price, price_floor(list_price))
    return price, reasons, lifted


def _apply_discounts(pricing: Pricing) -> None:
    """The discount rules run in their order, each reading the lines as the rules before it
    left them (a later rule, such as paying with points, sees what is still left to pay).
    Each discount is spread over its lines by what is still left to pay on them, so no line
    ever goes below zero and the line shares add up to the order's discount exactly."""
    lines = pricing.purchasable_lines
    for rule in discount_rules:
        found = _run_rule(
            rule,
            "discount",
            _checked_discounts,
            # Copies: a rule reading the lines can never change what the shopper pays.
            lines=tuple(replace(line) for line in lines),
            context=pricing.context,
        )
        for discount in found or []:
            eligible = [
                line
                for line in lines
                if discount.sku_ids is None or line.sku.pk in discount.sku_ids
            ]
            shares = spread_cents(discount.amount, [line.paid_amount for line in eligible])
            applied = sum(shares, ZERO)
            if applied <= 0:
                continue
            index = len(pricing.discounts)
            for line, share in zip(eligible, shares, strict=True):
                if share:
                    line.discount_amount += share
                    line.discount_shares[index] = share
                    line.floor_lifted = line.floor_lifted or discount.lifts_floor
            pricing.discounts.append(
                AppliedDiscount(label=discount.label, amount=applied, rule=rule.name)
            )
    _guard_floor(pricing)
    pricing.discount = money(sum((line.discount_amount for line in lines), ZERO))


def _guard_floor(pricing: Pricing) -> None:
    """The second half of the price guard: what a line really costs per unit, after its
    share of every order discount, may not fall below the floor of its list price (unless a
    major festival promotion priced it). A line under it takes back from its discounts, the
    last applied first (points before offers), until it reaches the floor; each discount's
    amount is then what it really gives, and the shopper is told."""
    guarded = False
    for line in pricing.purchasable_lines:
        if line.floor_lifted or not line.discount_shares:
            continue
        lowest = money(price_floor(line.list_price) * line.quantity)
        excess = lowest - line.paid_amount
        if excess <= 0:
            continue
        # Never more than the discounts gave: a unit price already at the floor stays.
        excess = min(excess, line.discount_amount)
        line.guard_amount = excess
        for index in sorted(line.discount_shares, reverse=True):
            taken = min(line.discount_shares[index], excess)
            line.discount_shares[index] -= taken
            line.discount_amount -= taken
            excess -= taken
            if not excess:
                break
        guarded = True
    if not guarded:
        return
    totals = dict.fromkeys(range(len(pricing.discounts)), ZERO)
    for line in pricing.purchasable_lines:
        for index, share in line.discount_shares.items():
            totals[index] += share
    # Discounts given back in full leave the list; the lines' shares follow the new places.
    kept = [index for index in range(len(pricing.discounts)) if totals[index] > 0]
    place = {index: new for new, index in enumerate(kept)}
    pricing.discounts = [
        replace(pricing.discounts[index], amount=money(totals[index])) for index in kept
    ]
    for line in pricing.purchasable_lines:
        line.discount_shares = {
            place[index]: share for index, share in line.discount_shares.items() if share > 0
        }
    pricing.guard_amount = money(sum((line.guard_amount for line in pricing.lines), ZERO))
    pricing.notices.append(
        _(
            "Discounts were reduced by %(amount)s: no item is sold below %(percent)s%% of its"
            " list price."
        )
        % {
            "amount": format_cny(pricing.guard_amount, get_language() or settings.LANGUAGE_CODE),
            "percent": f"{settings.SHOP_PRICE_FLOOR_PERCENT.normalize():f}",
        }
    )


def price_items(
    *, items: Iterable[tuple[Sku, int, Decimal | None]], context: PricingContext
) -> Pricing:
    """Price (sku, quantity, unit price the shopper saw) items for this context. Lines that
    cannot be bought (withdrawn, sold out, too many) are kept with their problem and left out
    of the totals; a price that changed since the shopper saw it becomes a notice."""
    lines = []
    for sku, quantity, price_seen in items:
        unit_price, reasons, lifted = _unit_price(sku, quantity, context)
        code, message = line_problem(sku, quantity)
        if not code:
            message = _limit_problem(sku, quantity, context, unit_price, reasons)
            code = LineProblem.LIMIT if message else LineProblem.NONE
        lines.append(
            PricedLine(
                sku=sku,
                quantity=quantity,
                list_price=money(sku.price),
                unit_price=unit_price,
                line_total=money(unit_price * quantity),
                price_seen=price_seen,
                problem_code=code,
                problem=message,
                price_reasons=tuple(reasons),
                floor_lifted=lifted,
            )
        )
    pricing = Pricing(lines=lines, context=context)
    pricing.subtotal = money(sum((line.line_total for line in pricing.purchasable_lines), ZERO))
    _apply_discounts(pricing)
    after_discount = pricing.subtotal - pricing.discount
    if pricing.needs_delivery:
        delivered = pricing.delivered_goods_amount
        pricing.shipping_fee = shipping_fee_for(
            subtotal=delivered, shipping_method=context.shipping_method
        )
        if pricing.shipping_fee > 0:
            pricing.free_shipping_gap = money(settings.SHOP_FREE_SHIPPING_THRESHOLD - delivered)
    pricing.total = money(after_discount + pricing.shipping_fee)
    language = get_language() or settings.LANGUAGE_CODE
    for line in lines:
        if line.price_changed:
            pricing.notices.append(
                _("The price of %(name)s changed from %(old)s to %(new)s.")
                % {
                    "name": line.sku,
                    "old": format_cny(line.price_seen, language),
                    "new": format_cny(line.unit_price, language),
                }
            )
    return pricing


def price_for_cart(*, sku: Sku, quantity: int, context: PricingContext) -> PricedLine:
    """One SKU priced alone: what the cart checks before adding and remembers as seen."""
    return price_items(items=[(sku, quantity, None)], context=context).lines[0]

"""Member prices: a VIP tier's discount off list prices, never below the pricing guard's
floor (apps.cart.pricing.price_floor). The one pricing service applies it to carts, checkout
and orders through the unit-price rule below; product pages and cards show the same figure
through `member_price` and `cards_with_member_prices`, so no page does its own arithmetic."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from apps.cart.pricing import UnitPrice, price_floor, unit_price_rule
from apps.catalog.selectors import ProductCard
from apps.core.kept import KeptPerVersion
from apps.core.money import money
from apps.members import selectors
from apps.members.models import Tier


def _percent(value: Decimal) -> str:
    """5.00 → "5", 2.50 → "2.5"."""
    return f"{value.normalize():f}"


def tier_price_label(tier: Tier) -> str:
    """ "Gold member price −5%" (金卡会员价 −5%)."""
    return _("%(tier)s member price −%(percent)s%%") % {
        "tier": tier.name,
        "percent": _percent(tier.discount_percent),
    }


def member_price(
    *, list_price: Decimal, tier: Tier | None, unit_price: Decimal | None = None
) -> UnitPrice | None:
    """The tier's price for a unit listed at `list_price` (already lowered to `unit_price` by
    an earlier rule, if any): the discount off that price, rounded half-up to the cent, and
    never below the floor of the list price. None when the tier lowers nothing."""
    price = _tier_price(list_price, tier, unit_price)
    if price is None:
        return None
    return UnitPrice(price=price, reason=tier_price_label(tier))


def _tier_price(
    list_price: Decimal, tier: Tier | None, unit_price: Decimal | None = None
) -> Decimal | None:
    """member_price()'s figure alone, without its label (cards show many at once)."""
    if tier is None or not tier.has_discount:
        return None
    current = money(list_price if unit_price is None else unit_price)
    price = money(current * (100 - tier.discount_percent) / 100)
    price = max(price, price_floor(list_price))
    return price if price < current else None


def member_from_price(list_price: Decimal) -> Decimal | None:
    """The lowest price any tier pays for a unit at `list_price`: "member prices from ¥…",
    the same for every visitor, so pages showing it can be cached."""
    return _tier_price(list_price, selectors.best_discount_tier())


@unit_price_rule(name="member_tier", order=200)
def member_tier_price(*, sku, quantity, context, unit_price) -> UnitPrice | None:
    """Signed-in members pay their tier's price; guests the list price."""
    member = context.member
    if member is None:
        return None
    return member_price(
        list_price=sku.price, unit_price=unit_price, tier=selectors.member_tier(member)
    )


@dataclass(frozen=True, slots=True)
class MemberPricedCard(ProductCard):
    """A product card with the price its viewer's tier pays (`member_price`, `member_label`)
    or, for everyone else, the lowest member price (`member_from`)."""

    member_price: Decimal | None = None
    member_label: str = ""
    member_from: Decimal | None = None


def cards_with_member_prices(cards, *, member) -> list[MemberPricedCard]:
    """The cards with the viewer's member price, or "member prices from" for a guest or a
    member whose tier has no discount. Pure arithmetic on the (shared, kept) cards, itself
    kept per tier and catalog version (a tier change bumps the version): no query."""
    tier = selectors.member_tier(member)
    if tier is None or not tier.has_discount:
        tier = None
    key = (tier.pk if tier else 0, *(card.id for card in cards))
    return _priced_cards.get(key, lambda: _priced(cards, tier))


_priced_cards: KeptPerVersion[list] = KeptPerVersion("catalog", size=2000)


def _priced(cards, tier: Tier | None) -> list[MemberPricedCard]:
    if tier is not None:
        label = _("%(tier)s member price") % {"tier": tier.name}
        priced = []
        for card in cards:
            price = _tier_price(card.min_price, tier)
            priced.append(
                MemberPricedCard(
                    **_fields(card), member_price=price, member_label=label if price else ""
                )
            )
        return priced
    best = selectors.best_discount_tier()
    return [
        MemberPricedCard(**_fields(card), member_from=_tier_price(card.min_price, best))
        for card in cards
    ]


_CARD_FIELDS = tuple(ProductCard.__dataclass_fields__)


def _fields(card: ProductCard) -> dict:
    return {name: getattr(card, name) for name in _CARD_FIELDS}


def price_variant(member) -> int | None:
    """What the prices a page shows this viewer depend on: the id of their tier when it
    lowers prices, else None (the "member prices from" everyone else sees)."""
    tier = selectors.member_tier(member)
    return tier.pk if tier is not None and tier.has_discount else None


@dataclass(frozen=True)
class ShelfPrice:
    """What a product page shows beside a list price: the viewer's own member price, or
    else the lowest member price."""

    member_price: UnitPrice | None = None
    member_from: Decimal | None = None


def shelf_price(*, list_price: Decimal, member) -> ShelfPrice:
    offer = member_price(list_price=list_price, tier=selectors.member_tier(member))
    if offer is not None:
        return ShelfPrice(member_price=offer)
    return ShelfPrice(member_from=member_from_price(list_price))

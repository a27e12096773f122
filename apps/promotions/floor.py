"""The admin's side of the price guard: before an offer or coupon is saved, which products it
could sell below the price floor (apps.cart.pricing.price_floor of their list price).

The check chosen: for every list price in the promotion's scope, the worst basket is the one
holding that product where the discount is the largest share of what the basket costs. A
discount is spread over the basket's lines in proportion to what they cost (the pricing
service's spread_cents), so each unit loses that share. The share is largest on a basket
exactly at a threshold (spend ¥199 save ¥20: a ¥199 basket loses 20/199 of every price) or,
for a product dearer than the threshold, on a basket of that one unit. So the candidates are
the thresholds at or above the price and the price itself; a product breaks the floor when its
list price less its share of the discount, in the worst candidate, falls below its floor.
Member and flash prices are not counted (the running guard in the pricing service still holds
those lines at the floor); a promotion of a major festival campaign is not checked."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from apps.cart.pricing import price_floor
from apps.catalog.models import Sku
from apps.core.money import money
from apps.promotions.scope import Scope

LISTED = 10


@dataclass(frozen=True)
class FloorProblem:
    names: list[str]
    count: int


def _worst_price(
    price: Decimal, saving: Callable[[Decimal], Decimal], thresholds: Iterable[Decimal]
) -> Decimal:
    worst = price
    for basket in {price, *(value for value in thresholds if value >= price)}:
        if basket <= 0:
            continue
        off = saving(basket)
        worst = min(worst, price - money(price * off / basket))
    return worst


def floor_problem(
    *,
    scope: Scope,
    saving: Callable[[Decimal], Decimal],
    thresholds: Callable[[Decimal], Iterable[Decimal]],
) -> FloorProblem | None:
    """The products (names, the first few, and how many) whose list price the promotion
    could take below the floor; None when none. `saving(basket)`: what it takes off a basket
    costing that much; `thresholds(price)`: the basket values where it steps up."""
    skus = Sku.objects.filter(is_active=True).filter(_sku_scope(scope))
    prices = set(skus.values_list("price", flat=True).distinct())
    breaking = [
        price
        for price in prices
        if _worst_price(money(price), saving, thresholds(money(price))) < price_floor(price)
    ]
    if not breaking:
        return None
    products = (
        skus.filter(price__in=breaking)
        .order_by("product_id")
        .values_list("product_id", "product__name")
        .distinct()
    )
    names = {}
    for pk, name in products:
        names.setdefault(pk, name)
    return FloorProblem(names=list(names.values())[:LISTED], count=len(names))


def _sku_scope(scope: Scope):
    from django.db.models import Q

    if scope.whole_shop:
        return Q()
    return (
        Q(product_id__in=scope.product_ids)
        | Q(product__series_id__in=scope.series_ids)
        | Q(product__category_id__in=scope.category_ids)
    )

"""Which products a promotion reaches (its scope), as plain ids that can be kept in memory and
checked against cart lines without a query."""

from collections.abc import Iterable
from dataclasses import dataclass

from apps.catalog import tree


@dataclass(frozen=True, slots=True)
class Scope:
    """Products by id, series by id and categories by id (sub-categories included). All
    empty: the whole shop."""

    product_ids: frozenset[int] = frozenset()
    series_ids: frozenset[int] = frozenset()
    category_ids: frozenset[int] = frozenset()

    @property
    def whole_shop(self) -> bool:
        return not (self.product_ids or self.series_ids or self.category_ids)

    def covers(self, product) -> bool:
        return (
            self.whole_shop
            or product.pk in self.product_ids
            or product.series_id in self.series_ids
            or product.category_id in self.category_ids
        )

    def lines(self, lines: Iterable) -> list:
        """The cart lines in scope (priced lines, or anything with a `.sku.product`)."""
        return [line for line in lines if self.covers(line.sku.product)]

    def product_filter(self):
        """The same scope as a Q() on catalog products (admin checks, the campaign page)."""
        from django.db.models import Q

        if self.whole_shop:
            return Q()
        return (
            Q(pk__in=self.product_ids)
            | Q(series_id__in=self.series_ids)
            | Q(category_id__in=self.category_ids)
        )


def with_subcategories(category_ids: Iterable[int]) -> frozenset[int]:
    found = set(category_ids)
    for pk in list(found):
        category = tree.category_by_id(pk)
        if category is not None:
            found.update(tree.subcategory_ids(category))
    return frozenset(found)


def scope_of(promotion) -> Scope:
    """The scope of a saved offer or coupon (its M2M fields; prefetched ones cost nothing)."""
    return Scope(
        product_ids=frozenset(item.pk for item in promotion.products.all()),
        series_ids=frozenset(item.pk for item in promotion.series.all()),
        category_ids=with_subcategories(item.pk for item in promotion.categories.all()),
    )

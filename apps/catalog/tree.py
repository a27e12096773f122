"""The series and category tree kept in each worker's memory, so listing and home pages do
not read it from the database on every request.

A copy is kept per language and tagged with the catalog's page-cache version
(`pagecache.version("catalog")`); any catalog change bumps that version, and the next request
reads the tree again. When the cache is down the version is unknown (0, or a new number on
every call), so every request reads the database, as before: never a stale tree, never an
error. The rows are shared between requests:
read them, never change them.
"""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import get_language

from apps.catalog.models import Category, Series
from apps.core import pagecache


@dataclass(frozen=True)
class CatalogTree:
    series: list[Series]  # in display order, each with `top_categories`
    categories_by_slug: dict[str, Category]  # every category, with its series and parent
    categories_by_id: dict[int, Category]
    series_by_slug: dict[str, Series]


# language -> (catalog version, tree)
_trees: dict[str, tuple[int, CatalogTree]] = {}


def _read_tree() -> CatalogTree:
    """Two queries: the series, and every category with its parent."""
    series_list = list(
        Series.objects.prefetch_related(
            Prefetch(
                "categories",
                queryset=Category.objects.select_related("parent"),
                to_attr="tree_categories",
            )
        )
    )
    categories_by_slug = {}
    for series in series_list:
        series.top_categories = [c for c in series.tree_categories if c.parent_id is None]
        children = {category.pk: [] for category in series.top_categories}
        for category in series.tree_categories:
            category.series = series  # the kept series, not another query
            categories_by_slug[category.slug] = category
            if category.parent_id in children:
                children[category.parent_id].append(category)
        for category in series.top_categories:
            category.subcategories = children[category.pk]
    return CatalogTree(
        series=series_list,
        categories_by_slug=categories_by_slug,
        categories_by_id={category.pk: category for category in categories_by_slug.values()},
        series_by_slug={series.slug: series for series in series_list},
    )


def catalog_tree() -> CatalogTree:
    version = pagecache.version("catalog")
    if not version:  # cache unavailable: no way to know when a kept copy goes stale
        return _read_tree()
    language = get_language()
    kept = _trees.get(language)
    if kept is not None and kept[0] == version:
        return kept[1]
    tree = _read_tree()
    _trees[language] = (version, tree)
    return tree


def series_list() -> list[Series]:
    """Every series in display order, each with its top-level categories (`top_categories`),
    each of those with its sub-categories (`subcategories`)."""
    return catalog_tree().series


def category_by_slug(slug: str) -> Category | None:
    return catalog_tree().categories_by_slug.get(slug)


def category_by_id(pk: int) -> Category | None:
    """A category with its series and parent, e.g. for a product page's breadcrumbs."""
    return catalog_tree().categories_by_id.get(pk)


def subcategories(category: Category) -> list[Category]:
    """A top-level category's sub-categories, in display order (none for a sub-category)."""
    if category.parent_id is not None:
        return []
    kept = catalog_tree().categories_by_id.get(category.pk)
    return getattr(kept, "subcategories", [])


def subcategory_ids(category: Category) -> list[int]:
    return [other.pk for other in subcategories(category)]


def series_by_slug(slug: str) -> Series | None:
    """A series with its top-level categories (`top_categories`)."""
    return catalog_tree().series_by_slug.get(slug)

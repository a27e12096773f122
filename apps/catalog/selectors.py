"""Reads of the catalog that pages share, each with its related rows fetched once."""

import contextlib
import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.paginator import InvalidPage, Page, Paginator
from django.core.signals import setting_changed
from django.db import connection
from django.db.models import (
    Case,
    F,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse, translate_url
from django.utils import timezone, translation
from modeltranslation.utils import build_localized_fieldname, resolution_order

from apps.catalog import tree
from apps.catalog.models import Banner, Category, Product, ProductImage, ProductSpec, Series, Sku
from apps.catalog.search import query_words
from apps.core import pagecache
from apps.core.kept import KeptPerVersion

SORTS = {
    "popular": ("-popularity", "-id"),
    "sales": ("-sales_count", "-id"),
    "price": ("min_price", "id"),
    "-price": ("-min_price", "-id"),
    "newest": ("-created_at", "-id"),
}


@dataclass(frozen=True, slots=True)
class ProductCard:
    """What a product card shows, read from one narrow row: no model instance, no prefetch,
    its link and picture already built."""

    id: int
    name: str
    url: str
    image_url: str
    is_hero: bool
    min_price: Decimal
    price_varies: bool
    in_stock: bool
    # A flash sale running now (apps.promotions.pricing.cards_with_flash_sales sets these on
    # a copy per request, as sales start and end by the clock, not by catalog version).
    flash_price: Decimal | None = None
    flash_ends_at: datetime | None = None


CARD_COLUMNS = ("id", "slug", "cover_image", "is_hero", "min_price", "max_price", "total_stock")


def published_products() -> QuerySet[Product]:
    """Published products: filter and order them, take a page, then `product_cards()` reads
    the few columns cards show."""
    return Product.objects.filter(is_published=True)


def product_cards(products: QuerySet[Product]) -> list[ProductCard]:
    """Cards for a (sliced) queryset of `published_products()`, in its order: one query of
    plain tuples (the name in each language, picked here in modeltranslation's fallback
    order, which is cheaper than letting it rewrite the query)."""
    product_url = product_url_builder()
    media_url = default_storage.url
    names = _name_columns(translation.get_language() or settings.LANGUAGE_CODE)
    rows = products.rewrite(False).values_list(*CARD_COLUMNS, *names)
    cards = []
    for pk, slug, cover, is_hero, low, high, stock, *name_values in rows:
        cards.append(
            ProductCard(
                id=pk,
                name=next((name for name in name_values if name), ""),
                url=product_url(slug),
                image_url=media_url(cover) if cover else "",
                is_hero=is_hero,
                min_price=low,
                price_varies=high > low,
                in_stock=stock > 0,
            )
        )
    return cards


# Listing pages' cards per filters, sort order and page (search pages' per their products),
# kept by each worker until the catalog changes (listing totals and search results are kept
# in the cache the same way, apps.core.pagination and product_search).
_listing_cards: KeptPerVersion[list[ProductCard]] = KeptPerVersion("catalog", size=500)


def listing_cards(page: Page, *, key: tuple) -> list[ProductCard]:
    """The cards of a listing page; `key` names what the listing shows (its filters and sort
    order), the page number is added here."""
    return _listing_cards.get(
        (*key, page.number, page.paginator.per_page), lambda: product_cards(page.object_list)
    )


@lru_cache(maxsize=16)
def _name_columns(language: str) -> tuple[str, ...]:
    """The name's columns in the order modeltranslation falls back for `language`."""
    return tuple(build_localized_fieldname("name", code) for code in resolution_order(language))


def product_url_builder():
    """slug → the product page's path in the active language, without a reverse() per card."""
    pattern = _product_url_pattern(translation.get_language(), get_script_prefix())
    return pattern.format


@lru_cache(maxsize=16)
def _product_url_pattern(language: str | None, script_prefix: str) -> str:
    marker = "0slug0"
    path = reverse("catalog:product_detail", kwargs={"slug": marker})
    return path.replace("{", "{{").replace("}", "}}").replace(marker, "{}")


@receiver(setting_changed)
def _forget_url_pattern(**kwargs) -> None:
    _product_url_pattern.cache_clear()


_home_sections: KeptPerVersion[dict] = KeptPerVersion("catalog", size=len(settings.LANGUAGES))


def home_sections() -> dict:
    """The home page's product sections (its series come from apps.catalog.tree), kept by
    each worker until the catalog changes."""
    return _home_sections.get("home", _read_home_sections)


def _read_home_sections() -> dict:
    products = published_products()
    return {
        "hero_products": product_cards(
            products.filter(is_hero=True).order_by("-popularity", "-id")[:2]
        ),
        "newest_products": product_cards(products.order_by("-created_at", "-id")[:8]),
    }


@dataclass(frozen=True, slots=True)
class HomeBanner:
    """A banner as the home page's carousel shows it: the picture in the active language
    (the Chinese one when there is no English one) and the link in that language."""

    title: str
    image_url: str
    link: str
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class _ScheduledBanner:
    starts_at: object  # datetime | None
    ends_at: object
    banner: HomeBanner


# Every active banner that has not ended, per language, kept by each worker until the catalog
# changes (saving a banner bumps its version); the time window is checked on every read.
_scheduled_banners: KeptPerVersion[list[_ScheduledBanner]] = KeptPerVersion(
    "catalog", size=len(settings.LANGUAGES)
)
HOME_BANNERS_LIMIT = 8


def home_banners(*, request=None, now=None) -> list[HomeBanner]:
    """The banners live now, in display order. Given the request of a cached page, the page
    is cached no longer than the next moment a banner starts or ends."""
    now = now or timezone.now()
    scheduled = _scheduled_banners.get("banners", _read_scheduled_banners)
    live = [
        item.banner
        for item in scheduled
        if (item.starts_at is None or item.starts_at <= now)
        and (item.ends_at is None or now < item.ends_at)
    ]
    if request is not None:
        changes = [
            moment
            for item in scheduled
            for moment in (item.starts_at, item.ends_at)
            if moment is not None and moment > now
        ]
        if changes:
            pagecache.valid_until(request, min(changes))
    return live[:HOME_BANNERS_LIMIT]


def _read_scheduled_banners() -> list[_ScheduledBanner]:
    language = translation.get_language() or settings.LANGUAGE_CODE
    width, height = Banner.PICTURE_SIZE
    banners = (
        Banner.objects.filter(is_active=True)
        .exclude(ends_at__lte=timezone.now())  # ended for good
        .order_by("sort_order", "id")
    )
    return [
        _ScheduledBanner(
            starts_at=banner.starts_at,
            ends_at=banner.ends_at,
            banner=HomeBanner(
                title=banner.title,
                image_url=banner.image.url if banner.image else "",
                link=_link_in_language(banner.link, language),
                width=width,
                height=height,
            ),
        )
        for banner in banners
        if banner.image
    ]


def _link_in_language(path: str, language: str) -> str:
    """A shop path as stored (the default language's, without a prefix) in `language`."""
    with translation.override(settings.LANGUAGE_CODE):
        return translate_url(path, language)


def product_list(
    *, category: Category | None = None, series: Series | None = None
) -> QuerySet[Product]:
    """Published products of a category (with its sub-categories) or of a series, most
    popular first; the listing's FilterSet narrows and re-orders it."""
    products = published_products()
    if series is not None:
        products = products.filter(series=series)
    if category is not None:
        # A list of ids, not a join on the parent: the count then reads the category index
        # instead of every published product.
        products = products.filter(category_id__in=[category.pk, *tree.subcategory_ids(category)])
    return products.order_by(*SORTS["popular"])


SEARCH_CANDIDATES = 1000
SEARCH_RESULTS_SECONDS = 300


@dataclass(frozen=True)
class SearchResults:
    """The best-selling matches of a search (at most `SEARCH_CANDIDATES`) as product ids,
    most relevant first; `has_more` when further, less-sold products also match."""

    product_ids: list[int]
    has_more: bool


# The best-selling matches, then their relevance: ts_rank runs on at most `limit` rows, and
# reads the stored words (generated column `search_vector`, partial GIN index, migration
# 0004), never the text. Raw SQL because the column is not a model field, and only a
# subquery in FROM keeps ranking after the LIMIT.
_CANDIDATES_SQL = """
SELECT id, sales_count, ts_rank(search_vector, to_tsquery('simple', %(terms)s))
FROM (
    SELECT id, sales_count, search_vector FROM catalog_product
    WHERE is_published AND search_vector @@ to_tsquery('simple', %(terms)s)
    ORDER BY sales_count DESC, id DESC
    LIMIT %(limit)s
) AS candidates
"""


def _search_candidates(*, query: str, words: list[str], limit: int) -> list[tuple[int, int, float]]:
    """(id, units sold, relevance) of the `limit` best-selling published products having
    every word of the query (prefix match on the last)."""
    if connection.vendor == "postgresql":
        terms = " & ".join(f"'{word}':*" for word in words)
        with connection.cursor() as cursor:
            cursor.execute(_CANDIDATES_SQL, {"terms": terms, "limit": limit})
            return cursor.fetchall()
    condition = Q(is_published=True)
    for word in words:
        condition &= Q(search_text__contains=word)
    name_hit = Q(name_zh_hans__icontains=query[:100]) | Q(name_en__icontains=query[:100])
    return list(
        Product.objects.filter(condition)
        .order_by(*SORTS["sales"])
        .annotate(rank=Case(When(name_hit, then=Value(1)), default=Value(0)))
        .values_list("pk", "sales_count", "rank")[:limit]
    )


def product_search(*, query: str, limit: int) -> SearchResults:
    """Products matching every word of the query, most relevant first, then best-selling.
    Only the `limit` best-selling matches are ranked, so a broad word costs the same in a
    catalog of any size. Chinese is segmented the same way as the stored words."""
    words = query_words(query)
    if not words:
        return SearchResults(product_ids=[], has_more=False)
    # Shoppers repeat the same searches (the popular words of the week): their ranked ids are
    # kept for a few minutes per catalog version, like listing totals, so a popular search
    # costs no PostgreSQL scan. A new search always asks the database.
    identity = "\x1f".join([*words, query[:100]]).encode()
    key = (
        f"search:{pagecache.version('catalog')}:{limit}:"
        f"{hashlib.blake2b(identity, digest_size=16).hexdigest()}"
    )
    with contextlib.suppress(Exception):
        kept = cache.get(key)
        if kept is not None:
            return kept
    # One more than the limit, only to learn whether there are more.
    candidates = _search_candidates(query=query, words=words, limit=limit + 1)
    has_more = len(candidates) > limit
    ranked = sorted(candidates[:limit], key=lambda row: (row[2], row[1], row[0]), reverse=True)
    results = SearchResults(product_ids=[pk for pk, _sales, _rank in ranked], has_more=has_more)
    with contextlib.suppress(Exception):  # the cache is optional: the next search asks again
        cache.set(key, results, SEARCH_RESULTS_SECONDS)
    return results


def search_page(
    *, query: str, page_number, per_page: int, narrow=None
) -> tuple[Page, SearchResults]:
    """The requested page of a search, its products ready for cards in ranked order; a
    missing, malformed or out-of-range number gives the first or last page.

    `narrow`, given, takes the ranked products' queryset and returns it filtered and perhaps
    sorted (the listing's ProductFilter): one more query, only when the shopper filters or
    sorts; the results keep their rank unless a sort order was chosen."""
    results = product_search(query=query, limit=SEARCH_CANDIDATES)
    product_ids = results.product_ids
    if narrow is not None and product_ids:
        chosen, sorted_ = narrow(published_products().filter(pk__in=product_ids))
        kept = list(chosen.values_list("pk", flat=True))
        if not sorted_:
            wanted = set(kept)
            kept = [pk for pk in product_ids if pk in wanted]
        product_ids = kept
    paginator = Paginator(product_ids, per_page)
    try:
        page = paginator.page(page_number or 1)
    except InvalidPage:
        try:
            number = int(page_number)
        except (TypeError, ValueError):
            number = 1
        page = paginator.page(paginator.num_pages if number > 1 else 1)
    if page.object_list:
        page.object_list = _listing_cards.get(
            ("search", *page.object_list), lambda: _cards_in_order(page.object_list)
        )
    return page, results


def _cards_in_order(product_ids: list[int]) -> list[ProductCard]:
    by_id = {
        card.id: card for card in product_cards(published_products().filter(pk__in=product_ids))
    }
    return [by_id[pk] for pk in product_ids if pk in by_id]


def product_detail(*, slug: str) -> Product | None:
    """A published product with its SKUs on sale, pictures and specifications. Its category
    and series come from the kept tree (`tree.category_by_id(product.category_id)`)."""
    active_skus = Sku.objects.filter(is_active=True)
    found = list(
        Product.objects.filter(is_published=True, slug=slug)
        .defer("search_text")
        .order_by()
        .prefetch_related(Prefetch("skus", queryset=active_skus), "images", "specs")[:1]
    )
    return found[0] if found else None


@dataclass(frozen=True)
class ProductPage:
    """Everything a product page shows that is the same for every shopper."""

    product: Product
    category: Category | None
    skus: list[Sku]
    images: list[ProductImage]
    specs: list[ProductSpec]
    related: list[ProductCard]


# The most visited product pages of each worker, kept until the catalog changes (a price,
# a stock count, a text: every catalog write bumps its version).
_product_pages: KeptPerVersion[ProductPage | None] = KeptPerVersion("catalog", size=500)


def product_page(*, slug: str) -> ProductPage | None:
    """A published product's page data; None when there is no such published product."""
    return _product_pages.get(slug, lambda: _read_product_page(slug))


def _read_product_page(slug: str) -> ProductPage | None:
    product = product_detail(slug=slug)
    if product is None:
        return None
    return ProductPage(
        product=product,
        category=tree.category_by_id(product.category_id),
        skus=list(product.skus.all()),
        images=list(product.images.all()),
        specs=list(product.specs.all()),
        related=related_products(product=product),
    )


def related_products(*, product: Product, limit: int = 4) -> list[ProductCard]:
    return product_cards(
        published_products()
        .filter(category_id=product.category_id)
        .exclude(pk=product.pk)
        .order_by("-popularity", "-id")[:limit]
    )


def compare_products(*, product_ids: list[int]) -> list[Product]:
    """The compared products in the order they were added, with SKUs and specs."""
    products = (
        Product.objects.filter(is_published=True, pk__in=product_ids)
        .select_related("category")
        .prefetch_related(
            Prefetch("skus", queryset=Sku.objects.filter(is_active=True)), "specs", "images"
        )
    )
    by_id = {product.pk: product for product in products}
    return [by_id[pk] for pk in product_ids if pk in by_id]


def low_stock_skus() -> QuerySet[Sku]:
    return (
        Sku.objects.filter(is_active=True, stock__lt=F("low_stock_threshold"))
        .select_related("product")
        .order_by("stock", "id")
    )


PAGE_SIZE = settings.SHOP_PAGE_SIZE

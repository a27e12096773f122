"""Reads of the catalog that pages share, each with its related rows fetched once."""

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Case, F, Prefetch, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from apps.catalog.models import Category, Product, ProductImage, Sku
from apps.catalog.search import query_words

SORTS = {
    "popular": ("-popularity", "-id"),
    "sales": ("-sales_count", "-id"),
    "price": ("min_price", "id"),
    "-price": ("-min_price", "-id"),
    "newest": ("-created_at", "-id"),
}


def _card_images() -> Prefetch:
    return Prefetch(
        "images",
        queryset=ProductImage.objects.only(
            "id", "product_id", "card_thumbnail", "image", "alt_zh_hans", "alt_en", "sort_order"
        ),
    )


def published_products() -> QuerySet[Product]:
    """Published products ready for cards: listing columns only, images in one query."""
    return (
        Product.objects.filter(is_published=True)
        .defer("description", "description_zh_hans", "description_en", "search_text")
        .prefetch_related(_card_images())
    )


def home_sections() -> dict:
    """The home page's product sections (its series come from apps.catalog.tree)."""
    products = published_products()
    return {
        "hero_products": list(products.filter(is_hero=True).order_by("-popularity", "-id")[:2]),
        "newest_products": list(products.order_by("-created_at", "-id")[:8]),
    }


def product_list(*, category: Category | None = None) -> QuerySet[Product]:
    """Published products of a category (with its sub-categories), most popular first; the
    listing's FilterSet narrows and re-orders it."""
    products = published_products()
    if category is not None:
        # A list of ids, not a join on the parent: the count then reads the category index
        # instead of every published product.
        ids = [category.pk]
        if category.parent_id is None:
            ids += list(Category.objects.filter(parent=category).values_list("pk", flat=True))
        products = products.filter(category_id__in=ids)
    return products.order_by(*SORTS["popular"])


def product_search(*, query: str) -> QuerySet[Product]:
    """Products matching every word of the query (prefix match on the last), most relevant
    first, then best-selling. Chinese is segmented the same way as the stored words."""
    words = query_words(query)
    products = published_products()
    if not words:
        return products.none()
    if connection.vendor == "postgresql":
        # to_tsvector('simple', search_text), stored by PostgreSQL in a generated column with
        # a partial GIN index (migration 0004), so ranking never parses the text again.
        vector = RawSQL('"catalog_product"."search_vector"', [], output_field=SearchVectorField())
        terms = " & ".join(f"'{word}':*" for word in words)
        ts_query = SearchQuery(terms, config="simple", search_type="raw")
        return (
            products.annotate(document=vector)
            .filter(document=ts_query)
            .annotate(rank=SearchRank(vector, ts_query))
            .order_by("-rank", "-sales_count", "-id")
        )
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    name_hit = Q(name_zh_hans__icontains=query[:100]) | Q(name_en__icontains=query[:100])
    return (
        products.filter(condition)
        .annotate(rank=Case(When(name_hit, then=Value(1)), default=Value(0)))
        .order_by("-rank", "-sales_count", "-id")
    )


def product_detail(*, slug: str) -> Product | None:
    active_skus = Sku.objects.filter(is_active=True)
    return (
        Product.objects.filter(is_published=True, slug=slug)
        .select_related("series", "category", "category__parent")
        .prefetch_related(Prefetch("skus", queryset=active_skus), "images", "specs")
        .first()
    )


def related_products(*, product: Product, limit: int = 4) -> list[Product]:
    return list(
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
            Prefetch("skus", queryset=Sku.objects.filter(is_active=True)), "specs", _card_images()
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

"""Reads of members' favourites, each page's cards in one query."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname, resolution_order

from apps.catalog.selectors import product_url_builder
from apps.favourites.models import Favourite


@dataclass(frozen=True, slots=True)
class FavouriteCard:
    """A favourite as the member centre shows it: the product's card (same fields as
    apps.catalog.selectors.ProductCard) with today's lowest price and stock, and how they
    compare with when it was saved."""

    id: int  # the product's
    name: str
    url: str
    image_url: str
    is_hero: bool
    min_price: Decimal
    price_varies: bool
    in_stock: bool
    on_sale: bool
    saved_at: datetime
    price_when_saved: Decimal
    price_dropped: bool
    back_in_stock: bool


def favourites_of(member) -> QuerySet[Favourite]:
    """The member's favourites, newest first (only theirs: every read starts here)."""
    return Favourite.objects.filter(member=member).newest_first()


def member_favourites(*, member, limit: int | None = None) -> list[FavouriteCard]:
    favourites = favourites_of(member)
    return favourite_cards(favourites if limit is None else favourites[:limit])


def saved_product_ids_key(member_id: int) -> str:
    return f"favourites:ids:{member_id}"


def saved_product_ids(member) -> frozenset[int]:
    """The ids of every product the member saved: kept in the cache (one round trip, no query)
    until apps.favourites.services changes them, and remembered on the member for the
    request, since a product page asks twice (its cache key and its heart)."""
    known = member.__dict__.get("_saved_product_ids")
    if known is None:
        key = saved_product_ids_key(member.pk)
        known = cache.get(key)  # the shop's cache fails open: None when unreachable
        if known is None:
            known = frozenset(
                Favourite.objects.filter(member=member).values_list("product_id", flat=True)
            )
            cache.set(key, known, SAVED_IDS_SECONDS)
        member.__dict__["_saved_product_ids"] = known
    return known


def is_favourite(*, member, product_id: int) -> bool:
    """Whether the member saved the product (False for a guest)."""
    if not getattr(member, "is_authenticated", False):
        return False
    return product_id in saved_product_ids(member)


# A day: the ids are forgotten on every change anyway; this only bounds what idle members hold.
SAVED_IDS_SECONDS = 24 * 60 * 60


def favourite_ids(*, member, product_ids) -> set[int]:
    """Which of these products the member has saved (one query; none for a guest)."""
    if not getattr(member, "is_authenticated", False):
        return set()
    return set(
        Favourite.objects.filter(member=member, product_id__in=list(product_ids)).values_list(
            "product_id", flat=True
        )
    )


CARD_COLUMNS = (
    "product_id",
    "created_at",
    "price_when_saved",
    "in_stock_when_saved",
    "product__slug",
    "product__cover_image",
    "product__is_hero",
    "product__min_price",
    "product__max_price",
    "product__total_stock",
    "product__is_published",
)


def favourite_cards(favourites: QuerySet[Favourite]) -> list[FavouriteCard]:
    """Cards for a (sliced) queryset of favourites, in its order: one query of plain tuples,
    the name picked in modeltranslation's fallback order as product cards do."""
    product_url = product_url_builder()
    media_url = default_storage.url
    language = translation.get_language() or settings.LANGUAGE_CODE
    names = [
        "product__" + build_localized_fieldname("name", code) for code in resolution_order(language)
    ]
    cards = []
    rows = favourites.values_list(*CARD_COLUMNS, *names)
    for pk, saved_at, saved_price, saved_in_stock, slug, cover, is_hero, *rest in rows:
        low, high, stock, published, *name_values = rest
        in_stock = published and stock > 0
        cards.append(
            FavouriteCard(
                id=pk,
                name=next((name for name in name_values if name), ""),
                url=product_url(slug) if published else "",
                image_url=media_url(cover) if cover else "",
                is_hero=is_hero,
                min_price=low,
                price_varies=high > low,
                in_stock=in_stock,
                on_sale=published,
                saved_at=saved_at,
                price_when_saved=saved_price,
                price_dropped=published and low < saved_price,
                back_in_stock=in_stock and not saved_in_stock,
            )
        )
    return cards

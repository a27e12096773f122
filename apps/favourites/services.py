"""Saving and forgetting a member's favourite products. Every write is idempotent: adding
twice keeps one favourite (the unique constraint decides between two requests at once),
removing what is not there changes nothing."""

import logging

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import Product
from apps.favourites.models import Favourite
from apps.favourites.selectors import saved_product_ids_key

logger = logging.getLogger(__name__)


class FavouriteError(Exception):
    pass


class ProductUnavailable(FavouriteError):
    def __init__(self):
        super().__init__(_("This product is no longer on sale."))


def favourite_add(*, member, product_id: int) -> Favourite:
    """Saves a published product in the member's favourites with its lowest price and stock
    of the moment. Saving it again keeps the first save, whose price "price dropped" compares
    with."""
    found = (
        Product.objects.filter(pk=product_id, is_published=True)
        .values_list("min_price", "total_stock")
        .first()
    )
    if found is None:
        raise ProductUnavailable
    lowest_price, stock = found
    favourite, created = Favourite.objects.get_or_create(
        member=member,
        product_id=product_id,
        defaults={"price_when_saved": lowest_price, "in_stock_when_saved": stock > 0},
    )
    if created:
        _forget_saved_ids(member)
        logger.info("favourite.added", extra={"member_id": member.pk, "product_id": product_id})
    return favourite


def favourite_remove(*, member, product_id: int) -> bool:
    """Forgets a favourite; says whether there was one."""
    deleted, _by_model = Favourite.objects.filter(member=member, product_id=product_id).delete()
    if deleted:
        _forget_saved_ids(member)
        logger.info("favourite.removed", extra={"member_id": member.pk, "product_id": product_id})
    return bool(deleted)


def favourite_toggle(*, member, product_id: int) -> bool:
    """Removes the favourite if there is one, else adds it; returns whether the product is a
    favourite now. Two toggles at once never fail: the later one finds the other's work."""
    if favourite_remove(member=member, product_id=product_id):
        return False
    favourite_add(member=member, product_id=product_id)
    return True


def _forget_saved_ids(member) -> None:
    """The member's saved ids (apps.favourites.selectors.saved_product_ids) are read again,
    now on this request and, once the change is committed, everywhere."""
    member.__dict__.pop("_saved_product_ids", None)
    key = saved_product_ids_key(member.pk)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))

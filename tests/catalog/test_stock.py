"""Stock moves only through the catalog's three stock services; each keeps the product's
summary in step and never lets a SKU go below zero."""

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils.translation import gettext

from apps.catalog.models import Product, Sku
from apps.catalog.services import OutOfStock, sku_stock_release, sku_stock_return, sku_stock_take
from apps.core import pagecache
from tests.catalog.factories import SkuFactory

pytestmark = pytest.mark.django_db


def stock_and_summary(sku) -> tuple[int, int, int]:
    product = Product.objects.get(pk=sku.product_id)
    return Sku.objects.get(pk=sku.pk).stock, product.total_stock, product.sales_count


def a_product_with_one_sku(stock: int):
    return SkuFactory(stock=stock)


def test_take_lowers_stock_total_and_counts_the_units_sold():
    sku = a_product_with_one_sku(stock=5)

    sku_stock_take(quantities={sku: 2})

    assert stock_and_summary(sku) == (3, 3, 2)


def test_take_of_more_than_the_stock_names_the_sku_and_changes_nothing():
    sku = a_product_with_one_sku(stock=2)

    with pytest.raises(OutOfStock) as refusal, transaction.atomic():
        sku_stock_take(quantities={sku: 3})

    # The refusal comes from the conditional update, which knows which SKU ran short (the
    # database's CHECK is only the last line of defence and could not say).
    assert refusal.value.sku == sku
    assert str(refusal.value) == gettext("%(name)s has just sold out.") % {"name": sku}
    assert stock_and_summary(sku) == (2, 2, 0)


def test_take_of_several_skus_is_all_or_nothing():
    plenty, short = SkuFactory(stock=9), SkuFactory(stock=1)

    # As an order does: the take inside the caller's transaction, which the refusal undoes.
    with pytest.raises(OutOfStock), transaction.atomic():
        sku_stock_take(quantities={plenty: 4, short: 2})

    assert (stock_and_summary(plenty), stock_and_summary(short)) == ((9, 9, 0), (1, 1, 0))


def test_release_gives_the_units_back_and_uncounts_them_as_sold():
    sku = a_product_with_one_sku(stock=5)
    sku_stock_take(quantities={sku: 3})

    sku_stock_release(quantities={Sku.objects.get(pk=sku.pk): 2})

    assert stock_and_summary(sku) == (4, 4, 1)


def test_return_puts_goods_back_on_sale_and_they_stay_sold():
    sku = a_product_with_one_sku(stock=5)
    sku_stock_take(quantities={sku: 3})

    sku_stock_return(quantities={Sku.objects.get(pk=sku.pk): 1})

    assert stock_and_summary(sku) == (3, 3, 3)


def test_a_replacement_taken_for_an_exchange_is_not_a_sale():
    sku = a_product_with_one_sku(stock=5)

    sku_stock_take(quantities={sku: 1}, sold=False)

    assert stock_and_summary(sku) == (4, 4, 0)


@override_settings(SHOP_FEW_LEFT_BELOW=3)
def test_taking_the_stock_under_few_left_refreshes_catalog_pages_after_commit(
    django_capture_on_commit_callbacks,
):
    sku = a_product_with_one_sku(stock=4)
    before = pagecache.version("catalog")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sku_stock_take(quantities={sku: 2})

    assert len(callbacks) == 1
    assert pagecache.version("catalog") != before


@override_settings(SHOP_FEW_LEFT_BELOW=3)
def test_taking_plenty_of_stock_leaves_the_catalog_pages_cached(
    django_capture_on_commit_callbacks,
):
    sku = a_product_with_one_sku(stock=40)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sku_stock_take(quantities={sku: 2})

    assert callbacks == []

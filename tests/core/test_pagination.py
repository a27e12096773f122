"""Listing pagination counts once per catalog version and query, then reads the total from
the cache; a catalog change or another filter counts again, and a dead cache only costs the
count."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.catalog.models import Product
from apps.core import pagecache
from apps.core.pagination import CachedCountPaginator, count_key, page_of
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_products():
    return ProductFactory.create_batch(5)


def _published():
    return Product.objects.filter(is_published=True).order_by("pk")


def test_total_is_counted_once_then_read_from_the_cache(five_products, django_assert_num_queries):
    assert CachedCountPaginator(_published(), 2).count == 5

    with django_assert_num_queries(0):
        again = CachedCountPaginator(_published(), 2).count

    assert again == 5


def test_cached_total_is_not_recounted_even_when_rows_change_without_a_version_bump(
    five_products,
):
    """What the cache is for: a deep listing does not count on every page view."""
    assert CachedCountPaginator(_published(), 2).count == 5
    Product.objects.filter(pk=five_products[0].pk).update(is_published=False)

    assert CachedCountPaginator(_published(), 2).count == 5


def test_catalog_change_counts_again(five_products):
    assert CachedCountPaginator(_published(), 2).count == 5
    Product.objects.filter(pk=five_products[0].pk).update(is_published=False)

    pagecache.bump_version("catalog")

    assert CachedCountPaginator(_published(), 2).count == 4


def test_each_filter_has_its_own_total(five_products):
    assert CachedCountPaginator(_published(), 2).count == 5

    some = _published().filter(pk__in=[p.pk for p in five_products[:2]])

    assert CachedCountPaginator(some, 2).count == 2


def test_empty_filter_counts_zero_without_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        count = CachedCountPaginator(Product.objects.filter(pk__in=[]).order_by("pk"), 2).count

    assert count == 0


def test_dead_cache_still_gives_the_right_total(five_products, cache_on_throwaway_redis):
    cache_on_throwaway_redis.stop()

    assert CachedCountPaginator(_published(), 2).count == 5


@pytest.mark.parametrize(
    ("asked", "given"), [(None, 1), ("2", 2), ("99", 3), ("0", 1), ("-4", 1), ("x", 1)]
)
def test_page_number_out_of_range_or_malformed_gives_the_nearest_page(five_products, asked, given):
    page = page_of(_published(), asked, 2)

    assert page.number == given
    assert page.paginator.num_pages == 3


def test_key_from_filters_ignores_their_order_and_empty_values():
    assert count_key("products", 3, price_min=Decimal("10.0"), in_stock=True, series=None) == (
        count_key("products", 3, in_stock=True, price_min=Decimal("10"))
    )


@pytest.fixture
def listing(settings):
    settings.PAGE_CACHE_SECONDS = 0  # every request renders, so the count cache is what we see
    return reverse("catalog:product_list")


def test_listing_with_the_same_filters_in_another_order_reuses_the_count(client, listing):
    ProductFactory.create_batch(3)
    client.get(f"{listing}?price_min=0&price_max=99999&sort=price")

    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"{listing}?sort=-price&price_max=99999.00&price_min=0")

    assert page.context["page"].paginator.count == 3
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def test_listing_counts_again_after_a_catalog_change(client, listing):
    products = ProductFactory.create_batch(3)
    client.get(f"{listing}?price_min=0")
    Product.objects.filter(pk=products[0].pk).update(is_published=False)

    pagecache.bump_version("catalog")
    page = client.get(f"{listing}?price_min=0")

    assert page.context["page"].paginator.count == 2


def test_a_given_key_names_the_total_without_compiling_the_query(five_products):
    assert CachedCountPaginator(_published(), 2, key="five").count == 5

    narrowed = _published().filter(pk=five_products[0].pk)

    assert CachedCountPaginator(narrowed, 2, key="five").count == 5

"""SQL queries per page stay constant as the catalog grows (QUALITY.md: at most 10)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.catalog.factories import ProductFactory, ProductImageFactory, ProductSpecFactory

pytestmark = pytest.mark.django_db


def make_catalog(size: int):
    first = ProductFactory(name_zh_hans="电饭煲 0")
    ProductImageFactory(product=first)
    ProductSpecFactory(product=first)
    for number in range(1, size):
        product = ProductFactory(category=first.category, name_zh_hans=f"电饭煲 {number}")
        ProductImageFactory(product=product)
    return first


def count_queries(client, url, django_assert_max_num_queries) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # consume any pending messages so the session is not rewritten
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


PAGES = [
    ("home", lambda product: reverse("catalog:home")),
    ("listing", lambda product: reverse("catalog:product_list")),
    ("category", lambda product: product.category.get_absolute_url()),
    ("detail", lambda product: product.get_absolute_url()),
    ("search", lambda product: reverse("catalog:search") + "?q=电饭煲"),
    ("compare", lambda product: reverse("catalog:compare")),
]


@pytest.mark.parametrize(("name", "url_for"), PAGES)
def test_queries_per_page_are_few_and_constant_in_catalog_size(
    client, name, url_for, django_assert_max_num_queries
):
    product = make_catalog(10)
    client.post(reverse("catalog:compare_add"), {"product": product.pk})
    small = count_queries(client, url_for(product), django_assert_max_num_queries)
    for number in range(190):
        ProductFactory(category=product.category, name_zh_hans=f"电饭煲 x{number}")

    large = count_queries(client, url_for(product), django_assert_max_num_queries)

    assert small == large
    assert large <= 10

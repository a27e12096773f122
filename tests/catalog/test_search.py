"""Search ranks a bounded set of matches: the best-selling `SEARCH_CANDIDATES`, so a broad word
costs the same in a catalog of any size (benchmarks/README.md, 2026-11-29)."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.catalog import selectors, services
from tests.catalog.factories import ProductFactory, ProductImageFactory, SkuFactory

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [card.name for card in response.context["page"].object_list]


@pytest.fixture
def cookers():
    """Five rice cookers; the higher the number, the more units sold."""
    return [
        ProductFactory(
            name_zh_hans=f"电饭煲 {number}",
            name_en=f"Rice cooker {number}",
            sales_count=number * 10,
        )
        for number in range(1, 6)
    ]


@pytest.fixture
def three_candidates(monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_CANDIDATES", 3)


def test_more_matches_than_candidates_shows_a_capped_total(client, cookers, three_candidates):
    response = client.get("/en" + reverse("catalog:search"), {"q": "电饭煲"})

    assert response.status_code == 200
    assert "3+ products found. The best-selling 3 are shown" in response.content.decode()


def test_more_matches_than_candidates_shows_the_best_selling_ones(
    client, cookers, three_candidates
):
    response = client.get(reverse("catalog:search"), {"q": "电饭煲"})

    assert names(response) == ["电饭煲 5", "电饭煲 4", "电饭煲 3"]


def test_relevance_ranks_before_sales_among_candidates(client):
    ProductFactory(name_zh_hans="电饭煲", name_en="Rice cooker", sales_count=1)
    ProductFactory(
        name_zh_hans="厨房套装",
        name_en="Kitchen set",
        description_zh_hans="含一只电饭煲",
        sales_count=500,
    )

    response = client.get(reverse("catalog:search"), {"q": "电饭煲"})

    assert names(response) == ["电饭煲", "厨房套装"]


def test_fewer_matches_than_candidates_shows_the_exact_count(client, cookers):
    response = client.get("/en" + reverse("catalog:search"), {"q": "电饭煲"})

    assert names(response) == [f"Rice cooker {number}" for number in (5, 4, 3, 2, 1)]
    assert "5 products found" in response.content.decode()
    assert "+ products found" not in response.content.decode()


def test_capped_search_still_requires_every_word(client, cookers, three_candidates):
    ProductFactory(name_zh_hans="多功能电饭煲", name_en="Multi cooker", sales_count=1)

    response = client.get("/en" + reverse("catalog:search"), {"q": "多功能 电饭煲"})

    assert names(response) == ["Multi cooker"]
    assert "1 product found" in response.content.decode()


def test_page_past_the_candidates_gives_the_last_page(client, cookers, three_candidates, settings):
    settings.SHOP_PAGE_SIZE = 2

    response = client.get(reverse("catalog:search"), {"q": "电饭煲", "page": "99"})

    assert response.status_code == 200
    assert response.context["page"].number == 2
    assert names(response) == ["电饭煲 3"]


@pytest.mark.parametrize("query", ["", "   ", "%", "😀😀", "电饭煲" * 500, "'; drop table x; --"])
def test_empty_and_odd_searches_give_a_friendly_page(client, cookers, three_candidates, query):
    response = client.get(reverse("catalog:search"), {"q": query})

    assert response.status_code == 200
    assert "Traceback" not in response.content.decode()


def test_search_page_queries(client, cookers, three_candidates, django_assert_num_queries):
    """Candidates with their relevance, then the page's cards with their cover pictures."""
    for product in cookers:
        ProductImageFactory(product=product)

    # + 2: the series tree for the header's category menu, read once per catalog version;
    # + 1: the VIP tiers ("member prices from" on the cards), kept the same way;
    # + 1: the flash sales running (apps.promotions.selectors.promotion_shelf), the same.
    with django_assert_num_queries(2 + 2 + 1 + 1):
        response = client.get(reverse("catalog:search"), {"q": "电饭煲", "page": "1"})

    assert response.status_code == 200


def test_repeated_search_reads_only_the_cards(
    client, settings, cookers, three_candidates, django_assert_num_queries
):
    settings.SHOP_PAGE_SIZE = 2
    client.get(reverse("catalog:search"), {"q": "电饭煲"})

    with django_assert_num_queries(1):
        response = client.get(reverse("catalog:search"), {"q": "电饭煲", "page": "2"})

    assert names(response) == ["电饭煲 3"]  # three candidates, two a page in this test


def test_repeated_search_finds_a_product_added_since(
    client, settings, cookers, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(reverse("catalog:search"), {"q": "电饭煲"})

    with django_capture_on_commit_callbacks(execute=True):
        newcomer = ProductFactory(name_zh_hans="新款电饭煲", sales_count=999)
        services.product_refresh_summary(product=newcomer)
    response = client.get(reverse("catalog:search"), {"q": "电饭煲"})

    assert names(response)[0] == "新款电饭煲"


@pytest.mark.postgres
def test_best_selling_matches_have_an_index_carrying_the_search_words():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'product_sales_search'")
        (definition,) = cursor.fetchone()

    assert "(sales_count DESC, id DESC) INCLUDE (search_vector) WHERE is_published" in definition


@pytest.fixture
def priced_cookers():
    """Three rice cookers, best-selling first: ¥299, ¥599 (sold out) and ¥199."""
    made = []
    for name, price, stock, sold in (("甲", 299, 5, 30), ("乙", 599, 0, 20), ("丙", 199, 5, 10)):
        product = ProductFactory(name_zh_hans=f"电饭煲 {name}", sales_count=sold, skus=[])
        SkuFactory(product=product, price=price, stock=stock)
        made.append(product)
    return made


def test_search_results_are_narrowed_by_filters_and_keep_their_rank(client, priced_cookers):
    response = client.get(reverse("catalog:search"), {"q": "电饭煲", "price_min": "250"})

    assert names(response) == ["电饭煲 甲", "电饭煲 乙"]
    assert "筛选（1）" in response.content.decode()

    response = client.get(reverse("catalog:search"), {"q": "电饭煲", "in_stock": "true"})

    assert names(response) == ["电饭煲 甲", "电饭煲 丙"]


def test_search_results_can_be_sorted_by_price(client, priced_cookers):
    response = client.get(reverse("catalog:search"), {"q": "电饭煲", "sort": "price"})

    assert names(response) == ["电饭煲 丙", "电饭煲 甲", "电饭煲 乙"]


def test_a_malformed_search_filter_is_ignored_and_said(client, priced_cookers):
    response = client.get(reverse("catalog:search"), {"q": "电饭煲", "price_min": "cheap"})

    assert response.status_code == 200
    assert names(response) == ["电饭煲 甲", "电饭煲 乙", "电饭煲 丙"]
    assert "price_min" in response.context["filter"].form.errors
    assert _("Some filters were not understood and were ignored.") in response.content.decode()

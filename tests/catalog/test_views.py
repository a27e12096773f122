from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.catalog import services
from tests.catalog.factories import (
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    ProductSpecFactory,
    SkuFactory,
)
from tests.text import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    """Products in two categories of one series, with images and specs."""
    kettles = CategoryFactory(slug="kettles", name_zh_hans="电水壶", name_en="Kettles")
    cookers = CategoryFactory(
        slug="cookers", series=kettles.series, name_zh_hans="电饭煲", name_en="Rice cookers"
    )
    cheap = ProductFactory(
        category=kettles, name_zh_hans="快煮电水壶", name_en="Quick kettle", skus=[]
    )
    SkuFactory(product=cheap, price=Decimal("59.00"), stock=0, code="KT-100")
    dear = ProductFactory(
        category=cookers, name_zh_hans="智能电饭煲", name_en="Smart rice cooker", skus=[]
    )
    SkuFactory(product=dear, price=Decimal("399.00"), stock=12, code="RC-200")
    for product in (cheap, dear):
        services.product_refresh_summary(product=product)
        ProductImageFactory(product=product)
        ProductSpecFactory(product=product)
    return {"cheap": cheap, "dear": dear, "kettles": kettles}


def names(response) -> list[str]:
    return [card.name for card in response.context["cards"]]


def test_home_shows_series_and_new_arrivals(client, catalog):
    response = client.get(reverse("catalog:home"))

    assert response.status_code == 200
    assert "智能电饭煲" in response.content.decode()


def test_listing_filters_by_price_and_stock(client, catalog):
    response = client.get(reverse("catalog:product_list"), {"price_min": "100", "in_stock": "true"})

    assert names(response) == ["智能电饭煲"]


def test_listing_sorts_by_price_both_ways(client, catalog):
    up = client.get(reverse("catalog:product_list"), {"sort": "price"})
    down = client.get(reverse("catalog:product_list"), {"sort": "-price"})

    assert names(up) == ["快煮电水壶", "智能电饭煲"]
    assert names(down) == ["智能电饭煲", "快煮电水壶"]


def test_listing_ignores_malformed_filters_and_says_so(client, catalog):
    response = client.get(
        reverse("catalog:product_list"), {"price_min": "abc", "sort": "drop table", "page": "x"}
    )

    assert response.status_code == 200
    assert len(names(response)) == 2
    assert response.context["filter"].form.errors


def test_category_page_lists_only_its_products(client, catalog):
    response = client.get(reverse("catalog:category", kwargs={"slug": "kettles"}))

    assert names(response) == ["快煮电水壶"]


def test_unknown_category_and_product_are_404(client, catalog):
    assert client.get("/category/nope/").status_code == 404
    assert client.get("/product/nope/").status_code == 404


def test_unpublished_product_is_not_shown(client, catalog):
    services.products_set_published(product_ids=[catalog["dear"].pk], published=False)

    assert client.get(catalog["dear"].get_absolute_url()).status_code == 404


def test_detail_shows_chosen_sku_price_stock_and_specs(client, catalog):
    response = client.get(catalog["dear"].get_absolute_url())

    page = response.content.decode()
    assert "¥399.00" in visible_text(response)
    assert "RC-200" in page
    assert "800 瓦" in page


def test_detail_in_english_shows_english_content(client, catalog):
    response = client.get("/en" + catalog["dear"].get_absolute_url())

    page = response.content.decode()
    assert "Smart rice cooker" in page
    assert 'hreflang="zh-Hans"' in page


@pytest.mark.parametrize("query", ["电饭煲", "饭煲", "smart", "RC-200", "rc200", "SMART RICE"])
def test_search_finds_by_chinese_english_and_sku_code(client, catalog, query):
    response = client.get(reverse("catalog:search"), {"q": query})

    assert names(response) == ["智能电饭煲"]


@pytest.mark.parametrize("query", ["smart kettle", "智能 水壶", "RC-200 kettle", "quick 电饭煲"])
def test_search_finds_nothing_when_no_product_has_every_word(client, catalog, query):
    """Each word is in one product, no product has all of them (PostgreSQL full text and the
    SQLite fallback alike)."""
    response = client.get(reverse("catalog:search"), {"q": query})

    assert response.status_code == 200
    assert names(response) == []


@pytest.mark.parametrize("query", ["quick kettle", "快煮 水壶", "kettle KT-100"])
def test_search_with_several_words_finds_the_product_having_all(client, catalog, query):
    response = client.get(reverse("catalog:search"), {"q": query})

    assert names(response) == ["快煮电水壶"]


@pytest.mark.parametrize("query", ["", "   ", '"', "%", "😀😀", "a" * 2000, "'; drop table x; --"])
def test_odd_searches_give_a_normal_page(client, catalog, query):
    response = client.get(reverse("catalog:search"), {"q": query})

    assert response.status_code == 200
    assert names(response) == []


def test_search_echo_is_escaped(client, catalog):
    response = client.get(reverse("catalog:search"), {"q": "<script>alert(1)</script>"})

    assert "<script>alert(1)</script>" not in response.content.decode()


def test_compare_shows_products_side_by_side(client, catalog):
    for product in (catalog["cheap"], catalog["dear"]):
        client.post(reverse("catalog:compare_add"), {"product": product.pk})

    response = client.get(reverse("catalog:compare"))

    assert [p.name for p in response.context["products"]] == ["快煮电水壶", "智能电饭煲"]


def test_fifth_product_in_compare_is_refused_with_a_reason(client):
    products = ProductFactory.create_batch(5)
    for product in products:
        response = client.post(reverse("catalog:compare_add"), {"product": product.pk}, follow=True)

    refusal = _("You can compare up to %(limit)d products. Remove one to add %(name)s.") % {
        "limit": 4,
        "name": products[4].name,
    }
    assert response.status_code == 200
    assert [str(message) for message in response.context["messages"]] == [refusal]
    assert client.session["compare"] == [product.pk for product in products[:4]]


def test_compare_redirect_refuses_other_hosts(client, catalog):
    response = client.post(
        reverse("catalog:compare_add"),
        {"product": catalog["dear"].pk, "next": "https://evil.example/"},
    )

    assert response["Location"] == reverse("catalog:compare")


def test_anonymous_page_is_cached_and_invalidated_by_a_catalog_change(
    catalog, django_capture_on_commit_callbacks
):
    client = Client()
    url = reverse("catalog:product_list")
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        SkuFactory(product=catalog["cheap"], price=Decimal("9.90"), stock=5)
        services.product_refresh_summary(product=catalog["cheap"])

    fresh = client.get(url)
    assert fresh["X-Page-Cache"] == "miss"
    assert "¥9.90" in visible_text(fresh)


def test_kept_listing_pages_follow_sort_order_and_catalog_changes(
    client, settings, catalog, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 0
    url = reverse("catalog:product_list")
    cheapest_first = names(client.get(url, {"sort": "price"}))
    dearest_first = names(client.get(url, {"sort": "-price"}))

    with django_capture_on_commit_callbacks(execute=True):
        services.products_set_published(product_ids=[catalog["cheap"].pk], published=False)
    after_unpublishing = names(client.get(url, {"sort": "price"}))

    assert cheapest_first == ["快煮电水壶", "智能电饭煲"]
    assert dearest_first == ["智能电饭煲", "快煮电水壶"]
    assert after_unpublishing == ["智能电饭煲"]


def test_category_page_links_its_sub_categories(client, catalog):
    mini = CategoryFactory(
        series=catalog["kettles"].series, parent=catalog["kettles"], slug="mini-kettles"
    )

    response = client.get(catalog["kettles"].get_absolute_url())

    assert f'href="{mini.get_absolute_url()}"' in response.content.decode()


def test_home_leaves_out_sections_with_nothing_to_show(client):
    page = client.get(reverse("catalog:home")).content.decode()

    assert _("New arrivals") not in page
    assert _("Our bestsellers") not in page
    assert "暂无" not in page


def test_english_cards_call_bestsellers_so(client, catalog):
    catalog["dear"].is_hero = True
    catalog["dear"].save()

    page = client.get("/en" + reverse("catalog:product_list")).content.decode()

    assert '<span class="badge">Bestseller</span>' in page


def test_product_page_shows_new_prices_and_stock_at_once_without_the_page_cache(
    client, settings, catalog, django_capture_on_commit_callbacks
):
    """Its data is kept per catalog version: a price change or a sale shows on the next visit."""
    settings.PAGE_CACHE_SECONDS = 0
    url = catalog["dear"].get_absolute_url()
    sku = catalog["dear"].skus.get()
    assert "¥399.00" in visible_text(client.get(url))

    with django_capture_on_commit_callbacks(execute=True):
        services.skus_change_price(sku_ids=[sku.pk], percent=Decimal("-10"))
    repriced = visible_text(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        services.sku_stock_take(quantities={sku: 10})
    after_sale = client.get(url).content.decode()

    assert "¥359.10" in repriced and "¥399.00" not in repriced
    assert _("Only %(counter)s left") % {"counter": 2} in after_sale


def test_cached_page_gets_a_fresh_working_csrf_token(catalog):
    url = catalog["dear"].get_absolute_url()
    Client().get(url)
    shopper = Client(enforce_csrf_checks=True)

    page = shopper.get(url)
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = shopper.post(
        reverse("catalog:compare_add"),
        {"product": catalog["dear"].pk, "csrfmiddlewaretoken": token},
    )

    assert page["X-Page-Cache"] == "hit"
    assert response.status_code == 302
    assert shopper.session["compare"] == [catalog["dear"].pk]


def test_sitemap_and_robots(client, catalog):
    sitemap = client.get("/sitemap.xml").content.decode()
    robots = client.get("/robots.txt").content.decode()

    assert catalog["dear"].get_absolute_url() in sitemap
    assert "/en/product/" in sitemap
    assert "Sitemap:" in robots


def test_healthz_reports_database_status(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["database"] == "ok"

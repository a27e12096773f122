"""A series has its own page: its name, its categories and only its products."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.catalog.factories import CategoryFactory, ProductFactory, SeriesFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_series():
    kitchen = SeriesFactory(slug="kitchen", name_zh_hans="厨房小家电", name_en="Kitchen appliances")
    knives = SeriesFactory(slug="knives", name_zh_hans="刀具", name_en="Knives")
    cookers = CategoryFactory(series=kitchen, slug="cookers", name_zh_hans="电饭煲")
    kettles = CategoryFactory(series=kitchen, slug="kettles", name_zh_hans="电水壶")
    chef = CategoryFactory(series=knives, slug="chef-knives", name_zh_hans="厨师刀")
    ProductFactory(category=cookers, series=kitchen, name_zh_hans="智能电饭煲")
    ProductFactory(category=kettles, series=kitchen, name_zh_hans="快煮电水壶")
    ProductFactory(category=chef, series=knives, name_zh_hans="主厨刀")
    return kitchen


def test_series_page_names_the_series_and_lists_only_its_products(client, two_series):
    response = client.get(two_series.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>厨房小家电</h1>" in page
    assert sorted(card.name for card in response.context["cards"]) == ["快煮电水壶", "智能电饭煲"]
    assert 'href="/category/cookers/"' in page and 'href="/category/kettles/"' in page


def test_series_page_filters_by_one_of_its_categories(client, two_series):
    response = client.get(two_series.get_absolute_url(), {"category": "kettles"})

    assert [card.name for card in response.context["cards"]] == ["快煮电水壶"]


def test_series_page_is_in_english_too(client, two_series):
    response = client.get("/en" + reverse("catalog:series", kwargs={"slug": "kitchen"}))

    assert "<h1>Kitchen appliances</h1>" in response.content.decode()


def test_unknown_series_is_404(client, two_series):
    assert client.get(reverse("catalog:series", kwargs={"slug": "nothing"})).status_code == 404


def test_category_breadcrumb_and_home_link_to_the_series_page(client, two_series):
    category_page = client.get(reverse("catalog:category", kwargs={"slug": "cookers"}))
    home = client.get(reverse("catalog:home"))

    assert 'href="/series/kitchen/"' in category_page.content.decode()
    assert 'href="/series/kitchen/"' in home.content.decode()


def test_series_pages_are_in_the_sitemap(client, two_series):
    sitemap = client.get("/sitemap.xml").content.decode()

    assert "/series/kitchen/" in sitemap and "/en/series/knives/" in sitemap


def test_a_series_page_shows_its_banner_when_it_has_one(client):
    series = SeriesFactory(name_zh_hans="厨具")
    series.banner.save("kitchenware.jpg", ContentFile(b"not read by the page"), save=True)

    page = client.get(series.get_absolute_url()).content.decode()

    assert f'<img class="series-banner" src="{series.banner.url}" alt="厨具' in page

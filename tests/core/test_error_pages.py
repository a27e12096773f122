"""The 500 page: in the shop's look, in the shopper's language, and rendered without any
query, so it still works when the database is what failed."""

import pytest
from django.test import Client, override_settings
from django.urls import path
from django.utils import translation

from apps.core import errors
from config import urls as shop_urls

pytestmark = pytest.mark.django_db


def _broken_view(request):
    raise RuntimeError("a bug in a view")


# The shop's own URLs plus one view that fails, under the shop's error handlers.
urlpatterns = [path("broken/", _broken_view), *shop_urls.urlpatterns]
handler500 = shop_urls.handler500


def _server_error_page(rf):
    request = rf.get("/products/")
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        return errors.server_error(request)


def test_500_page_renders_while_the_database_is_down(rf, database_down):
    with translation.override("en"):
        response = _server_error_page(rf)

    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in response.content.decode()


def test_500_page_makes_no_query(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = _server_error_page(rf)

    assert response.status_code == 500


@override_settings(SHOP_NAME="家味测试店")
def test_500_page_has_the_shops_stylesheet_header_and_way_back(rf):
    response = _server_error_page(rf)

    page = response.content.decode()
    assert response.status_code == 500
    assert page.count('rel="stylesheet"') == 1  # the shop's own, nothing else
    assert "/static/css/shop.css" in page
    assert '<header class="site-header">' in page
    assert '<a class="brand" href="/">' in page
    assert '<span class="brand-name">家味测试店</span>' in page


def test_500_page_speaks_the_shoppers_language(rf):
    with translation.override("en"):
        response = _server_error_page(rf)

    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "<h1>Something went wrong</h1>" in page


@override_settings(ROOT_URLCONF=__name__)
def test_a_failing_view_answers_with_the_shops_500_page():
    client = Client(raise_request_exception=False)

    response = client.get("/broken/")

    assert response.status_code == 500
    assert '<header class="site-header">' in response.content.decode()

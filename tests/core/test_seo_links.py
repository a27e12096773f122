"""Canonical, hreflang and language links come from the request path and SHOP_SITE_URL,
never from the Host header or a `//host` path."""

import pytest
from django.test import override_settings

from apps.core.seo import local_path

pytestmark = pytest.mark.django_db


@override_settings(SHOP_SITE_URL="https://shop.example.com")
def test_not_found_page_for_a_double_slash_path_names_no_other_host(client):
    # As gunicorn passes it on: the test client would read "//evil.example" as a host.
    response = client.get("/", PATH_INFO="//evil.example/products/")

    assert response.status_code == 404
    assert "evil.example" not in response.content.decode()


@override_settings(SHOP_SITE_URL="https://shop.example.com")
def test_not_found_page_for_a_backslash_path_names_no_other_host(client):
    response = client.get("/", PATH_INFO="/\\evil.example/products/")

    assert response.status_code == 404
    assert "evil.example" not in response.content.decode()


@override_settings(SHOP_SITE_URL="https://shop.example.com")
def test_not_found_page_offers_the_home_page_in_each_language(client):
    page = client.get("/no-such-page/").content.decode()

    assert 'rel="canonical"' not in page
    assert 'href="/" lang="zh-Hans"' in page
    assert 'href="/en/" lang="en"' in page


@override_settings(SHOP_SITE_URL="https://shop.example.com", ALLOWED_HOSTS=["*"])
def test_canonical_and_hreflang_use_the_shop_origin_not_the_host_header(client):
    page = client.get("/products/", HTTP_HOST="attacker.example").content.decode()

    assert '<link rel="canonical" href="https://shop.example.com/products/">' in page
    assert 'hreflang="en" href="https://shop.example.com/en/products/"' in page
    assert "attacker.example" not in page


def test_local_paths_never_start_with_two_slashes():
    assert local_path("//evil.example/x/") == "/evil.example/x/"
    assert local_path("/\\evil.example/x/") == "/evil.example/x/"
    assert local_path("/en/products/") == "/en/products/"

"""The anonymous page cache keys pages on scheme and host as well as path and language."""

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_page_cached_for_http_is_not_served_on_https(client):
    home = reverse("catalog:home")
    client.get(home, HTTP_HOST="localhost")

    secure = client.get(home, HTTP_HOST="localhost", secure=True)
    plain_again = client.get(home, HTTP_HOST="localhost")

    assert secure["X-Page-Cache"] == "miss"
    assert plain_again["X-Page-Cache"] == "hit"


@override_settings(ALLOWED_HOSTS=["shop.example.com", "localhost"])
def test_page_cached_for_one_host_is_not_served_for_another(client):
    home = reverse("catalog:home")
    client.get(home, HTTP_HOST="localhost")

    other_host = client.get(home, HTTP_HOST="shop.example.com")

    assert other_host["X-Page-Cache"] == "miss"

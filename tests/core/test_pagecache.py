"""The anonymous page cache: only for visitors without a session, keyed on scheme, host,
path and language, and kept no longer than the page's content stays the same."""

import re
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client, RequestFactory, override_settings
from django.urls import path, resolve, reverse
from django.utils import timezone

from apps.core import pagecache
from tests.catalog.factories import ProductFactory, ProductImageFactory

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


# --- The decorator itself, on a view under test --------------------------------------------


class Routes:
    """A URLconf of one test view (`urlpatterns` set per instance)."""


class CountingView:
    """A view decorated like the shop's pages, counting how often it really renders."""

    def __init__(self, *, changes_at=None):
        self.renders = 0
        self.changes_at = changes_at
        self.routes = Routes()
        self.routes.urlpatterns = [
            path("pagecache-test/", pagecache.cache_anonymous_page("pagecache-test")(self._render))
        ]
        self.view = pagecache.PageCacheMiddleware(self._resolve_and_call)

    def _resolve_and_call(self, request):
        match = resolve(request.path_info, self.routes)
        return match.func(request, *match.args, **match.kwargs)

    def _render(self, request):
        self.renders += 1
        for when in self.changes_at or []:
            pagecache.valid_until(request, when)
        return HttpResponse(f"render {self.renders}")

    def get(self, *, cookies=None):
        request = RequestFactory().get("/pagecache-test/")
        request.urlconf = self.routes
        request.COOKIES.update(cookies or {})
        return self.view(request)


def test_anonymous_visitor_is_served_the_cached_page():
    page = CountingView()
    page.get()

    second = page.get()

    assert (second["X-Page-Cache"], second.content, page.renders) == ("hit", b"render 1", 1)


def test_visitor_with_a_session_is_never_served_the_cached_page():
    page = CountingView()
    page.get()  # an anonymous copy is in the cache

    with_session = page.get(cookies={settings.SESSION_COOKIE_NAME: "member-session"})

    assert with_session.content == b"render 2"
    assert "X-Page-Cache" not in with_session
    assert page.renders == 2


def test_page_rendered_for_a_session_is_not_stored_for_anonymous_visitors():
    page = CountingView()
    page.get(cookies={settings.SESSION_COOKIE_NAME: "member-session"})

    anonymous = page.get()

    assert (anonymous["X-Page-Cache"], anonymous.content) == ("miss", b"render 2")


def test_page_changing_later_than_the_cache_lifetime_is_cached_normally():
    page = CountingView(changes_at=[timezone.now() + timedelta(hours=1)])
    page.get()

    second = page.get()

    assert (second["X-Page-Cache"], page.renders) == ("hit", 1)


def test_page_is_not_served_from_the_cache_after_its_content_changes():
    page = CountingView(changes_at=[timezone.now() + timedelta(seconds=1.6)])
    first = page.get()
    before_change = page.get()
    time.sleep(1.1)  # the copy lived floor(1.6 s) = 1 s: gone before the content changes

    after_change = page.get()

    assert (first["X-Page-Cache"], before_change["X-Page-Cache"]) == ("miss", "hit")
    # rendered again; 0.5 s before its change it is not worth storing
    assert (after_change["X-Page-Cache"], after_change.content) == ("expired", b"render 2")


def test_page_changing_now_is_not_stored():
    page = CountingView(changes_at=[timezone.now() + timedelta(milliseconds=300)])
    first = page.get()

    second = page.get()

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("expired", "expired")
    assert page.renders == 2


def test_earliest_change_decides_the_lifetime():
    now = timezone.now()
    request = RequestFactory().get("/")

    pagecache.valid_until(request, now + timedelta(seconds=30))
    pagecache.valid_until(request, now + timedelta(seconds=10))
    pagecache.valid_until(request, now + timedelta(seconds=20))

    assert pagecache._lifetime(request) in (9, 10)


@override_settings(PAGE_CACHE_SECONDS=60)
def test_lifetime_is_the_page_cache_setting_without_a_change_time():
    assert pagecache._lifetime(RequestFactory().get("/")) == 60


# --- Hits answered before the rest of the middleware ---------------------------------------


def test_hit_carries_the_headers_of_a_rendered_page(client):
    home = reverse("catalog:home")
    rendered = client.get(home)

    hit = client.get(home)

    assert hit["X-Page-Cache"] == "hit"
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Language", "Vary"):
        assert hit[header] == rendered[header]
    assert hit.content == rendered.content


def test_hit_reads_nothing_from_the_database(client, django_assert_num_queries):
    home = reverse("catalog:home")
    client.get(home)

    with django_assert_num_queries(0):
        hit = client.get(home)

    assert hit["X-Page-Cache"] == "hit"


def test_hit_with_a_form_reuses_the_visitors_csrf_cookie(client):
    product = ProductFactory()
    ProductImageFactory(product=product)
    first = client.get(product.get_absolute_url())
    secret = first.cookies[settings.CSRF_COOKIE_NAME].value

    hit = client.get(product.get_absolute_url())

    assert hit["X-Page-Cache"] == "hit"
    assert settings.CSRF_COOKIE_NAME not in hit.cookies  # nothing new to store
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', hit.content).group(1)
    assert _unmask_cipher_token(token.decode()) == secret


def test_hit_gives_a_new_visitor_a_csrf_cookie_that_its_forms_accept(client):
    product = ProductFactory()
    client.get(product.get_absolute_url())  # stored by someone else's visit
    newcomer = Client(enforce_csrf_checks=True)

    hit = newcomer.get(product.get_absolute_url())
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', hit.content).group(1)
    added = newcomer.post(
        reverse("catalog:compare_add"),
        {"product": product.pk, "csrfmiddlewaretoken": token.decode()},
    )

    assert hit["X-Page-Cache"] == "hit"
    assert settings.CSRF_COOKIE_NAME in hit.cookies
    assert added.status_code == 302

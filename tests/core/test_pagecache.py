"""The anonymous page cache: only for visitors without a session, keyed on scheme, host,
path and language, and kept no longer than the page's content stays the same."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from apps.core import pagecache

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


class CountingView:
    """A view decorated like the shop's pages, counting how often it really renders."""

    def __init__(self, *, changes_at=None):
        self.renders = 0
        self.changes_at = changes_at
        self.view = pagecache.cache_anonymous_page("pagecache-test")(self._render)

    def _render(self, request):
        self.renders += 1
        for when in self.changes_at or []:
            pagecache.valid_until(request, when)
        return HttpResponse(f"render {self.renders}")

    def get(self, *, cookies=None):
        request = RequestFactory().get("/pagecache-test/")
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

"""Shop pages with Redis really stopped or hung: every page still answers 200, quickly, and
/healthz says Redis is down. Uses the throwaway redis-server (tests/redis_server.py)."""

import time
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from apps.catalog import services
from tests.catalog.factories import CategoryFactory, ProductFactory, SkuFactory
from tests.redis_server import THROWAWAY_CACHE_PAUSE_SECONDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop_pages():
    kettles = CategoryFactory(slug="kettles", name_zh_hans="电水壶", name_en="Kettles")
    kettle = ProductFactory(
        category=kettles, slug="quick-kettle", name_zh_hans="快煮电水壶", skus=[]
    )
    SkuFactory(product=kettle, price=Decimal("59.00"), stock=5, code="KT-100")
    services.product_refresh_summary(product=kettle)
    return [
        reverse("catalog:home"),
        reverse("catalog:product_list"),
        reverse("catalog:category", args=["kettles"]),
        reverse("catalog:product_detail", args=["quick-kettle"]),
        reverse("catalog:search") + "?q=电水壶",
    ]


def _timed_get(url):
    client = Client()
    started = time.perf_counter()
    response = client.get(url)
    return response, time.perf_counter() - started


def _warm_up(urls):
    """Compile templates and load the search dictionary while Redis is still up, so the
    timings below measure the outage, not the first request of a process."""
    for url in urls:
        assert Client().get(url).status_code == 200


def test_pages_answer_quickly_while_redis_is_stopped(cache_on_throwaway_redis, shop_pages):
    _warm_up(shop_pages)
    cache_on_throwaway_redis.stop()

    for url in shop_pages:
        response, elapsed = _timed_get(url)

        assert (url, response.status_code) == (url, 200)
        # Without the fail-fast cache a page took 1.2 s; the margin absorbs a loaded CI box.
        assert elapsed < 0.9, (url, elapsed)
        assert response.get("X-Page-Cache") == "miss"  # rendered, the store failing quietly


def test_pages_answer_quickly_while_redis_is_hung(cache_on_throwaway_redis, shop_pages):
    _warm_up(shop_pages)
    cache_on_throwaway_redis.pause()

    for url in shop_pages:
        time.sleep(THROWAWAY_CACHE_PAUSE_SECONDS)  # each page meets the hang afresh
        response, elapsed = _timed_get(url)

        assert (url, response.status_code) == (url, 200)
        assert elapsed < 0.9, (url, elapsed)


def test_page_cache_serves_again_once_redis_is_back(cache_on_throwaway_redis, shop_pages):
    home = shop_pages[0]
    cache_on_throwaway_redis.stop()
    assert Client().get(home).status_code == 200
    cache_on_throwaway_redis.start()
    time.sleep(THROWAWAY_CACHE_PAUSE_SECONDS + 0.05)

    first = Client().get(home)
    second = Client().get(home)

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"


def test_healthz_reports_a_stopped_redis_without_failing(cache_on_throwaway_redis):
    cache_on_throwaway_redis.stop()

    response, elapsed = _timed_get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "down", "status": "ok"}
    assert elapsed < 0.5


def test_healthz_reports_a_hung_redis_without_failing(cache_on_throwaway_redis):
    cache_on_throwaway_redis.pause()

    response, elapsed = _timed_get(reverse("healthz"))

    assert response.json()["redis"] == "down"
    assert response.status_code == 200
    assert elapsed < 1


def test_healthz_reports_redis_back_after_a_restart(cache_on_throwaway_redis):
    cache_on_throwaway_redis.stop()
    assert Client().get(reverse("healthz")).json()["redis"] == "down"
    cache_on_throwaway_redis.start()

    response = Client().get(reverse("healthz"))

    assert response.json()["redis"] == "ok"

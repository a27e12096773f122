"""Per-page cost of a Redis outage: the shop's cache backend (apps.core.redis_cache) against
django-redis with IGNORE_EXCEPTIONS, same timeouts, same no-retry policy.

A page making six cache calls (what a listing does: page-cache version and lookup, count
cache, store) is requested 20 times through Django's test client, with a throwaway
redis-server (tests/redis_server.py) healthy, hung (SIGSTOP) and stopped. Prints ms per page.

    .venv/bin/python benchmarks/cache_outage.py            # ours only
    PYTHONPATH=/path/with/django_redis .venv/bin/python benchmarks/cache_outage.py

django-redis is not a dependency of the shop; install it somewhere outside the virtualenv
(`pip install --target DIR --no-deps django-redis==7.0.0`) to compare.
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

REQUESTS = 20
TIMEOUT = 0.15  # production's CACHE_SOCKET_TIMEOUT

settings.configure(
    DEBUG=False,
    SECRET_KEY="benchmark-only",
    ALLOWED_HOSTS=["testserver"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}},
    LOGGING_CONFIG=None,
)
django.setup()

from django.core.cache import cache, caches  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import path  # noqa: E402
from redis.backoff import NoBackoff  # noqa: E402
from redis.retry import Retry  # noqa: E402

from tests.redis_server import ThrowawayRedis  # noqa: E402


def page(request):
    cache.get_or_set("pagecache:v:catalog", 1, None)
    cache.get("pagecache:zh-hans:1:abc")
    cache.get("count:catalog:1:def")
    cache.set("count:catalog:1:def", 42, 300)
    cache.get_many(["a", "b", "c"])
    cache.set("pagecache:zh-hans:1:abc", b"<html>" * 2000, 60)
    return HttpResponse("ok")


urlpatterns = [path("page/", page)]


def ours_settings(url):
    return {
        "BACKEND": "apps.core.redis_cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "bench",
        "OPTIONS": {"socket_connect_timeout": TIMEOUT, "socket_timeout": TIMEOUT},
    }


def django_redis_settings(url):
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "bench",
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": TIMEOUT,
            "SOCKET_TIMEOUT": TIMEOUT,
            "IGNORE_EXCEPTIONS": True,
            "CONNECTION_POOL_KWARGS": {"retry": Retry(NoBackoff(), 0), "retry_on_timeout": False},
        },
    }


def per_page_ms(client) -> tuple[float, float]:
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        assert client.get("/page/").status_code == 200
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def measure(name, make_settings):
    import logging

    logging.disable(logging.CRITICAL)  # both log every failure; not what is measured here
    rows = []
    for state in ("healthy", "hung", "stopped"):
        server = ThrowawayRedis()
        server.start()
        try:
            with override_settings(CACHES={"default": make_settings(server.url)}):
                client = Client()
                client.get("/page/")  # warm: a pooled connection exists, as on a busy server
                if state == "hung":
                    server.pause()
                elif state == "stopped":
                    server.stop()
                started = time.perf_counter()
                median, worst = per_page_ms(client)
                total = time.perf_counter() - started
                caches["default"].close()
        finally:
            server.kill()
        rows.append((name, state, median, worst, total * 1000 / REQUESTS))
    return rows


def main():
    rows = measure("ours (apps.core.redis_cache)", ours_settings)
    try:
        import django_redis  # noqa: F401
    except ImportError:
        print("django-redis not importable: measuring ours only")
    else:
        rows += measure("django-redis 7.0 IGNORE_EXCEPTIONS", django_redis_settings)
    print(f"{'backend':38} {'redis':8} {'p50 ms':>8} {'max ms':>8} {'mean ms':>8}")
    for name, state, median, worst, mean in rows:
        print(f"{name:38} {state:8} {median:8.2f} {worst:8.2f} {mean:8.2f}")


if __name__ == "__main__":
    main()

"""apps.core.ratelimit.rate_limit_hit with durable=True: while Redis is down the limit is
counted in the database (RateLimitWindow) instead of letting everything through."""

import logging
import socket
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from apps.core.models import RateLimitWindow
from apps.core.ratelimit import rate_limit_hit
from tests.core.factories import RateLimitWindowFactory


@pytest.fixture
def redis_down(settings):
    """The cache pointed at a Redis port nobody listens on: Redis down for real."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }


@pytest.mark.django_db
def test_with_redis_down_a_durable_limit_still_holds(redis_down):
    passed = [
        rate_limit_hit("test:durable", limit=3, window_seconds=600, durable=True) for _ in range(3)
    ]

    assert passed == [False, False, False]
    assert rate_limit_hit("test:durable", limit=3, window_seconds=600, durable=True) is True
    assert RateLimitWindow.objects.get(key="test:durable").count == 4


@pytest.mark.django_db
def test_with_redis_down_an_ordinary_limit_fails_open_and_writes_nothing(redis_down):
    results = [rate_limit_hit("test:open", limit=1, window_seconds=600) for _ in range(3)]

    assert results == [False, False, False]
    assert RateLimitWindow.objects.count() == 0


@pytest.mark.django_db
def test_with_redis_down_the_fallback_is_logged(redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="apps.core.ratelimit"):
        rate_limit_hit("test:logged", limit=3, window_seconds=600, durable=True)

    [record] = caplog.records
    assert (record.getMessage(), record.key, record.durable) == (
        "ratelimit.cache_unavailable",
        "test:logged",
        True,
    )


@pytest.mark.django_db
def test_with_redis_down_each_key_is_counted_on_its_own(redis_down):
    for _ in range(3):
        rate_limit_hit("test:first", limit=1, window_seconds=600, durable=True)

    assert rate_limit_hit("test:second", limit=1, window_seconds=600, durable=True) is False


@pytest.mark.django_db
def test_with_the_cache_up_a_durable_limit_counts_in_the_cache_only():
    for _ in range(2):
        rate_limit_hit("test:cached", limit=1, window_seconds=600, durable=True)

    assert rate_limit_hit("test:cached", limit=1, window_seconds=600, durable=True) is True
    assert RateLimitWindow.objects.count() == 0


@pytest.mark.django_db
def test_opening_a_window_prunes_windows_older_than_a_day(redis_down):
    old = RateLimitWindowFactory(window_start=timezone.now() - timedelta(days=2))
    recent = RateLimitWindowFactory(window_start=timezone.now() - timedelta(hours=1))

    rate_limit_hit("test:prune", limit=5, window_seconds=600, durable=True)

    assert set(RateLimitWindow.objects.values_list("key", flat=True)) == {recent.key, "test:prune"}
    assert not RateLimitWindow.objects.filter(pk=old.pk).exists()


@pytest.mark.django_db
def test_attempts_in_an_open_window_prune_nothing(redis_down):
    rate_limit_hit("test:open-window", limit=5, window_seconds=600, durable=True)
    old = RateLimitWindowFactory(window_start=timezone.now() - timedelta(days=2))

    rate_limit_hit("test:open-window", limit=5, window_seconds=600, durable=True)

    assert RateLimitWindow.objects.filter(pk=old.pk).exists()


def test_a_durable_window_longer_than_a_day_is_refused():
    with pytest.raises(ValueError, match="at most a day"):
        rate_limit_hit("test:long", limit=5, window_seconds=2 * 86400, durable=True)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_attempts_with_redis_down_are_each_counted(redis_down):
    workers = 8
    start = threading.Barrier(workers)

    def attempt():
        start.wait()
        try:
            rate_limit_hit("test:race", limit=100, window_seconds=600, durable=True)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert RateLimitWindow.objects.get(key="test:race").count == workers

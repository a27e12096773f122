"""apps.core.ratelimit.rate_limit_hit, the throttle behind feedback (and order lookup), on the
cache the settings give: local memory, or Redis when REDIS_URL is set."""

import logging
import time

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

from apps.core.ratelimit import rate_limit_hit


def test_attempts_up_to_the_limit_pass_and_the_next_one_is_hit():
    passed = [rate_limit_hit("test:limit", limit=3, window_seconds=60) for _ in range(3)]

    assert passed == [False, False, False]
    assert rate_limit_hit("test:limit", limit=3, window_seconds=60) is True


def test_each_key_is_counted_on_its_own():
    for _ in range(2):
        rate_limit_hit("test:one", limit=1, window_seconds=60)

    assert rate_limit_hit("test:two", limit=1, window_seconds=60) is False


def test_a_new_window_starts_after_the_old_one_ends():
    for _ in range(2):
        rate_limit_hit("test:window", limit=1, window_seconds=1)

    time.sleep(1.2)

    assert rate_limit_hit("test:window", limit=1, window_seconds=1) is False


def test_a_dead_cache_lets_attempts_through_quickly_and_says_so(dead_cache, caplog):
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="apps.core.ratelimit"):
        results = [rate_limit_hit("test:dead", limit=1, window_seconds=60) for _ in range(5)]

    assert results == [False] * 5
    assert time.perf_counter() - started < 2
    assert caplog.messages == ["ratelimit.cache_unavailable"] * 5


@pytest.mark.redis
def test_redis_counter_expires_with_its_window():
    rate_limit_hit("test:ttl", limit=5, window_seconds=120)
    rate_limit_hit("test:ttl", limit=5, window_seconds=120)

    key = cache.make_key("ratelimit:test:ttl")
    client = redis.Redis.from_url(settings.REDIS_URL)
    assert int(client.get(key)) == 2
    assert 0 < client.ttl(key) <= 120
    assert cache.get("ratelimit:test:ttl") == 2

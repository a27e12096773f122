"""The Redis cache fails open: with the throwaway redis-server really stopped or hung
(SIGSTOP), every cache operation answers as a miss, fast, and the cache recovers by itself
once Redis is back. See tests/redis_server.py for the fixture."""

import logging
import time

import pytest
from django.core.cache import cache

from tests.redis_server import THROWAWAY_CACHE_PAUSE_SECONDS

pytestmark = pytest.mark.django_db


def _wait_out_the_pause():
    time.sleep(THROWAWAY_CACHE_PAUSE_SECONDS + 0.05)


def test_connections_time_out_quickly_and_never_retry(cache_on_throwaway_redis):
    pool = cache._cache._get_connection_pool(True)
    connection = pool.make_connection()

    assert connection.retry.get_retries() == 0
    assert connection.retry_on_timeout is False
    assert connection.socket_timeout <= 0.2
    assert connection.socket_connect_timeout <= 0.2


def test_cache_answers_as_misses_while_redis_is_stopped(cache_on_throwaway_redis):
    cache.set("outage:kept", "value", 60)
    cache.set("outage:counter", 1, 60)
    cache_on_throwaway_redis.stop()

    assert cache.get("outage:kept", "missing") == "missing"
    assert cache.get_many(["outage:kept"]) == {}
    assert cache.add("outage:new", 1) is True  # as if free: lock-style callers go ahead
    assert cache.set("outage:new", 1) is False
    assert cache.delete("outage:kept") is False
    assert cache.touch("outage:kept") is False
    assert cache.has_key("outage:kept") is False
    assert cache.set_many({"outage:a": 1}) == ["outage:a"]
    assert cache.get_or_set("outage:computed", lambda: 42) == 42
    with pytest.raises(ValueError):
        cache.incr("outage:counter")
    with pytest.raises(ValueError):
        cache.decr("outage:counter")


def test_a_stopped_redis_costs_well_under_a_millisecond_per_call(cache_on_throwaway_redis):
    cache_on_throwaway_redis.stop()
    cache.get("outage:first")  # the failure that opens the breaker

    started = time.perf_counter()
    for _ in range(1000):
        cache.get("outage:key")
    per_call = (time.perf_counter() - started) / 1000

    assert per_call < 0.0005


def test_a_hung_redis_costs_one_short_timeout_then_nothing(cache_on_throwaway_redis):
    cache.set("outage:kept", "value", 60)  # a pooled connection exists, as on a busy server
    cache_on_throwaway_redis.pause()

    started = time.perf_counter()
    first = cache.get("outage:kept", "missing")
    first_call = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(1000):
        cache.get("outage:kept")
    per_call = (time.perf_counter() - started) / 1000

    assert first == "missing"
    assert first_call < 0.3
    assert per_call < 0.0005


def test_one_warning_per_pause_names_the_operation(cache_on_throwaway_redis, caplog):
    cache_on_throwaway_redis.stop()

    with caplog.at_level(logging.WARNING, logger="apps.core.redis_cache"):
        for _ in range(50):
            cache.get("outage:key")
            cache.set("outage:key", 1)

    warnings = [record for record in caplog.records if record.msg == "cache.unavailable"]
    assert len(warnings) == 1
    assert warnings[0].op == "get"


def test_cache_works_again_after_a_restart_without_restarting_the_app(
    cache_on_throwaway_redis,
):
    cache_on_throwaway_redis.stop()
    cache.set("outage:key", "lost", 60)
    cache_on_throwaway_redis.start()
    _wait_out_the_pause()

    cache.set("outage:key", "stored", 60)

    assert cache.get("outage:key") == "stored"


def test_cache_works_again_after_a_hang_ends(cache_on_throwaway_redis):
    cache.set("outage:key", "before", 60)
    cache_on_throwaway_redis.pause()
    assert cache.get("outage:key") is None
    cache_on_throwaway_redis.resume()
    _wait_out_the_pause()

    cache.set("outage:key", "after", 60)

    assert cache.get("outage:key") == "after"


def test_code_reaching_the_pool_directly_fails_fast_while_the_breaker_is_open(
    cache_on_throwaway_redis,
):
    """apps.core.ratelimit talks to the pool itself; it gets an immediate error it already
    treats as "allow" instead of a timeout per attempt."""
    import redis

    cache_on_throwaway_redis.pause()
    cache.get("outage:key")

    started = time.perf_counter()
    with pytest.raises(redis.ConnectionError):
        cache._cache.get_client(write=True)

    assert time.perf_counter() - started < 0.01

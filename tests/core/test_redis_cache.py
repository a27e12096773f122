"""The shop's Redis cache backend on the Redis that REDIS_URL names (shared with others)."""

import uuid

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

pytestmark = pytest.mark.redis


@pytest.fixture
def other_program():
    """A raw client on the same Redis database, writing keys without the cache's prefix, as
    Celery, the visit counters or another developer's shop do."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    written: list[str] = []
    yield client, written
    if written:
        client.delete(*written)
    client.close()


def test_the_cache_makes_one_redis_client_and_still_works():
    backend = cache._cache

    assert backend.get_client() is backend.get_client(write=True)
    cache.set("redis-cache-test", {"a": 1}, 10)
    assert cache.get("redis-cache-test") == {"a": 1}
    cache.set("redis-cache-counter", 1, 10)
    assert cache.incr("redis-cache-counter") == 2


def test_tests_use_the_database_redis_url_names_under_their_own_prefix():
    assert cache._cache._servers == [settings.REDIS_URL]
    assert settings.CACHES["default"]["KEY_PREFIX"].startswith("test-")


def test_clearing_the_cache_keeps_another_programs_keys(other_program):
    client, written = other_program
    foreign = f"celery-like-queue-{uuid.uuid4().hex}"
    written.append(foreign)
    client.set(foreign, "must survive", ex=60)
    cache.set("ours", "goes", 60)

    cache.clear()

    assert client.get(foreign) == b"must survive"
    assert cache.get("ours") is None


def test_clearing_the_cache_keeps_keys_of_a_prefix_that_only_starts_like_ours(other_program):
    """Another run whose prefix begins with ours ("test-1" and "test-12") is not ours."""
    client, written = other_program
    lookalike = f"{cache.key_prefix}x:1:page"
    written.append(lookalike)
    client.set(lookalike, "another run", ex=60)

    cache.clear()

    assert client.get(lookalike) == b"another run"


def test_clearing_deletes_more_keys_than_one_batch():
    from apps.core.redis_cache import CLEAR_BATCH

    cache.set_many({f"many:{n}": n for n in range(CLEAR_BATCH * 2 + 7)}, 60)

    cache.clear()

    client = cache._cache.get_client()
    assert list(client.scan_iter(match=cache.prefix_pattern(), count=1000)) == []

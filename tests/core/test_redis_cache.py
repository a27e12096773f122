import pytest
from django.core.cache import cache

pytestmark = pytest.mark.redis


def test_the_cache_makes_one_redis_client_and_still_works():
    backend = cache._cache

    assert backend.get_client() is backend.get_client(write=True)
    cache.set("redis-cache-test", {"a": 1}, 10)
    assert cache.get("redis-cache-test") == {"a": 1}
    cache.set("redis-cache-counter", 1, 10)
    assert cache.incr("redis-cache-counter") == 2

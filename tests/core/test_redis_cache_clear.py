"""Clearing the cache deletes its own keys only, whatever characters its KEY_PREFIX has
(glob characters are escaped), on a throwaway redis-server (tests/redis_server.py)."""

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_prefix_with_glob_characters_clears_only_its_own_keys(throwaway_redis):
    settings = throwaway_redis.cache_settings()
    settings["default"]["KEY_PREFIX"] = "shop*[1]?"
    raw = redis.Redis.from_url(throwaway_redis.url)
    raw.set("shopX[1]Y:1:page", "a look-alike the pattern must not match")
    raw.set("celery", "a queue")

    with override_settings(CACHES=settings):
        cache = caches["default"]
        cache.set("page", "ours", 60)
        cache.clear()

        assert cache.get("page") is None
    assert sorted(raw.keys()) == [b"celery", b"shopX[1]Y:1:page"]
    raw.close()

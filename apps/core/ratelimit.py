"""A small fixed-window rate limit on the shared cache (Redis in production, local memory in
the embedded default), used by order lookup, feedback and other forms anyone can post."""

import logging

from django.core.cache import DEFAULT_CACHE_ALIAS, BaseCache, caches
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)


def _count_in_redis(backend: RedisCache, cache_key: str, window_seconds: int) -> int:
    # Django's RedisCache.incr checks EXISTS then INCRs: a key expiring in between comes back
    # without a TTL and would block its owner for good. One MULTI/EXEC creates the key with
    # its expiry when absent and counts in the same step. (`_cache` is Django's client holder;
    # it is how the backend itself reaches the connection pool.)
    redis_key = backend.make_and_validate_key(cache_key)
    client = backend._cache.get_client(redis_key, write=True)
    pipeline = client.pipeline(transaction=True)
    pipeline.set(redis_key, 0, ex=window_seconds, nx=True)
    pipeline.incr(redis_key)
    _, count = pipeline.execute()
    return int(count)


def _count_in_cache(backend: BaseCache, cache_key: str, window_seconds: int) -> int:
    if backend.add(cache_key, 1, window_seconds):
        return 1
    try:
        return backend.incr(cache_key)
    except ValueError:
        # The window ended between add and incr: this attempt opens the next one.
        backend.set(cache_key, 1, window_seconds)
        return 1


def rate_limit_hit(key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt for `key` (short, without spaces: hash personal data such as email
    addresses first); True once more than `limit` were made in the current window.
    If the cache is unavailable the attempt is allowed (fail open) and logged."""
    cache_key = f"ratelimit:{key}"
    try:
        backend = caches[DEFAULT_CACHE_ALIAS]
        if isinstance(backend, RedisCache):
            count = _count_in_redis(backend, cache_key, window_seconds)
        else:
            count = _count_in_cache(backend, cache_key, window_seconds)
    except Exception:
        logger.warning("ratelimit.cache_unavailable", extra={"key": key}, exc_info=True)
        return False
    return count > limit

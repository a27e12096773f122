"""A small fixed-window rate limit on the shared cache (Redis in production), used by order
lookup, feedback and other forms anyone can post."""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def rate_limit_hit(key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt for `key`; True once more than `limit` were made in the window.
    If the cache is unavailable the attempt is allowed (fail open) and logged."""
    cache_key = f"ratelimit:{key}"
    try:
        count = 1 if cache.add(cache_key, 1, window_seconds) else cache.incr(cache_key)
    except ValueError:
        # The key expired between add and incr: start a new window.
        cache.set(cache_key, 1, window_seconds)
        count = 1
    except Exception:
        logger.warning("ratelimit.cache_unavailable", extra={"key": key}, exc_info=True)
        return False
    return count > limit

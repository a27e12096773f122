"""A small fixed-window rate limit on the shared cache (Redis in production, local memory in
the embedded default), used by order lookup, feedback and other forms anyone can post.

Ordinary limits fail open when the cache is down: a page is worth more than a throttle.
Limits that guard against guessing (order lookup) pass durable=True and, while the cache is
down, count in the database instead (apps.core.models.RateLimitWindow)."""

import logging
from datetime import UTC, datetime, timedelta

from django.core.cache import DEFAULT_CACHE_ALIAS, BaseCache, caches
from django.db import IntegrityError, transaction
from django.db.models import F

from apps.core.models import RateLimitWindow
from apps.core.redis_cache import UNAVAILABLE, RedisCache

logger = logging.getLogger(__name__)

# Database windows older than this are deleted whenever a new one opens, so the longest
# durable window is a day.
DURABLE_MAX_WINDOW = timedelta(days=1)


def _count_in_redis(backend: RedisCache, cache_key: str, window_seconds: int) -> int:
    # Django's RedisCache.incr checks EXISTS then INCRs: a key expiring in between comes back
    # without a TTL and would block its owner for good. One MULTI/EXEC creates the key with
    # its expiry when absent and counts in the same step.
    redis_key = backend.make_and_validate_key(cache_key)
    client = backend.redis_client(write=True)
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


def _window_start(window_seconds: int) -> datetime:
    now = datetime.now(tz=UTC).timestamp()
    return datetime.fromtimestamp(now - now % window_seconds, tz=UTC)


def _count_in_database(key: str, window_seconds: int) -> int:
    """Count one attempt in the window row for `key`, creating it (and pruning windows older
    than a day) when this attempt opens the window. Increments are `F()` updates, so
    concurrent workers never lose a count; the unique (key, window_start) settles a race to
    create the row."""
    start = _window_start(window_seconds)
    window = RateLimitWindow.objects.filter(key=key, window_start=start)
    with transaction.atomic():
        if not window.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateLimitWindow.objects.create(key=key, window_start=start, count=1)
            except IntegrityError:
                window.update(count=F("count") + 1)
            else:
                RateLimitWindow.objects.filter(window_start__lt=start - DURABLE_MAX_WINDOW).delete()
        return window.values_list("count", flat=True).get()


def rate_limit_hit(key: str, limit: int, window_seconds: int, *, durable: bool = False) -> bool:
    """Count one attempt for `key` (short, without spaces: hash personal data such as email
    addresses first); True once more than `limit` were made in the current window.
    If the cache is unavailable the attempt is allowed (fail open) and logged; with
    `durable=True` it is counted in the database instead, so the limit still holds."""
    if durable and timedelta(seconds=window_seconds) > DURABLE_MAX_WINDOW:
        raise ValueError("A durable rate limit window is at most a day.")
    cache_key = f"ratelimit:{key}"
    try:
        backend = caches[DEFAULT_CACHE_ALIAS]
        if isinstance(backend, RedisCache):
            count = _count_in_redis(backend, cache_key, window_seconds)
        else:
            count = _count_in_cache(backend, cache_key, window_seconds)
    except Exception as error:
        # Tell the shop's cache backend, so its breaker spares the next calls the timeout.
        report = getattr(caches[DEFAULT_CACHE_ALIAS], "_unavailable", None)
        if report is not None and isinstance(error, UNAVAILABLE):
            report("ratelimit", error)
        logger.warning(
            "ratelimit.cache_unavailable", extra={"key": key, "durable": durable}, exc_info=True
        )
        if not durable:
            return False
        count = _count_in_database(key, window_seconds)
    return count > limit

"""Django's Redis cache backend, made safe for the request path.

Fail open. The cache only ever speeds pages up, so a Redis that is down or hung must cost a
page nothing: every operation that cannot reach Redis answers as if the key were missing
(get → default, get_many → {}, add/set/delete/touch/has_key → False, incr → ValueError as
for a missing key), logs one `cache.unavailable` warning and opens a short circuit breaker.
While the breaker is open (`OPTIONS["unavailable_pause_seconds"]`, 1 s by default) the
backend does not talk to Redis at all, so a dead Redis costs microseconds per call instead of
a timeout; the first call after the pause tries again, so recovery needs no restart.

Short timeouts and no retries. Connections time out after `socket_connect_timeout` and
`socket_timeout` from OPTIONS (0.15 s unless set) and never retry: redis-py's retries would
multiply every timeout on a hung server.

One client per pool. Django's backend builds a new `redis.Redis` for every cache call, and
redis-py rebuilds its table of response callbacks each time (about 0.15 ms here). A page
served from the page cache makes two calls, so that was a quarter of its cost (measured by
benchmarks/run.py). A `redis.Redis` holds no connection of its own and is safe to share
between threads.
"""

import logging
import re
import time

import redis
from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

DEFAULT_SOCKET_TIMEOUT = 0.15
DEFAULT_UNAVAILABLE_PAUSE_SECONDS = 1.0
CLEAR_BATCH = 500
_GLOB_SPECIAL = re.compile(r"[\\*?\[\]]")

# What "Redis cannot be reached" looks like: refused, reset, timed out, still loading.
UNAVAILABLE = (redis.ConnectionError, redis.TimeoutError, OSError)


class CacheUnavailable(redis.ConnectionError):
    """Raised by `get_client` while the breaker is open, so code that reaches the connection
    pool directly (e.g. apps.core.ratelimit) also fails at once instead of timing out."""


class _Breaker:
    """When Redis at one location last failed; shared by every thread's backend instance."""

    __slots__ = ("retry_at",)

    def __init__(self):
        self.retry_at = 0.0  # monotonic time from which Redis may be tried again

    def is_open(self) -> bool:
        return self.retry_at > time.monotonic()


_breakers: dict[str, _Breaker] = {}


def breakers_reset() -> None:
    """Forget every recent failure, so the next call tries Redis (tests start each case so)."""
    for breaker in _breakers.values():
        breaker.retry_at = 0.0


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, breaker: _Breaker, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}
        self._breaker = breaker

    def get_client(self, key=None, *, write=False):
        if self._breaker.is_open():
            raise CacheUnavailable("Redis was unreachable a moment ago; not trying yet.")
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self._unavailable_pause = float(
            options.pop("unavailable_pause_seconds", DEFAULT_UNAVAILABLE_PAUSE_SECONDS)
        )
        options.setdefault("socket_connect_timeout", DEFAULT_SOCKET_TIMEOUT)
        options.setdefault("socket_timeout", DEFAULT_SOCKET_TIMEOUT)
        # Never retry: each retry would add another timeout to the page.
        options["retry"] = Retry(NoBackoff(), 0)
        options["retry_on_timeout"] = False
        options.pop("retry_on_error", None)
        super().__init__(server, {**params, "OPTIONS": options})
        self._location = ",".join(self._servers)
        self._breaker = _breakers.setdefault(self._location, _Breaker())
        self._class = RedisCacheClient
        self._options = {**self._options, "breaker": self._breaker}

    def redis_client(self, *, write: bool = True) -> redis.Redis:
        """The raw redis-py client for commands the cache API lacks (apps.core.ratelimit's
        MULTI/EXEC). Raises CacheUnavailable at once while the breaker is open; callers
        report their own failures through `_unavailable` so the breaker opens for them too."""
        return self._cache.get_client(write=write)

    def _unavailable(self, op: str, error: Exception) -> None:
        if isinstance(error, CacheUnavailable):
            return  # the breaker was already open: logged when it opened
        self._breaker.retry_at = time.monotonic() + self._unavailable_pause
        logger.warning(
            "cache.unavailable",
            extra={"op": op, "location": self._location, "error": repr(error)},
        )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNAVAILABLE as error:
            self._unavailable("add", error)
            # True, as if the key was free: callers using add() as a lock (allauth's rate
            # limits) go ahead instead of waiting and refusing the shopper (fail open).
            return True

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNAVAILABLE as error:
            self._unavailable("get", error)
            return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except UNAVAILABLE as error:
            self._unavailable("set", error)
            return False
        return True

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNAVAILABLE as error:
            self._unavailable("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNAVAILABLE as error:
            self._unavailable("delete", error)
            return False

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNAVAILABLE as error:
            self._unavailable("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNAVAILABLE as error:
            self._unavailable("has_key", error)
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNAVAILABLE as error:
            self._unavailable("incr", error)
            raise ValueError(f"Key '{key}' not found (cache unavailable).") from None

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNAVAILABLE as error:
            self._unavailable("set_many", error)
            return list(data)  # Django's contract: the keys that were not stored

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except UNAVAILABLE as error:
            self._unavailable("delete_many", error)

    def clear(self):
        """Delete this cache's keys only: those under its KEY_PREFIX (SCAN, then DEL in
        batches). Django's clear() is FLUSHDB, which would also wipe whatever else shares the
        database: Celery's queues, visit counters, another program or test run."""
        try:
            client = self.redis_client(write=True)
            batch = []
            for key in client.scan_iter(match=self.prefix_pattern(), count=CLEAR_BATCH):
                batch.append(key)
                if len(batch) >= CLEAR_BATCH:
                    client.delete(*batch)
                    batch.clear()
            if batch:
                client.delete(*batch)
        except UNAVAILABLE as error:
            self._unavailable("clear", error)
            return False
        return True

    def prefix_pattern(self) -> str:
        """The SCAN pattern matching every key this cache makes (Django's key function is
        "<prefix>:<version>:<key>"), with the prefix's glob characters escaped."""
        return _GLOB_SPECIAL.sub(r"\\\g<0>", self.key_prefix) + ":*"

"""Django's Redis cache backend with one client per connection pool.

Django's backend builds a new `redis.Redis` for every cache call, and redis-py rebuilds its
table of response callbacks each time (about 0.15 ms here). A page served from the page
cache makes two calls, so that was a quarter of its cost (measured by benchmarks/run.py).
A `redis.Redis` holds no connection of its own and is safe to share between threads; the
pool (timeouts, retries) is Django's, unchanged.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

"""Liveness and dependency status for load balancers and docker-compose health checks."""

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.warning("health.database_down", exc_info=True)
        return False
    return True


def redis_status() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    # Its own short-lived client, without retries: a hung Redis costs this check 0.4 s at
    # most, and the answer reflects Redis itself, not the cache's circuit breaker.
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=0.2,
        socket_timeout=0.2,
        retry=Retry(NoBackoff(), 0),
    )
    try:
        client.ping()
    except Exception:
        logger.warning("health.redis_down", exc_info=True)
        return "down"
    finally:
        client.close()
    return "ok"


@never_cache
def healthz(request):
    """200 while the database answers; Redis being down degrades but does not fail."""
    db_ok = database_ok()
    body = {"database": "ok" if db_ok else "down", "redis": redis_status()}
    body["status"] = "ok" if db_ok else "down"
    return JsonResponse(body, status=200 if db_ok else 503)

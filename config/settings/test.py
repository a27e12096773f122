"""Test settings: the same database and Redis as the app reads (DATABASE_URL, REDIS_URL)."""

import os

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
PAYMENT_SIMULATOR = True
MEDIA_ROOT = BASE_DIR / ".test-media" / os.environ.get("PYTEST_XDIST_WORKER", "main")
PRIVATE_MEDIA_ROOT = (
    BASE_DIR / ".test-private-media" / os.environ.get("PYTEST_XDIST_WORKER", "main")
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": "/private-media-is-not-served/"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tests share the Redis that REDIS_URL names (its database number untouched) with whatever
# else uses it: another worktree's run, a developer's shop, Celery. Each run and worker keeps
# its cache keys under its own prefix, and clearing the cache deletes only keys under that
# prefix (apps.core.redis_cache.RedisCache.clear), never the whole database. tests/conftest.py
# clears the prefix before each test and at the end of the session.
if REDIS_URL:  # noqa: F405
    from config.settings.base import CACHES

    _run = os.environ.get("PYTEST_XDIST_TESTRUNUID", f"pid{os.getpid()}")[:12]
    _worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    CACHES["default"]["KEY_PREFIX"] = f"test-{_run}-{_worker}"
    # Production's 0.15 s would trip the fail-open pause on a loaded CI machine and switch
    # the cache off for unrelated tests. Outage tests use their own server and production's
    # timeouts (tests/redis_server.py).
    CACHES["default"]["OPTIONS"] = {**CACHES["default"]["OPTIONS"], "socket_timeout": 1.0}
PAGE_CACHE_SECONDS = 60

# Several test runs may share one PostgreSQL server (a developer's and CI's, or parallel
# runs): each run gets its own test database, dropped at the end.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": f"test_shop_{os.getpid()}"}  # noqa: F405

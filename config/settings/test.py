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

# Each pytest-xdist worker gets its own Redis database, so clearing the cache in one test
# never disturbs another worker's. Concurrent runs (several worktrees, one Redis) start at a
# database chosen from their run id, so they rarely flush each other's cache mid-test.
if REDIS_URL:  # noqa: F405
    import zlib

    from config.settings.base import CACHES

    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    _run = os.environ.get("PYTEST_XDIST_TESTRUNUID", str(os.getpid()))
    _db = 1 + (zlib.crc32(_run.encode()) + int(worker or 0)) % 15
    _base = REDIS_URL.rsplit("/", 1)[0] if REDIS_URL.count("/") > 2 else REDIS_URL  # noqa: F405
    REDIS_URL = f"{_base}/{_db}"
    CACHES["default"]["LOCATION"] = REDIS_URL
    # Production's 0.15 s would trip the fail-open pause on a loaded CI machine and switch
    # the cache off for unrelated tests. Outage tests use their own server and production's
    # timeouts (tests/redis_server.py).
    CACHES["default"]["OPTIONS"] = {**CACHES["default"]["OPTIONS"], "socket_timeout": 1.0}
PAGE_CACHE_SECONDS = 60

# Several test runs may share one PostgreSQL server (a developer's and CI's, or parallel
# runs): each run gets its own test database, dropped at the end.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": f"test_shop_{os.getpid()}"}  # noqa: F405

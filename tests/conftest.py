import shutil

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection


def pytest_collection_modifyitems(config, items):
    """Tests marked postgres or redis are skipped, by name, where those services are absent."""
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    no_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    no_redis = pytest.mark.skip(reason="needs Redis (set REDIS_URL)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(no_pg)
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(no_redis)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True, scope="session")
def _media_root():
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    shutil.rmtree(settings.PRIVATE_MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the shop's default language, whatever the previous one left."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)

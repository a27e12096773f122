import shutil
import socket

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.utils import load_backend

from apps.core import redis_cache

# Outage fixtures: a throwaway redis-server to stop, restart or hang (see tests/redis_server.py).
from tests.redis_server import cache_on_throwaway_redis, throwaway_redis  # noqa: F401


def pytest_configure(config):
    """Jinja2 pages tell the test client their context, as Django templates do under test
    (Django instruments only its own engine), so `response.context` works for every page."""
    from django.template.backends import jinja2 as jinja2_backend
    from django.test.signals import template_rendered

    render = jinja2_backend.Template.render

    def instrumented_render(self, context=None, request=None):
        context = {} if context is None else context
        rendered = render(self, context, request)
        self.name = self.origin.template_name
        template_rendered.send(sender=self, template=self, context=context)
        return rendered

    jinja2_backend.Template.render = instrumented_render


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
    # A Redis timeout in an earlier test (a loaded CI machine) must not leave this one with
    # the cache switched off, nor skip the clearing below. On Redis, clear() deletes only the
    # keys under this run's and worker's KEY_PREFIX (config/settings/test.py), never the
    # database: it may be shared with another program.
    redis_cache.breakers_reset()
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True, scope="session")
def _cache_prefix_removed_at_the_end():
    """Leave nothing behind in a shared Redis: the run's keys go when the session ends."""
    yield
    redis_cache.breakers_reset()
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


@pytest.fixture
def database_down(tmp_path):
    """The default database alias pointed at a server that is not there (PostgreSQL: a closed
    port) or a file in a directory that does not exist (SQLite), for the length of one test.
    Every query then fails the way an outage does, with a real OperationalError."""
    working = connections[DEFAULT_DB_ALIAS]
    settings_dict = {**working.settings_dict}
    if working.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "missing" / "shop.sqlite3")
    else:
        with socket.socket() as probe:  # a port nobody listens on
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]
        settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port))
        settings_dict["OPTIONS"] = {**settings_dict.get("OPTIONS", {}), "connect_timeout": 1}
    broken = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = broken
    yield
    broken.close()
    connections[DEFAULT_DB_ALIAS] = working

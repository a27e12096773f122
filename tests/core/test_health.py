"""/healthz: 200 while the database answers, Redis reported but never fatal, 503 without a
database. Failures are real (closed ports, a database file that cannot exist), not mocks."""

import socket
import time

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(tmp_path):
    """The default database alias pointed at a server that is not there (PostgreSQL) or a file
    in a directory that does not exist (SQLite), for the length of one test."""
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


@override_settings(REDIS_URL="")
def test_healthy_database_answers_200(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "not configured", "status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@override_settings(REDIS_URL="redis://127.0.0.1:6390/0")
def test_redis_down_is_reported_quickly_without_failing(client):
    started = time.perf_counter()
    response = client.get(reverse("healthz"))
    elapsed = time.perf_counter() - started

    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["redis"] == "down"
    assert elapsed < 1


@pytest.mark.redis
def test_redis_up_is_reported(client):
    response = client.get(reverse("healthz"))

    assert response.json()["redis"] == "ok"


@override_settings(REDIS_URL="")
def test_database_down_answers_503(client, database_down):
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {"database": "down", "redis": "not configured", "status": "down"}

"""/healthz: 200 while the database answers, Redis reported but never fatal, 503 without a
database. Failures are real (closed ports, a database file that cannot exist), not mocks."""

import time

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


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


@override_settings(REDIS_URL="")
def test_database_down_healthz_is_not_cached(client, database_down):
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert "no-cache" in response["Cache-Control"]

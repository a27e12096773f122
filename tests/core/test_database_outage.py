"""PostgreSQL (or SQLite) unreachable: shoppers get the 503 page in their language, with
Retry-After and no caching, rendered without a single query. The database is really
unreachable (`database_down` in tests/conftest.py: a closed port, or a SQLite file in a
directory that does not exist), not mocked."""

import logging

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse

from apps.core import errors

pytestmark = pytest.mark.django_db


def test_listing_answers_503_while_the_database_is_unreachable(client, database_down):
    response = client.get(reverse("catalog:product_list"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"


def test_outage_page_is_in_chinese_by_default(client, database_down):
    page = client.get("/products/").content.decode()

    assert '<html lang="zh-Hans">' in page
    assert "返回商城首页" in page


def test_outage_page_is_in_english_on_english_pages(client, database_down):
    page = client.get("/en/products/").content.decode()

    assert '<html lang="en">' in page
    assert "The shop is briefly unavailable" in page
    assert 'href="/en/"' in page


def test_member_with_a_session_also_gets_the_outage_page(client, database_down):
    client.cookies["sessionid"] = "a-session-the-database-would-know"

    response = client.get(reverse("members:dashboard"))

    assert response.status_code == 503


def test_outage_is_logged_as_db_unavailable(client, database_down, caplog):
    with caplog.at_level(logging.ERROR, logger="apps.core.errors"):
        client.get(reverse("catalog:home"))

    assert [record.msg for record in caplog.records if record.name == "apps.core.errors"] == [
        "db.unavailable"
    ]


def test_database_error_outside_a_view_also_becomes_503():
    """Errors in middleware or late template rendering reach handler500, not the middleware."""
    request = RequestFactory().get("/products/")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = errors.server_error(request)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_other_server_errors_stay_500():
    request = RequestFactory().get("/products/")
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        response = errors.server_error(request)

    assert response.status_code == 500


def test_outage_page_renders_without_any_query(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = errors.database_unavailable(rf.get("/"))

    assert response.status_code == 503

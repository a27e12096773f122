"""apps.core.ratelimit.rate_limit_hit, the throttle behind feedback (and order lookup), on the
cache the settings give: local memory, or Redis when REDIS_URL is set."""

import logging
import time

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.utils import translation

from apps.community.services import FEEDBACK_LIMIT_PER_IP
from apps.core.ratelimit import rate_limit_hit
from tests.community.factories import HelpPageFactory


def test_attempts_up_to_the_limit_pass_and_the_next_one_is_hit():
    passed = [rate_limit_hit("test:limit", limit=3, window_seconds=60) for _ in range(3)]

    assert passed == [False, False, False]
    assert rate_limit_hit("test:limit", limit=3, window_seconds=60) is True


def test_each_key_is_counted_on_its_own():
    for _ in range(2):
        rate_limit_hit("test:one", limit=1, window_seconds=60)

    assert rate_limit_hit("test:two", limit=1, window_seconds=60) is False


def test_a_new_window_starts_after_the_old_one_ends():
    for _ in range(2):
        rate_limit_hit("test:window", limit=1, window_seconds=1)

    time.sleep(1.2)

    assert rate_limit_hit("test:window", limit=1, window_seconds=1) is False


def test_a_dead_cache_lets_attempts_through_quickly_and_says_so(dead_cache, caplog):
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="apps.core.ratelimit"):
        results = [rate_limit_hit("test:dead", limit=1, window_seconds=60) for _ in range(5)]

    assert results == [False] * 5
    assert time.perf_counter() - started < 2
    assert caplog.messages == ["ratelimit.cache_unavailable"] * 5


@pytest.mark.redis
def test_redis_counter_expires_with_its_window():
    rate_limit_hit("test:ttl", limit=5, window_seconds=120)
    rate_limit_hit("test:ttl", limit=5, window_seconds=120)

    key = cache.make_key("ratelimit:test:ttl")
    client = redis.Redis.from_url(settings.REDIS_URL)
    assert int(client.get(key)) == 2
    assert 0 < client.ttl(key) <= 120
    assert cache.get("ratelimit:test:ttl") == 2


# --- Feedback counted per shopper behind the shop's reverse proxy -------------------------

PROXY = "10.0.0.2"


def send_feedback(client, page, *, number: int, forwarded_for: str):
    with translation.override("en"):
        url = page.get_absolute_url()
    return client.post(
        url,
        {
            "name": "王小明",
            "email": f"shopper{number}@example.com",
            "message": "退货地址写在哪里？",
            "website": "",
        },
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.mark.django_db
def test_behind_the_proxy_each_shopper_has_their_own_feedback_limit(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    page = HelpPageFactory()
    for number in range(FEEDBACK_LIMIT_PER_IP):
        send_feedback(client, page, number=number, forwarded_for="203.0.113.9")

    refused = send_feedback(client, page, number=10, forwarded_for="203.0.113.9")
    response = send_feedback(client, page, number=11, forwarded_for="198.51.100.7")

    assert (refused.status_code, response.status_code) == (429, 302)
    assert len(mail.outbox) == FEEDBACK_LIMIT_PER_IP + 1


@pytest.mark.django_db
def test_without_a_trusted_proxy_a_forged_forwarded_for_shares_the_connections_limit(client):
    page = HelpPageFactory()
    for number in range(FEEDBACK_LIMIT_PER_IP):
        send_feedback(client, page, number=number, forwarded_for=f"192.0.2.{number}")

    response = send_feedback(client, page, number=10, forwarded_for="192.0.2.99")

    assert response.status_code == 429
    assert len(mail.outbox) == FEEDBACK_LIMIT_PER_IP

"""The login lockout (django-axes, apps.members.login_lockout) on the shop's login page:
an account is locked from one address after a few wrong passwords, an address on its own
after many, and the owner elsewhere still gets in."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.members.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.9"
OWNER = "198.51.100.7"
PROXY = "10.0.0.2"


def log_in(client, email, password, *, ip=ATTACKER, forwarded_for=None, language="zh-hans"):
    extra = {"REMOTE_ADDR": ip}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    with translation.override(language):
        url = reverse("account_login")
    return client.post(url, {"login": email, "password": password}, **extra)


def fail_until_locked(client, email, **address):
    for _ in range(settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_IP):
        log_in(client, email, "wrong-password", **address)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def member():
    return UserFactory()


def test_fewer_wrong_passwords_than_the_limit_do_not_lock(client, member):
    for _ in range(settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_IP - 1):
        log_in(client, member.email, "wrong-password")

    response = log_in(client, member.email, PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


def test_the_last_wrong_password_before_the_limit_already_shows_the_lockout_page(client, member):
    for _ in range(settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_IP - 1):
        log_in(client, member.email, "wrong-password")

    response = log_in(client, member.email, "wrong-password")

    assert response.status_code == 429
    assert "members/login_locked_out.jinja" in [t.name for t in response.templates]


def test_the_right_password_is_refused_during_the_cool_off(client, member):
    fail_until_locked(client, member.email)

    response = log_in(client, member.email, PASSWORD)

    assert response.status_code == 429
    assert "members/login_locked_out.jinja" in [t.name for t in response.templates]
    assert not logged_in(client)


def test_the_lockout_page_is_in_the_shops_look_and_language(client, member):
    fail_until_locked(client, member.email)

    response = log_in(client, member.email, PASSWORD, language="en")

    assert response.status_code == 429
    assert "members/login_locked_out.jinja" in [t.name for t in response.templates]
    # The layout (base.jinja) around it: Jinja2 reports only the page's own template.
    assert '<header class="site-header">' in response.content.decode()
    assert "Too many login attempts" in response.content.decode()
    assert response.context["minutes"] == 30


def test_the_lock_counts_the_account_whatever_its_case(client, member):
    fail_until_locked(client, member.email.upper())

    response = log_in(client, member.email, PASSWORD)

    assert response.status_code == 429
    assert not logged_in(client)


def test_the_owner_logs_in_from_another_address_while_the_attackers_is_locked(client, member):
    fail_until_locked(client, member.email, ip=ATTACKER)

    response = log_in(client, member.email, PASSWORD, ip=OWNER)

    assert response.status_code == 302
    assert logged_in(client)


def test_behind_the_proxy_the_owner_logs_in_while_the_attacker_is_locked(client, member, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    fail_until_locked(client, member.email, ip=PROXY, forwarded_for=ATTACKER)

    refused = log_in(client, member.email, PASSWORD, ip=PROXY, forwarded_for=ATTACKER)
    response = log_in(client, member.email, PASSWORD, ip=PROXY, forwarded_for=OWNER)

    assert refused.status_code == 429
    assert response.status_code == 302
    assert logged_in(client)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_without_a_trusted_proxy_a_forged_forwarded_for_does_not_escape_the_lock(client, member):
    fail_until_locked(client, member.email, ip=ATTACKER, forwarded_for="192.0.2.1")

    response = log_in(client, member.email, PASSWORD, ip=ATTACKER, forwarded_for=OWNER)

    assert response.status_code == 429
    assert not logged_in(client)


def test_one_address_trying_many_accounts_is_locked_for_every_account(client, member):
    # Fewer failures per account than the account lock needs, so only the address lock trips.
    for number in range(settings.LOGIN_FAILURE_LIMIT_PER_IP):
        log_in(client, f"stuffed{number}@example.com", "leaked-password")

    response = log_in(client, member.email, PASSWORD)

    assert response.status_code == 429
    assert not logged_in(client)


def test_the_address_lock_needs_its_full_limit(client, member):
    for number in range(settings.LOGIN_FAILURE_LIMIT_PER_IP - 1):
        log_in(client, f"stuffed{number}@example.com", "leaked-password")

    response = log_in(client, member.email, PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


def test_an_address_lock_leaves_the_member_at_another_address_alone(client, member):
    for number in range(settings.LOGIN_FAILURE_LIMIT_PER_IP):
        log_in(client, f"stuffed{number}@example.com", "leaked-password", ip=ATTACKER)

    response = log_in(client, member.email, PASSWORD, ip=OWNER)

    assert response.status_code == 302


def test_the_lock_ends_after_the_cool_off(client, member):
    fail_until_locked(client, member.email)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=31)
    )

    response = log_in(client, member.email, PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


def test_a_lockout_is_logged_without_the_password_or_the_email(client, member, caplog):
    with caplog.at_level(logging.WARNING, logger="apps.members.login_lockout"):
        fail_until_locked(client, member.email)

    [record] = [r for r in caplog.records if r.name == "apps.members.login_lockout"]
    assert record.getMessage() == "login.locked_out"
    assert (record.ip, record.path, record.failures) == (
        ATTACKER,
        reverse("account_login"),
        settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_IP,
    )
    assert len(record.account_hash) == 16
    assert "wrong-password" not in str(record.__dict__)
    assert member.email not in str(record.__dict__)


def test_failed_logins_are_kept_in_the_database(client, member):
    fail_until_locked(client, member.email)

    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
        member.email,
        ATTACKER,
        settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_IP,
    )
    assert "wrong-password" not in attempt.post_data

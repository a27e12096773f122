"""The login lockout on the back office's login page, and the store manager's list of
locked accounts, where deleting an attempt record unlocks."""

import socket

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext

from apps.staff.roles import ROLES
from tests.members.factories import PASSWORD, AccessAttemptFactory
from tests.staff.admin_forms import staff_client
from tests.staff.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.9"
OWNER = "198.51.100.7"


def admin_log_in(client, email, password, *, ip=ATTACKER):
    return client.post(
        reverse("admin:login"),
        {"username": email, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=ip,
    )


def fail_until_locked(client, email, *, ip=ATTACKER):
    for _ in range(settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_IP):
        admin_log_in(client, email, "wrong-password", ip=ip)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def warehouse_worker():
    return StaffUserFactory(roles=["warehouse"])


@pytest.fixture
def redis_down(settings):
    """The cache pointed at a Redis port nobody listens on: Redis down for real."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "apps.core.redis_cache.RedisCache",  # the shop's, as in production
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }


def test_back_office_login_works_with_the_right_password(client, warehouse_worker):
    response = admin_log_in(client, warehouse_worker.email, PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


def test_back_office_login_refuses_the_right_password_after_repeated_failures(
    client, warehouse_worker
):
    fail_until_locked(client, warehouse_worker.email)

    response = admin_log_in(client, warehouse_worker.email, PASSWORD)

    assert response.status_code == 429
    assert "admin/login_locked_out.html" in [t.name for t in response.templates]
    assert gettext("Too many login attempts") in response.content.decode()
    assert not logged_in(client)


def test_back_office_lockout_holds_with_redis_down(client, warehouse_worker, redis_down):
    fail_until_locked(client, warehouse_worker.email)

    response = admin_log_in(client, warehouse_worker.email, PASSWORD)

    assert response.status_code == 429
    assert not logged_in(client)


def test_shop_and_back_office_failures_count_towards_one_lock(client, warehouse_worker):
    for _ in range(settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_IP - 1):
        client.post(
            reverse("account_login"),
            {"login": warehouse_worker.email, "password": "wrong-password"},
            REMOTE_ADDR=ATTACKER,
        )
    admin_log_in(client, warehouse_worker.email, "wrong-password")

    response = admin_log_in(client, warehouse_worker.email, PASSWORD)

    assert response.status_code == 429
    assert not logged_in(client)


def test_the_owner_logs_in_to_the_back_office_from_another_address(client, warehouse_worker):
    fail_until_locked(client, warehouse_worker.email, ip=ATTACKER)

    response = admin_log_in(client, warehouse_worker.email, PASSWORD, ip=OWNER)

    assert response.status_code == 302
    assert logged_in(client)


def test_store_manager_sees_the_locked_accounts(client):
    staff_client(client, StaffUserFactory(roles=["store_manager"]))
    AccessAttemptFactory(username="locked@example.com")

    response = client.get(reverse("admin:axes_accessattempt_changelist"))

    assert response.status_code == 200
    assert [attempt.username for attempt in response.context["cl"].result_list] == [
        "locked@example.com"
    ]


def test_store_manager_unlocks_an_account_by_deleting_its_attempts(client, warehouse_worker):
    fail_until_locked(client, warehouse_worker.email)
    manager = StaffUserFactory(roles=["store_manager"])
    attempt = AccessAttempt.objects.get(username=warehouse_worker.email)
    staff_client(client, manager)

    response = client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    client.logout()
    login = admin_log_in(client, warehouse_worker.email, PASSWORD, ip=ATTACKER)

    assert response.status_code == 302
    assert AccessAttempt.objects.count() == 0
    assert login.status_code == 302
    assert logged_in(client)


@pytest.mark.parametrize("role", [key for key in ROLES if key != "store_manager"])
def test_other_roles_cannot_see_the_locked_accounts(client, role):
    staff_client(client, StaffUserFactory(roles=[role]))
    attempt = AccessAttemptFactory()

    listing = client.get(reverse("admin:axes_accessattempt_changelist"))
    deleting = client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )

    assert (listing.status_code, deleting.status_code) == (403, 403)
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


@pytest.mark.parametrize("role", [key for key in ROLES if key != "store_manager"])
def test_other_roles_cannot_see_the_failed_login_log(client, role):
    staff_client(client, StaffUserFactory(roles=[role]))

    response = client.get(reverse("admin:axes_accessfailurelog_changelist"))

    assert response.status_code == 403

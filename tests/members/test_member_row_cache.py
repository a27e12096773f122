"""A signed-in shopper's user row comes from the cache, and every change to it is seen on
their very next page: deactivated, new password, new name, new tier. Staff rows are always
read from the database."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.members import services
from apps.members.models import TierEvent
from tests.catalog.factories import SkuFactory
from tests.members.factories import UserFactory, demo_tiers
from tests.orders.factories import paid_order
from tests.staff.factories import StaffUserFactory
from tests.text import visible_text

pytestmark = pytest.mark.django_db

DASHBOARD = "/members/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def user_row_reads(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum('FROM "members_user"' in query["sql"] for query in queries)


def test_a_members_pages_read_their_row_once():
    member = signed_in(UserFactory())

    first = user_row_reads(member, reverse("cart:detail"))
    later = user_row_reads(member, reverse("cart:detail"))

    assert (first, later) == (1, 0)


def test_a_switched_off_account_is_signed_out_at_once():
    user = UserFactory()
    member = signed_in(user)
    assert member.get(DASHBOARD).status_code == 200

    user.is_active = False
    user.save()

    assert member.get(DASHBOARD).status_code == 302  # to the log-in page


def test_a_new_password_signs_out_the_members_other_browsers():
    user = UserFactory()
    other_browser = signed_in(user)
    assert other_browser.get(DASHBOARD).status_code == 200

    user.set_password("a-new-long-password-2026")
    user.save()

    assert other_browser.get(DASHBOARD).status_code == 302


def test_a_changed_name_shows_on_the_next_page():
    user = UserFactory(first_name="伟", last_name="张")
    member = signed_in(user)
    member.get(DASHBOARD)

    services.member_profile_update(member=user, first_name="芳", last_name="李", phone="")

    assert "李芳" in visible_text(member.get(DASHBOARD))


def test_a_new_tier_prices_the_next_page():
    tiers = demo_tiers()
    user = UserFactory(tier=tiers["Member"])
    sku = SkuFactory(price=Decimal("399.00"), stock=20)
    member = signed_in(user)
    member.get(sku.product.get_absolute_url())
    paid_order(member=user, items=[(SkuFactory(price=Decimal("600.00")), 1)])

    services.member_recompute_tier(member=user, cause=TierEvent.Cause.STAFF)

    assert "¥391.02" in visible_text(member.get(sku.product.get_absolute_url()))  # silver −2%


def test_staff_rows_are_always_read_from_the_database():
    staff = signed_in(StaffUserFactory())

    first = user_row_reads(staff, reverse("cart:detail"))
    later = user_row_reads(staff, reverse("cart:detail"))

    assert (first, later) == (1, 1)

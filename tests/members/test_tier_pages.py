"""What members and staff see of VIP tiers: the member centre's tier card, the member's tier
history in admin, and the number of queries a member's catalog pages take."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.members import services
from apps.members.demo import load_tiers
from apps.members.models import Tier, TierEvent
from apps.orders.choices import PaymentStatus
from tests.catalog.factories import ProductFactory, ProductImageFactory
from tests.members.factories import UserFactory, demo_tiers
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_member_centre_shows_tier_benefits_and_progress(client):
    tiers = demo_tiers()
    Tier.objects.filter(pk=tiers["Silver"].pk).update(benefits_zh_hans="全场 98 折")
    member = UserFactory()
    paid_at = timezone.now() - timedelta(days=40)
    OrderFactory(
        member=member,
        payment_status=PaymentStatus.PAID,
        total_amount=Decimal("1770.00"),
        paid_at=paid_at,
    )
    services.member_recompute_tier(member=member, cause=TierEvent.Cause.STAFF)
    client.force_login(member)

    page = client.get(reverse("members:dashboard")).content.decode()

    reach_by = timezone.localdate(paid_at + timedelta(days=364)).isoformat()
    assert "银卡" in page
    assert "全场 98 折" in page
    assert "¥1,770.00" in page
    assert (
        _("Spend %(amount)s more by %(date)s to reach %(tier)s.")
        % {
            "amount": "¥230.00",
            "date": reach_by,
            "tier": "金卡",
        }
        in page
    )


def test_member_centre_of_a_new_member_shows_the_entry_tier(client):
    demo_tiers()
    client.force_login(UserFactory())

    page = client.get(reverse("members:dashboard")).content.decode()

    assert "普通会员" in page
    assert (
        _("Spend %(amount)s within 12 months to reach %(tier)s.")
        % {
            "amount": "¥500.00",
            "tier": "银卡",
        }
        in page
    )


def test_staff_read_a_members_tier_history_on_their_page(client):
    tiers = demo_tiers()
    member = UserFactory()
    OrderFactory(
        member=member,
        payment_status=PaymentStatus.PAID,
        total_amount=Decimal("2100.00"),
        paid_at=timezone.now(),
    )
    services.member_recompute_tier(member=member, cause=TierEvent.Cause.ORDER_PAID)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    page = client.get(reverse("admin:members_user_change", args=[member.pk])).content.decode()

    assert str(tiers["Gold"]) in page
    assert str(TierEvent.Cause.ORDER_PAID.label) in page
    assert "2100.00" in page


def test_staff_recount_action_records_a_staff_change(client):
    tiers = demo_tiers()
    member = UserFactory()
    OrderFactory(
        member=member,
        payment_status=PaymentStatus.PAID,
        total_amount=Decimal("600.00"),
        paid_at=timezone.now(),
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    client.post(
        reverse("admin:members_user_changelist"),
        {"action": "recount_tiers", "_selected_action": [member.pk]},
    )

    event = TierEvent.objects.get(member=member)
    assert (event.to_tier, event.cause) == (tiers["Silver"], TierEvent.Cause.STAFF)


def test_demo_tiers_load_once():
    load_tiers()
    load_tiers()

    assert list(
        Tier.objects.values_list("name_zh_hans", "threshold_amount", "discount_percent")
    ) == [
        ("普通会员", Decimal("0.00"), Decimal("0.00")),
        ("银卡", Decimal("500.00"), Decimal("2.00")),
        ("金卡", Decimal("2000.00"), Decimal("5.00")),
        ("钻石", Decimal("5000.00"), Decimal("8.00")),
    ]


PAGES = [
    ("home", lambda product: reverse("catalog:home")),
    ("listing", lambda product: reverse("catalog:product_list")),
    ("detail", lambda product: product.get_absolute_url()),
    ("search", lambda product: reverse("catalog:search") + "?q=电饭煲"),
]


def queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(("name", "url_for"), PAGES)
def test_a_gold_members_pages_take_no_more_queries_than_a_guests(client, settings, name, url_for):
    settings.PAGE_CACHE_SECONDS = 0  # rendered every time, as a member's pages are
    tiers = demo_tiers()
    product = ProductFactory(name_zh_hans="电饭煲 0")
    ProductImageFactory(product=product)
    for number in range(1, 10):
        ProductFactory(category=product.category, name_zh_hans=f"电饭煲 {number}")
    url = url_for(product)
    client.post(reverse("catalog:compare_add"), {"product": product.pk})  # a guest's session
    client.get(url)
    cache.clear()
    client.get(url)
    guest = queries_of(client, url)
    client.force_login(UserFactory(tier=tiers["Gold"]))
    client.get(url)

    member = queries_of(client, url)

    # Nothing: the member's user row, the tier and a product page's heart (the member's
    # saved ids) all come from the cache.
    assert (guest, member) == (0, 0)

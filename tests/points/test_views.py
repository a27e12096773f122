"""The checkout's "use points" field, the points line on the review and order pages and in
emails, and the member centre's points page (only ever the member's own ledger)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.orders.models import Order
from apps.points.models import PointsAccount, PointsEntry
from apps.points.pricing import points_label
from tests.catalog.factories import SkuFactory
from tests.members.factories import AddressFactory, UserFactory
from tests.points.factories import PointsEntryFactory, give_points
from tests.text import visible_text

pytestmark = pytest.mark.django_db

CHECKOUT = {"email": "buyer@example.com", "shipping_method": "courier", "payment_method": "cod"}


@pytest.fixture
def member():
    member = UserFactory(phone="13900139000")
    AddressFactory(member=member, is_default=True)
    return member


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    client.post(reverse("cart:add"), {"sku": SkuFactory(price=Decimal("199.00")).pk})
    return client


def checkout(client, member, **fields):
    address = member.addresses.get()
    data = {**CHECKOUT, "saved_address": address.pk, **fields}
    return client.post(reverse("orders:checkout"), data)


def place(client) -> Order:
    review = client.get(reverse("orders:review"))
    key = review.context["form"].initial["idempotency_key"]
    client.post(reverse("orders:place"), {"idempotency_key": key})
    return Order.objects.get()


def test_checkout_offers_the_points_this_order_can_use(member_client, member):
    give_points(member, 8000)

    response = member_client.get(reverse("orders:checkout"))

    content = response.content.decode()
    # ¥199.00: the floor (¥139.30) leaves ¥59.70, i.e. 5,970 points.
    assert _(
        "You have %(balance)s points. This order can use up to %(points)s points: use"
        " %(points)s points, save %(amount)s."
    ) % {"balance": "8,000", "points": "5,970", "amount": "¥59.70"} in visible_text(response)
    assert 'name="points_to_redeem"' in content


def test_checkout_offers_no_points_to_a_guest(client):
    client.post(reverse("cart:add"), {"sku": SkuFactory().pk})

    response = client.get(reverse("orders:checkout"))

    assert 'name="points_to_redeem"' not in response.content.decode()


def test_checkout_offers_no_points_to_a_member_without_any(member_client):
    response = member_client.get(reverse("orders:checkout"))

    assert 'name="points_to_redeem"' not in response.content.decode()


def test_asking_for_more_points_than_the_order_can_use_is_refused(member_client, member):
    give_points(member, 8000)

    response = checkout(member_client, member, points_to_redeem=6000)

    assert response.status_code == 200
    assert (
        _("You can use at most %(limit_value)s points on this order.") % {"limit_value": 5970}
        in response.content.decode()
    )
    assert "checkout" not in member_client.session


def test_the_review_shows_the_points_line_and_the_lower_total(member_client, member):
    give_points(member, 8000)
    checkout(member_client, member, points_to_redeem=1200)

    response = member_client.get(reverse("orders:review"))

    content = response.content.decode()
    assert points_label(1200) in content
    assert response.context["pricing"].total == Decimal("199.00")  # 187.00 + 12.00 delivery
    assert response.context["pricing"].discount == Decimal("12.00")


def test_the_placed_order_takes_the_points_and_shows_them(member_client, member):
    give_points(member, 8000)
    checkout(member_client, member, points_to_redeem=1200)

    order = place(member_client)
    page = member_client.get(order.get_absolute_url())

    assert PointsAccount.objects.get(member=member).balance == 6800
    assert order.discount_amount == Decimal("12.00")
    assert points_label(1200) in page.content.decode()


def test_the_order_email_shows_the_points_line(
    member_client, member, django_capture_on_commit_callbacks
):
    give_points(member, 8000)
    checkout(member_client, member, points_to_redeem=1200)

    with django_capture_on_commit_callbacks(execute=True):
        place(member_client)

    assert points_label(1200) in mail.outbox[-1].body


def test_review_lowers_the_points_when_the_balance_fell_since_checkout(member_client, member):
    give_points(member, 8000)
    checkout(member_client, member, points_to_redeem=5000)
    from apps.points import services

    services.points_adjust(member=member, points=-7000, reason="测试", actor=UserFactory())

    response = member_client.get(reverse("orders:review"))

    assert response.context["pricing"].discount_from("points") == Decimal("10.00")
    assert member_client.session["checkout"]["points_to_redeem"] == 1000


def test_points_page_shows_the_balance_and_what_expires_next(client, member):
    now = timezone.now()
    give_points(member, 300, now=now - timedelta(days=300), reason="老积分")
    give_points(member, 200, now=now - timedelta(days=10), reason="新积分")
    client.force_login(member)

    response = client.get(reverse("points:mine"))

    content = response.content.decode()
    expiry = timezone.localdate(now + timedelta(days=65)).isoformat()
    assert response.context["balance"] == 500
    assert _("%(points)s points on %(date)s") % {"points": "300", "date": expiry} in content
    assert "老积分" in content
    assert "新积分" in content


def test_points_page_shows_only_the_members_own_ledger(client, member):
    other = UserFactory()
    give_points(other, 999, reason="别人的积分")
    give_points(member, 100, reason="我的积分")
    client.force_login(member)

    response = client.get(reverse("points:mine"))

    content = response.content.decode()
    assert "我的积分" in content
    assert "别人的积分" not in content
    assert [entry.member for entry in response.context["page"].object_list] == [member]


def test_points_page_asks_a_guest_to_log_in(client):
    response = client.get(reverse("points:mine"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_points_page_takes_a_fixed_number_of_queries(client, member, django_assert_num_queries):
    give_points(member, 100)
    client.force_login(member)
    client.get(reverse("points:mine"))
    PointsEntryFactory.create_batch(30, member=member)

    # Balance, next expiry, the count and the entries (the session and the member's row come
    # from the cache).
    with django_assert_num_queries(4):
        response = client.get(reverse("points:mine"))

    assert len(response.context["page"].object_list) == 20


def test_the_dashboard_links_to_the_points_page(client, member):
    client.force_login(member)

    response = client.get(reverse("members:dashboard"))

    assert reverse("points:mine") in response.content.decode()


def test_ledger_entries_are_never_edited_by_staff(admin_client):
    entry = PointsEntryFactory()

    response = admin_client.post(
        reverse("admin:points_pointsentry_change", args=[entry.pk]), {"points": 5}
    )

    assert response.status_code == 403
    assert PointsEntry.objects.get(pk=entry.pk).points == 100

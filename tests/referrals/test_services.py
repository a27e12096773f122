"""Referral rewards: a friend's sign-up and paid orders through a member's link earn the
sharer points, once per friend and per order, never for their own orders, taken back on a
refund."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.orders import services as order_services
from apps.payments import services as payment_services
from apps.points.models import PointsAccount, PointsEntry
from apps.referrals import links, services
from apps.referrals.models import Referral
from tests.catalog.factories import SkuFactory
from tests.members.factories import PASSWORD, UserFactory
from tests.orders.factories import place_order
from tests.referrals.factories import ShareCodeFactory, referral_cookie

pytestmark = pytest.mark.django_db


@pytest.fixture
def share():
    return ShareCodeFactory(member=UserFactory(email="sharer@example.com", phone="13700137000"))


def balance(member) -> int:
    account = PointsAccount.objects.filter(member=member).first()
    return account.balance if account else 0


def click(share, *, days_ago: float = 0.01) -> links.ReferralClick:
    return links.ReferralClick(
        code=share.code, visit_id=0, clicked_at=timezone.now() - timedelta(days=days_ago)
    )


def sign_up(client, email="friend@example.com"):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def pay(order, capture):
    with capture(execute=True):
        payment_services.payment_record(
            order=order,
            provider="simulator",
            provider_event_id=f"paid-{order.number}",
            amount=order.total_amount,
        )
    order.refresh_from_db()
    return order


def test_a_friend_signing_up_through_the_link_earns_the_sharer_points(client, share, settings):
    client.cookies[links.COOKIE_NAME] = referral_cookie(share.code, days_ago=1)

    sign_up(client)

    referral = Referral.objects.get()
    assert (referral.kind, referral.friend.email) == (Referral.Kind.SIGNUP, "friend@example.com")
    assert balance(share.member) == settings.SHOP_REFERRAL_SIGNUP_POINTS


def test_a_sign_up_without_the_link_earns_nothing(client, share):
    sign_up(client)

    assert Referral.objects.count() == 0
    assert balance(share.member) == 0


def test_a_sign_up_after_the_link_expired_earns_nothing(client, share):
    client.cookies[links.COOKIE_NAME] = referral_cookie(share.code, days_ago=8)

    sign_up(client)

    assert Referral.objects.count() == 0
    assert balance(share.member) == 0


def test_a_friend_counts_once_for_signing_up(share, settings):
    friend = UserFactory()
    services.referral_signup_reward(friend=friend, click=click(share))

    again = services.referral_signup_reward(friend=friend, click=click(share))

    assert again is None
    assert Referral.objects.count() == 1
    assert balance(share.member) == settings.SHOP_REFERRAL_SIGNUP_POINTS


def test_signing_oneself_up_earns_nothing(share):
    result = services.referral_signup_reward(friend=share.member, click=click(share))

    assert result is None
    assert balance(share.member) == 0


def test_a_guests_order_through_the_link_earns_the_sharer_points_once_paid(
    share, settings, django_capture_on_commit_callbacks
):
    order = place_order(email="friend@example.com", phone="13800138000")
    services.referral_attribute_order(order=order, click=click(share, days_ago=1))

    pay(order, django_capture_on_commit_callbacks)

    referral = Referral.objects.get(order=order)
    assert referral.points_awarded == settings.SHOP_REFERRAL_ORDER_POINTS
    assert balance(share.member) == settings.SHOP_REFERRAL_ORDER_POINTS


def test_an_unpaid_order_earns_nothing_yet(share):
    order = place_order()

    services.referral_attribute_order(order=order, click=click(share))

    assert Referral.objects.get(order=order).points_awarded == 0
    assert balance(share.member) == 0


def test_an_order_is_rewarded_once_however_often_it_is_synced(
    share, settings, django_capture_on_commit_callbacks
):
    order = place_order()
    services.referral_attribute_order(order=order, click=click(share))
    pay(order, django_capture_on_commit_callbacks)

    services.referral_sync_for_order(order_id=order.pk)

    assert PointsEntry.objects.filter(member=share.member).count() == 1
    assert balance(share.member) == settings.SHOP_REFERRAL_ORDER_POINTS


def test_an_order_paid_after_the_referral_days_earns_nothing(
    share, django_capture_on_commit_callbacks
):
    order = place_order()
    services.referral_attribute_order(order=order, click=click(share, days_ago=6.9))
    Referral.objects.filter(order=order).update(clicked_at=timezone.now() - timedelta(days=8))

    pay(order, django_capture_on_commit_callbacks)

    assert Referral.objects.get(order=order).points_awarded == 0
    assert balance(share.member) == 0


@pytest.mark.parametrize(
    "own",
    [{"member": "sharer"}, {"email": "Sharer@Example.com"}, {"phone": "13700137000"}],
    ids=["same member", "same email", "same phone"],
)
def test_the_sharers_own_order_is_never_rewarded(share, own):
    details = {"member": share.member} if own.get("member") else own

    order = place_order(**details)
    referral = services.referral_attribute_order(order=order, click=click(share))

    assert referral is None
    assert Referral.objects.count() == 0


def test_a_refund_takes_the_reward_back(share, django_capture_on_commit_callbacks):
    order = place_order(items=[(SkuFactory(price=Decimal("100.00")), 1)])
    services.referral_attribute_order(order=order, click=click(share))
    order = pay(order, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_refund(order=order)

    referral = Referral.objects.get(order=order)
    assert (referral.points_awarded, referral.points_reversed) == (300, 300)
    assert balance(share.member) == 0


def test_placing_an_order_with_the_cookie_attributes_it(client, share):
    client.cookies[links.COOKIE_NAME] = referral_cookie(share.code, days_ago=1)
    client.post(reverse("cart:add"), {"sku": SkuFactory().pk})
    client.post(
        reverse("orders:checkout"),
        {
            "email": "friend@example.com",
            "shipping_method": "courier",
            "payment_method": "cod",
            "recipient_name": "李四",
            "phone": "13800138000",
            "province": "310000",
            "city": "310100",
            "district": "310101",
            "street": "南京东路 1 号",
        },
    )
    review = client.get(reverse("orders:review"))
    key = review.context["form"].initial["idempotency_key"]
    client.post(reverse("orders:place"), {"idempotency_key": key})

    referral = Referral.objects.get()
    assert (referral.sharer, referral.order.email) == (share.member, "friend@example.com")

"""Coupon codes: what they take off, and a clear message for every reason one does not
apply; uses drawn by orders and given back by unpaid orders cancelled."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from apps.cart.pricing import PricingContext, price_items
from apps.orders import services as order_services
from apps.orders.services import OrderError
from apps.promotions.coupons import Refusal
from apps.promotions.models import Coupon, CouponUse
from apps.promotions.selectors import cart_promotions
from tests.catalog.factories import ProductFactory, SkuFactory
from tests.members.factories import UserFactory
from tests.orders.factories import paid_order
from tests.promotions.factories import CouponFactory, OfferFactory
from tests.promotions.helpers import place_with_coupon

pytestmark = pytest.mark.django_db

D = Decimal


def checked(code, items, *, member=None):
    pricing = price_items(
        items=[(sku, quantity, None) for sku, quantity in items],
        context=PricingContext(buyer=member, coupon_codes=(code,)),
    )
    return pricing, cart_promotions(pricing).coupon


def one_item(price="199.00"):
    return [(SkuFactory(price=D(price), stock=50), 1)]


def test_a_code_is_found_whatever_its_case_and_spaces():
    CouponFactory(code="WELCOME10")

    pricing, check = checked(" welcome 10 ", one_item())

    assert check.applies is True
    assert pricing.discount_from("coupons") == D("10.00")


def test_an_unknown_code_says_so():
    pricing, check = checked("NOPE", one_item())

    assert check.reason == Refusal.UNKNOWN
    assert pricing.discount == D("0.00")


def test_an_unknown_code_message_names_the_code():
    with translation.override("en"):
        _pricing, check = checked("NOPE", one_item())

    assert check.message == "We do not know the code NOPE. Check it and try again."


def test_a_code_switched_off_is_unknown():
    CouponFactory(code="OFF", is_active=False)

    _pricing, check = checked("OFF", one_item())

    assert check.reason == Refusal.UNKNOWN


def test_a_code_not_started_says_from_when():
    now = timezone.now()
    CouponFactory(code="SOON", starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2))

    pricing, check = checked("SOON", one_item())

    assert check.reason == Refusal.NOT_STARTED
    assert "SOON" in check.message
    assert pricing.discount == D("0.00")


def test_an_expired_code_says_so():
    now = timezone.now()
    CouponFactory(code="OLD", starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1))

    pricing, check = checked("OLD", one_item())

    assert check.reason == Refusal.EXPIRED
    assert pricing.discount == D("0.00")


def test_a_used_up_code_says_so():
    coupon = CouponFactory(code="GONE", total_uses=1)
    Coupon.objects.filter(pk=coupon.pk).update(uses_left=0)

    pricing, check = checked("GONE", one_item())

    assert check.reason == Refusal.USED_UP
    assert pricing.discount == D("0.00")


def test_a_members_only_code_asks_a_guest_to_log_in():
    CouponFactory(code="VIP", members_only=True)

    pricing, check = checked("VIP", one_item())

    assert check.reason == Refusal.MEMBERS_ONLY
    assert pricing.discount == D("0.00")


def test_a_members_only_code_applies_to_a_member():
    CouponFactory(code="VIP", members_only=True)

    pricing, check = checked("VIP", one_item(), member=UserFactory())

    assert check.applies is True
    assert pricing.discount == D("10.00")


def test_a_member_who_used_the_code_is_told_so():
    member = UserFactory()
    CouponFactory(code="ONCE")
    place_with_coupon(items=one_item(), code="ONCE", member=member)

    pricing, check = checked("ONCE", one_item(), member=member)

    assert check.reason == Refusal.ALREADY_USED
    assert pricing.discount == D("0.00")


def test_a_guest_who_used_the_code_with_the_same_email_is_refused_at_order_placement():
    CouponFactory(code="ONCE")
    place_with_coupon(items=one_item(), code="ONCE", email="guest@example.com")

    with pytest.raises(OrderError, match="ONCE"):
        place_with_coupon(items=one_item(), code="ONCE", email="GUEST@example.com")

    assert CouponUse.objects.count() == 1


def test_a_code_for_other_products_says_so():
    CouponFactory(code="KETTLE", products=[ProductFactory()])

    pricing, check = checked("KETTLE", one_item())

    assert check.reason == Refusal.NOT_FOR_THESE
    assert pricing.discount == D("0.00")


def test_a_minimum_spend_not_reached_says_how_much_more():
    CouponFactory(code="MIN", min_spend=D("99.00"))

    with translation.override("en"):
        pricing, check = checked("MIN", [(SkuFactory(price=D("76.00")), 1)])

    assert check.reason == Refusal.MIN_SPEND
    assert check.message == "Add ¥23.00 more to use the code MIN (from ¥99.00)."
    assert pricing.discount == D("0.00")


def test_the_minimum_spend_counts_what_the_lines_cost_after_the_offer():
    OfferFactory()
    CouponFactory(code="MIN", min_spend=D("190.00"))

    pricing, check = checked("MIN", one_item("199.00"))

    assert check.reason == Refusal.MIN_SPEND
    assert pricing.discount == D("20.00")


# --- uses ---------------------------------------------------------------------------------------


def test_an_order_draws_a_use_and_records_it():
    coupon = CouponFactory(code="FIVE", total_uses=5)

    order = place_with_coupon(items=one_item(), code="FIVE")

    coupon.refresh_from_db()
    assert coupon.uses_left == 4
    assert list(CouponUse.objects.values_list("order_id", "amount")) == [(order.pk, D("10.00"))]
    assert order.discount_amount == D("10.00")


def test_an_order_with_a_code_that_no_longer_applies_is_refused_and_nothing_changes():
    now = timezone.now()
    CouponFactory(code="OLD", starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1))
    items = one_item()

    with pytest.raises(OrderError, match="OLD"):
        place_with_coupon(items=items, code="OLD")

    assert CouponUse.objects.count() == 0
    assert items[0][0].__class__.objects.get(pk=items[0][0].pk).stock == 50


def test_cancelling_an_unpaid_order_gives_the_use_back():
    coupon = CouponFactory(code="ONE", total_uses=1)
    order = place_with_coupon(items=one_item(), code="ONE")

    order_services.order_cancel(order=order)

    coupon.refresh_from_db()
    assert coupon.uses_left == 1
    assert CouponUse.objects.get().released_at is not None


def test_an_expired_unpaid_order_gives_the_use_back(monkeypatch):
    coupon = CouponFactory(code="ONE", total_uses=1)
    order = place_with_coupon(items=one_item(), code="ONE")
    monkeypatch.setattr("apps.payments.services.payment_settle", lambda order: False)

    order_services.orders_expire_unpaid(now=order.expires_at + timedelta(minutes=1))

    coupon.refresh_from_db()
    assert coupon.uses_left == 1


def test_cancelling_twice_gives_the_use_back_once():
    coupon = CouponFactory(code="TWO", total_uses=2)
    order = place_with_coupon(items=one_item(), code="TWO")
    order_services.order_cancel(order=order)

    with pytest.raises(order_services.InvalidTransition):
        order_services.order_cancel(order=order)

    coupon.refresh_from_db()
    assert coupon.uses_left == 2


def test_cancelling_a_paid_order_keeps_the_use():
    coupon = CouponFactory(code="PAID", total_uses=3)
    order = paid_order()
    CouponUse.objects.create(coupon=coupon, order=order, amount=D("10.00"))
    Coupon.objects.filter(pk=coupon.pk).update(uses_left=2)

    order_services.order_cancel(order=order)

    coupon.refresh_from_db()
    assert coupon.uses_left == 2

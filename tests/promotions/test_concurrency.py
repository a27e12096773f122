"""Races on real PostgreSQL for a coupon's last uses: exactly as many orders get it as it has
uses left, the others are refused and leave nothing behind."""

import secrets
from decimal import Decimal

import pytest

from apps.catalog.models import Sku
from apps.orders import services
from apps.orders.models import Order
from apps.promotions.models import Coupon, CouponUse
from tests.cart.factories import CartFactory, CartLineFactory
from tests.catalog.factories import SkuFactory
from tests.orders.factories import checkout_details
from tests.orders.test_concurrency import run_at_once
from tests.promotions.factories import CouponFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def buyer(sku, number):
    cart = CartFactory()
    CartLineFactory(cart=cart, sku=sku, quantity=1)
    key = secrets.token_urlsafe(24)
    return lambda: services.order_place(
        cart=cart,
        details=checkout_details(email=f"buyer{number}@example.com"),
        idempotency_key=key,
        coupon_codes=("LAST3",),
    )


def test_many_buyers_for_a_coupons_last_uses_get_exactly_that_many():
    sku = SkuFactory(price=Decimal("199.00"), stock=100)
    coupon = CouponFactory(code="LAST3", total_uses=3)

    results, errors = run_at_once([buyer(sku, number) for number in range(12)])

    assert len(results) == 3
    assert len(errors) == 9
    assert all(isinstance(error, services.OrderError) for error in errors)
    assert Coupon.objects.get(pk=coupon.pk).uses_left == 0
    assert CouponUse.objects.count() == 3
    assert Order.objects.count() == 3
    assert all(order.discount_amount == Decimal("10.00") for order in Order.objects.all())
    assert Sku.objects.get(pk=sku.pk).stock == 97


def test_one_member_placing_two_orders_at_once_uses_the_coupon_once():
    from tests.members.factories import UserFactory

    member = UserFactory()
    sku = SkuFactory(price=Decimal("199.00"), stock=100)
    CouponFactory(code="LAST3", total_uses=10, per_customer_limit=1)
    functions = []
    for _index in range(4):
        cart = CartFactory()
        CartLineFactory(cart=cart, sku=sku, quantity=1)
        key = secrets.token_urlsafe(24)
        functions.append(
            lambda cart=cart, key=key: services.order_place(
                cart=cart,
                details=checkout_details(),
                idempotency_key=key,
                member=member,
                coupon_codes=("LAST3",),
            )
        )

    results, errors = run_at_once(functions)

    assert len(results) == 1
    assert CouponUse.objects.filter(member=member).count() == 1
    assert Coupon.objects.get(code="LAST3").uses_left == 9

"""Races on real PostgreSQL for a coupon's last uses: exactly as many orders get it as it has
uses left, the others are refused and leave nothing behind.

Races on real PostgreSQL: 32 buyers for a flash sale's last units, and two settlements of
the same group buy at once."""

import secrets
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum

from apps.catalog.models import Sku
from apps.orders import services
from apps.orders.models import Order, OrderLine
from apps.promotions import services as promotion_services
from apps.promotions.models import Coupon, CouponUse, FlashSale, FlashSaleClaim, GroupBuy
from tests.cart.factories import CartFactory, CartLineFactory
from tests.catalog.factories import SkuFactory
from tests.orders.factories import checkout_details
from tests.orders.test_concurrency import run_at_once
from tests.promotions.factories import CouponFactory, FlashSaleFactory, group_buy

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


pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def flash_buyer(sku, number):
    cart = CartFactory()
    CartLineFactory(cart=cart, sku=sku, quantity=1)
    details = checkout_details(email=f"racer{number}@example.com", phone=f"139{number:08d}")
    key = secrets.token_urlsafe(24)
    return lambda: services.order_place(cart=cart, details=details, idempotency_key=key)


def test_32_buyers_for_the_last_5_flash_units_get_exactly_5_at_the_flash_price():
    sale = FlashSaleFactory(quantity=20, quantity_left=5, per_customer_limit=1)

    results, errors = run_at_once([flash_buyer(sale.sku, number) for number in range(32)])

    flash_lines = OrderLine.objects.filter(sku=sale.sku, unit_price=Decimal("299.00"))
    claimed = FlashSaleClaim.objects.aggregate(total=Sum("quantity"))["total"]
    assert FlashSale.objects.get(pk=sale.pk).quantity_left == 0
    assert (flash_lines.count(), claimed) == (5, 5)
    # The others were refused (the units went to faster buyers) or, once pages knew the
    # sale had sold out, priced normally: never at the flash price.
    assert all(isinstance(error, services.OrderError) for error in errors)
    assert len(results) + len(errors) == 32


def test_two_settlements_at_once_settle_once():
    deal = group_buy()
    now = deal.deadline + timedelta(minutes=1)

    results, errors = run_at_once(
        [lambda: promotion_services.group_buy_settle(group_buy_id=deal.pk, now=now)] * 2
    )

    assert errors == []
    assert sorted(results) == [False, True]
    assert GroupBuy.objects.get(pk=deal.pk).status == GroupBuy.Status.FAILED
    assert Sku.objects.get(pk=deal.sku.pk).stock == 50

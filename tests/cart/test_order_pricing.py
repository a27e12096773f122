"""Order placement and refunds use what pricing computed: rule prices, discount shares, and
what was really paid for each unit."""

from decimal import Decimal

import pytest

from apps.cart.pricing import Discount, UnitPrice
from apps.orders import services
from apps.orders.choices import PaymentStatus
from apps.payments import services as payment_services
from tests.cart.rules import discount_rule_in_force, unit_price_rule_in_force
from tests.catalog.factories import SkuFactory
from tests.members.factories import UserFactory
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db


def ten_off(*, lines, context):
    return Discount(label="满100减10", amount=Decimal("10.00"))


def pay(order):
    payment_services.payment_record(
        order=order,
        provider="simulator",
        provider_event_id=f"ev-{order.number}",
        amount=order.total_amount,
    )


def snapshot(order) -> list[tuple[Decimal, int, Decimal, Decimal]]:
    return [
        (line.unit_price, line.quantity, line.discount_amount, line.line_total)
        for line in order.lines.order_by("sku_id")
    ]


def test_an_order_discount_is_spread_and_snapshotted_on_the_order_lines():
    kettle = SkuFactory(price=Decimal("30.00"), stock=9)
    wok = SkuFactory(price=Decimal("35.00"), stock=9)

    with discount_rule_in_force(ten_off, name="test-10-off"):
        order = place_order(items=[(kettle, 1), (wok, 2)])

    assert snapshot(order) == [
        (Decimal("30.00"), 1, Decimal("3.00"), Decimal("30.00")),
        (Decimal("35.00"), 2, Decimal("7.00"), Decimal("70.00")),
    ]
    assert (order.subtotal_amount, order.discount_amount, order.total_amount) == (
        Decimal("100.00"),
        Decimal("10.00"),
        Decimal("102.00"),
    )


def test_the_member_placing_the_order_gets_their_unit_price():
    def member_price(*, sku, quantity, context, unit_price):
        return UnitPrice(Decimal("90.00"), "Gold member price") if context.member else None

    kettle = SkuFactory(price=Decimal("100.00"), stock=9)

    with unit_price_rule_in_force(member_price, name="test-member-price"):
        order = place_order(items=[(kettle, 1)], member=UserFactory())

    assert snapshot(order) == [(Decimal("90.00"), 1, Decimal("0.00"), Decimal("90.00"))]


def test_a_partial_refund_of_a_discounted_line_pays_back_what_was_paid():
    kettle = SkuFactory(price=Decimal("30.00"), stock=9)
    wok = SkuFactory(price=Decimal("35.00"), stock=9)
    with discount_rule_in_force(ten_off, name="test-10-off"):
        order = place_order(items=[(kettle, 1), (wok, 2)])
    pay(order)
    wok_line = order.lines.get(sku=wok)

    refunded = services.order_refund(order=order, lines={wok_line.pk: 1})

    # The two woks cost 70.00 less their 7.00 share of the discount: 31.50 each.
    assert (refunded.payment_status, refunded.refunded_amount) == (
        PaymentStatus.PARTLY_REFUNDED,
        Decimal("31.50"),
    )
    wok_line.refresh_from_db()
    assert (wok_line.refunded_amount, wok_line.refundable_amount) == (
        Decimal("31.50"),
        Decimal("31.50"),
    )


def test_the_last_unit_refunded_carries_the_odd_cent():
    def one_cent_off(*, lines, context):
        return Discount(label="Odd", amount=Decimal("0.01"))

    tea = SkuFactory(price=Decimal("10.00"), stock=9)
    with discount_rule_in_force(one_cent_off, name="test-odd-cent"):
        order = place_order(items=[(tea, 3)], shipping_method="pickup", payment_method="cod")
    order = services.order_mark_delivered(
        order=services.order_mark_shipped(order=order, carrier="", tracking_number="")
    )
    line = order.lines.get()

    first = services.order_refund(order=order, lines={line.pk: 1}).refunded_amount
    second = services.order_refund(order=order, lines={line.pk: 1}).refunded_amount - first
    line.refresh_from_db()

    assert (first, second, line.refundable_amount) == (
        Decimal("9.99"),
        Decimal("9.99"),
        Decimal("10.01"),
    )

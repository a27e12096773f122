"""The pricing service as pure arithmetic: unsaved SKUs, no database."""

import logging
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from apps.cart.pricing import (
    Discount,
    LineProblem,
    PricingContext,
    UnitPrice,
    price_items,
    shipping_fee_for,
    spread_cents,
    unit_price_rule,
    unit_price_rules,
)
from apps.catalog.models import Product, Sku
from apps.core.choices import ShippingMethod
from tests.cart.rules import discount_rule_in_force, rules_left_out, unit_price_rule_in_force


@pytest.fixture(autouse=True)
def _promotions_left_out():
    """The service's own arithmetic: the promotions' rules read the database (their offers
    and coupons), so they are taken out here; tests/promotions prices with them."""
    with rules_left_out("offers", "coupons", "flash_sale", "group_buy"):
        yield


COURIER = PricingContext(shipping_method=ShippingMethod.COURIER)
FREE_FROM = Decimal("199.00")
COURIER_FEE = Decimal("12.00")


def sku(
    price: str, stock: int = 10, active: bool = True, published: bool = True, pk: int | None = None
) -> Sku:
    """An unsaved SKU: pricing is pure arithmetic and needs no database."""
    return Sku(
        pk=pk,
        price=Decimal(price),
        stock=stock,
        is_active=active,
        product=Product(name="电水壶", is_published=published),
        options="白色",
        code="KT-1",
    )


def test_courier_fee_below_threshold_and_free_from_it():
    assert shipping_fee_for(subtotal=Decimal("198.99"), shipping_method="courier") == COURIER_FEE
    assert shipping_fee_for(subtotal=FREE_FROM, shipping_method="courier") == 0


def test_pickup_is_always_free():
    assert shipping_fee_for(subtotal=Decimal("10.00"), shipping_method="pickup") == 0


def test_totals_of_two_lines_with_courier_fee():
    pricing = price_items(items=[(sku("59.90"), 2, None), (sku("19.90"), 1, None)], context=COURIER)

    assert pricing.subtotal == Decimal("139.70")
    assert pricing.shipping_fee == COURIER_FEE
    assert pricing.total == Decimal("151.70")
    assert pricing.free_shipping_gap == Decimal("59.30")


def test_lines_that_cannot_be_bought_are_reported_and_left_out_of_totals():
    pricing = price_items(
        items=[
            (sku("100.00", stock=1), 2, None),
            (sku("50.00", published=False), 1, None),
            (sku("30.00", stock=0), 1, None),
            (sku("20.00"), 1, None),
        ],
        context=COURIER,
    )

    assert [line.problem_code for line in pricing.lines] == [
        LineProblem.TOO_MANY,
        LineProblem.WITHDRAWN,
        LineProblem.SOLD_OUT,
        LineProblem.NONE,
    ]
    assert [line.stock_state for line in pricing.lines] == ["low", "out", "out", "ok"]
    assert pricing.subtotal == Decimal("20.00")
    assert not pricing.can_check_out


def test_a_cart_with_nothing_in_the_way_can_check_out():
    pricing = price_items(items=[(sku("20.00"), 1, None)], context=COURIER)

    assert pricing.can_check_out


def test_a_changed_price_is_pointed_out():
    with translation.override("en"):
        pricing = price_items(items=[(sku("99.00"), 1, Decimal("89.00"))], context=COURIER)

    assert pricing.notices == ["The price of 电水壶 · 白色 changed from ¥89.00 to ¥99.00."]
    assert pricing.total == Decimal("111.00")


# --- unit-price rules ----------------------------------------------------------------------


def gold_member_price(*, sku, quantity, context, unit_price):
    return UnitPrice(price=unit_price - Decimal("10.00"), reason="Gold member price")


def test_a_unit_price_rule_lowers_the_price_and_gives_its_reason():
    with unit_price_rule_in_force(gold_member_price, name="test-gold"):
        pricing = price_items(items=[(sku("99.00"), 2, None)], context=COURIER)

    line = pricing.lines[0]
    assert (line.list_price, line.unit_price, line.line_total) == (
        Decimal("99.00"),
        Decimal("89.00"),
        Decimal("178.00"),
    )
    assert line.price_reasons == ("Gold member price",)
    assert pricing.price_savings == Decimal("20.00")


def test_a_price_seen_at_the_rule_price_is_no_change():
    with unit_price_rule_in_force(gold_member_price, name="test-gold"):
        pricing = price_items(items=[(sku("99.00"), 1, Decimal("89.00"))], context=COURIER)

    assert pricing.notices == []


def test_a_rule_can_never_raise_a_price():
    def dearer(*, sku, quantity, context, unit_price):
        return UnitPrice(price=unit_price + 1, reason="Dearer")

    with unit_price_rule_in_force(dearer, name="test-dearer"):
        line = price_items(items=[(sku("99.00"), 1, None)], context=COURIER).lines[0]

    assert (line.unit_price, line.price_reasons) == (Decimal("99.00"), ())


def test_rules_run_by_order_then_name_each_seeing_the_price_so_far():
    seen = []

    def half(*, sku, quantity, context, unit_price):
        seen.append(("half", unit_price))
        return UnitPrice(price=unit_price / 2, reason="Half", lifts_floor=True)

    def minus_one(*, sku, quantity, context, unit_price):
        seen.append(("minus-one", unit_price))
        return UnitPrice(price=unit_price - 1, reason="Minus one", lifts_floor=True)

    with (
        unit_price_rule_in_force(minus_one, name="b-minus-one", order=10),
        unit_price_rule_in_force(half, name="a-half", order=10),
    ):
        line = price_items(items=[(sku("9.00"), 1, None)], context=COURIER).lines[0]

    assert seen == [("half", Decimal("9.00")), ("minus-one", Decimal("4.50"))]
    assert (line.unit_price, line.price_reasons) == (Decimal("3.50"), ("Half", "Minus one"))


def test_rules_read_the_time_from_the_context():
    sale_start = datetime(2026, 11, 11, tzinfo=UTC)

    def flash_sale(*, sku, quantity, context, unit_price):
        if context.now >= sale_start:
            return UnitPrice(price=Decimal("1.00"), reason="Flash sale", lifts_floor=True)
        return None

    with unit_price_rule_in_force(flash_sale, name="test-flash"):
        before = price_items(
            items=[(sku("9.00"), 1, None)],
            context=PricingContext(now=datetime(2026, 11, 10, tzinfo=UTC)),
        )
        during = price_items(items=[(sku("9.00"), 1, None)], context=PricingContext(now=sale_start))

    assert (before.lines[0].unit_price, during.lines[0].unit_price) == (
        Decimal("9.00"),
        Decimal("1.00"),
    )


def test_a_failing_rule_is_logged_and_skipped(caplog):
    def broken(*, sku, quantity, context, unit_price):
        raise ZeroDivisionError

    with (
        unit_price_rule_in_force(broken, name="test-broken", order=1),
        unit_price_rule_in_force(gold_member_price, name="test-gold", order=2),
        caplog.at_level(logging.ERROR, logger="apps.cart.pricing"),
    ):
        pricing = price_items(items=[(sku("99.00"), 1, None)], context=COURIER)

    assert pricing.lines[0].unit_price == Decimal("89.00")
    assert [(record.message, record.rule) for record in caplog.records] == [
        ("pricing.rule_failed", "test-broken")
    ]


def test_a_rule_giving_back_something_odd_is_logged_and_skipped(caplog):
    def float_price(*, sku, quantity, context, unit_price):
        return UnitPrice(price=9.5, reason="Float")

    def not_a_price(*, sku, quantity, context, unit_price):
        return Decimal("1.00")

    with (
        unit_price_rule_in_force(float_price, name="test-float"),
        unit_price_rule_in_force(not_a_price, name="test-not-a-price"),
        caplog.at_level(logging.ERROR, logger="apps.cart.pricing"),
    ):
        line = price_items(items=[(sku("99.00"), 1, None)], context=COURIER).lines[0]

    assert (line.unit_price, line.price_reasons) == (Decimal("99.00"), ())
    assert [record.rule for record in caplog.records] == ["test-float", "test-not-a-price"]


def test_another_rule_under_a_taken_name_is_refused():
    def other(*, sku, quantity, context, unit_price):
        return None

    with unit_price_rule_in_force(gold_member_price, name="test-gold"):
        with pytest.raises(ImproperlyConfigured):
            unit_price_rule(name="test-gold")(other)

        taken = [rule.function for rule in unit_price_rules if rule.name == "test-gold"]
        assert taken == [gold_member_price]


# --- discount rules --------------------------------------------------------------------------


# The rules below give deep discounts to show how discounts are shared; they price as a major
# festival promotion does, so the price guard (tests/cart/test_price_guard.py) stays out of it.


def twenty_off(*, lines, context):
    return Discount(label="满100减20", amount=Decimal("20.00"), lifts_floor=True)


def test_a_discount_is_spread_over_the_lines_by_their_totals():
    with discount_rule_in_force(twenty_off, name="test-20-off"):
        pricing = price_items(
            items=[(sku("30.00"), 1, None), (sku("60.00"), 1, None), (sku("10.00"), 1, None)],
            context=COURIER,
        )

    assert [line.discount_amount for line in pricing.lines] == [
        Decimal("6.00"),
        Decimal("12.00"),
        Decimal("2.00"),
    ]
    assert [(d.label, d.amount) for d in pricing.discounts] == [("满100减20", Decimal("20.00"))]
    assert (pricing.discount, pricing.shipping_fee, pricing.total) == (
        Decimal("20.00"),
        COURIER_FEE,
        Decimal("92.00"),
    )


def test_lines_that_cannot_be_bought_get_no_share_of_a_discount():
    with discount_rule_in_force(twenty_off, name="test-20-off"):
        pricing = price_items(
            items=[(sku("30.00", stock=0), 1, None), (sku("60.00"), 1, None)], context=COURIER
        )

    assert [line.discount_amount for line in pricing.lines] == [Decimal("0.00"), Decimal("20.00")]


def test_a_discount_for_some_skus_is_shared_by_those_lines_only():
    def kettles_only(*, lines, context):
        return Discount(label="Kettles", amount=Decimal("5.00"), sku_ids=frozenset({2}))

    with discount_rule_in_force(kettles_only, name="test-kettles"):
        pricing = price_items(
            items=[(sku("30.00", pk=1), 1, None), (sku("60.00", pk=2), 1, None)], context=COURIER
        )

    assert [line.discount_amount for line in pricing.lines] == [Decimal("0.00"), Decimal("5.00")]


def test_a_discount_never_takes_more_than_the_lines_cost():
    def too_much(*, lines, context):
        return [
            Discount(label="Big", amount=Decimal("80.00"), lifts_floor=True),
            Discount("More", Decimal("9"), lifts_floor=True),
        ]

    with discount_rule_in_force(too_much, name="test-too-much"):
        pricing = price_items(items=[(sku("50.00"), 1, None)], context=COURIER)

    assert [(d.label, d.amount) for d in pricing.discounts] == [("Big", Decimal("50.00"))]
    assert (pricing.discount, pricing.shipping_fee, pricing.total) == (
        Decimal("50.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )


def test_a_failing_discount_rule_is_skipped(caplog):
    def broken(*, lines, context):
        raise KeyError("coupon")

    with (
        discount_rule_in_force(broken, name="test-broken-discount"),
        discount_rule_in_force(twenty_off, name="test-20-off"),
        caplog.at_level(logging.ERROR, logger="apps.cart.pricing"),
    ):
        pricing = price_items(items=[(sku("50.00"), 1, None)], context=COURIER)

    assert pricing.discount == Decimal("20.00")
    assert [record.rule for record in caplog.records] == ["test-broken-discount"]


def test_a_discount_rule_failing_halfway_through_gives_nothing(caplog):
    def halfway(*, lines, context):
        yield Discount(label="First", amount=Decimal("5.00"))
        raise ValueError("offer table missing")

    with (
        discount_rule_in_force(halfway, name="test-halfway"),
        caplog.at_level(logging.ERROR, logger="apps.cart.pricing"),
    ):
        pricing = price_items(items=[(sku("50.00"), 1, None)], context=COURIER)

    assert (pricing.discount, pricing.discounts) == (Decimal("0.00"), [])
    assert [record.rule for record in caplog.records] == ["test-halfway"]


def test_rules_see_the_buyer_and_coupons_of_the_context():
    def coupon(*, lines, context):
        if "HELLO" in context.coupon_codes and context.member is None:
            return Discount(label="Welcome coupon", amount=Decimal("5.00"))
        return None

    with discount_rule_in_force(coupon, name="test-coupon"):
        with_code = price_items(
            items=[(sku("50.00"), 1, None)], context=PricingContext(coupon_codes=("HELLO",))
        )
        without = price_items(items=[(sku("50.00"), 1, None)], context=PricingContext())

    assert (with_code.discount, without.discount) == (Decimal("5.00"), Decimal("0.00"))


def test_a_discount_rule_cannot_change_the_lines_it_reads():
    def meddling(*, lines, context):
        lines[0].line_total = Decimal("1.00")

    with discount_rule_in_force(meddling, name="test-meddling"):
        pricing = price_items(items=[(sku("50.00"), 1, None)], context=COURIER)

    assert (pricing.lines[0].line_total, pricing.total) == (Decimal("50.00"), Decimal("62.00"))


def test_equal_remainders_go_to_the_earlier_line():
    assert spread_cents(Decimal("0.01"), [Decimal("1.00")] * 3) == [
        Decimal("0.01"),
        Decimal("0.00"),
        Decimal("0.00"),
    ]


# --- properties ----------------------------------------------------------------------------

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999"), places=2)


@given(
    amount=st.decimals(min_value=0, max_value=Decimal("50000"), places=2),
    weights=st.lists(amounts, min_size=1, max_size=8),
)
def test_spread_parts_add_up_exactly_and_stay_within_a_cent_of_their_share(amount, weights):
    parts = spread_cents(amount, weights)

    total = sum(weights)
    spread = min(amount, total)
    assert sum(parts) == spread
    assert all(Decimal(0) <= part <= weight for part, weight in zip(parts, weights, strict=True))
    for part, weight in zip(parts, weights, strict=True):
        share = Fraction(spread) * Fraction(weight) / Fraction(total)
        assert abs(Fraction(part) - share) < Fraction(1, 100)
    assert all(part.as_tuple().exponent == -2 for part in parts)


@given(
    prices=st.lists(amounts, min_size=1, max_size=5),
    quantity=st.integers(min_value=1, max_value=9),
    discount=st.decimals(min_value=0, max_value=Decimal("500"), places=2),
    method=st.sampled_from(list(ShippingMethod)),
)
def test_total_is_subtotal_less_discount_plus_fee_and_free_shipping_follows_the_discount(
    prices, quantity, discount, method
):
    def off(*, lines, context):
        return Discount(label="Off", amount=discount, lifts_floor=True)

    with discount_rule_in_force(off, name="test-off"):
        pricing = price_items(
            items=[(sku(str(price)), quantity, None) for price in prices],
            context=PricingContext(shipping_method=method),
        )

    after_discount = pricing.subtotal - pricing.discount
    assert pricing.total == after_discount + pricing.shipping_fee
    assert pricing.discount == min(discount, pricing.subtotal)
    assert sum(line.discount_amount for line in pricing.lines) == pricing.discount
    assert all(line.paid_amount >= 0 for line in pricing.lines)
    assert pricing.total.as_tuple().exponent == -2
    # Goods to deliver pay as by courier unless collected ("none" never dodges the fee).
    pays_fee = method != ShippingMethod.PICKUP and Decimal(0) < after_discount < FREE_FROM
    assert pricing.shipping_fee == (COURIER_FEE if pays_fee else Decimal(0))

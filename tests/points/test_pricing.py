"""Paying with points is one input of the one pricing service: capped by the balance, by
SHOP_POINTS_MAX_REDEEM_PERCENT of the goods after other discounts and by the price floor."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.cart.pricing import Discount, PricingContext, price_floor, price_items
from apps.catalog.models import Product, Sku
from apps.points.models import PointsAccount
from apps.points.pricing import points_label
from tests.cart.rules import discount_rule_in_force
from tests.catalog.factories import SkuFactory
from tests.members.factories import TierFactory, UserFactory
from tests.points.factories import give_points

pytestmark = pytest.mark.django_db


def priced(member, items, points):
    return price_items(
        items=[(sku, quantity, None) for sku, quantity in items],
        context=PricingContext(buyer=member, points_to_redeem=points),
    )


def test_points_become_a_discount_labelled_with_the_points_used():
    member = UserFactory()
    give_points(member, 5000)

    pricing = priced(member, [(SkuFactory(price=Decimal("199.00")), 1)], 1200)

    assert [(item.label, item.amount, item.rule) for item in pricing.discounts] == [
        (points_label(1200), Decimal("12.00"), "points")
    ]
    assert pricing.subtotal - pricing.discount == Decimal("187.00")


def test_points_are_capped_by_the_balance():
    member = UserFactory()
    give_points(member, 300)

    pricing = priced(member, [(SkuFactory(price=Decimal("199.00")), 1)], 1200)

    assert pricing.discount_from("points") == Decimal("3.00")


def test_points_are_capped_by_the_share_of_the_order(settings):
    settings.SHOP_POINTS_MAX_REDEEM_PERCENT = Decimal("10")
    member = UserFactory()
    give_points(member, 50000)

    pricing = priced(member, [(SkuFactory(price=Decimal("199.00")), 1)], 50000)

    assert pricing.discount_from("points") == Decimal("19.90")


def test_points_never_take_the_goods_below_the_price_floor():
    member = UserFactory()
    give_points(member, 50000)

    pricing = priced(member, [(SkuFactory(price=Decimal("199.00")), 1)], 50000)

    # Half of ¥199.00 would be ¥99.50, but the floor is 70%: ¥139.30, so ¥59.70 at most.
    assert pricing.discount_from("points") == Decimal("59.70")


def test_points_count_what_earlier_discounts_left():
    member = UserFactory()
    give_points(member, 50000)

    def twenty_off(*, lines, context):
        return Discount(label="满199减20", amount=Decimal("20.00"))

    with discount_rule_in_force(twenty_off, name="test-20-off"):
        pricing = priced(member, [(SkuFactory(price=Decimal("199.00")), 1)], 50000)

    # ¥179.00 left after the ¥20 off; the floor (¥139.30) leaves ¥39.70 for points.
    assert pricing.discount_from("points") == Decimal("39.70")


def test_a_guest_cannot_pay_with_points():
    pricing = priced(None, [(SkuFactory(price=Decimal("199.00")), 1)], 1200)

    assert pricing.discounts == []


def test_pricing_without_points_reads_no_balance(django_assert_num_queries):
    member = UserFactory()
    sku = SkuFactory(price=Decimal("199.00"))
    priced(member, [(sku, 1)], 0)  # the tiers are kept after the first pricing

    with django_assert_num_queries(0):
        priced(member, [(sku, 1)], 0)


@pytest.fixture
def gold_member(db):
    tier = TierFactory(threshold_amount=Decimal("0.00"), discount_percent=Decimal("8.00"))
    member = UserFactory(tier=tier)
    PointsAccount.objects.create(member=member)
    return member


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    items=st.lists(
        st.tuples(
            st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999.99"), places=2),
            st.integers(min_value=1, max_value=5),
        ),
        min_size=1,
        max_size=4,
    ),
    balance=st.integers(min_value=0, max_value=2_000_000),
    asked=st.integers(min_value=0, max_value=2_000_000),
)
def test_with_points_the_goods_never_cost_less_than_the_floor_nor_more_than_list(
    gold_member, items, balance, asked
):
    PointsAccount.objects.filter(member=gold_member).update(balance=balance)
    product = Product(is_published=True)
    skus = [
        (Sku(price=price, stock=99, is_active=True, product=product), qty) for price, qty in items
    ]

    pricing = priced(gold_member, skus, asked)

    goods = pricing.subtotal - pricing.discount
    list_total = sum(price * qty for price, qty in items)
    floor_total = sum(price_floor(price) * qty for price, qty in items)
    points_amount = pricing.discount_from("points")
    assert floor_total <= goods <= list_total
    assert points_amount * 100 <= min(balance, asked)
    assert points_amount <= pricing.subtotal * Decimal("0.5")

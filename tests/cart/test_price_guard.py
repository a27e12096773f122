"""The price guard (PRODUCT.md, "Pricing guard"): what an item really costs, after its unit
price rules and its share of every order discount, never falls below SHOP_PRICE_FLOOR_PERCENT
of its list price, unless a campaign flagged as a major festival promotion priced it. The
shopper pays the guarded price and is told why."""

from contextlib import ExitStack
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.cart.pricing import Discount, PricingContext, UnitPrice, price_floor, price_items
from apps.catalog.models import Product, Sku
from tests.cart.rules import discount_rule_in_force, rules_left_out, unit_price_rule_in_force

PICKUP = PricingContext(shipping_method="pickup")  # no delivery fee in the way of the sums


@pytest.fixture(autouse=True)
def _promotions_left_out():
    """The guard alone: the shop's promotions read the database, tests/promotions price
    with them."""
    with rules_left_out("offers", "coupons", "flash_sale", "group_buy"):
        yield


def sku(price: str, pk: int = 1) -> Sku:
    product = Product(pk=pk, name="电饭煲", is_published=True)
    return Sku(pk=pk, product=product, price=Decimal(price), stock=50, is_active=True)


def price_rule(price: str, *, festival: bool = False):
    def rule(*, sku, quantity, context, unit_price):
        return UnitPrice(price=Decimal(price), reason="Flash sale", lifts_floor=festival)

    return rule


def discount(label: str, amount: str, *, festival: bool = False):
    def rule(*, lines, context):
        return Discount(label=label, amount=Decimal(amount), lifts_floor=festival)

    return rule


def test_a_unit_price_under_the_floor_is_raised_to_it():
    with unit_price_rule_in_force(price_rule("1.00"), name="test-deep-price"):
        line = price_items(items=[(sku("9.00"), 1, None)], context=PICKUP).lines[0]

    assert (line.unit_price, line.price_reasons) == (Decimal("6.30"), ("Flash sale",))


def test_a_major_festival_price_may_go_under_the_floor():
    with unit_price_rule_in_force(price_rule("1.00", festival=True), name="test-festival"):
        line = price_items(items=[(sku("9.00"), 1, None)], context=PICKUP).lines[0]

    assert line.unit_price == Decimal("1.00")


def test_an_order_discount_stops_at_the_floor_and_the_shopper_is_told():
    with discount_rule_in_force(discount("满100减50", "50.00"), name="test-offer"):
        pricing = price_items(items=[(sku("100.00"), 1, None)], context=PICKUP)

    assert [(d.label, d.amount) for d in pricing.discounts] == [("满100减50", Decimal("30.00"))]
    assert (pricing.discount, pricing.guard_amount, pricing.total) == (
        Decimal("30.00"),
        Decimal("20.00"),
        Decimal("70.00"),
    )
    assert len(pricing.notices) == 1


def test_the_last_discount_gives_way_first():
    with (
        discount_rule_in_force(discount("Offer", "20.00"), name="test-offer", order=100),
        discount_rule_in_force(discount("Points", "20.00"), name="test-points", order=900),
    ):
        pricing = price_items(items=[(sku("100.00"), 1, None)], context=PICKUP)

    assert [(d.label, d.amount) for d in pricing.discounts] == [
        ("Offer", Decimal("20.00")),
        ("Points", Decimal("10.00")),
    ]


def test_a_discount_given_back_in_full_leaves_the_list():
    with (
        discount_rule_in_force(discount("Offer", "30.00"), name="test-offer", order=100),
        discount_rule_in_force(discount("Points", "5.00"), name="test-points", order=900),
    ):
        pricing = price_items(items=[(sku("100.00"), 1, None)], context=PICKUP)

    assert [(d.label, d.amount) for d in pricing.discounts] == [("Offer", Decimal("30.00"))]


def test_a_line_at_its_floor_takes_no_share_while_the_others_keep_theirs():
    def member_price(*, sku, quantity, context, unit_price):
        return UnitPrice(price=Decimal("70.00"), reason="Member") if sku.pk == 1 else None

    with (
        unit_price_rule_in_force(member_price, name="test-member"),
        discount_rule_in_force(discount("Offer", "34.00"), name="test-offer"),
    ):
        pricing = price_items(
            items=[(sku("100.00", pk=1), 1, None), (sku("100.00", pk=2), 1, None)],
            context=PICKUP,
        )

    floored, full = pricing.lines
    # Pro rata 70 : 100 gives 14.00 and 20.00; the floored line gives its 14.00 back.
    assert (floored.discount_amount, floored.guard_amount) == (Decimal("0.00"), Decimal("14.00"))
    assert full.discount_amount == Decimal("20.00")
    assert pricing.total == Decimal("150.00")


def test_a_major_festival_discount_may_go_under_the_floor():
    rule = discount("双11 狂欢", "50.00", festival=True)
    with discount_rule_in_force(rule, name="test-festival"):
        pricing = price_items(items=[(sku("100.00"), 1, None)], context=PICKUP)

    assert (pricing.discount, pricing.guard_amount, pricing.notices) == (
        Decimal("50.00"),
        Decimal("0.00"),
        [],
    )


@settings(max_examples=60, deadline=None)
@given(
    prices=st.lists(
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999"), places=2),
        min_size=1,
        max_size=4,
    ),
    quantities=st.lists(st.integers(min_value=1, max_value=5), min_size=4, max_size=4),
    rule_percent=st.integers(min_value=1, max_value=100),
    amounts=st.lists(
        st.decimals(min_value=0, max_value=Decimal("3000"), places=2), min_size=1, max_size=3
    ),
)
def test_no_item_is_ever_sold_under_its_floor(prices, quantities, rule_percent, amounts):
    def cheaper(*, sku, quantity, context, unit_price):
        return UnitPrice(price=unit_price * rule_percent / 100, reason="Sale")

    items = [
        (sku(str(price), pk=number), quantities[number], None)
        for number, price in enumerate(prices)
    ]
    with ExitStack() as rules:
        rules.enter_context(unit_price_rule_in_force(cheaper, name="test-cheaper"))
        for number, amount in enumerate(amounts):
            rules.enter_context(
                discount_rule_in_force(
                    discount(f"Offer {number}", str(amount)), name=f"test-offer-{number}"
                )
            )
        pricing = price_items(items=items, context=PICKUP)

    for line in pricing.lines:
        assert line.paid_amount >= price_floor(line.list_price) * line.quantity
        assert line.paid_amount <= line.list_price * line.quantity
    assert sum(d.amount for d in pricing.discounts) == pricing.discount
    assert pricing.total == pricing.subtotal - pricing.discount >= 0


def test_a_discount_given_back_in_full_leaves_the_lines_pointing_at_the_rest():
    def kettle_only(label: str, amount: str):
        def rule(*, lines, context):
            return Discount(label=label, amount=Decimal(amount), sku_ids=frozenset({1}))

        return rule

    with (
        discount_rule_in_force(kettle_only("Kettle deal", "30.00"), name="test-deal", order=100),
        discount_rule_in_force(kettle_only("Kettle coupon", "5.00"), name="test-coupon", order=200),
        discount_rule_in_force(discount("Points", "10.00"), name="test-points", order=900),
    ):
        pricing = price_items(
            items=[(sku("100.00", pk=1), 1, None), (sku("100.00", pk=2), 1, None)],
            context=PICKUP,
        )

    # The kettle is at its floor after its deal: it gives back its share of the points, then
    # all of its coupon, which leaves the list; the other line keeps its points.
    assert [(d.label, d.amount) for d in pricing.discounts] == [
        ("Kettle deal", Decimal("30.00")),
        ("Points", Decimal("6.06")),
    ]
    shares = [
        {pricing.discounts[place].label: share for place, share in line.discount_shares.items()}
        for line in pricing.lines
    ]
    assert shares == [{"Kettle deal": Decimal("30.00")}, {"Points": Decimal("6.06")}]

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from apps.cart.pricing import price_items, shipping_fee_for
from apps.catalog.models import Product, Sku
from apps.core.choices import ShippingMethod


def sku(price: str, stock: int = 10, active: bool = True, published: bool = True) -> Sku:
    """An unsaved SKU: pricing is pure arithmetic and needs no database."""
    return Sku(
        price=Decimal(price),
        stock=stock,
        is_active=active,
        product=Product(name="电水壶", is_published=published),
        options="白色",
        code="KT-1",
    )


def test_courier_fee_below_threshold_and_free_from_it():
    assert shipping_fee_for(subtotal=Decimal("198.99"), shipping_method="courier") == Decimal(
        "12.00"
    )
    assert shipping_fee_for(subtotal=Decimal("199.00"), shipping_method="courier") == 0


def test_pickup_is_always_free():
    assert shipping_fee_for(subtotal=Decimal("10.00"), shipping_method="pickup") == 0


def test_totals_of_two_lines_with_courier_fee():
    pricing = price_items(items=[(sku("59.90"), 2, None), (sku("19.90"), 1, None)])

    assert pricing.subtotal == Decimal("139.70")
    assert pricing.shipping_fee == Decimal("12.00")
    assert pricing.total == Decimal("151.70")
    assert pricing.free_shipping_gap == Decimal("59.30")


def test_lines_that_cannot_be_bought_are_reported_and_left_out_of_totals():
    pricing = price_items(
        items=[
            (sku("100.00", stock=1), 2, None),
            (sku("50.00", published=False), 1, None),
            (sku("30.00", stock=0), 1, None),
            (sku("20.00"), 1, None),
        ]
    )

    assert [bool(line.problem) for line in pricing.lines] == [True, True, True, False]
    assert pricing.subtotal == Decimal("20.00")
    assert pricing.has_problems


def test_a_changed_price_is_pointed_out():
    pricing = price_items(items=[(sku("99.00"), 1, Decimal("89.00"))])

    assert len(pricing.notices) == 1
    assert pricing.total == Decimal("111.00")


@given(
    prices=st.lists(
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999"), places=2),
        min_size=1,
        max_size=5,
    ),
    quantity=st.integers(min_value=1, max_value=9),
    method=st.sampled_from(list(ShippingMethod)),
)
def test_total_is_always_subtotal_plus_fee_in_cents(prices, quantity, method):
    pricing = price_items(
        items=[(sku(str(price)), quantity, None) for price in prices], shipping_method=method
    )

    assert pricing.total == pricing.subtotal - pricing.discount + pricing.shipping_fee
    assert pricing.total.as_tuple().exponent == -2
    assert pricing.shipping_fee in (Decimal("0"), Decimal("12.00"))

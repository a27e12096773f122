"""Delivery follows the goods: things that are never shipped (a paid membership) cost no
shipping. A cart of nothing else has no delivery at all; in a mixed cart the fee applies as
usual and the free-shipping threshold counts only the goods that are delivered."""

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.cart.pricing import Discount, PricingContext, price_items
from apps.catalog.models import Product, Sku
from apps.core.choices import ShippingMethod
from tests.cart.factories import CartFactory, CartLineFactory
from tests.cart.rules import discount_rule_in_force
from tests.catalog.factories import SkuFactory
from tests.members.factories import MembershipPlanFactory, UserFactory

COURIER = PricingContext(shipping_method=ShippingMethod.COURIER)
PICKUP = PricingContext(shipping_method=ShippingMethod.PICKUP)
NO_DELIVERY = PricingContext(shipping_method=ShippingMethod.NONE)
COURIER_FEE = Decimal("12.00")


def sku(price: str, *, delivered: bool = True, pk: int | None = None) -> Sku:
    """An unsaved SKU: pricing is pure arithmetic and needs no database."""
    return Sku(
        pk=pk,
        price=Decimal(price),
        stock=100,
        is_active=True,
        product=Product(name="商品", is_published=True, requires_delivery=delivered),
        options="",
        code="X-1",
    )


def membership() -> Sku:
    return sku("168.00", delivered=False)


@pytest.mark.parametrize("context", [COURIER, PICKUP, NO_DELIVERY], ids=lambda c: c.shipping_method)
def test_a_membership_alone_pays_no_delivery_whatever_the_method(context):
    pricing = price_items(items=[(membership(), 1, None)], context=context)

    assert pricing.needs_delivery is False
    assert (pricing.shipping_fee, pricing.free_shipping_gap) == (Decimal("0.00"), Decimal("0.00"))
    assert pricing.total == Decimal("168.00")


def test_goods_to_deliver_need_delivery():
    pricing = price_items(items=[(sku("59.90"), 1, None)], context=COURIER)

    assert pricing.needs_delivery is True
    assert pricing.shipping_fee == COURIER_FEE


def test_a_mixed_cart_pays_the_fee_on_the_goods_delivered_below_the_threshold():
    pricing = price_items(
        items=[(membership(), 1, None), (sku("100.00"), 1, None)], context=COURIER
    )

    assert pricing.needs_delivery is True
    assert pricing.shipping_fee == COURIER_FEE
    assert pricing.total == Decimal("280.00")
    # The membership does not count towards free delivery: ¥199 − ¥100 of goods delivered.
    assert pricing.free_shipping_gap == Decimal("99.00")


def test_a_mixed_cart_ships_free_when_the_goods_delivered_reach_the_threshold():
    pricing = price_items(
        items=[(membership(), 1, None), (sku("199.00"), 1, None)], context=COURIER
    )

    assert (pricing.shipping_fee, pricing.free_shipping_gap) == (Decimal("0.00"), Decimal("0.00"))
    assert pricing.total == Decimal("367.00")


def test_a_mixed_cart_collected_in_store_pays_no_fee():
    pricing = price_items(items=[(membership(), 1, None), (sku("100.00"), 1, None)], context=PICKUP)

    assert (pricing.needs_delivery, pricing.shipping_fee) == (True, Decimal("0.00"))


def test_goods_to_deliver_priced_as_no_delivery_still_pay_the_courier_fee():
    pricing = price_items(items=[(sku("100.00"), 1, None)], context=NO_DELIVERY)

    assert pricing.shipping_fee == COURIER_FEE


def test_the_threshold_counts_the_delivered_goods_after_their_share_of_discounts():
    def ten_off(*, lines, context):
        return Discount(label="满减", amount=Decimal("10.00"))

    items = [(membership(), 1, None), (sku("200.00", pk=2), 1, None)]
    with discount_rule_in_force(ten_off, name="test-ten-off"):
        pricing = price_items(items=items, context=COURIER)

    # ¥10 spread over ¥168 and ¥200 → the kettle keeps ¥200 − ¥5.43 = ¥194.57, under ¥199.
    assert pricing.delivered_goods_amount == Decimal("194.57")
    assert pricing.shipping_fee == COURIER_FEE


def test_an_empty_cart_needs_no_delivery():
    pricing = price_items(items=[], context=COURIER)

    assert (pricing.needs_delivery, pricing.shipping_fee) == (False, Decimal("0.00"))


# --- The cart page ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_cart_page_of_a_membership_shows_nothing_to_deliver_and_no_free_shipping_notice(client):
    member = UserFactory()
    cart = CartFactory(member=member)
    CartLineFactory(cart=cart, sku=MembershipPlanFactory().sku)
    client.force_login(member)

    response = client.get(reverse("cart:detail"))

    pricing = response.context["pricing"]
    assert (pricing.shipping_fee, pricing.free_shipping_gap) == (Decimal("0.00"), Decimal("0.00"))
    assert pricing.total == Decimal("168.00")
    assert 'data-testid="shipping"' in response.content.decode()


@pytest.mark.django_db
def test_member_cart_page_with_a_membership_takes_the_same_few_queries(
    client, django_assert_num_queries
):
    member = UserFactory()
    cart = CartFactory(member=member)
    CartLineFactory(cart=cart, sku=MembershipPlanFactory().sku)
    CartLineFactory(cart=cart, sku=SkuFactory(stock=5))
    client.force_login(member)
    client.get(reverse("cart:detail"))

    with django_assert_num_queries(3):  # as for any member's cart (test_views)
        client.get(reverse("cart:detail"))

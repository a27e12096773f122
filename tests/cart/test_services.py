from decimal import Decimal

import pytest
from django.utils.translation import gettext

from apps.cart import services
from apps.cart.models import Cart, CartLine
from apps.cart.pricing import UnitPrice
from tests.cart.factories import CartFactory, CartLineFactory
from tests.cart.rules import unit_price_rule_in_force
from tests.catalog.factories import SkuFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def member_price(*, sku, quantity, context, unit_price):
    if context.member is not None:
        return UnitPrice(price=unit_price - Decimal("20.00"), reason="Gold member price")
    return None


def lines_of(cart) -> list[tuple[int, int]]:
    return list(CartLine.objects.filter(cart=cart).values_list("sku_id", "quantity"))


def test_merge_creates_lines_for_skus_the_member_cart_lacks():
    kettle, wok = SkuFactory(stock=5), SkuFactory(stock=5)
    member = UserFactory()
    member_cart = CartFactory(member=member)
    CartLineFactory(cart=member_cart, sku=kettle, quantity=1)
    guest_cart = CartFactory()
    CartLineFactory(cart=guest_cart, sku=wok, quantity=2)

    merged = services.cart_merge(guest_cart=guest_cart, member=member)

    assert merged == member_cart
    assert lines_of(merged) == [(kettle.pk, 1), (wok.pk, 2)]
    assert not Cart.objects.filter(pk=guest_cart.pk).exists()


def test_merge_adds_up_quantities_of_the_same_sku_within_stock():
    kettle = SkuFactory(stock=3)
    member = UserFactory()
    member_cart = CartFactory(member=member)
    CartLineFactory(cart=member_cart, sku=kettle, quantity=2)
    guest_cart = CartFactory()
    CartLineFactory(cart=guest_cart, sku=kettle, quantity=2)

    services.cart_merge(guest_cart=guest_cart, member=member)

    assert lines_of(member_cart) == [(kettle.pk, 3)]


def test_a_member_adding_remembers_the_price_pricing_showed_them():
    kettle = SkuFactory(price=Decimal("199.00"), stock=5)
    member = UserFactory()
    cart = CartFactory(member=member)

    with unit_price_rule_in_force(member_price, name="test-member-price"):
        line, capped = services.cart_add(cart=cart, sku_id=kettle.pk, quantity=2, buyer=member)

    assert (line.quantity, line.price_seen, capped) == (2, Decimal("179.00"), False)


def test_the_cart_owner_is_the_buyer_when_none_is_given():
    kettle = SkuFactory(price=Decimal("199.00"), stock=5)
    cart = CartFactory(member=UserFactory())

    with unit_price_rule_in_force(member_price, name="test-member-price"):
        line, _capped = services.cart_add(cart=cart, sku_id=kettle.pk)

    assert line.price_seen == Decimal("179.00")


def test_a_withdrawn_sku_is_refused_with_the_pricing_message_and_nothing_added():
    kettle = SkuFactory(stock=5, is_active=False)
    cart = CartFactory()

    with pytest.raises(services.CartError) as refused:
        services.cart_add(cart=cart, sku_id=kettle.pk)

    assert str(refused.value) == gettext("This product is no longer sold.")
    assert lines_of(cart) == []


def test_adding_is_capped_by_stock():
    kettle = SkuFactory(stock=2)
    cart = CartFactory()

    line, capped = services.cart_add(cart=cart, sku_id=kettle.pk, quantity=5)

    assert (line.quantity, capped) == (2, True)


def test_a_new_quantity_is_capped_by_stock_and_refreshes_the_price_seen():
    kettle = SkuFactory(price=Decimal("99.00"), stock=4)
    cart = CartFactory()
    CartLineFactory(cart=cart, sku=kettle, quantity=1, price_seen=Decimal("89.00"))

    kept = services.cart_set_quantity(cart=cart, sku_id=kettle.pk, quantity=9)

    assert kept == 4
    assert CartLine.objects.get(cart=cart).price_seen == Decimal("99.00")

from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.cart.pricing import Discount, UnitPrice
from apps.cart.services import SESSION_CART_ID
from tests.cart.factories import CartFactory, CartLineFactory
from tests.cart.rules import discount_rule_in_force, unit_price_rule_in_force
from tests.catalog.factories import ProductImageFactory, SkuFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def guest_cart(client, *items):
    cart = CartFactory()
    for sku, quantity in items:
        CartLineFactory(cart=cart, sku=sku, quantity=quantity)
    session = client.session
    session[SESSION_CART_ID] = cart.pk
    session.save()
    return cart


def flash_sale(*, sku, quantity, context, unit_price):
    return UnitPrice(price=Decimal("149.00"), reason="Flash sale")


def test_a_unit_price_rule_shows_its_price_and_reason_in_the_cart(client):
    guest_cart(client, (SkuFactory(price=Decimal("199.00"), stock=5), 2))

    with unit_price_rule_in_force(flash_sale, name="test-flash"):
        response = client.get(reverse("cart:detail"))

    line = response.context["pricing"].lines[0]
    assert (line.unit_price, line.line_total) == (Decimal("149.00"), Decimal("298.00"))
    assert "Flash sale" in response.content.decode()
    assert response.context["pricing"].savings == Decimal("100.00")


def test_a_discount_shows_with_its_label_in_the_summary(client):
    guest_cart(client, (SkuFactory(price=Decimal("199.00"), stock=5), 1))

    def offer(*, lines, context):
        return Discount(label="满199减20", amount=Decimal("20.00"))

    with discount_rule_in_force(offer, name="test-offer"):
        response = client.get(reverse("cart:detail"))

    assert "满199减20" in response.content.decode()
    assert response.context["pricing"].total == Decimal("191.00")


def test_a_sold_out_line_hides_the_checkout_button(client):
    guest_cart(client, (SkuFactory(stock=0), 1), (SkuFactory(stock=5), 1))

    response = client.get(reverse("cart:detail"))

    assert not response.context["pricing"].can_check_out
    assert reverse("orders:checkout") not in response.content.decode()


def test_a_cart_that_can_be_bought_offers_checkout(client):
    guest_cart(client, (SkuFactory(stock=5), 1))

    response = client.get(reverse("cart:detail"))

    assert reverse("orders:checkout") in response.content.decode()


def fill_cart(client, size):
    cart = guest_cart(client)
    for _number in range(size):
        sku = SkuFactory(stock=5)
        ProductImageFactory(product=sku.product)
        CartLineFactory(cart=cart, sku=sku, quantity=1)
    return cart


@pytest.mark.parametrize("size", [1, 8])
def test_guest_cart_page_takes_the_same_few_queries_at_any_size(
    client, size, django_assert_num_queries
):
    fill_cart(client, size)
    client.get(reverse("cart:detail"))  # the session's count is written once

    with django_assert_num_queries(3):  # the session itself comes from the cache
        client.get(reverse("cart:detail"))


@pytest.mark.parametrize("size", [1, 8])
def test_member_cart_page_takes_the_same_few_queries_at_any_size(
    client, size, django_assert_num_queries
):
    member = UserFactory()
    cart = CartFactory(member=member)
    for _number in range(size):
        CartLineFactory(cart=cart, sku=SkuFactory(stock=5), quantity=1)
    client.force_login(member)
    client.get(reverse("cart:detail"))

    with django_assert_num_queries(3):  # the session and the member's row come from the cache
        client.get(reverse("cart:detail"))


def test_guest_viewing_an_empty_cart_gets_no_session_and_keeps_cached_pages(client):
    home = reverse("catalog:home")

    cart_page = client.get(reverse("cart:detail"))
    client.get(home)
    second_home = client.get(home)

    assert cart_page.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in cart_page.cookies
    assert Session.objects.count() == 0
    assert second_home["X-Page-Cache"] == "hit"


def test_an_htmx_quantity_change_answers_with_the_cart_body_alone(client):
    sku = SkuFactory(price=Decimal("199.00"), stock=5)
    guest_cart(client, (sku, 1))

    response = client.post(
        reverse("cart:update"), {"sku": sku.pk, "quantity": 3}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="cart-body">')
    assert "<html" not in html and "<h1>" not in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert response.context["pricing"].total == Decimal("597.00")


def test_asking_for_more_than_is_left_fills_the_cart_with_what_is_left_and_says_so(client):
    sku = SkuFactory(price=Decimal("199.00"), stock=12)
    guest_cart(client, (sku, 1))

    response = client.post(reverse("cart:update"), {"sku": sku.pk, "quantity": 150}, follow=True)

    assert response.context["pricing"].lines[0].quantity == 12
    shown = [str(message) for message in response.context["messages"]]
    assert shown == [
        _("Only %(count)d can be bought at the moment; your cart now holds %(count)d.")
        % {"count": 12}
    ]


def test_a_negative_quantity_is_refused_and_changes_nothing(client):
    sku = SkuFactory(price=Decimal("199.00"), stock=12)
    guest_cart(client, (sku, 2))

    response = client.post(reverse("cart:update"), {"sku": sku.pk, "quantity": -3}, follow=True)

    assert response.context["pricing"].lines[0].quantity == 2
    assert [str(message) for message in response.context["messages"]] == [
        _("Please enter a quantity of 0 or more.")
    ]


def test_a_cart_with_items_is_kept_out_of_search_engines_an_empty_one_is_not(client):
    noindex = '<meta name="robots" content="noindex">'

    assert noindex not in client.get(reverse("cart:detail")).content.decode()

    guest_cart(client, (SkuFactory(), 1))

    assert noindex in client.get(reverse("cart:detail")).content.decode()


def test_buy_now_puts_the_sku_in_the_cart_and_opens_checkout(client):
    sku = SkuFactory(stock=5)

    response = client.post(
        reverse("cart:add"), {"sku": sku.pk, "quantity": "2", "buy_now": "1"}, follow=True
    )

    assert response.redirect_chain[0][0] == reverse("orders:checkout")
    assert response.context["pricing"].lines[0].quantity == 2

"""A membership is held by a member account: a guest who adds one is sent to log in (or sign
up) and back to the product, and gets no cart for it."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.cart.models import Cart, CartLine
from apps.cart.services import SESSION_CART_ID, AccountNeeded, cart_require_account_for
from tests.catalog.factories import SkuFactory
from tests.members.factories import MembershipPlanFactory, UserFactory

pytestmark = pytest.mark.django_db

MESSAGE = "Log in or sign up to buy a membership."


@pytest.fixture
def plan():
    return MembershipPlanFactory()


def add(client, sku, product_url):
    return client.post(
        reverse("cart:add"), {"sku": sku.pk, "quantity": 1, "product_url": product_url}
    )


def next_of(response) -> str:
    return parse_qs(urlsplit(response["Location"]).query)["next"][0]


def test_guest_adding_a_membership_is_sent_to_log_in_and_back_to_the_product(client, plan):
    product_url = plan.sku.product.get_absolute_url()

    response = add(client, plan.sku, product_url)

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("account_login")
    assert next_of(response) == product_url
    with_message = [str(message) for message in get_messages(response.wsgi_request)]
    assert with_message == [_(MESSAGE)]


def test_guest_refused_a_membership_gets_no_cart(client, plan):
    add(client, plan.sku, plan.sku.product.get_absolute_url())

    assert Cart.objects.count() == 0
    assert CartLine.objects.count() == 0
    assert SESSION_CART_ID not in client.session


def test_guest_refused_a_membership_is_never_sent_to_another_site(client, plan):
    response = add(client, plan.sku, "https://evil.example/")

    assert next_of(response) == reverse("cart:detail")


def test_member_adds_a_membership_to_the_cart(client, plan):
    member = UserFactory()
    client.force_login(member)

    response = add(client, plan.sku, plan.sku.product.get_absolute_url())

    assert response["Location"] == reverse("cart:detail")
    assert CartLine.objects.get(cart__member=member).sku == plan.sku


def test_guest_adds_ordinary_goods_as_before(client, plan):
    goods = SkuFactory(stock=5)

    add(client, goods, goods.product.get_absolute_url())

    assert CartLine.objects.get().sku == goods


def test_the_rule_refuses_a_guest_and_lets_a_member_pass_without_a_query(
    plan, django_assert_num_queries
):
    member = UserFactory()

    with pytest.raises(AccountNeeded, match=_(MESSAGE)):
        cart_require_account_for(sku_ids=[plan.sku.pk], buyer=None)
    with django_assert_num_queries(0):
        cart_require_account_for(sku_ids=[plan.sku.pk], buyer=member)


def test_the_rule_ignores_ids_that_are_not_numbers(plan):
    cart_require_account_for(sku_ids=["", None, "abc"], buyer=None)

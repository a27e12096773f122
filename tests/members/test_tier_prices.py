"""Member prices: a tier's discount off the list price, applied by the one pricing service to
the cart, checkout and orders, shown on product pages and cards to the member alone, never
below the pricing guard's floor (70% of list) nor above the list price."""

from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from apps.cart.pricing import PricingContext, price_floor, price_items
from apps.core.jinja2 import price
from apps.members.models import Tier
from apps.members.pricing import member_price, tier_price_label
from tests.cart.factories import CartFactory, CartLineFactory
from tests.catalog.factories import SkuFactory
from tests.members.factories import TierFactory, UserFactory, demo_tiers
from tests.orders.factories import place_order

LIST = Decimal("399.00")
GOLD_PRICE = Decimal("379.05")  # 399.00 × 95%
SILVER_PRICE = Decimal("391.02")  # 399.00 × 98%
FROM_PRICE = Decimal("367.08")  # 399.00 × 92%, the diamond price


def shown(amount: Decimal) -> str:
    return str(price(amount))


@pytest.fixture
def tiers(db):
    return demo_tiers()


@pytest.fixture
def sku(db):
    return SkuFactory(price=LIST, stock=20)


def member_in(tier):
    return UserFactory(tier=tier)


# --- the arithmetic ---------------------------------------------------------------------------


def test_price_floor_is_seventy_percent_rounded_up_to_the_cent():
    assert (price_floor(Decimal("399.00")), price_floor(Decimal("0.99"))) == (
        Decimal("279.30"),
        Decimal("0.70"),
    )


def test_a_discount_deeper_than_the_guard_stops_at_the_floor():
    deep = Tier(name="清仓", discount_percent=Decimal("50.00"))

    offer = member_price(list_price=LIST, tier=deep)

    assert offer.price == Decimal("279.30")


def test_a_tier_without_a_discount_gives_no_member_price():
    assert member_price(list_price=LIST, tier=Tier(name="普通会员")) is None


@given(
    list_price=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2),
    discount=st.decimals(min_value=Decimal("0.00"), max_value=Decimal("99.99"), places=2),
    earlier=st.decimals(min_value=Decimal("0.70"), max_value=Decimal("1.00"), places=2),
)
def test_member_price_is_never_below_the_floor_nor_above_the_list_price(
    list_price, discount, earlier
):
    # `earlier`: what an earlier rule (a flash sale, say) left of the list price.
    unit_price = max((list_price * earlier).quantize(Decimal("0.01")), price_floor(list_price))
    tier = Tier(name="金卡", discount_percent=discount)

    offer = member_price(list_price=list_price, tier=tier, unit_price=unit_price)

    paid = offer.price if offer else unit_price
    assert price_floor(list_price) <= paid <= list_price
    assert paid <= unit_price


# --- cart, checkout and order ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_cart_prices_a_gold_member_at_the_gold_price_with_its_reason(tiers, sku):
    member = member_in(tiers["Gold"])

    line = price_items(items=[(sku, 2, None)], context=PricingContext(buyer=member)).lines[0]

    assert (line.list_price, line.unit_price, line.line_total) == (
        LIST,
        GOLD_PRICE,
        Decimal("758.10"),
    )
    assert line.price_reasons == (tier_price_label(tiers["Gold"]),)


@pytest.mark.django_db
def test_a_guest_pays_the_list_price(tiers, sku):
    line = price_items(items=[(sku, 1, None)], context=PricingContext()).lines[0]

    assert (line.unit_price, line.price_reasons) == (LIST, ())


@pytest.mark.django_db
def test_cart_page_shows_the_member_price_and_struck_list_price(client, tiers, sku):
    member = member_in(tiers["Gold"])
    CartLineFactory(cart=CartFactory(member=member), sku=sku, quantity=1)
    client.force_login(member)

    page = client.get(reverse("cart:detail")).content.decode()

    assert shown(GOLD_PRICE) in page
    assert f"<del>¥{LIST}</del>" in page
    assert tier_price_label(tiers["Gold"]) in page


@pytest.mark.django_db
def test_an_order_line_keeps_the_member_price_it_was_placed_at(tiers, sku):
    member = member_in(tiers["Gold"])

    order = place_order(member=member, items=[(sku, 1)])

    assert order.lines.get().unit_price == GOLD_PRICE


# --- product pages and cards ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_member_sees_their_own_price_on_the_product_page(client, tiers, sku):
    client.force_login(member_in(tiers["Gold"]))

    page = client.get(sku.product.get_absolute_url()).content.decode()

    assert shown(GOLD_PRICE) in page
    assert f"<del>¥{LIST}</del>" in page
    assert tier_price_label(tiers["Gold"]) in page


@pytest.mark.django_db
def test_one_member_never_sees_another_members_price(client, tiers, sku):
    url = sku.product.get_absolute_url()
    client.force_login(member_in(tiers["Gold"]))
    client.get(url)
    client.get(reverse("catalog:product_list"))
    client.logout()
    client.force_login(member_in(tiers["Silver"]))

    detail = client.get(url).content.decode()
    listing = client.get(reverse("catalog:product_list")).content.decode()

    for page in (detail, listing):
        assert shown(SILVER_PRICE) in page
        assert shown(GOLD_PRICE) not in page


@pytest.mark.django_db
def test_a_member_sees_their_price_on_listing_cards(client, tiers, sku):
    client.force_login(member_in(tiers["Diamond"]))

    page = client.get(reverse("catalog:product_list")).content.decode()

    assert shown(FROM_PRICE) in page
    assert f"<del>¥{LIST}</del>" in page


@pytest.mark.django_db
def test_a_guest_sees_member_prices_from_the_best_tier(client, tiers, sku):
    detail = client.get(sku.product.get_absolute_url()).content.decode()
    listing = client.get(reverse("catalog:product_list")).content.decode()

    for page in (detail, listing):
        assert f"¥{FROM_PRICE}" in page
        assert shown(LIST) in page
        assert "<del>" not in page


@pytest.mark.django_db
def test_a_member_of_a_tier_without_discount_sees_member_prices_from(client, tiers, sku):
    client.force_login(member_in(tiers["Member"]))

    page = client.get(sku.product.get_absolute_url()).content.decode()

    assert f"¥{FROM_PRICE}" in page
    assert shown(GOLD_PRICE) not in page


@pytest.mark.django_db
def test_an_anonymous_cached_page_never_carries_a_member_price(client, tiers, sku):
    url = sku.product.get_absolute_url()
    gold = member_in(tiers["Gold"])
    client.force_login(gold)
    assert shown(GOLD_PRICE) in client.get(url).content.decode()
    client.logout()
    client.cookies.clear()

    first = client.get(url)
    again = client.get(url)

    assert again["X-Page-Cache"] == "hit"
    for response in (first, again):
        page = response.content.decode()
        assert shown(GOLD_PRICE) not in page
        assert tier_price_label(tiers["Gold"]) not in page
        assert shown(LIST) in page


@pytest.mark.django_db
def test_a_member_is_never_served_the_anonymous_cached_page(client, tiers, sku):
    url = sku.product.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    client.force_login(member_in(tiers["Gold"]))

    response = client.get(url)

    assert response["X-Page-Cache"] == "miss"  # rendered for the member, kept for their tier
    assert shown(GOLD_PRICE) in response.content.decode()


@pytest.mark.django_db
def test_changing_a_tier_reaches_cached_pages(client, tiers, sku):
    url = sku.product.get_absolute_url()
    assert f"¥{FROM_PRICE}" in client.get(url).content.decode()

    TierFactory(threshold_amount=Decimal("9000.00"), discount_percent=Decimal("10.00"))

    assert "¥359.10" in client.get(url).content.decode()

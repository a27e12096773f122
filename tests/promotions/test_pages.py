"""What shoppers see: the flash price with its countdown on the product page, cards and the
home page; a cached page never shows a flash price after its end or sell-out; group-buy
progress and joining from the product page."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.cart.models import Cart
from apps.cart.services import cart_merge
from apps.core.jinja2 import price
from tests.catalog.factories import ProductImageFactory
from tests.members.factories import UserFactory
from tests.orders.factories import place_order
from tests.promotions.factories import FlashSaleFactory, group_buy, join

pytestmark = pytest.mark.django_db

FLASH = str(price(Decimal("299.00")))


def page_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_product_page_shows_the_flash_price_its_end_and_the_limit(client):
    sale = FlashSaleFactory(per_customer_limit=2)

    page = page_of(client, sale.sku.product.get_absolute_url())

    assert FLASH in page
    assert f'<time datetime="{sale.ends_at.isoformat()}" data-countdown' in page
    assert (
        ngettext(
            "Limit %(counter)s per customer at the flash price.",
            "Limit %(counter)s per customer at the flash price.",
            2,
        )
        % {"counter": 2}
        in page
    )
    assert "js/countdown.js" in page


def test_a_cached_product_page_stops_showing_the_flash_price_at_the_end(client):
    sale = FlashSaleFactory(ends_at=timezone.now() + timedelta(seconds=2))
    url = sale.sku.product.get_absolute_url()
    assert FLASH in page_of(client, url)

    time.sleep(2.1)

    assert FLASH not in page_of(client, url)


def test_a_cached_product_page_says_sold_out_once_the_last_units_are_taken(
    client, django_capture_on_commit_callbacks
):
    sale = FlashSaleFactory(quantity=1)
    url = sale.sku.product.get_absolute_url()
    assert FLASH in page_of(client, url)

    with django_capture_on_commit_callbacks(execute=True):
        place_order(items=[(sale.sku, 1)])

    page = page_of(client, url)
    assert FLASH not in page
    assert _("The flash sale is sold out: the normal price applies again.") in page


def test_listing_cards_show_the_flash_price_and_its_end(client):
    sale = FlashSaleFactory()
    ProductImageFactory(product=sale.sku.product)

    page = page_of(client, reverse("catalog:product_list"))

    assert f'class="flash-line"><span class="badge">{_("Flash sale")}</span> {FLASH}' in page
    assert f'datetime="{sale.ends_at.isoformat()}"' in page


def test_the_home_page_has_a_flash_sale_section_while_one_runs(client):
    FlashSaleFactory()

    page = page_of(client, reverse("catalog:home"))

    assert f'id="flash-heading">{_("Flash sales")}</h2>' in page


def test_the_home_page_has_no_flash_sale_section_without_one(client):
    assert "flash-heading" not in page_of(client, reverse("catalog:home"))


def test_a_sale_that_has_not_started_shows_no_flash_price(client):
    sale = FlashSaleFactory(starts_at=timezone.now() + timedelta(hours=1))

    assert FLASH not in page_of(client, sale.sku.product.get_absolute_url())


def test_later_visits_to_a_product_page_on_flash_sale_take_no_query(
    client, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0  # rendered every time
    sale = FlashSaleFactory()
    url = sale.sku.product.get_absolute_url()
    page_of(client, url)

    with django_assert_num_queries(0):
        page = page_of(client, url)

    assert FLASH in page


def test_the_product_page_shows_group_buy_progress_and_a_join_button(client):
    deal = group_buy(target_buyers=20)
    join(deal)

    page = page_of(client, deal.sku.product.get_absolute_url())

    assert _("%(joined)s of %(target)s joined") % {"joined": 1, "target": 20} in page
    assert f'action="{reverse("promotions:group_buy_join", args=[deal.pk])}"' in page
    assert _("Join the group buy at %(price)s") % {"price": "¥299.00"} in page
    assert "#group-buy" in page


def test_joining_puts_the_deal_in_the_cart_at_its_price(client):
    deal = group_buy()

    response = client.post(reverse("promotions:group_buy_join", args=[deal.pk]))

    cart = Cart.objects.get()
    assert response.status_code == 302
    assert cart.joining_group_buy == deal.pk
    assert str(price(Decimal("299.00"))) in page_of(client, reverse("cart:detail"))


def test_joining_a_closed_group_buy_is_refused_with_a_message(client):
    deal = group_buy()
    type(deal).objects.filter(pk=deal.pk).update(status="failed")

    response = client.post(reverse("promotions:group_buy_join", args=[deal.pk]), follow=True)

    assert _("This group buy is closed.") in response.content.decode()
    assert Cart.objects.filter(joining_group_buy=deal.pk).count() == 0


def test_joining_needs_a_post(client):
    deal = group_buy()

    assert client.get(reverse("promotions:group_buy_join", args=[deal.pk])).status_code == 405


def test_a_guest_who_joined_and_logs_in_keeps_joining_with_the_member_cart(client):
    deal = group_buy()
    client.post(reverse("promotions:group_buy_join", args=[deal.pk]))
    member = UserFactory()

    merged = cart_merge(guest_cart=Cart.objects.get(), member=member)

    assert Cart.objects.get(pk=merged.pk).joining_group_buy == deal.pk

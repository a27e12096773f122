"""The demo shop's campaign: running, with its offer and the WELCOME10 coupon, the year-end
banner linking to its page; loading it again adds nothing.

The demo shop's promotions: a flash sale running on a hero product and a group buy with
three paid buyers, loaded once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.cart.pricing import PricingContext, price_items
from apps.catalog.demo import load_catalog
from apps.catalog.models import Banner
from apps.orders.demo import load_pickup_points
from apps.promotions.demo import (
    CAMPAIGN_PATH,
    load_flash_sales_and_group_buys,
    load_promotions,
)
from apps.promotions.models import Campaign, Coupon, FlashSale, GroupBuy, Offer
from tests.catalog.factories import BannerFactory, SkuFactory

pytestmark = pytest.mark.django_db


def test_the_demo_campaign_runs_with_its_offer_and_coupon():
    added = load_promotions()

    campaign = Campaign.objects.get()
    assert added == 2
    assert (campaign.name_zh_hans, campaign.name_en) == ("双12 年终盛典", "12.12 Year-end deals")
    assert campaign.is_running(timezone.now()) is True
    assert campaign.is_major_festival is False
    assert Offer.objects.get().campaign == campaign
    assert Coupon.objects.get().code == "WELCOME10"


def test_loading_the_demo_promotions_again_adds_nothing():
    load_promotions()

    assert load_promotions() == 0
    assert (Campaign.objects.count(), Offer.objects.count(), Coupon.objects.count()) == (1, 1, 1)


def test_the_demo_offer_and_coupon_price_a_cart():
    load_promotions()
    from apps.core import pagecache

    pagecache.bump_version("catalog")

    pricing = price_items(
        items=[(SkuFactory(price=Decimal("399.00")), 1, None)],
        context=PricingContext(coupon_codes=("WELCOME10",)),
    )

    assert (pricing.discount_from("offers"), pricing.discount_from("coupons")) == (
        Decimal("50.00"),
        Decimal("10.00"),
    )


def test_an_older_demo_year_end_banner_links_to_the_campaign():
    banner = BannerFactory(link="/series/appliances/", title_en="12.12 Year-end deals")

    load_promotions()

    assert Banner.objects.get(pk=banner.pk).link == CAMPAIGN_PATH


pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_shop():
    load_catalog(with_images=False)
    load_pickup_points()


def test_the_demo_flash_sale_runs_on_a_hero_product_for_six_hours(demo_shop):
    load_flash_sales_and_group_buys()

    sale = FlashSale.objects.get()
    assert sale.sku.product.is_hero
    assert (sale.quantity, sale.quantity_left, sale.per_customer_limit) == (50, 50, 2)
    assert sale.is_running()
    assert timedelta(hours=5, minutes=59) < sale.ends_at - timezone.now() <= timedelta(hours=6)


def test_the_demo_group_buy_has_three_paid_buyers_of_twenty_and_two_days_left(demo_shop):
    load_flash_sales_and_group_buys()

    deal = GroupBuy.objects.get()
    paid = [link.order.is_paid for link in deal.links.select_related("order")]
    assert (deal.target_buyers, deal.buyers_count, paid) == (20, 3, [True, True, True])
    assert timedelta(days=1, hours=23) < deal.deadline - timezone.now() <= timedelta(days=2)


def test_loading_again_changes_nothing(demo_shop):
    load_flash_sales_and_group_buys()

    assert load_flash_sales_and_group_buys() == "kept"
    assert (FlashSale.objects.count(), GroupBuy.objects.count()) == (1, 1)

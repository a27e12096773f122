"""The demo shop's campaign: running, with its offer and the WELCOME10 coupon, the year-end
banner linking to its page; loading it again adds nothing."""

from decimal import Decimal

import pytest
from django.utils import timezone

from apps.cart.pricing import PricingContext, price_items
from apps.catalog.models import Banner
from apps.promotions.demo import CAMPAIGN_PATH, load_promotions
from apps.promotions.models import Campaign, Coupon, Offer
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

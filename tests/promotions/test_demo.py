"""The demo shop's promotions: a flash sale running on a hero product and a group buy with
three paid buyers, loaded once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.catalog.demo import load_catalog
from apps.orders.demo import load_pickup_points
from apps.promotions.demo import load_promotions
from apps.promotions.models import FlashSale, GroupBuy

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_shop():
    load_catalog(with_images=False)
    load_pickup_points()


def test_the_demo_flash_sale_runs_on_a_hero_product_for_six_hours(demo_shop):
    load_promotions()

    sale = FlashSale.objects.get()
    assert sale.sku.product.is_hero
    assert (sale.quantity, sale.quantity_left, sale.per_customer_limit) == (50, 50, 2)
    assert sale.is_running()
    assert timedelta(hours=5, minutes=59) < sale.ends_at - timezone.now() <= timedelta(hours=6)


def test_the_demo_group_buy_has_three_paid_buyers_of_twenty_and_two_days_left(demo_shop):
    load_promotions()

    deal = GroupBuy.objects.get()
    paid = [link.order.is_paid for link in deal.links.select_related("order")]
    assert (deal.target_buyers, deal.buyers_count, paid) == (20, 3, [True, True, True])
    assert timedelta(days=1, hours=23) < deal.deadline - timezone.now() <= timedelta(days=2)


def test_loading_again_changes_nothing(demo_shop):
    load_promotions()

    assert load_promotions() == "kept"
    assert (FlashSale.objects.count(), GroupBuy.objects.count()) == (1, 1)

"""Flash prices in the one pricing service: the lower of flash and member price, only while
the sale runs and has units left, up to the per-customer limit, never below the floor
outside a running major festival campaign."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.cart.pricing import LineProblem, PricingContext, price_items
from apps.core import pagecache
from apps.promotions.models import FlashSale
from apps.promotions.pricing import flash_sale_limit_message, flash_sale_reason
from tests.members.factories import TierFactory, UserFactory
from tests.orders.factories import place_order
from tests.promotions.factories import CampaignFactory, FlashSaleFactory

pytestmark = pytest.mark.django_db

LIST = Decimal("399.00")
FLOOR = Decimal("279.30")


def priced(sale, quantity=1, buyer=None, now=None):
    context = PricingContext(buyer=buyer, **({"now": now} if now else {}))
    return price_items(items=[(sale.sku, quantity, None)], context=context).lines[0]


def gold_member():
    return UserFactory(
        tier=TierFactory(threshold_amount=Decimal("2000.00"), discount_percent=Decimal("5.00"))
    )


def test_a_guest_pays_the_flash_price_with_its_reason():
    line = priced(FlashSaleFactory())

    assert (line.unit_price, line.price_reasons) == (Decimal("299.00"), (flash_sale_reason(),))


def test_a_lower_flash_price_replaces_the_member_price():
    line = priced(FlashSaleFactory(), buyer=gold_member())

    assert line.unit_price == Decimal("299.00")
    assert line.price_reasons[-1] == flash_sale_reason()


def test_a_lower_member_price_stays_and_the_flash_sale_does_not_apply():
    sale = FlashSaleFactory(price=Decimal("390.00"))

    line = priced(sale, buyer=gold_member())

    assert line.unit_price == Decimal("379.05")  # 399.00 × 95%
    assert flash_sale_reason() not in line.price_reasons


def test_a_line_above_the_per_customer_limit_cannot_be_bought():
    line = priced(FlashSaleFactory(per_customer_limit=2), quantity=3)

    assert line.problem_code == LineProblem.LIMIT
    assert line.problem == flash_sale_limit_message(limit=2, bought=0)


def test_a_line_at_the_limit_can_be_bought():
    line = priced(FlashSaleFactory(per_customer_limit=2), quantity=2)

    assert (line.problem_code, line.line_total) == (LineProblem.NONE, Decimal("598.00"))


def test_what_a_member_already_bought_counts_towards_the_limit():
    sale = FlashSaleFactory(per_customer_limit=2)
    member = UserFactory()
    place_order(items=[(sale.sku, 1)], member=member, email=member.email)

    line = priced(sale, quantity=2, buyer=member)

    assert line.problem == (flash_sale_limit_message(limit=2, bought=1))


def test_a_member_who_bought_their_limit_buys_again_at_the_normal_price():
    sale = FlashSaleFactory(per_customer_limit=2)
    member = UserFactory()
    place_order(items=[(sale.sku, 2)], member=member, email=member.email)

    line = priced(sale, quantity=1, buyer=member)

    assert (line.unit_price, line.price_reasons, line.problem_code) == (LIST, (), "")


def test_more_than_the_units_left_cannot_be_bought_at_the_flash_price():
    line = priced(FlashSaleFactory(quantity=5, quantity_left=1), quantity=2)

    assert line.problem == _("Only %(count)d left at the flash price: lower the quantity.") % {
        "count": 1
    }


def test_a_sold_out_flash_sale_gives_back_the_normal_price():
    line = priced(FlashSaleFactory(quantity_left=0))

    assert (line.unit_price, line.price_reasons, line.problem_code) == (LIST, (), "")


def test_the_flash_price_starts_at_the_start():
    sale = FlashSaleFactory(starts_at=timezone.now() + timedelta(hours=1))

    before = priced(sale, now=sale.starts_at - timedelta(microseconds=1)).unit_price
    at_start = priced(sale, now=sale.starts_at).unit_price

    assert (before, at_start) == (LIST, Decimal("299.00"))


def test_the_flash_price_ends_at_the_end():
    sale = FlashSaleFactory()

    last_moment = priced(sale, now=sale.ends_at - timedelta(microseconds=1)).unit_price
    at_end = priced(sale, now=sale.ends_at).unit_price

    assert (last_moment, at_end) == (Decimal("299.00"), LIST)


def test_an_inactive_flash_sale_gives_no_price():
    assert priced(FlashSaleFactory(is_active=False)).unit_price == LIST


def test_a_flash_price_under_the_floor_is_raised_to_it_outside_a_festival():
    line = priced(FlashSaleFactory(price=Decimal("199.00")))

    assert line.unit_price == FLOOR


def test_a_running_major_festival_campaign_lifts_the_floor():
    festival = CampaignFactory(is_major_festival=True)

    line = priced(FlashSaleFactory(price=Decimal("199.00"), campaign=festival))

    assert (line.unit_price, line.floor_lifted) == (Decimal("199.00"), True)


def test_a_major_festival_campaign_that_has_ended_no_longer_lifts_the_floor():
    now = timezone.now()
    festival = CampaignFactory(
        is_major_festival=True, starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1)
    )

    line = priced(FlashSaleFactory(price=Decimal("199.00"), campaign=festival))

    assert line.unit_price == FLOOR


def test_an_ordinary_campaign_does_not_lift_the_floor():
    line = priced(FlashSaleFactory(price=Decimal("199.00"), campaign=CampaignFactory()))

    assert line.unit_price == FLOOR


def test_pricing_reads_kept_flash_sales_without_a_query(django_assert_num_queries):
    sale = FlashSaleFactory()
    priced(sale)  # the sales are read once per catalog version

    with django_assert_num_queries(0):
        line = priced(sale)

    assert line.unit_price == Decimal("299.00")


def test_a_sale_changed_in_the_database_reaches_prices_with_the_next_catalog_version():
    sale = FlashSaleFactory()
    priced(sale)
    FlashSale.objects.filter(pk=sale.pk).update(price=Decimal("289.00"))
    pagecache.bump_version("catalog")

    assert priced(sale).unit_price == Decimal("289.00")

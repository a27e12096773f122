"""Flash-sale units are drawn when an order is placed and given back when it is cancelled;
a refusal leaves everything as it was."""

from decimal import Decimal

import pytest
from django.utils.translation import gettext as _

from apps.catalog.models import Sku
from apps.orders import services as order_services
from apps.orders.models import Order
from apps.promotions.models import FlashSale, FlashSaleClaim
from apps.promotions.pricing import flash_sale_limit_message
from apps.promotions.selectors import promotion_shelf
from tests.members.factories import TierFactory, UserFactory
from tests.orders.factories import place_order
from tests.promotions.factories import FlashSaleFactory

pytestmark = pytest.mark.django_db


def left(sale) -> int:
    return FlashSale.objects.get(pk=sale.pk).quantity_left


def test_an_order_at_the_flash_price_draws_its_units_and_records_the_claim():
    sale = FlashSaleFactory(quantity=10)

    order = place_order(items=[(sale.sku, 2)], email="li@example.com", phone="13900001111")

    claim = FlashSaleClaim.objects.get()
    assert left(sale) == 8
    assert (claim.order, claim.order_line, claim.quantity) == (order, order.lines.get(), 2)
    assert (claim.email, claim.phone, claim.member) == ("li@example.com", "13900001111", None)
    assert order.lines.get().unit_price == Decimal("299.00")


def test_an_order_at_a_lower_member_price_draws_nothing():
    sale = FlashSaleFactory(price=Decimal("390.00"))
    gold = TierFactory(threshold_amount=Decimal("2000.00"), discount_percent=Decimal("5.00"))
    member = UserFactory(tier=gold)

    place_order(items=[(sale.sku, 1)], member=member)

    assert (left(sale), FlashSaleClaim.objects.count()) == (10, 0)


def test_a_guest_over_the_limit_with_the_same_email_is_refused_and_nothing_changes():
    sale = FlashSaleFactory(per_customer_limit=2)
    place_order(items=[(sale.sku, 2)], email="wang@example.com", phone="13900000001")
    stock_before = Sku.objects.get(pk=sale.sku.pk).stock

    with pytest.raises(order_services.OrderError) as refused:
        place_order(items=[(sale.sku, 1)], email="WANG@example.com", phone="13900000002")

    assert flash_sale_limit_message(limit=2, bought=2) in str(refused.value)
    assert (left(sale), Order.objects.count(), FlashSaleClaim.objects.count()) == (8, 1, 1)
    assert Sku.objects.get(pk=sale.sku.pk).stock == stock_before


def test_a_guest_over_the_limit_with_the_same_phone_is_refused():
    sale = FlashSaleFactory(per_customer_limit=1)
    place_order(items=[(sale.sku, 1)], email="a@example.com", phone="13900000009")

    with pytest.raises(order_services.OrderError):
        place_order(items=[(sale.sku, 1)], email="b@example.com", phone="13900000009")

    assert left(sale) == 9


def test_an_order_finding_the_units_gone_is_refused_with_the_price_change():
    sale = FlashSaleFactory()
    promotion_shelf()  # the shopper saw the flash price
    # Another checkout took the last units; this worker's pages have not heard yet.
    FlashSale.objects.filter(pk=sale.pk).update(quantity_left=0)
    stock_before = Sku.objects.get(pk=sale.sku.pk).stock

    with pytest.raises(order_services.OrderError) as refused:
        place_order(items=[(sale.sku, 1)])

    assert str(refused.value) == _(
        "The flash sale of %(item)s has just sold out or ended, so its price has changed."
        " Please check your cart."
    ) % {"item": sale.sku}
    assert (Order.objects.count(), FlashSaleClaim.objects.count()) == (0, 0)
    assert Sku.objects.get(pk=sale.sku.pk).stock == stock_before


def test_cancelling_an_unpaid_order_gives_its_units_back():
    sale = FlashSaleFactory()
    order = place_order(items=[(sale.sku, 2)])

    order_services.order_cancel(order=order)

    claim = FlashSaleClaim.objects.get()
    assert left(sale) == 10
    assert claim.released_at is not None


def test_units_given_back_no_longer_count_towards_the_limit():
    sale = FlashSaleFactory(per_customer_limit=2)
    order = place_order(items=[(sale.sku, 2)], email="zhao@example.com")
    order_services.order_cancel(order=order)

    again = place_order(items=[(sale.sku, 2)], email="zhao@example.com")

    assert again.lines.get().unit_price == Decimal("299.00")
    assert left(sale) == 8


def test_the_order_that_takes_the_last_units_refreshes_the_catalog_pages(
    django_capture_on_commit_callbacks,
):
    from apps.core import pagecache

    sale = FlashSaleFactory(quantity=2)
    before = pagecache.version("catalog")

    with django_capture_on_commit_callbacks(execute=True):
        place_order(items=[(sale.sku, 2)])

    assert pagecache.version("catalog") != before
    assert left(sale) == 0

"""The promotion specialist's flash sales and group buys in the back office: the price floor
holds when saving, quantities left and buyers joined are listed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from apps.catalog.models import Sku
from apps.promotions.models import FlashSale, GroupBuy
from tests.catalog.factories import SkuFactory
from tests.promotions.factories import CampaignFactory, FlashSaleFactory, group_buy, join
from tests.staff.admin_forms import staff_client
from tests.staff.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def specialist(client):
    return staff_client(client, StaffUserFactory(roles=["promotion_specialist"]))


def moment(when) -> dict:
    local = timezone.localtime(when)
    return {"0": local.strftime("%Y-%m-%d"), "1": local.strftime("%H:%M:%S")}


def flash_sale_form(sku, price, campaign=None, **changes) -> dict:
    now = timezone.now()
    starts, ends = moment(now - timedelta(minutes=1)), moment(now + timedelta(hours=6))
    data = {
        "sku": str(sku.pk),
        "campaign": str(campaign.pk) if campaign else "",
        "price": price,
        "starts_at_0": starts["0"],
        "starts_at_1": starts["1"],
        "ends_at_0": ends["0"],
        "ends_at_1": ends["1"],
        "quantity": "50",
        "per_customer_limit": "2",
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_a_flash_price_under_the_floor_is_refused_naming_the_sku(specialist):
    sku = SkuFactory(price=Decimal("399.00"), code="KETTLE-W")

    with translation.override("zh-hans"):
        response = specialist.post(
            reverse("admin:promotions_flashsale_add"), flash_sale_form(sku, "199.00")
        )

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "KETTLE-W" in errors
    assert "279.30" in errors
    assert FlashSale.objects.count() == 0


def test_a_flash_price_under_the_floor_is_saved_in_a_major_festival_campaign(specialist):
    sku = SkuFactory(price=Decimal("399.00"))
    festival = CampaignFactory(is_major_festival=True)

    response = specialist.post(
        reverse("admin:promotions_flashsale_add"), flash_sale_form(sku, "199.00", festival)
    )

    assert response.status_code == 302
    sale = FlashSale.objects.get()
    assert (sale.price, sale.quantity, sale.quantity_left) == (Decimal("199.00"), 50, 50)


def test_the_flash_sale_list_shows_the_quantity_left(specialist):
    FlashSaleFactory(quantity=10, quantity_left=4)

    response = specialist.get(reverse("admin:promotions_flashsale_changelist"))

    assert response.status_code == 200
    assert '<td class="field-quantity_left">4</td>' in response.content.decode()


def test_lowering_the_quantity_below_what_was_sold_is_refused(specialist):
    sale = FlashSaleFactory(quantity=10, quantity_left=4)

    response = specialist.post(
        reverse("admin:promotions_flashsale_change", args=[sale.pk]),
        flash_sale_form(sale.sku, "299.00", quantity="5"),
    )

    assert response.status_code == 200
    assert FlashSale.objects.get(pk=sale.pk).quantity == 10


def test_raising_the_quantity_adds_to_what_is_left(specialist):
    sale = FlashSaleFactory(quantity=10, quantity_left=4)

    specialist.post(
        reverse("admin:promotions_flashsale_change", args=[sale.pk]),
        flash_sale_form(sale.sku, "299.00", quantity="20"),
    )

    assert FlashSale.objects.get(pk=sale.pk).quantity_left == 14


def test_creating_a_group_buy_reserves_its_units_from_stock(specialist):
    sku = SkuFactory(price=Decimal("399.00"), stock=50)
    deadline = moment(timezone.now() + timedelta(days=2))

    response = specialist.post(
        reverse("admin:promotions_groupbuy_add"),
        {
            "sku": str(sku.pk),
            "campaign": "",
            "price": "299.00",
            "target_buyers": "20",
            "deadline_0": deadline["0"],
            "deadline_1": deadline["1"],
            "reserved_quantity": "30",
            "links-TOTAL_FORMS": "0",
            "links-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    assert GroupBuy.objects.get().reserved_left == 30
    assert Sku.objects.get(pk=sku.pk).stock == 20


def test_a_group_buy_reserving_more_than_stock_is_refused(specialist):
    sku = SkuFactory(price=Decimal("399.00"), stock=5)
    deadline = moment(timezone.now() + timedelta(days=2))

    response = specialist.post(
        reverse("admin:promotions_groupbuy_add"),
        {
            "sku": str(sku.pk),
            "price": "299.00",
            "target_buyers": "20",
            "deadline_0": deadline["0"],
            "deadline_1": deadline["1"],
            "reserved_quantity": "30",
            "links-TOTAL_FORMS": "0",
            "links-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert (GroupBuy.objects.count(), Sku.objects.get(pk=sku.pk).stock) == (0, 5)


def test_the_group_buy_list_shows_buyers_joined(specialist):
    deal = group_buy(target_buyers=20)
    join(deal)

    response = specialist.get(reverse("admin:promotions_groupbuy_changelist"))

    assert '<td class="field-buyers_count">1</td>' in response.content.decode()


def test_the_warehouse_cannot_open_flash_sales(client):
    staff_client(client, StaffUserFactory(roles=["warehouse"]))

    response = client.get(reverse("admin:promotions_flashsale_changelist"))

    assert response.status_code == 403

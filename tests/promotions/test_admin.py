"""Promotions in the back office: offers and coupons refused when they could sell a product
below the price floor (outside a major festival campaign), use counts, the campaign's
promotions, the "Promotions now" page, and who may do what.

The promotion specialist's flash sales and group buys in the back office: the price floor
holds when saving, quantities left and buyers joined are listed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from apps.catalog.models import Sku
from apps.promotions.models import Coupon, CouponUse, FlashSale, GroupBuy, Offer
from tests.catalog.factories import ProductFactory, SkuFactory
from tests.orders.factories import place_order
from tests.promotions.factories import (
    CampaignFactory,
    CouponFactory,
    FlashSaleFactory,
    OfferFactory,
    group_buy,
    join,
)
from tests.promotions.helpers import place_with_coupon
from tests.staff.admin_forms import staff_client
from tests.staff.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

D = Decimal


def window() -> dict:
    now = timezone.localtime()
    later = now + timezone.timedelta(days=7)
    return {
        "starts_at_0": now.strftime("%Y-%m-%d"),
        "starts_at_1": now.strftime("%H:%M:%S"),
        "ends_at_0": later.strftime("%Y-%m-%d"),
        "ends_at_1": later.strftime("%H:%M:%S"),
        "is_active": "on",
    }


def offer_data(tiers: str, products=(), campaign=None) -> dict:
    return {
        "name_zh_hans": "满减",
        "name_en": "Offer",
        "kind": "tiers",
        "tiers_text": tiers,
        "products": [str(product.pk) for product in products],
        **({"campaign": str(campaign.pk)} if campaign else {}),
        **window(),
    }


def coupon_data(code: str, amount: str, min_spend: str, products=(), campaign=None) -> dict:
    return {
        "code": code,
        "name_zh_hans": "券",
        "name_en": "Coupon",
        "kind": "amount",
        "amount": amount,
        "min_spend": min_spend,
        "per_customer_limit": "1",
        "products": [str(product.pk) for product in products],
        **({"campaign": str(campaign.pk)} if campaign else {}),
        **window(),
    }


@pytest.fixture
def specialist(client):
    return staff_client(client, StaffUserFactory(roles=["promotion_specialist"]))


@pytest.fixture
def kettle():
    product = ProductFactory(name_zh_hans="电水壶", skus=[])
    SkuFactory(product=product, price=D("100.00"))
    return product


def test_an_offer_that_would_break_the_floor_is_refused_naming_the_products(specialist, kettle):
    response = specialist.post(
        reverse("admin:promotions_offer_add"), offer_data("100-40", products=[kettle])
    )

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "电水壶" in errors
    assert Offer.objects.count() == 0


def test_an_offer_within_the_floor_is_saved(specialist, kettle):
    response = specialist.post(
        reverse("admin:promotions_offer_add"), offer_data("199-20, 399-50", products=[kettle])
    )

    assert response.status_code == 302
    assert Offer.objects.get().tiers == [["199.00", "20.00"], ["399.00", "50.00"]]


def test_an_offer_of_a_major_festival_campaign_may_go_below_the_floor(specialist, kettle):
    festival = CampaignFactory(is_major_festival=True)

    response = specialist.post(
        reverse("admin:promotions_offer_add"),
        offer_data("100-40", products=[kettle], campaign=festival),
    )

    assert response.status_code == 302
    assert Offer.objects.get().campaign == festival


def test_badly_written_tiers_are_refused(specialist, kettle):
    response = specialist.post(
        reverse("admin:promotions_offer_add"), offer_data("199 minus 20", products=[kettle])
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["tiers_text"]
    assert Offer.objects.count() == 0


def test_a_coupon_that_would_break_the_floor_on_a_cheap_product_is_refused(specialist):
    cheap = ProductFactory(name_zh_hans="小勺子", skus=[])
    SkuFactory(product=cheap, price=D("12.00"))

    response = specialist.post(
        reverse("admin:promotions_coupon_add"), coupon_data("TEN", "10.00", "0", products=[cheap])
    )

    assert response.status_code == 200
    assert "小勺子" in " ".join(response.context["adminform"].form.non_field_errors())
    assert Coupon.objects.count() == 0


def test_a_coupon_with_a_minimum_spend_keeps_cheap_products_above_the_floor(specialist):
    cheap = ProductFactory(skus=[])
    SkuFactory(product=cheap, price=D("12.00"))

    response = specialist.post(
        reverse("admin:promotions_coupon_add"),
        coupon_data("ten", "10.00", "99.00", products=[cheap]),
    )

    assert response.status_code == 302
    assert Coupon.objects.get().code == "TEN"


def test_a_coupon_code_taken_in_another_case_is_refused(specialist, kettle):
    CouponFactory(code="WELCOME10")

    response = specialist.post(
        reverse("admin:promotions_coupon_add"), coupon_data("welcome10", "10.00", "99.00")
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["code"]
    assert Coupon.objects.count() == 1


def test_the_coupon_list_shows_how_often_each_was_used(specialist):
    coupon = CouponFactory(code="USED", total_uses=10)
    for _number in range(2):
        place_with_coupon(
            items=[(SkuFactory(price=D("199.00")), 1)], code="USED", email=f"b{_number}@example.com"
        )

    response = specialist.get(reverse("admin:promotions_coupon_changelist"))

    row = next(item for item in response.context["cl"].result_list if item.pk == coupon.pk)
    assert (row.active_uses, row.uses_left) == (2, 8)


def test_raising_a_coupons_total_uses_counts_the_uses_held(specialist):
    coupon = CouponFactory(code="MORE", total_uses=1)
    place_with_coupon(items=[(SkuFactory(price=D("199.00")), 1)], code="MORE")
    url = reverse("admin:promotions_coupon_change", args=[coupon.pk])
    from tests.staff.admin_forms import change_form_data

    data = change_form_data(specialist.get(url))
    data.update(window(), total_uses="5")  # the admin splits date and time
    response = specialist.post(url, data)

    assert response.status_code == 302
    coupon.refresh_from_db()
    assert coupon.uses_left == 4


def test_a_campaign_page_lists_its_offers_and_coupons(specialist):
    campaign = CampaignFactory()
    OfferFactory(campaign=campaign, name_zh_hans="满199减20")
    CouponFactory(campaign=campaign, code="CAMP5")

    response = specialist.get(reverse("admin:promotions_campaign_change", args=[campaign.pk]))

    content = response.content.decode()
    assert "满199减20" in content
    assert "CAMP5" in content


def test_promotions_now_shows_orders_discount_and_revenue_per_promotion(
    specialist, django_assert_max_num_queries
):
    offer = OfferFactory()
    CouponFactory(code="NOW10")
    upcoming = OfferFactory(
        starts_at=timezone.now() + timezone.timedelta(days=2),
        ends_at=timezone.now() + timezone.timedelta(days=3),
    )
    sku = SkuFactory(price=D("199.00"), stock=20)
    first = place_with_coupon(items=[(sku, 1)], code="NOW10")
    place_order(items=[(sku, 2)])

    response = specialist.get(reverse("admin:promotions_now"))

    now = response.context["now"]
    rows = {(row.kind, row.promotion.pk): row.figures for row in now.running}
    assert rows[("offer", offer.pk)].orders == 2
    assert rows[("offer", offer.pk)].discount == D("40.00")  # 398 is below the ¥399 tier
    coupon_row = rows[("coupon", CouponUse.objects.get().coupon_id)]
    assert (coupon_row.orders, coupon_row.discount, coupon_row.revenue) == (
        1,
        D("10.00"),
        first.total_amount,
    )
    assert [row.promotion.pk for row in now.upcoming] == [upcoming.pk]


def test_promotion_specialist_can_add_a_coupon(specialist):
    response = specialist.post(
        reverse("admin:promotions_coupon_add"), coupon_data("SPEC", "5.00", "99.00")
    )

    assert response.status_code == 302
    assert Coupon.objects.filter(code="SPEC").exists()


def test_warehouse_cannot_see_promotions(client):
    staff_client(client, StaffUserFactory(roles=["warehouse"]))

    responses = [
        client.get(reverse("admin:promotions_coupon_changelist")).status_code,
        client.get(reverse("admin:promotions_now")).status_code,
    ]

    assert responses == [403, 403]


pytestmark = pytest.mark.django_db


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

"""A shopper sees a 满减 saving and why another offer did not apply in the cart, applies a
coupon at checkout, and pays with the simulated gateway: in a real browser, by role and
visible label."""

import re
from decimal import Decimal

import pytest

from apps.catalog.models import Product
from apps.orders.models import Order
from apps.promotions.models import CouponUse
from tests.e2e.labels import shown
from tests.e2e.test_order_journey import add_to_cart
from tests.promotions.factories import CouponFactory, OfferFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_shopper_saves_with_an_offer_and_a_coupon_and_pays(shop, page, console_errors):
    from playwright.sync_api import expect

    kettle = Product.objects.get(slug="kettles-classic")
    wok = Product.objects.get(slug="woks-lite")
    OfferFactory(name_zh_hans="水壶满199减20", tiers=[["199.00", "20.00"]], products=[kettle])
    OfferFactory(name_zh_hans="炒锅满299减30", tiers=[["299.00", "30.00"]], products=[wok])
    CouponFactory(code="WELCOME10")

    add_to_cart(page, shop, "kettles-classic", "白色")
    add_to_cart(page, shop, "woks-lite", "红色")

    # ¥199 + ¥149: the kettle's offer applies, the wok's needs ¥150 more.
    notes = page.get_by_test_id("promotions")
    expect(notes).to_contain_text("水壶满199减20")
    expect(notes).to_contain_text(shown("you save %(amount)s.") % {"amount": "¥20.00"})
    near = shown("not applied yet. Add %(gap)s more to save %(amount)s.") % {
        "gap": "¥150.00",
        "amount": "¥30.00",
    }
    expect(notes).to_contain_text("炒锅满299减30")
    expect(notes).to_contain_text(near)
    expect(page.get_by_test_id("total")).to_have_text("¥328.00")

    page.get_by_role("button", name=re.compile("^" + re.escape(shown("Check out")))).click()
    page.get_by_label(shown("Email")).fill("guest@example.com")
    page.get_by_label(shown("Mobile number")).fill("138 0013 8000")
    page.get_by_label(shown("Recipient")).fill("李四")
    page.get_by_label(shown("Province")).select_option(label="上海市")
    city = page.get_by_label(shown("City"))
    expect(city.locator("option", has_text="市辖区")).to_have_count(1)
    city.select_option(label="市辖区")
    district = page.get_by_label(shown("District"))
    expect(district.locator("option", has_text="黄浦区")).to_have_count(1)
    district.select_option(label="黄浦区")
    page.get_by_label(shown("Street address")).fill("南京东路 1 号")
    page.get_by_label(shown("Coupon code")).fill("welcome10")
    page.get_by_role("button", name=shown("Apply")).click()
    expect(page.get_by_role("group", name=shown("Coupon"))).to_contain_text(
        shown("Coupon %(code)s: you save %(amount)s.") % {"code": "WELCOME10", "amount": "¥10.00"}
    )
    page.get_by_role("button", name=shown("Review the order")).click()

    summary = page.get_by_role("complementary", name=shown("Order summary"))
    expect(summary).to_contain_text(shown("Coupon %(code)s") % {"code": "WELCOME10"})
    place = shown("Place order and pay %(total)s") % {"total": ""}
    page.get_by_role("button", name=re.compile("^" + re.escape(place.strip()))).click()
    page.get_by_role("button", name=shown("Test payment (simulator)")).click()
    pay = shown("Pay %(total)s") % {"total": ""}
    page.get_by_role("button", name=re.compile("^" + re.escape(pay.strip()))).click()
    expect(page.get_by_test_id("payment-status")).to_have_text(shown("Paid"))

    order = Order.objects.get()
    assert (order.discount_amount, order.total_amount) == (Decimal("30.00"), Decimal("318.00"))
    assert CouponUse.objects.get().order == order
    assert console_errors == []

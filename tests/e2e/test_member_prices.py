"""A member reaches Silver by paying an order and then sees the Silver price on the product
page and in the cart, in a real browser."""

import pytest

from apps.catalog.models import Product
from apps.members.demo import load_tiers
from tests.e2e.labels import shown
from tests.members.factories import PASSWORD, UserFactory
from tests.orders.factories import paid_order

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_paid_order_makes_a_member_silver_and_the_shop_shows_the_silver_price(
    shop, page, console_errors
):
    from playwright.sync_api import expect

    load_tiers()  # 普通会员 0 · 银卡 ¥500 2% · 金卡 ¥2000 5% · 钻石 ¥5000 8%
    member = UserFactory()
    product = Product.objects.get(slug="rice-cookers-smart")  # ¥399.00 for its first SKU
    paid_order(member=member, items=[(product.skus.order_by("sort_order", "pk").first(), 2)])
    member.refresh_from_db()
    assert member.tier.name == "银卡"

    page.goto(shop + "/accounts/login/")
    page.get_by_label(shown("Email")).fill(member.email)
    page.get_by_label(shown("Password")).fill(PASSWORD)
    page.get_by_label(shown("Password")).press("Enter")
    expect(page.get_by_role("link", name=shown("My account")).first).to_be_visible()

    # The product page shows the member's own price, 2% off, with the list price struck.
    page.goto(shop + product.get_absolute_url())
    price_block = page.locator(".buy-box .price-block")
    expect(price_block.locator(".price-lg")).to_have_text("¥391.02")
    expect(price_block.locator("del")).to_have_text("¥399.00")
    expect(price_block).to_contain_text("银卡")

    # The cart prices the line the same way and says why.
    page.get_by_role("button", name=shown("Add to cart")).click()
    expect(page.get_by_test_id("total")).to_have_text("¥391.02")
    expect(page.locator(".cart-lines")).to_contain_text("银卡")
    assert console_errors == []

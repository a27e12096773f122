"""A guest sees a flash sale's countdown ticking on the product page and buys at the flash
price, in a real browser."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.catalog.models import Product
from apps.orders.models import Order
from apps.promotions.models import FlashSale, FlashSaleClaim
from apps.promotions.services import flash_sale_save
from tests.e2e.labels import shown

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_guest_sees_the_countdown_and_buys_at_the_flash_price(shop, page, console_errors):
    from playwright.sync_api import expect

    product = Product.objects.get(slug="rice-cookers-smart")  # ¥399.00 for its first SKU
    sku = product.skus.order_by("sort_order", "pk").first()
    now = timezone.now()
    sale = flash_sale_save(
        flash_sale=FlashSale(
            sku=sku,
            price=Decimal("299.00"),
            starts_at=now - timedelta(minutes=1),
            ends_at=now + timedelta(hours=6),
            quantity=50,
            per_customer_limit=2,
        )
    )

    page.goto(shop + product.get_absolute_url())
    price_block = page.locator(".buy-box .price-block")
    expect(price_block.locator(".price-lg")).to_have_text("¥299.00")
    expect(price_block.locator("del")).to_have_text("¥399.00")
    # The end time the server wrote ticks down: "05:59:59 left".
    clock = page.locator(".flash-banner time[data-countdown]")
    ticking = re.escape(shown("%(time)s left")).replace(re.escape("%(time)s"), r"05:5\d:\d\d")
    expect(clock).to_have_text(re.compile(f"^{ticking}$"))

    page.get_by_role("button", name=shown("Add to cart")).click()
    expect(page.get_by_test_id("total")).to_have_text("¥299.00")
    expect(page.locator(".cart-lines")).to_contain_text(shown("Flash sale"))

    page.get_by_role("button", name=re.compile("^" + re.escape(shown("Check out")))).click()
    page.get_by_label(shown("Email")).fill("flash@example.com")
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
    page.get_by_role("button", name=shown("Review the order")).click()
    place = shown("Place order and pay %(total)s") % {"total": ""}
    page.get_by_role("button", name=re.compile("^" + re.escape(place.strip()))).click()
    page.get_by_role("button", name=shown("Test payment (simulator)")).click()
    pay = shown("Pay %(total)s") % {"total": ""}
    page.get_by_role("button", name=re.compile("^" + re.escape(pay.strip()))).click()
    expect(page.get_by_test_id("payment-status")).to_have_text(shown("Paid"))

    order = Order.objects.get()
    assert (order.total_amount, order.lines.get().unit_price) == (
        Decimal("299.00"),
        Decimal("299.00"),
    )
    assert FlashSaleClaim.objects.get().order == order
    assert FlashSale.objects.get(pk=sale.pk).quantity_left == 49
    assert console_errors == []

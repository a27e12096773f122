"""A guest buys, pays with the simulated gateway, tracks the order, sees it shipped by the
warehouse in admin, and asks to return it; a member checks out to a saved address or picks
the order up in a shop: in a real browser, by role and visible label."""

import re

import pytest
from django.test import Client

from apps.catalog.models import Product
from apps.orders import services
from apps.orders.demo import load_pickup_points
from apps.orders.models import Order
from tests.e2e.labels import shown
from tests.members.factories import AddressFactory, UserFactory
from tests.staff.factories import StaffUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def add_to_cart(page, shop, slug, option):
    product = Product.objects.get(slug=slug)
    page.goto(shop + product.get_absolute_url())
    page.get_by_role("link", name=option).click()
    page.get_by_role("button", name=shown("Add to cart")).click()


def staff_page(browser, shop, live_server, roles):
    """A second browser, logged in as a staff member of these roles."""
    return logged_in_page(browser, shop, StaffUserFactory(roles=roles))


def logged_in_page(browser, shop, user, **options):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="zh-CN", **options)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": shop}]
    )
    return context.new_page()


def test_guest_buys_pays_tracks_and_asks_for_a_return(
    shop, page, browser, live_server, console_errors
):
    from playwright.sync_api import expect

    # Two SKUs in the cart, then one quantity changed on the cart page.
    add_to_cart(page, shop, "kettles-classic", "白色")
    add_to_cart(page, shop, "woks-lite", "红色")
    expect(page.get_by_role("heading", name=shown("Shopping cart"))).to_be_visible()
    quantity = page.get_by_role("spinbutton").first
    quantity.fill("2")
    quantity.press("Tab")
    expect(page.get_by_role("spinbutton").first).to_have_value("2")
    # ¥199 × 2 + ¥149, delivered free from ¥199.
    expect(page.get_by_test_id("total")).to_have_text("¥547.00")

    # Checkout as a guest with a new address, picked through the region cascade.
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
    page.get_by_role("button", name=shown("Review the order")).click()
    place = shown("Place order and pay %(total)s") % {"total": ""}
    page.get_by_role("button", name=re.compile("^" + re.escape(place.strip()))).click()

    # The payment page offers the simulated gateway (demo and tests only).
    page.get_by_role("button", name=shown("Test payment (simulator)")).click()
    # The simulated gateway: pay, and come back to a paid order.
    pay = shown("Pay %(total)s") % {"total": ""}
    page.get_by_role("button", name=re.compile("^" + re.escape(pay.strip()))).click()
    expect(page.get_by_test_id("payment-status")).to_have_text(shown("Paid"))
    order = Order.objects.get()
    assert str(order.total_amount) == "547.00"

    # Anyone can look the order up with its number and the phone used.
    page.goto(shop + "/orders/lookup/")
    page.get_by_label(shown("Order number")).fill(order.number)
    page.get_by_label(shown("Mobile number or email used for the order")).fill("13800138000")
    page.get_by_role("button", name=shown("Find my order")).click()
    expect(page.get_by_test_id("payment-status")).to_have_text(shown("Paid"))

    # The warehouse marks it shipped in admin.
    warehouse = staff_page(browser, shop, live_server, ["warehouse"])
    warehouse.goto(shop + f"/admin/orders/order/{order.pk}/change/")
    warehouse.get_by_role("link", name=shown("Mark shipped")).click()
    warehouse.get_by_label(shown("Carrier")).fill("顺丰速运")
    warehouse.get_by_label(shown("Tracking number")).fill("SF1234567890")
    warehouse.get_by_role("button", name=shown("Save")).click()
    expect(warehouse.locator(".messagelist")).to_contain_text(order.number)
    warehouse.context.close()

    # The shopper sees the tracking number on their order page.
    page.goto(shop + order.get_absolute_url())
    expect(page.get_by_test_id("order-status")).to_have_text(shown("Shipped"))
    expect(page.get_by_test_id("tracking")).to_have_text("顺丰速运 SF1234567890")

    # Delivered; the shopper asks to return the wok as not a quality problem.
    services.order_mark_delivered(order=Order.objects.get(pk=order.pk))
    page.reload()
    page.get_by_role("button", name=shown("Request a return or exchange")).click()
    page.get_by_role("spinbutton").last.fill("1")
    page.get_by_label(shown("Return for a refund")).check()
    page.get_by_label(shown("Not a quality problem")).check()
    page.get_by_label(shown("What is wrong?")).fill("颜色和图片不一样")
    page.get_by_role("button", name=shown("Send the request")).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert order.return_requests.count() == 1
    assert console_errors == []


def test_member_checks_out_to_a_saved_address_or_picks_up_without_javascript(shop, browser):
    from playwright.sync_api import expect

    load_pickup_points()
    member = UserFactory(phone="13900139000")
    AddressFactory(member=member, recipient_name="王芳", street="科技园路 9 号")
    AddressFactory(member=member, recipient_name="张伟", street="科技园路 1 号", is_default=True)
    page = logged_in_page(
        browser,
        shop,
        member,
        java_script_enabled=False,
        viewport={"width": 375, "height": 812},
    )
    add_to_cart(page, shop, "kettles-classic", "白色")
    page.get_by_role("button", name=re.compile("^" + re.escape(shown("Check out")))).click()

    # The default address is the chosen card; the other one and the typed form wait.
    addresses = page.get_by_role("group", name=shown("Delivery address"))
    expect(addresses.get_by_role("radio", name=re.compile("张伟"))).to_be_checked()
    expect(addresses.get_by_text("王芳")).to_be_hidden()
    expect(page.get_by_label(shown("Street address"))).to_be_hidden()

    # "Change" shows every saved address and a new one; a new one needs the typed form.
    addresses.get_by_text(shown("Change"), exact=True).click()
    addresses.get_by_role("radio", name=shown("A new address")).check()
    expect(page.get_by_label(shown("Street address"))).to_be_visible()
    addresses.get_by_role("radio", name=re.compile("王芳")).check()
    expect(page.get_by_label(shown("Street address"))).to_be_hidden()

    # In-store pickup: the points replace the address; the first is chosen.
    page.get_by_role("radio", name=shown("In-store pickup")).check()
    expect(addresses).to_be_hidden()
    points = page.get_by_role("group", name=shown("Pickup point"))
    points.get_by_role("radio", name=re.compile("徐家汇")).check()
    page.get_by_role("radio", name=shown("Cash on delivery")).check()
    page.get_by_role("button", name=shown("Review the order")).click()

    expect(page.get_by_text("家味电器 徐家汇服务中心", exact=True)).to_be_visible()
    place = shown("Place order and pay %(total)s") % {"total": ""}
    page.get_by_role("button", name=re.compile("^" + re.escape(place.strip()))).click()
    expect(page.get_by_test_id("pickup-point")).to_contain_text("漕溪北路 88 号")
    order = Order.objects.get()
    assert (order.pickup_name, order.recipient_name) == ("家味电器 徐家汇服务中心", "张伟")
    page.context.close()

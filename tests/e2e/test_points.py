"""A member with points pays part of an order with them at checkout and finds the order and
the spent points in the member centre: in a real browser, by role and visible label."""

import re

import pytest

from apps.orders.models import Order
from apps.points.models import PointsAccount
from tests.e2e.labels import shown
from tests.e2e.test_order_journey import add_to_cart, logged_in_page
from tests.members.factories import AddressFactory, UserFactory
from tests.points.factories import give_points

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_member_pays_with_points_at_checkout_and_sees_the_ledger(
    shop, browser, live_server, console_errors
):
    from playwright.sync_api import expect

    member = UserFactory()
    AddressFactory(member=member, is_default=True, recipient_name="张伟")
    give_points(member, 3000, reason="开业礼")
    page = logged_in_page(browser, shop, member)
    page.on(
        "console",
        lambda message: console_errors.append(message.text) if message.type == "error" else None,
    )
    add_to_cart(page, shop, "kettles-classic", "白色")
    page.get_by_role("button", name=re.compile("^" + re.escape(shown("Check out")))).click()

    # ¥199.00: the floor leaves ¥59.70, but the member has 3,000 points: ¥30.00 at most.
    points = page.get_by_role("group", name=shown("Points"))
    offer = shown(
        "You have %(balance)s points. This order can use up to %(points)s points: use"
        " %(points)s points, save %(amount)s."
    ) % {"balance": "3,000", "points": "3,000", "amount": "¥30.00"}
    expect(points).to_contain_text(offer)
    points.get_by_label(shown("Points to use")).fill("1200")
    page.get_by_role("radio", name=shown("Cash on delivery")).check()
    page.get_by_role("button", name=shown("Review the order")).click()

    summary = page.get_by_role("complementary", name=shown("Order summary"))
    expect(summary).to_contain_text(shown("%(points)s points used") % {"points": "1,200"})
    place = shown("Place order and pay %(total)s") % {"total": ""}
    page.get_by_role("button", name=re.compile("^" + re.escape(place.strip()))).click()
    expect(page.get_by_test_id("order-points")).to_contain_text("−¥12.00")
    order = Order.objects.get()
    assert order.discount_amount == 12
    assert PointsAccount.objects.get(member=member).balance == 1800

    # The member centre's points page has the balance and the order's line.
    page.get_by_role("link", name=shown("My account")).first.click()
    page.get_by_role("link", name=shown("My points")).click()
    expect(page.get_by_test_id("points-balance")).to_have_text("1,800")
    history = page.get_by_role("table")
    expect(history).to_contain_text(shown("Order %(number)s") % {"number": order.number})
    expect(history).to_contain_text("-1,200")
    expect(history).to_contain_text("开业礼")
    assert console_errors == []
    page.context.close()

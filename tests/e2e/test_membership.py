"""A member buys the annual membership through the normal checkout (nothing to deliver: no
address, no shipping fee), pays with the simulated gateway, and finds the granted tier and
its validity in the member centre: in a real browser, by role and visible label."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.catalog.models import Product
from apps.members.demo import MEMBERSHIP_PRODUCT_SLUG, load_membership_plan, load_tiers
from apps.members.models import Membership
from apps.orders.choices import FulfilmentStatus
from apps.orders.models import Order
from tests.e2e.labels import shown
from tests.members.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_member_buys_the_annual_membership_and_sees_gold_in_the_member_centre(
    shop, page, console_errors
):
    from playwright.sync_api import expect

    load_tiers()  # 普通会员 0 · 银卡 ¥500 · 金卡 ¥2000 · 钻石 ¥5000
    load_membership_plan(with_images=False)  # 年度会员 ¥168: a Gold year
    member = UserFactory()  # no address book: a membership needs none

    page.goto(shop + "/accounts/login/")
    page.get_by_label(shown("Email")).fill(member.email)
    page.get_by_label(shown("Password")).fill(PASSWORD)
    page.get_by_label(shown("Password")).press("Enter")
    expect(page.get_by_role("link", name=shown("My account")).first).to_be_visible()

    # The membership is a product like any other: into the cart, through checkout.
    product = Product.objects.get(slug=MEMBERSHIP_PRODUCT_SLUG)
    page.goto(shop + product.get_absolute_url())
    expect(page.get_by_role("heading", name="年度会员", level=1)).to_be_visible()
    page.get_by_role("button", name=shown("Add to cart")).click()
    page.get_by_role("button", name=re.compile("^" + re.escape(shown("Check out")))).click()

    # Nothing to deliver: no delivery choice and no address, only who buys; no fee.
    delivery = page.get_by_role("group", name=shown("Delivery"), exact=True)
    expect(delivery).to_contain_text(shown("Nothing to deliver"))
    expect(page.get_by_role("radio", name=shown("Courier delivery"))).to_have_count(0)
    expect(page.get_by_label(shown("Street address"))).to_have_count(0)
    expect(page.get_by_role("radio", name=shown("Cash on delivery"))).to_have_count(0)
    expect(
        page.get_by_role("list", name=shown("Checkout steps")).get_by_role("listitem")
    ).to_have_count(4)
    page.get_by_label(shown("Mobile number")).fill("139 0013 9000")
    page.get_by_role("button", name=shown("Review the order")).click()
    expect(page.get_by_test_id("no-delivery")).to_have_text(shown("Nothing to deliver"))
    place = shown("Place order and pay %(total)s") % {"total": ""}
    page.get_by_role("button", name=re.compile("^" + re.escape(place.strip()))).click()

    # Paid through the simulated gateway (demo and tests only).
    page.get_by_role("button", name=shown("Test payment (simulator)")).click()
    pay = shown("Pay %(total)s") % {"total": ""}
    page.get_by_role("button", name=re.compile("^" + re.escape(pay.strip()))).click()
    expect(page.get_by_test_id("payment-status")).to_have_text(shown("Paid"))

    # Nothing to ship: the order is completed, and the member holds Gold for a year.
    order = Order.objects.get(member=member)
    membership = Membership.objects.get(member=member)
    assert order.fulfilment_status == FulfilmentStatus.COMPLETED
    assert (order.shipping_method, order.street, order.total_amount) == (
        "none",
        "",
        Decimal("168.00"),
    )
    assert membership.ends_at - membership.starts_at == timedelta(days=365)

    page.get_by_role("link", name=shown("My account")).first.click()
    tier_card = page.get_by_role("region", name=shown("Your tier: %(tier)s") % {"tier": "金卡"})
    expect(tier_card).to_be_visible()
    valid_until = timezone.localdate(membership.ends_at).isoformat()
    expect(tier_card.get_by_test_id("membership")).to_contain_text(
        shown("%(tier)s membership valid until %(date)s") % {"tier": "金卡", "date": valid_until}
    )
    renew = tier_card.get_by_role("button", name=shown("Renew membership"))
    expect(renew).to_have_attribute("href", product.get_absolute_url())
    assert console_errors == []

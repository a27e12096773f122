"""A shopper favourites a product as a guest, logs in on the way, and finds it in the member
centre: in a real browser, by role and visible label."""

import pytest

from apps.catalog.models import Product
from apps.favourites.models import Favourite
from tests.e2e.labels import shown
from tests.members.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_guest_favourites_a_product_logs_in_and_finds_it_in_the_member_centre(
    shop, page, console_errors
):
    from playwright.sync_api import expect

    member = UserFactory()
    product = Product.objects.get(slug="kettles-classic")
    page.goto(shop + product.get_absolute_url())

    # A guest's heart asks them to log in first, then brings them back with it saved.
    page.get_by_role("button", name=shown("Add to favourites"), exact=True).click()
    page.get_by_label(shown("Email")).fill(member.email)
    page.get_by_label(shown("Password")).fill(PASSWORD)
    page.get_by_label(shown("Password")).press("Enter")
    expect(page.get_by_role("heading", name=product.name, level=1)).to_be_visible()
    saved = page.get_by_role("button", name=shown("Remove from favourites"))
    expect(saved).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_text(shown("Saved in your favourites."))).to_be_visible()

    # With JavaScript the heart toggles in place, without leaving the page.
    address = page.url
    saved.click()
    added_again = page.get_by_role("button", name=shown("Add to favourites"), exact=True)
    expect(added_again).to_have_attribute("aria-pressed", "false")
    assert not Favourite.objects.filter(member=member).exists()
    added_again.click()
    expect(page.get_by_role("button", name=shown("Remove from favourites"))).to_be_visible()
    assert page.url == address

    # The member centre lists it, and its page has it with price and stock.
    page.get_by_role("link", name=shown("My account")).first.click()
    favourites = page.get_by_role("region", name=shown("Favourites"))
    expect(favourites.get_by_role("link", name=product.name)).to_be_visible()
    page.get_by_role("link", name=shown("All my favourites")).click()
    expect(page.get_by_role("heading", name=shown("My favourites"), level=1)).to_be_visible()
    card = page.get_by_role("article").filter(has_text=product.name)
    expect(card).to_contain_text("¥")
    expect(card).to_contain_text(shown("In stock"))
    assert console_errors == []

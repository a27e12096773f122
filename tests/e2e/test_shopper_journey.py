"""A shopper's visit in a real browser, finding everything by its role and visible label."""

import re

import pytest

from tests.e2e.labels import shown

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def product_cards(page):
    """The names on the product cards of the listing or the search results."""
    return page.locator(".product-grid").first.get_by_role("heading", level=3)


def test_shopper_browses_filters_searches_compares_and_switches_language(
    shop, page, console_errors
):
    from playwright.sync_api import expect

    # Home → a category of the first series.
    page.goto(shop + "/")
    expect(page.get_by_role("heading", name=shown("Shop by series"), level=2)).to_be_visible()
    page.get_by_role("link", name="电饭煲", exact=True).first.click()
    expect(page.get_by_role("heading", name="电饭煲", level=1)).to_be_visible()
    expect(product_cards(page)).to_have_count(5)

    # Filter: in stock, from ¥300 → the two dearer rice cookers, cheapest first.
    filters = page.get_by_role("form", name=shown("Filter products"))
    filters.get_by_label(shown("In stock only")).check()
    filters.get_by_label(shown("From"), exact=True).fill("300")
    filters.get_by_role("button", name=shown("Apply filters")).click()
    expect(page).to_have_url(re.compile(r"price_min=300.*in_stock=true|in_stock=true.*price_min"))
    page.get_by_role("link", name=shown("Price: low to high")).click()
    expect(page).to_have_url(re.compile(r"sort=price"))
    expect(product_cards(page)).to_have_text(["IH电饭煲 4L 智能款", "低糖电饭煲 3L 专业款"])

    # A product, then one of its SKUs: its own price and code.
    page.get_by_role("link", name="IH电饭煲 4L 智能款").click()
    expect(page.get_by_role("heading", name="IH电饭煲 4L 智能款", level=1)).to_be_visible()
    page.get_by_role("link", name="灰色").click()
    expect(page.get_by_role("link", name="灰色")).to_have_attribute("aria-current", "true")
    expect(page.locator(".product-main .price")).to_have_text("¥419.00")
    expect(page.get_by_text("RIC-002-2", exact=True)).to_be_visible()
    page.get_by_role("button", name=shown("Add to comparison")).click()
    expect(page.get_by_role("status")).to_contain_text("IH电饭煲 4L 智能款")

    # Search in Chinese from the header's search box.
    search = page.get_by_role("search")
    search.get_by_role("searchbox", name=shown("Search products")).fill("电饭煲")
    search.get_by_role("button", name=shown("Search"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("电饭煲")
    expect(product_cards(page)).to_have_text([re.compile("电饭煲")] * 5)
    page.get_by_role("link", name="低糖电饭煲 3L 专业款").click()
    page.get_by_role("button", name=shown("Add to comparison")).click()
    expect(page.get_by_role("status")).to_contain_text("低糖电饭煲 3L 专业款")

    # Both products side by side.
    header = page.get_by_role("navigation", name=shown("Main"))
    header.get_by_role("link", name=shown("Compare")).click()
    expect(page.get_by_role("heading", name=shown("Compare products"), level=1)).to_be_visible()
    columns = page.get_by_role("columnheader")
    expect(columns).to_have_text(["IH电饭煲 4L 智能款", "低糖电饭煲 3L 专业款"])
    expect(page.get_by_role("row", name=shown("Price"))).to_contain_text("¥399.00")

    # The language menu → English: the same comparison, in English.
    page.get_by_title(shown("Language")).click()
    page.get_by_role("banner").get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/en/compare/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    heading = shown("Compare products", "en")
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    expect(columns).to_have_text(["IH Rice Cooker 4L, Smart", "Low-sugar Rice Cooker 3L, Pro"])
    assert console_errors == []

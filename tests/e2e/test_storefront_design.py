"""The storefront on a 375-px phone, as the design asks: a one-row header and a tab bar, four
products in a listing's first screen, a product's price and "Add to cart" without scrolling,
filters in a drawer, nothing wider than the screen, and no serious accessibility fault
(axe-core, vendored in tests/e2e/vendor) on any page in either language."""

from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import pgettext

from apps.catalog.models import Product
from tests.e2e.labels import shown

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PHONE = {
    "locale": "zh-CN",
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
IN_FIRST_SCREEN = """(selector) => [...document.querySelectorAll(selector)].filter((element) => {
  const box = element.getBoundingClientRect();
  return box.width > 0 && box.top >= 0 && box.top < window.innerHeight;
}).length"""
FULLY_VISIBLE = """(element) => {
  const box = element.getBoundingClientRect();
  return box.width > 0 && box.top >= 0 && box.bottom <= window.innerHeight;
}"""
WIDER_THAN_SCREEN = (
    """() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"""
)


@pytest.fixture
def browser_context_args():
    return PHONE


def test_phone_header_is_one_short_row_and_the_tab_bar_reaches_every_part(shop, page):
    from playwright.sync_api import expect

    page.goto(shop + "/")

    header = page.locator(".site-header")
    assert header.bounding_box()["height"] <= 56
    assert header.get_by_role("search").bounding_box()["height"] <= 40
    tabs = page.get_by_role("navigation", name=shown("Shortcuts"))
    with translation.override("zh-hans"):
        me = pgettext("tab bar", "Me")
    expect(tabs.get_by_role("link")).to_have_text(
        [shown("Home"), shown("Categories"), shown("Cart"), me], use_inner_text=True
    )
    assert tabs.evaluate(FULLY_VISIBLE)
    tabs.get_by_role("link", name=shown("Categories")).click()
    expect(page.get_by_role("heading", name=shown("All categories"), level=1)).to_be_visible()
    # Sub-categories are one tap away (the desktop menu has them too).
    page.get_by_role("link", name="迷你电饭煲").click()
    expect(page.get_by_role("heading", name="迷你电饭煲", level=1)).to_be_visible()


def test_listing_shows_four_products_first_and_filters_in_a_drawer(shop, page):
    from playwright.sync_api import expect

    page.goto(shop + "/products/")

    assert page.evaluate(IN_FIRST_SCREEN, ".product-card") >= 4
    filters = page.get_by_role("form", name=shown("Filter products"))
    expect(filters).to_be_hidden()
    page.get_by_role("button", name=shown("Filter"), exact=True).click()
    expect(filters).to_be_visible()
    filters.get_by_label(shown("From"), exact=True).fill("300")
    filters.get_by_label(shown("In stock only")).check()
    filters.get_by_role("button", name=shown("Apply filters")).click()

    # The button says how many filters are on; the drawer is closed again.
    expect(
        page.get_by_role("button", name=shown("Filter (%(count)s)") % {"count": 2})
    ).to_be_visible()
    expect(filters).to_be_hidden()
    prices = page.locator(".product-card .price").all_inner_texts()
    assert prices and all(float(price.strip("¥").replace(",", "")) >= 300 for price in prices)


def test_product_price_and_buttons_are_on_the_first_screen_and_buy_now_checks_out(shop, page):
    from playwright.sync_api import expect

    product = Product.objects.get(slug="rice-cookers-smart")
    page.goto(shop + product.get_absolute_url())

    assert page.locator(".buy-box .price-lg").evaluate(FULLY_VISIBLE)
    assert page.get_by_role("heading", name=product.name, level=1).evaluate(FULLY_VISIBLE)
    add = page.get_by_role("button", name=shown("Add to cart"))
    buy = page.get_by_role("button", name=shown("Buy now"))
    assert add.evaluate(FULLY_VISIBLE) and buy.evaluate(FULLY_VISIBLE)
    page.mouse.wheel(0, 1500)  # the buy bar stays when the shopper reads on
    assert buy.evaluate(FULLY_VISIBLE)

    page.get_by_role("button", name=shown("One more")).click()
    buy.click()
    expect(page.get_by_role("heading", name=shown("Checkout"), level=1)).to_be_visible()
    expect(page.locator(".summary-toggle summary")).to_contain_text("2")


PAGES = ["/", "/categories/", "/products/", "/category/rice-cookers/", "/search/?q=电饭煲"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_page_is_wider_than_the_phone_or_has_a_serious_accessibility_fault(
    shop, page, console_errors, language
):
    prefix = "" if language == "zh-hans" else "/en"
    product = Product.objects.get(slug="rice-cookers-smart")
    # A cart with something in it, so the cart and checkout pages show their lines and bars.
    page.goto(shop + prefix + product.get_absolute_url())
    page.locator("#buy-form button").first.click()
    pages = [*PAGES, product.get_absolute_url(), "/cart/", "/checkout/", "/accounts/login/"]
    pages += ["/help/", "/orders/lookup/"]

    faults = {}
    for path in pages:
        page.goto(shop + prefix + path)
        width, screen = page.evaluate(WIDER_THAN_SCREEN)
        assert width <= screen, f"{path} scrolls sideways: {width} px on a {screen}-px screen"
        page.evaluate(AXE.read_text())  # not a script tag: the CSP allows none
        result = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        )
        serious = [
            f"{fault['id']}: {[node['target'] for node in fault['nodes']][:3]}"
            for fault in result
            if fault["impact"] in ("serious", "critical")
        ]
        if serious:
            faults[path] = serious
    assert faults == {}
    assert console_errors == []

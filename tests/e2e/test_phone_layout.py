"""Pages fit a 375-px-wide phone screen: nothing scrolls sideways, nothing logs an error."""

import pytest

from apps.catalog.models import Product
from tests.catalog.factories import ProductImageFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDEST_ELEMENTS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter((element) => element.getBoundingClientRect().right > width + 1)
    .map((element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : ""));
  return {scrollWidth: document.documentElement.scrollWidth, width, wide};
}"""


@pytest.fixture
def browser_context_args():
    return {
        "locale": "zh-CN",
        "viewport": {"width": 375, "height": 812},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    }


@pytest.mark.parametrize("which", ["home", "product"])
def test_page_fits_a_phone_screen_without_console_errors(shop, page, console_errors, which):
    product = Product.objects.get(slug="rice-cookers-smart")
    for order in range(3):
        ProductImageFactory(product=product, sort_order=order)

    page.goto(shop + ("/" if which == "home" else product.get_absolute_url()))
    page.wait_for_load_state("networkidle")

    layout = page.evaluate(WIDEST_ELEMENTS)
    assert layout["scrollWidth"] <= layout["width"], layout
    broken = page.evaluate(
        "() => [...document.images].filter((i) => i.complete && !i.naturalWidth).map((i) => i.src)"
    )
    assert broken == []
    assert console_errors == []

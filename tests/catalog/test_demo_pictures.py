"""The demo shop looks like a catalogue: each category has its own drawn silhouette, each
colour of a product its own picture, and names read like real product names."""

import re
from io import BytesIO

import pytest
from PIL import Image, ImageChops

from apps.catalog import demo_pictures
from apps.catalog.demo import load_banners, load_bulk_products, load_catalog, load_category_pictures
from apps.catalog.models import Banner, Category, Product, ProductImage
from apps.members.demo import load_membership_plan, load_tiers

pytestmark = pytest.mark.django_db


def _pixels(name: str) -> Image.Image:
    with ProductImage._meta.get_field("image").storage.open(name, "rb") as picture:
        return Image.open(BytesIO(picture.read())).convert("L").resize((64, 64))


def _differ(first: str, second: str) -> bool:
    return ImageChops.difference(_pixels(first), _pixels(second)).getbbox() is not None


@pytest.fixture(scope="module")
def drawn_silhouettes():
    """Every category's silhouette in one colour, as the demo draws them."""
    return {
        slug: Image.open(BytesIO(demo_pictures.draw_product_picture(slug, (200, 56, 52))))
        for slug in demo_pictures.SILHOUETTES
    }


def test_every_category_has_a_silhouette_of_its_own(drawn_silhouettes):
    outlines = {
        slug: picture.convert("L").resize((48, 48)).point(lambda v: 255 if v > 200 else 0)
        for slug, picture in drawn_silhouettes.items()
    }
    slugs = sorted(outlines)

    same = [
        (first, second)
        for index, first in enumerate(slugs)
        for second in slugs[index + 1 :]
        if ImageChops.difference(outlines[first], outlines[second]).getbbox() is None
    ]

    assert same == []


def test_product_pictures_keep_their_size_and_a_light_background(drawn_silhouettes):
    kettle = drawn_silhouettes["kettles"]

    assert kettle.size == (600, 600)
    assert min(kettle.getpixel((5, 5))) > 240  # the studio's light corner


def test_demo_products_show_their_categorys_shape_in_each_of_their_colours():
    load_catalog()
    kettle = Product.objects.get(slug="kettles-smart")
    wok = Product.objects.get(slug="woks-classic").images.first()
    knife = Product.objects.get(slug="knives-classic").images.first()
    kettle_pictures = list(kettle.images.order_by("sort_order"))

    # A kettle, a wok and a knife do not share one shape.
    assert _differ(kettle_pictures[0].image.name, wok.image.name)
    assert _differ(wok.image.name, knife.image.name)
    assert _differ(kettle_pictures[0].image.name, knife.image.name)
    # Each picture of a product shows another of its SKUs' colours.
    colours = [sku.options_en for sku in kettle.skus.order_by("sort_order")]
    shown = [picture.alt_en.rsplit("(", 1)[1].rstrip(")") for picture in kettle_pictures]
    assert len(kettle_pictures) >= 2
    assert shown == colours[: len(kettle_pictures)]
    assert _differ(kettle_pictures[0].image.name, kettle_pictures[1].image.name)
    # Drawn once per shape and colour, shared by the products that show it.
    files = set(ProductImage.objects.values_list("image", flat=True))
    assert len(files) <= len(demo_pictures.SILHOUETTES) * 5 < ProductImage.objects.count()


def test_no_demo_product_name_ends_with_a_number():
    load_catalog(with_images=False)
    load_bulk_products(total=400)

    numbered = [
        name
        for name in Product.objects.values_list("name_zh_hans", flat=True)
        if re.search(r"\d$", name)
    ] + [
        name
        for name in Product.objects.values_list("name_en", flat=True)
        if re.search(r"\d$", name)
    ]

    assert numbered == []


def test_bulk_products_have_distinct_catalogue_names():
    load_catalog(with_images=False)
    load_bulk_products(total=2000)

    names = list(Product.objects.values_list("name_zh_hans", flat=True))

    assert len(set(names)) == len(names)
    assert "悦享 " in " ".join(names)


def test_every_category_gets_a_grid_picture_and_the_shop_two_banners():
    load_catalog(with_images=False)

    load_category_pictures({category.slug: category for category in Category.objects.all()})
    load_banners()

    categories = Category.objects.all()
    assert all(category.image_url.endswith(".jpg") for category in categories)
    with Image.open(categories[0].image) as picture:
        assert picture.size == (200, 200)
    banners = list(Banner.objects.order_by("sort_order"))
    assert [banner.title_en for banner in banners] == ["12.12 Year-end deals", "New arrivals"]
    with Image.open(banners[0].image_zh_hans) as picture:
        assert picture.size == (1200, 600)


def test_bulk_products_fill_the_everyday_categories_beside_the_membership():
    load_catalog(with_images=False)
    load_tiers()
    plan = load_membership_plan(with_images=False)

    load_bulk_products(total=300)

    assert Product.objects.count() == 300
    assert Product.objects.filter(category=plan.sku.product.category).count() == 1

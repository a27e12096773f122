from decimal import Decimal
from io import BytesIO

import pytest
from PIL import Image

from apps.catalog import services
from apps.catalog.models import Product, ProductImage, Sku
from apps.catalog.search import query_words, words
from apps.core import pagecache
from tests.catalog.factories import ProductFactory, SkuFactory

pytestmark = pytest.mark.django_db


def jpeg_bytes(width=300, height=200) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_summary_refresh_forgets_cached_pages_only_once_its_transaction_commits(
    django_capture_on_commit_callbacks,
):
    """A shopper rendering the page before the commit sees the old rows; were the version
    bumped first, that old page would be cached under the new version."""
    product = ProductFactory()
    before = pagecache.version("catalog")

    with django_capture_on_commit_callbacks(execute=True):
        services.product_refresh_summary(product=product)
        during = pagecache.version("catalog")

    assert (during, pagecache.version("catalog")) == (before, before + 1)


def test_summary_takes_price_range_and_stock_from_active_skus():
    product = ProductFactory(skus=[])
    SkuFactory(product=product, price=Decimal("99.00"), stock=3)
    SkuFactory(product=product, price=Decimal("149.50"), stock=4)
    SkuFactory(product=product, price=Decimal("10.00"), stock=100, is_active=False)

    services.product_refresh_summary(product=product)

    product.refresh_from_db()
    assert (product.min_price, product.max_price, product.total_stock) == (
        Decimal("99.00"),
        Decimal("149.50"),
        7,
    )


def test_search_words_include_chinese_segments_and_sku_code_parts():
    product = ProductFactory(name_zh_hans="智能电饭煲", skus=[])
    SkuFactory(product=product, code="RC-2024-W")

    services.product_refresh_summary(product=product)

    stored = set(Product.objects.get(pk=product.pk).search_text.split())
    assert {"电饭煲", "智能", "饭", "rc", "2024", "rc2024w"} <= stored


def test_query_words_drop_punctuation_emoji_and_overlong_text():
    assert query_words('"电饭煲" %% 😀') == ["电饭煲"]  # "饭煲" is inside it
    assert len(query_words("a" * 2000)) == 1
    assert words("") == []


def test_bulk_price_change_rounds_to_cents_and_refreshes_listing_price():
    product = ProductFactory(skus=[])
    sku = SkuFactory(product=product, price=Decimal("199.99"))
    services.product_refresh_summary(product=product)

    services.skus_change_price(sku_ids=[sku.pk], percent=Decimal("-10"))

    sku.refresh_from_db()
    product.refresh_from_db()
    assert sku.price == Decimal("179.99")
    assert product.min_price == Decimal("179.99")
    assert sku.history.count() == 2


def test_bulk_price_change_refuses_absurd_percentages_and_changes_nothing():
    sku = SkuFactory(price=Decimal("100.00"))

    with pytest.raises(services.CatalogError):
        services.skus_change_price(sku_ids=[sku.pk], percent=Decimal("-90"))

    sku.refresh_from_db()
    assert sku.price == Decimal("100.00")


def test_publish_and_unpublish_many_products():
    products = ProductFactory.create_batch(3, is_published=False)

    changed = services.products_set_published(product_ids=[p.pk for p in products], published=True)

    assert changed == 3
    assert Product.objects.filter(is_published=True).count() == 3


def test_stock_can_never_be_negative_in_the_database():
    from django.db import IntegrityError, transaction

    sku = SkuFactory(stock=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Sku.objects.filter(pk=sku.pk).update(stock=-1)
    sku.refresh_from_db()
    assert sku.stock == 1


def test_uploaded_image_is_reencoded_with_random_name_and_thumbnails():
    product = ProductFactory()

    image = services.product_image_create(product=product, data=jpeg_bytes(), alt="正面")

    assert image.image.name.startswith("products/") and image.image.name.endswith(".jpg")
    with Image.open(image.image.path) as stored:
        assert stored.format == "JPEG"
    assert image.card_url.endswith("-card.jpg")
    assert image.small_url.endswith("-small.jpg")


def test_card_picture_is_the_first_picture_and_follows_reordering_and_removal():
    product = ProductFactory()
    front = services.product_image_create(product=product, data=jpeg_bytes(), sort_order=0)
    back = services.product_image_create(product=product, data=jpeg_bytes(), sort_order=1)
    shown_first = Product.objects.get(pk=product.pk).cover_image

    back.sort_order = 0
    front.sort_order = 1
    ProductImage.objects.bulk_update([front, back], ["sort_order"])
    services.product_refresh_summary(product=product)  # as the admin does after saving
    shown_after_reordering = Product.objects.get(pk=product.pk).cover_image
    back.delete()
    front.delete()
    services.product_refresh_summary(product=product)

    assert shown_first == front.card_thumbnail
    assert shown_after_reordering == back.card_thumbnail
    assert Product.objects.get(pk=product.pk).cover_image == ""


def test_a_file_that_is_not_an_image_is_refused():
    product = ProductFactory()

    with pytest.raises(services.CatalogError):
        services.product_image_create(product=product, data=b"<html><script>x</script>")

    assert product.images.count() == 0


def test_decompression_bomb_is_refused(monkeypatch):
    monkeypatch.setattr("apps.core.images.MAX_IMAGE_PIXELS", 10_000)
    product = ProductFactory()

    with pytest.raises(services.CatalogError):
        services.product_image_create(product=product, data=jpeg_bytes(400, 400))

    assert product.images.count() == 0


def test_compare_holds_at_most_four_products_and_says_why():
    session = {}
    products = ProductFactory.create_batch(5)
    for product in products[:4]:
        services.compare_add(session=session, product_id=product.pk)

    with pytest.raises(services.CatalogError, match="4"):
        services.compare_add(session=session, product_id=products[4].pk)

    assert services.compare_ids(session=session) == [p.pk for p in products[:4]]


def test_compare_refuses_unpublished_and_unknown_products():
    session = {}
    hidden = ProductFactory(is_published=False)

    for bad in (hidden.pk, "abc", 999999):
        with pytest.raises(services.CatalogError):
            services.compare_add(session=session, product_id=bad)

    assert services.compare_ids(session=session) == []

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from apps.catalog import services
from apps.catalog.models import (
    Banner,
    Category,
    Product,
    ProductImage,
    ProductSpec,
    Series,
    Sku,
)


class SeriesFactory(DjangoModelFactory):
    class Meta:
        model = Series

    name_zh_hans = factory.Sequence(lambda n: f"系列{n}")
    name_en = factory.Sequence(lambda n: f"Series {n}")
    slug = factory.Sequence(lambda n: f"series-{n}")


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    series = factory.SubFactory(SeriesFactory)
    name_zh_hans = factory.Sequence(lambda n: f"分类{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ProductFactory(DjangoModelFactory):
    """A published product with one SKU in stock, its summary and search words refreshed."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    category = factory.SubFactory(CategoryFactory)
    series = factory.SelfAttribute("category.series")
    name_zh_hans = factory.Sequence(lambda n: f"测试商品{n}")
    name_en = factory.Sequence(lambda n: f"Test product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    description_zh_hans = "好用的厨房用品"
    description_en = "A useful kitchen product"
    is_published = True

    @factory.post_generation
    def skus(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            SkuFactory(product=self, **kwargs)
        services.product_refresh_summary(product=self)


class SkuFactory(DjangoModelFactory):
    """A SKU whose product's listing summary (price range, stock) is refreshed, as the admin
    and the import do after every SKU change."""

    class Meta:
        model = Sku
        skip_postgeneration_save = True

    product = factory.SubFactory(ProductFactory, skus=[])
    code = factory.Sequence(lambda n: f"SKU-{n:05d}")
    options_zh_hans = "白色"
    options_en = "White"
    price = Decimal("199.00")
    stock = 50

    @factory.post_generation
    def refresh_product(self, create, extracted, **kwargs):
        if create:
            services.product_refresh_summary(product=self.product)


class ProductSpecFactory(DjangoModelFactory):
    class Meta:
        model = ProductSpec

    product = factory.SubFactory(ProductFactory)
    name_zh_hans = "功率"
    name_en = "Power"
    value_zh_hans = "800 瓦"
    value_en = "800 W"


class ProductImageFactory(DjangoModelFactory):
    class Meta:
        model = ProductImage
        skip_postgeneration_save = True  # the hook below writes what it changes itself

    product = factory.SubFactory(ProductFactory)
    image = factory.django.ImageField(width=200, height=200, color="red", format="JPEG")
    alt_zh_hans = "商品图片"

    @factory.post_generation
    def cover(obj, create, extracted, **kwargs):
        """Product cards show the first picture, as after an upload in the admin."""
        if create:
            services.product_refresh_cover(product=obj.product)


class BannerFactory(DjangoModelFactory):
    """An active home-page banner without a time window, with a picture in Chinese only."""

    class Meta:
        model = Banner

    title_zh_hans = factory.Sequence(lambda n: f"活动{n}")
    title_en = factory.Sequence(lambda n: f"Campaign {n}")
    image_zh_hans = factory.django.ImageField(width=1200, height=600, color="red")
    link = "/series/appliances/"

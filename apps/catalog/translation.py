from modeltranslation.translator import TranslationOptions, register

from apps.catalog.models import Banner, Category, Product, ProductImage, ProductSpec, Series, Sku


@register(Series)
class SeriesTranslation(TranslationOptions):
    fields = ("name", "tagline", "description", "seo_title", "seo_keywords", "seo_description")


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "description", "seo_title", "seo_keywords", "seo_description")


@register(Product)
class ProductTranslation(TranslationOptions):
    fields = (
        "name",
        "subtitle",
        "description",
        "keywords",
        "seo_title",
        "seo_keywords",
        "seo_description",
    )


@register(Sku)
class SkuTranslation(TranslationOptions):
    fields = ("options",)


@register(ProductImage)
class ProductImageTranslation(TranslationOptions):
    fields = ("alt",)


@register(ProductSpec)
class ProductSpecTranslation(TranslationOptions):
    fields = ("name", "value")


@register(Banner)
class BannerTranslation(TranslationOptions):
    fields = ("title", "image")

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from apps.catalog.models import Category, Product, Series


class StaticSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "daily"

    def items(self):
        return ["catalog:home", "catalog:product_list"]

    def location(self, item):
        return reverse(item)


class SeriesSitemap(Sitemap):
    i18n = True
    alternates = True
    changefreq = "weekly"

    def items(self):
        return Series.objects.order_by("id")


class CategorySitemap(Sitemap):
    i18n = True
    alternates = True
    changefreq = "weekly"

    def items(self):
        return Category.objects.order_by("id")


class ProductSitemap(Sitemap):
    i18n = True
    alternates = True
    changefreq = "daily"
    limit = 5000

    def items(self):
        return Product.objects.filter(is_published=True).only("slug", "updated_at").order_by("id")

    def lastmod(self, product):
        return product.updated_at

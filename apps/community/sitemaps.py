from django.contrib.sitemaps import Sitemap

from apps.community.models import HelpPage


class HelpPageSitemap(Sitemap):
    i18n = True
    alternates = True
    changefreq = "monthly"

    def items(self):
        return HelpPage.objects.filter(is_published=True).order_by("id")

    def lastmod(self, page):
        return page.updated_at

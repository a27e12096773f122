"""The back office's admin site: the shop's name in the header and title, the apps in the
order staff reach for them (orders first), each role's work of today on the index, and a
language switch (the back office's URLs carry no language; see apps.staff.middleware)."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

# The apps in the order the index and the sidebar list them; any other app follows, in the
# admin's usual alphabetical order. Names of apps that do not exist yet are harmless.
APP_ORDER = [
    "orders",
    "aftersales",
    "payments",
    "catalog",
    "promotions",
    "community",
    "members",
    "mailing",
    "stats",
    "staff",
]


class ShopAdminSite(admin.AdminSite):
    index_title = _("Back office")

    @property
    def site_header(self):
        return settings.SHOP_NAME or settings.SHOP_NAME_DISPLAY

    @property
    def site_title(self):
        return settings.SHOP_NAME or settings.SHOP_NAME_DISPLAY

    def get_app_list(self, request, app_label=None):
        rank = {label: position for position, label in enumerate(APP_ORDER)}
        apps = super().get_app_list(request, app_label)
        return sorted(apps, key=lambda app: rank.get(app["app_label"], len(rank)))

    def get_urls(self):
        return [path("language/", set_language, name="language"), *super().get_urls()]

    def index(self, request, extra_context=None):
        from apps.staff.selectors import todays_work

        context = {"todays_work": todays_work(user=request.user), **(extra_context or {})}
        return super().index(request, context)


class ShopAdminConfig(AdminConfig):
    default_site = "apps.staff.admin_site.ShopAdminSite"

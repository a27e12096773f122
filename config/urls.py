from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from django.views.static import serve

from apps.catalog.sitemaps import CategorySitemap, ProductSitemap, SeriesSitemap, StaticSitemap
from apps.community.sitemaps import HelpPageSitemap
from apps.core import health
from apps.core import views as core_views
from apps.payments import views as payment_views

sitemaps = {
    "pages": StaticSitemap,
    "help": HelpPageSitemap,
    "series": SeriesSitemap,
    "categories": CategorySitemap,
    "products": ProductSitemap,
}

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    # Browsers ask for /favicon.ico whatever the page says; the icon is the static SVG (not a
    # permanent redirect: its hashed name changes with its content in production).
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("img/favicon.svg"))),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("admin/", admin.site.urls),
    path("payments/notify/<slug:provider>/", payment_views.notify, name="payment_notify"),
]

if core_views.bare_enabled():
    urlpatterns.append(path("bench/bare", core_views.bare))

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("members/", include("apps.members.urls")),
    path("favourites/", include("apps.favourites.urls")),
    path("points/", include("apps.points.urls")),
    path("referrals/", include("apps.referrals.urls")),
    path("help/", include("apps.community.urls")),
    path("cart/", include("apps.cart.urls")),
    path("promotions/", include("apps.promotions.urls")),
    path("", include("apps.orders.urls")),
    path("", include("apps.payments.urls")),
    path("", include("apps.aftersales.urls")),
    path("", include("apps.catalog.urls")),
    path("styleguide/", core_views.styleguide, name="styleguide"),
    prefix_default_language=False,
)

if settings.DEBUG or getattr(settings, "SERVE_MEDIA", False):
    urlpatterns.append(
        path(
            f"{settings.MEDIA_URL.strip('/')}/<path:path>",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    )

handler403 = "apps.core.errors.permission_denied"
handler404 = "apps.core.errors.page_not_found"
handler500 = "apps.core.errors.server_error"

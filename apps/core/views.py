import re
from dataclasses import replace
from decimal import Decimal

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from apps.catalog.selectors import ProductCard


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /en/accounts/",
        "Disallow: /members/",
        "Disallow: /en/members/",
        "Disallow: /search/",
        "Disallow: /en/search/",
        "Disallow: /compare/",
        "Disallow: /en/compare/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def bare(request):
    """The benchmark's yardstick: a view that does nothing. Only routed when BENCH_BARE_VIEW."""
    return HttpResponse(b"ok", content_type="text/plain")


def bare_enabled() -> bool:
    return getattr(settings, "BENCH_BARE_VIEW", False)


@staff_member_required
def styleguide(request):
    """Every storefront component on one page, for the shop's designers to check (staff only)."""
    sample = ProductCard(
        id=0,
        name=_("Smart rice cooker 4 L, sample"),
        url=request.path,
        image_url=static("img/favicon.svg"),
        is_hero=True,
        min_price=Decimal("399.00"),
        price_varies=True,
        in_stock=True,
    )
    sold_out = replace(sample, name=_("Cast-iron wok, sold out"), is_hero=False, in_stock=False)
    context = {
        "cards": [sample, sold_out],
        "colours": STYLEGUIDE_COLOURS,
        "icons": _sprite_icons(),
        "amount": Decimal("1237.50"),
    }
    return render(request, "core/styleguide.jinja", context)


STYLEGUIDE_COLOURS = [
    ("--brand", "#d4252b"),
    ("--brand-strong", "#b81d22"),
    ("--brand-soft", "#fdeeee"),
    ("--text", "#1f1f1f"),
    ("--text-2", "#555"),
    ("--muted", "#6b6b6b"),
    ("--page", "#f5f5f5"),
    ("--surface", "#fff"),
    ("--border", "#e8e8e8"),
    ("--success", "#15803d"),
    ("--warning", "#b45309"),
    ("--danger", "#b91c1c"),
]


def _sprite_icons() -> list[str]:
    """The ids of the icons in the vendored sprite, in its order."""
    sprite = finders.find("vendor/lucide/icons.svg")
    with open(sprite, encoding="utf-8") as file:
        return re.findall(r'<symbol id="([a-z0-9-]+)"', file.read())

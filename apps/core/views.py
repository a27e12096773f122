from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET


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

"""Canonical, hreflang and language-switch links, built from the request path only.

The request's Host header and a path such as `//evil.example/` must never become a link's
origin: canonical and hreflang URLs use `SHOP_SITE_URL` as their origin, language links stay
path-only with exactly one leading slash, and error pages link to the home page instead of
echoing a path that matched nothing.
"""

from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import reverse, translate_url
from django.utils import translation


def local_path(path: str) -> str:
    """`path` with a single leading slash, so browsers can never read it as `//host/...`
    (they treat a backslash like a slash there too)."""
    return "/" + path.lstrip("/\\")


def language_urls(request, error_page: bool = False) -> list[tuple[str, str, str]]:
    """(code, name, url) of the current page in each language, for the switch and hreflang.
    On error pages: the home page in each language."""
    if error_page:
        result = []
        for code, name in settings.LANGUAGES:
            with translation.override(code):
                result.append((code, name, reverse("catalog:home")))
        return result
    query = request.META.get("QUERY_STRING", "")
    return [
        (code, name, f"{url}?{query}" if query else url)
        for code, name, url in _translated_paths(
            local_path(request.path), translation.get_language()
        )
    ]


@lru_cache(maxsize=4096)
def _translated_paths(path: str, active: str | None) -> tuple[tuple[str, str, str], ...]:
    """A path in each language; the URLconf cannot change while the process runs, and every
    page would otherwise resolve its own path again (0.2 ms)."""
    return tuple(
        (code, name, local_path(translate_url(path, code))) for code, name in settings.LANGUAGES
    )


@receiver(setting_changed)
def _forget_paths(**kwargs) -> None:
    _translated_paths.cache_clear()


def absolute(url: str) -> str:
    """`url` (a path) on the shop's public origin, for canonical and hreflang links."""
    return settings.SHOP_SITE_URL.rstrip("/") + local_path(url)


def html_lang(code: str) -> str:
    """The BCP 47 tag for a language code: Django's `zh-hans` is `zh-Hans` in HTML."""
    return "zh-Hans" if code == "zh-hans" else code

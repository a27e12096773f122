"""Whole-page caching for anonymous shoppers, correctly invalidated.

A page is served from the cache only to a visitor without a session (so nothing personal can
be on it). The CSRF token is punched out before storing and a fresh one put in when serving.
Each cached page belongs to a *scope* (for example "catalog"); any change in that scope bumps
its version number, which is part of the key, so stale pages are never served again.
A page whose content changes at a known time without any write (a sale starting or ending, a
reservation running out) says so with `valid_until(request, when)`; its cached copy then
lives only until that moment.
The cache never takes a page down: any cache error means "render normally" (fail open).
"""

import functools
import hashlib
import logging
import math
import re
import time
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
_HOLE = b'name="csrfmiddlewaretoken" value="@@csrf@@"'
_FILLED = b'name="csrfmiddlewaretoken" value="%s"'


def _safe(call, default=None):
    try:
        return call()
    except Exception:
        logger.warning("pagecache.unavailable", exc_info=True)
        return default


def version(scope: str) -> int:
    # A lost version key (evicted, or the cache emptied) starts again from the clock, never
    # from a number an older cached page may still carry.
    return _safe(lambda: cache.get_or_set(f"pagecache:v:{scope}", time.time_ns, None), 0) or 0


def bump_version(scope: str) -> None:
    """Forget every cached page of a scope (called by the services that change it)."""

    def bump():
        try:
            cache.incr(f"pagecache:v:{scope}")
        except ValueError:
            cache.set(f"pagecache:v:{scope}", time.time_ns(), None)

    _safe(bump)


_VALID_UNTIL = "_pagecache_valid_until"


def valid_until(request, when: datetime) -> None:
    """Say that the page being rendered for `request` changes by itself at `when` (a sale
    ends, a price starts): a cached copy is then kept no longer than that. Call it from the
    view, or from anything the view calls that has the request; the earliest time wins.
    Harmless on pages that are not cached."""
    earlier = getattr(request, _VALID_UNTIL, None)
    if earlier is None or when < earlier:
        setattr(request, _VALID_UNTIL, when)


def _lifetime(request) -> int:
    """Seconds a freshly rendered page may be cached: PAGE_CACHE_SECONDS, cut short by
    `valid_until`. Rounded down, so the copy is gone by the moment the content changes."""
    seconds = settings.PAGE_CACHE_SECONDS
    until = getattr(request, _VALID_UNTIL, None)
    if until is not None:
        seconds = min(seconds, math.floor((until - timezone.now()).total_seconds()))
    return seconds


def _cacheable(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not getattr(request, "htmx", False)
        and settings.PAGE_CACHE_SECONDS > 0
    )


def cache_anonymous_page(*scopes: str):
    """Decorator for views whose page is the same for every visitor without a session."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable(request):
                return view(request, *args, **kwargs)
            versions = ".".join(str(version(scope)) for scope in scopes)
            # Scheme and host are part of the page (absolute links, the canonical origin a
            # proxy passes on): a page rendered for http://localhost is not one for https://.
            url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
            page = hashlib.blake2b(url.encode(), digest_size=16).hexdigest()
            key = f"pagecache:{get_language()}:{versions}:{page}"
            cached = _safe(lambda: cache.get(key))
            if cached is not None:
                status, content_type, body = cached
                if _HOLE in body:
                    body = body.replace(_HOLE, _FILLED % get_token(request).encode())
                response = HttpResponse(body, status=status, content_type=content_type)
                response["X-Page-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.cookies.get(
                settings.SESSION_COOKIE_NAME
            ):
                if hasattr(response, "render"):
                    response.render()  # a template may call valid_until while rendering
                lifetime = _lifetime(request)
                if lifetime > 0:
                    body = _TOKEN.sub(_HOLE, response.content)
                    entry = (response.status_code, response["Content-Type"], body)
                    _safe(lambda: cache.set(key, entry, lifetime))
                    response["X-Page-Cache"] = "miss"
                else:
                    response["X-Page-Cache"] = "expired"  # changes now: not worth storing
            return response

        return wrapper

    return decorator

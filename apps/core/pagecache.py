"""Whole-page caching for shoppers, correctly invalidated.

A page is served from the shared cache to a visitor without a session (so nothing personal can
be on it). A page that differs between visitors only in a few known ways (a member's tier, the
header's cart and comparison counts, the heart of a product they saved) may also be cached per
those ways for visitors with a session: `cache_anonymous_page(..., vary=...)`. The CSRF token
is punched out before storing and the visitor's own put in when serving.
Each cached page belongs to a *scope* (for example "catalog"); any change in that scope bumps
its version number, which is stored with the page and checked on every hit, so stale pages are
never served again.
A page whose content changes at a known time without any write (a sale starting or ending, a
reservation running out) says so with `valid_until(request, when)`; its cached copy then
lives only until that moment.
The cache never takes a page down: any cache error means "render normally" (fail open).
"""

import functools
import hashlib
import logging
import math
import os
import re
import time
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_from_path

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


# The versions read during the current request (PageCacheMiddleware sets a fresh dict for each
# one): the page cache, the kept catalog tree and the listing's cached total all ask for the
# catalog's version, and one cache round trip answers them all. None outside requests.
_request_versions: ContextVar[dict[str, int] | None] = ContextVar(
    "pagecache_versions", default=None
)


def version(scope: str) -> int:
    known = _request_versions.get()
    if known is not None and scope in known:
        return known[scope]
    # A lost version key (evicted, or the cache emptied) starts again from the clock, never
    # from a number an older cached page may still carry.
    number = _safe(lambda: cache.get_or_set(_version_key(scope), time.time_ns, None), 0) or 0
    if known is not None and number:
        known[scope] = number
    return number


def bump_version(scope: str) -> None:
    """Forget every cached page of a scope (called by the services that change it)."""
    known = _request_versions.get()
    if known is not None:
        known.pop(scope, None)

    def bump():
        try:
            cache.incr(_version_key(scope))
        except ValueError:
            cache.set(_version_key(scope), time.time_ns(), None)

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
        and request.headers.get("HX-Request") != "true"
        and settings.PAGE_CACHE_SECONDS > 0
    )


def _version_key(scope: str) -> str:
    return f"pagecache:v:{scope}"


def _page_key(request) -> str:
    # The language comes from the path, as LocaleMiddleware decides it (the default language
    # has no prefix). Scheme and host are part of the page (absolute links, the canonical
    # origin a proxy passes on): a page rendered for http://localhost is not one for https://.
    language = get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"pagecache:{language}:{hashlib.blake2b(url.encode(), digest_size=16).hexdigest()}"


@dataclass
class _Pending:
    """A cacheable request that missed: its page's key, and the versions of the page's scopes
    once its view has read them."""

    key: str
    versions: dict[str, int] | None = None


class PageCacheMiddleware:
    """Serves cached pages before the rest of the middleware runs, and stores pages rendered
    by `cache_anonymous_page` views with the headers the whole stack gave them.

    A hit costs one cache round trip (the page and its scopes' versions together) and no
    session, authentication, messages or database work; it replays the stored headers (CSP,
    X-Frame-Options, Content-Language, Vary), so it answers as a rendered page would. Its
    forms get a CSRF token made from the visitor's own CSRF cookie, and a cookie is set only
    for a visitor who has none yet. Goes right after SecurityMiddleware and WhiteNoise.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        versions = _request_versions.set({})
        try:
            return self._respond(request)
        finally:
            _request_versions.reset(versions)

    def _respond(self, request):
        scopes = _cacheable(request) and _scopes_of_view(request)
        if not scopes:  # not a cached page: no cache round trip at all
            return self.get_response(request)
        key = _page_key(request)
        found = _safe(lambda: cache.get_many([key, *map(_version_key, scopes)]), {})
        seen = {
            scope: found[_version_key(scope)] for scope in scopes if _version_key(scope) in found
        }
        _request_versions.get().update(seen)
        entry = found.get(key)
        if entry is not None and all(
            seen.get(scope) == number for scope, number in entry[0].items()
        ):
            return _replay(request, entry)
        request._pagecache = pending = _Pending(key=key)
        response = self.get_response(request)
        if pending.versions is not None and response.status_code == 200:
            _store(request, response, pending)
        return response


def _scopes_of_view(request) -> tuple[str, ...]:
    """The scopes of the `cache_anonymous_page` view the path leads to; empty for any other
    page, which then costs no cache lookup. Resolved in the path's language, as
    LocaleMiddleware will activate it."""
    return _scopes_of_path(request.path_info, getattr(request, "urlconf", None))


@functools.lru_cache(maxsize=8192)
def _scopes_of_path(path_info: str, urlconf) -> tuple[str, ...]:
    # Kept per path: the URLconf cannot change while the process runs, and resolving walks
    # every pattern of the shop (a tenth of a cached page's time).
    language = get_language_from_path(path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            match = resolve(path_info, urlconf)
        except Resolver404:
            return ()
    return getattr(match.func, "pagecache_scopes", ())


def _replay(request, entry) -> HttpResponse:
    _versions, status, headers, body = entry
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response[name] = value
    if _HOLE in body:
        response.content = body.replace(_HOLE, _FILLED % _csrf_token(request, response).encode())
    response["X-Page-Cache"] = "hit"
    return response


def _csrf_token(request, response) -> str:
    """A token for the page's forms from the visitor's CSRF cookie (masked afresh, as Django
    does for every page); only a visitor without a valid cookie gets one set."""
    secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    if not (len(secret) == CSRF_SECRET_LENGTH and secret.isascii() and secret.isalnum()):
        secret = _random_csrf_string()
        response.set_cookie(
            settings.CSRF_COOKIE_NAME,
            secret,
            max_age=settings.CSRF_COOKIE_AGE,
            domain=settings.CSRF_COOKIE_DOMAIN,
            path=settings.CSRF_COOKIE_PATH,
            secure=settings.CSRF_COOKIE_SECURE,
            httponly=settings.CSRF_COOKIE_HTTPONLY,
            samesite=settings.CSRF_COOKIE_SAMESITE,
        )
        patch_vary_headers(response, ("Cookie",))
    request.META["CSRF_COOKIE"] = secret
    return _masked(secret)


# Django's token format (django.middleware.csrf): a secret of 32 letters and digits, shown in
# forms as a random mask followed by the secret shifted by the mask. Django draws each letter
# with secrets.choice, a fifth of a cached page's time; here 32 are drawn from one read of
# the system's random source, by rejection so that every letter stays equally likely.
_CHARS = CSRF_ALLOWED_CHARS.encode()
_FAIR_BELOW = 256 - 256 % len(_CHARS)


def _random_csrf_string() -> str:
    letters = bytearray()
    while len(letters) < CSRF_SECRET_LENGTH:
        letters += bytes(
            _CHARS[byte % len(_CHARS)] for byte in os.urandom(48) if byte < _FAIR_BELOW
        )
    return letters[:CSRF_SECRET_LENGTH].decode()


_INDEX = {char: index for index, char in enumerate(CSRF_ALLOWED_CHARS)}


def _masked(secret: str) -> str:
    mask = _random_csrf_string()
    size = len(CSRF_ALLOWED_CHARS)
    cipher = "".join(
        CSRF_ALLOWED_CHARS[(_INDEX[x] + _INDEX[y]) % size]
        for x, y in zip(secret, mask, strict=True)
    )
    return mask + cipher


# Headers that belong to one response only, never to the stored page.
_NOT_STORED = {"content-length", "date", "x-page-cache"}


def _store(request, response, pending: _Pending) -> None:
    if response.streaming or response.cookies.get(settings.SESSION_COOKIE_NAME):
        return  # the view started a session: the page may be personal
    lifetime = _lifetime(request)
    if lifetime <= 0:
        response["X-Page-Cache"] = "expired"  # changes now: not worth storing
        return
    headers = [(name, value) for name, value in response.items() if name.lower() not in _NOT_STORED]
    body = _TOKEN.sub(_HOLE, response.content)
    entry = (pending.versions, response.status_code, headers, body)
    _safe(lambda: cache.set(pending.key, entry, lifetime))
    response["X-Page-Cache"] = "miss"


def cache_anonymous_page(*scopes: str, vary: Callable[..., Hashable] | None = None):
    """Decorator for views whose page is the same for every visitor without a session: the
    page is cached by PageCacheMiddleware until one of its scopes changes.

    With `vary`, visitors with a session (members, guests with a cart) get cached copies too,
    one per `vary(request, *args, **kwargs)` (e.g. the member's tier) and per what the page
    frame shows them (signed in or not, cart and comparison counts). `vary` must name
    everything else personal the view puts on the page; a visitor with messages waiting is
    never served a copy."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            pending = getattr(request, "_pagecache", None)
            if pending is None and vary is not None and _session_cacheable(request):
                return _session_page(
                    request,
                    scopes,
                    lambda: vary(request, *args, **kwargs),
                    lambda: view(request, *args, **kwargs),
                )
            if pending is not None:
                # Read before rendering, so a change during rendering bumps past them; the
                # middleware's lookup already put them in this request's versions.
                pending.versions = {scope: version(scope) for scope in scopes}
            response = view(request, *args, **kwargs)
            if pending is not None and hasattr(response, "render"):
                response.render()  # a template may call valid_until while rendering
            return response

        wrapper.pagecache_scopes = scopes
        return wrapper

    return decorator


# --- visitors with a session ---------------------------------------------------------------


def _session_cacheable(request) -> bool:
    session = getattr(request, "session", None)
    return (
        session is not None
        and request.method in ("GET", "HEAD")
        and request.headers.get("HX-Request") != "true"
        and settings.PAGE_CACHE_SECONDS > 0
        and settings.SESSION_COOKIE_NAME in request.COOKIES
        # Messages are shown once, to whom they were meant for: render such a page afresh.
        and not session.get("_messages")
    )


def _session_page_key(request, variant: Hashable) -> str:
    """The page's key for this visitor's variant: the address as for anonymous pages, plus
    what the page frame shows them (apps.core.context_processors.shop) and the view's own
    `vary`. Never a key an anonymous page uses."""
    session = request.session
    frame = (
        request.user.is_authenticated,
        session.get("cart_count", 0),
        len(session.get("compare", [])),
    )
    personal = repr((frame, variant)).encode()
    return f"{_page_key(request)}:s:{hashlib.blake2b(personal, digest_size=12).hexdigest()}"


def _session_page(request, scopes, variant, render) -> HttpResponse:
    key = _session_page_key(request, variant())
    found = _safe(lambda: cache.get_many([key, *map(_version_key, scopes)]), {})
    seen = {scope: found[_version_key(scope)] for scope in scopes if _version_key(scope) in found}
    known = _request_versions.get()
    if known is not None:
        known.update(seen)
    entry = found.get(key)
    if entry is not None and all(seen.get(scope) == number for scope, number in entry[0].items()):
        body = entry[1]
        # Through the rest of the middleware like a rendered page (CSP, language, CSRF
        # cookie), with a token from the visitor's own CSRF secret.
        response = HttpResponse(body.replace(_HOLE, _FILLED % get_token(request).encode()))
        response["X-Page-Cache"] = "hit"
        return response
    versions = {scope: version(scope) for scope in scopes}
    response = render()
    if hasattr(response, "render"):
        response.render()
    if response.status_code != 200 or response.streaming or not all(versions.values()):
        return response
    lifetime = _lifetime(request)
    if lifetime > 0:
        stored = (versions, _TOKEN.sub(_HOLE, response.content))
        _safe(lambda: cache.set(key, stored, lifetime))
        response["X-Page-Cache"] = "miss"
    return response

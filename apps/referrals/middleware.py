"""Shared links (…?ref=CODE) are handled before the page cache: the visit is recorded, the
code kept in a cookie, and the visitor redirected to the same address without `ref`. So the
cache keeps one copy of each page, and a request without ?ref= costs one dictionary lookup
and no query."""

import logging

from django.db import DatabaseError
from django.http import HttpResponseRedirect

from apps.referrals import links, services

logger = logging.getLogger(__name__)


class ReferralLinkMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "ref" not in request.GET or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        rest = request.GET.copy()
        code = rest.pop("ref")[-1].strip().lower()
        # Always a path on this site ("//host" would leave it).
        clean = "/" + request.path.lstrip("/")
        if rest:
            clean += "?" + rest.urlencode()
        response = HttpResponseRedirect(clean)
        response["Cache-Control"] = "private, no-store"
        known = links.click_from_request(request)
        if not links.CODE_SHAPE.match(code) or (known is not None and known.code == code):
            # Junk, or the same link opened again: counted once per browser.
            return response
        try:
            visit = services.referral_visit_record(code=code, path=request.path)
        except DatabaseError:
            # Counting fails open: the visitor still reaches the page.
            logger.warning("referral.visit_not_recorded", exc_info=True)
            return response
        if visit is not None:
            links.remember_click(
                response,
                code=code,
                visit_id=visit.pk,
                clicked_at=visit.created_at,
                secure=request.is_secure(),
            )
        return response

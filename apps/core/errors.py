"""Error pages in the shop's own look. The 500 and 503 pages render without a database or
context processors, so they work when the database is what failed."""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def permission_denied(request, exception=None):
    return render(request, "403.jinja", {"error_page": True}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.jinja", {"error_page": True}, status=404)


def server_error(request):
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        # Raised outside a view (a middleware, a template rendering a lazy queryset).
        return database_unavailable(request, error)
    body = loader.get_template("500.html").render(
        {"SHOP_NAME": settings.SHOP_NAME or settings.SHOP_NAME_DISPLAY}
    )
    return HttpResponseServerError(body)


def database_unavailable(request, error: Exception | None = None) -> HttpResponse:
    """The 503 page for a database outage, in the active language, with no query at all."""
    logger.error(
        "db.unavailable",
        extra={"path": request.path, "error": repr(error)},
    )
    body = loader.get_template("503.html").render(
        {"SHOP_NAME": settings.SHOP_NAME or settings.SHOP_NAME_DISPLAY}
    )
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store"
    return response

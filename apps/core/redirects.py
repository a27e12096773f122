"""Redirecting to a page named by the request (a form's "next"), never to another site."""

from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def redirect_back(request, target: str, fallback: str, *args) -> HttpResponseRedirect:
    """Redirect to `target` if it is a page of this shop (same host, no scheme downgrade, no
    `//elsewhere`), else to the `fallback` URL name or path."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback, *args)

"""Redirecting to a page named by the request (a form's "next"), never to another site."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def redirect_back(request, target: str, fallback: str, *args) -> HttpResponseRedirect:
    """Redirect to `target` if it is a page of this shop (same host, no scheme downgrade, no
    `//elsewhere`), else to the `fallback` URL name or path."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback, *args)


def redirect_to_log_in(request, message: str, next_url: str, fallback: str) -> HttpResponseRedirect:
    """Send a visitor to log in (or sign up, from the login page) with `message` saying why,
    coming back to `next_url` if it is a page of this shop, else to the `fallback` URL name."""
    messages.info(request, message)
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse(fallback)
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")

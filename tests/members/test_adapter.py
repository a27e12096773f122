"""The shop's allauth adapter reads the client address the same way as every other limit."""

from allauth.account.adapter import get_adapter
from django.test import RequestFactory

CLIENT = "198.51.100.7"
PROXY = "10.0.0.2"


def test_allauth_counts_by_the_address_the_proxy_saw(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().post(
        "/accounts/login/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.66, {CLIENT}"
    )

    assert get_adapter(request).get_client_ip(request) == CLIENT


def test_allauth_falls_back_to_the_connection_on_a_short_header(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = RequestFactory().post(
        "/accounts/login/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT
    )

    assert get_adapter(request).get_client_ip(request) == PROXY

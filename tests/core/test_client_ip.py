"""apps.core.client_ip: the shopper's address with 0, 1 or 2 trusted proxies in front."""

import pytest
from django.test import RequestFactory

from apps.core.client_ip import client_ip

CLIENT = "198.51.100.7"
FORGED = "192.0.2.66"
EDGE_PROXY = "10.0.0.1"
INNER_PROXY = "10.0.0.2"


def request_from(remote_addr: str, forwarded_for: str | None = None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **headers)


def test_without_proxies_the_address_is_the_connections(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(request_from(CLIENT)) == CLIENT


def test_without_proxies_a_forwarded_for_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(request_from(CLIENT, forwarded_for=FORGED)) == CLIENT


def test_behind_one_proxy_the_rightmost_entry_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(request_from(EDGE_PROXY, forwarded_for=CLIENT)) == CLIENT


def test_behind_one_proxy_entries_forged_by_the_client_are_skipped(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(request_from(EDGE_PROXY, forwarded_for=f"{FORGED}, {CLIENT}")) == CLIENT


def test_behind_two_proxies_the_second_entry_from_the_right_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    request = request_from(INNER_PROXY, forwarded_for=f"{FORGED}, {CLIENT}, {EDGE_PROXY}")

    assert client_ip(request) == CLIENT


def test_behind_two_proxies_a_header_with_one_entry_falls_back_to_the_connection(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_ip(request_from(INNER_PROXY, forwarded_for=CLIENT)) == INNER_PROXY


def test_behind_a_proxy_a_missing_header_falls_back_to_the_connection(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(request_from(EDGE_PROXY)) == EDGE_PROXY


@pytest.mark.parametrize(
    "forwarded_for", ["", "not-an-address", "198.51.100.7:443", "198.51.100.7, ", "999.1.1.1"]
)
def test_a_malformed_entry_falls_back_to_the_connection(settings, forwarded_for):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(request_from(EDGE_PROXY, forwarded_for=forwarded_for)) == EDGE_PROXY


def test_an_ipv6_client_is_returned_in_its_short_form(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    request = request_from(EDGE_PROXY, forwarded_for="2001:DB8:0:0:0:0:0:1")

    assert client_ip(request) == "2001:db8::1"

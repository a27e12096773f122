"""The shopper's IP address, for rate limits and the login lockout.

Behind reverse proxies (a load balancer, nginx) REMOTE_ADDR is the last proxy, so every
shopper would share one bucket. Each proxy we run appends the address it received the
request from to X-Forwarded-For; anything to the left of those entries was written by the
client and can be forged. With TRUSTED_PROXY_COUNT = N, the Nth address from the right is
the one our outermost proxy saw: the client. With N = 0 (no proxy) the header is never read.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's IP address: the Nth X-Forwarded-For entry from the right when
    settings.TRUSTED_PROXY_COUNT is N > 0, else REMOTE_ADDR. A header with fewer entries
    than proxies, or an entry that is not an IP address, falls back to REMOTE_ADDR."""
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxy_count = settings.TRUSTED_PROXY_COUNT
    if proxy_count <= 0:
        return remote_addr
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(forwarded) < proxy_count:
        return remote_addr
    try:
        return str(ipaddress.ip_address(forwarded[-proxy_count].strip()))
    except ValueError:
        return remote_addr

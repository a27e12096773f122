"""The shop's allauth adapter: allauth's own rate limits (ACCOUNT_RATE_LIMITS) count by the
same client address as every other limit in the shop."""

from allauth.account.adapter import DefaultAccountAdapter

from apps.core.client_ip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        # allauth's own X-Forwarded-For reading (ALLAUTH_TRUSTED_PROXY_COUNT) raises
        # ImproperlyConfigured, a server error, on a header shorter than the proxy count;
        # apps.core.client_ip falls back to REMOTE_ADDR instead.
        return client_ip(request)

"""The customer panel on a member's back-office page: their segments, spend and paid orders
in 12 months, last paid order and return requests, read in two queries
(apps.segments.selectors.member_customer_profile) however many segments exist."""

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from apps.core.money import format_cny
from apps.segments.selectors import CustomerProfile, member_customer_profile

CUSTOMER_PANEL_FIELDS = (
    "customer_segments",
    "customer_spend_12m",
    "customer_paid_orders_12m",
    "customer_last_paid_at",
    "customer_returns_count",
)


class MemberCustomerPanelMixin:
    """For the members' ModelAdmin: read-only fields named in CUSTOMER_PANEL_FIELDS."""

    def _customer_profile(self, member) -> CustomerProfile:
        # The page shows several of these fields: the profile is read once per page.
        profile = getattr(member, "_customer_profile", None)
        if profile is None:
            profile = member._customer_profile = member_customer_profile(member)
        return profile

    @admin.display(description=gettext_lazy("customer segments"))
    def customer_segments(self, member) -> str:
        segments = self._customer_profile(member).segments
        if not segments:
            return _("In no segment")
        # One segment a line: names may hold commas of either language.
        return format_html_join(mark_safe("<br>"), "{}", ((segment.name,) for segment in segments))

    @admin.display(description=gettext_lazy("spent in 12 months"))
    def customer_spend_12m(self, member) -> str:
        return format_cny(self._customer_profile(member).spend_12m, get_language())

    @admin.display(description=gettext_lazy("paid orders in 12 months"))
    def customer_paid_orders_12m(self, member) -> int:
        return self._customer_profile(member).paid_orders_12m

    @admin.display(description=gettext_lazy("last paid order"))
    def customer_last_paid_at(self, member) -> str:
        last = self._customer_profile(member).last_paid_at
        return timezone.localtime(last).strftime("%Y-%m-%d") if last else _("Never")

    @admin.display(description=gettext_lazy("returns and exchanges asked for"))
    def customer_returns_count(self, member) -> int:
        return self._customer_profile(member).returns_count

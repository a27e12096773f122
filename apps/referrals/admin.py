"""Referral sharing for staff: the top sharers (visits, sign-ups, orders and points their
links brought), and what each link brought. Read-only: only the services write these."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.referrals import selectors
from apps.referrals.models import Referral, ShareCode


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ShareCode)
class TopSharersAdmin(ReadOnlyAdmin):
    """Sharers ranked by the points their links earned them."""

    list_display = ("member", "code", "visits", "signups", "orders", "points")
    search_fields = ("member__email", "code")
    fields = ("member", "code", "created_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return selectors.top_sharers()

    @admin.display(description=_("visits"), ordering="visit_count")
    def visits(self, share):
        return share.visit_count

    @admin.display(description=_("sign-ups"), ordering="signup_count")
    def signups(self, share):
        return share.signup_count

    @admin.display(description=_("orders"), ordering="order_count")
    def orders(self, share):
        return share.order_count

    @admin.display(description=_("points kept"), ordering="points_kept")
    def points(self, share):
        return share.points_kept


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "sharer",
        "kind",
        "friend",
        "order",
        "points_awarded",
        "points_reversed",
    )
    list_select_related = ("sharer", "friend", "order")
    list_filter = ("kind",)
    search_fields = ("sharer__email", "order__number")
    date_hierarchy = "created_at"
    fields = (
        "sharer",
        "kind",
        "friend",
        "order",
        "visit",
        "clicked_at",
        "points_awarded",
        "points_reversed",
        "rewarded_at",
        "created_at",
    )
    readonly_fields = fields

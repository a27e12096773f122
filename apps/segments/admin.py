"""Customer segments in the back office: the list with each segment's member count, a change
page with its rule and its first members, and the CSV export of all its members (a button
on the change page, and an action over the selected segments).

Counts on the list take one query per segment shown (each segment's rule is its own query),
so a page of 100 segments costs 100 small queries; shops keep a handful of segments.

Who may do what follows the staff roles (apps.staff.roles): segments.view_segment to read,
segments.export_segment to download members, add/change/delete to define segments."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from modeltranslation.admin import TranslationAdmin

from apps.core.money import format_cny
from apps.segments.exports import segment_members_csv_response
from apps.segments.models import RULE_LABEL, Segment
from apps.segments.selectors import segment_count, segment_members

EXPORT_PERMISSION = "segments.export_segment"
MEMBERS_SHOWN = 100


@admin.register(Segment)
class SegmentAdmin(TranslationAdmin):
    list_display = ["name", "kind", "rule", "member_count"]
    list_filter = ["kind"]
    list_select_related = ["category", "series", "tier"]
    search_fields = ["name_zh_hans", "name_en"]
    fields = [
        "name",
        "kind",
        "min_paid_orders",
        "min_spend_amount",
        "silent_days",
        "category",
        "series",
        "tier",
    ]
    actions = ["export_members_csv"]
    change_form_template = "admin/segments/segment/change_form.html"

    @admin.display(description=RULE_LABEL)
    def rule(self, segment: Segment) -> str:
        return segment.rule_text

    @admin.display(description=gettext_lazy("members"))
    def member_count(self, segment: Segment) -> int:
        return segment_count(segment)

    def has_export_permission(self, request) -> bool:
        return request.user.has_perm(EXPORT_PERMISSION)

    @admin.action(description=gettext_lazy("Export members as CSV"), permissions=["export"])
    def export_members_csv(self, request, queryset):
        segments = list(queryset.select_related("category", "series", "tier").order_by("id"))
        filename = f"segments-{timezone.localdate():%Y%m%d}.csv"
        return segment_members_csv_response(segments, filename)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:segment_id>/export/",
                wrap(self.export_view),
                name="segments_segment_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request, segment_id: int):
        if not self.has_export_permission(request):
            raise PermissionDenied
        segment = get_object_or_404(
            Segment.objects.select_related("category", "series", "tier"), pk=segment_id
        )
        filename = f"segment-{segment.pk}-{timezone.localdate():%Y%m%d}.csv"
        return segment_members_csv_response([segment], filename)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        segment = self.get_object(request, object_id)
        if segment is not None and self.has_view_or_change_permission(request, segment):
            extra_context.update(self._members_context(request, segment))
        return super().change_view(request, object_id, form_url, extra_context)

    def _members_context(self, request, segment: Segment) -> dict:
        language = get_language()
        members = [
            {
                "email": member.email,
                "pk": member.pk,
                "paid_orders": member.paid_orders_12m,
                "spend": format_cny(member.spend_12m, language),
                "last_paid_at": member.last_paid_at,
            }
            for member in segment_members(segment)[:MEMBERS_SHOWN]
        ]
        total = len(members) if len(members) < MEMBERS_SHOWN else segment_count(segment)
        context = {
            "segment_members": members,
            "segment_member_total": total,
            "segment_members_shown": MEMBERS_SHOWN,
            "segment_rule": segment.rule_text,
            "can_open_members": request.user.has_perm("members.view_user"),
        }
        if self.has_export_permission(request):
            context["segment_export_url"] = reverse(
                "admin:segments_segment_export", args=[segment.pk]
            )
            context["segment_export_label"] = _("Export CSV")
        return context

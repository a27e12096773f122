"""Members' points for staff: the ledger (read-only: only the services write it), each
member's balance with an "adjust points" form (a reason, recorded with who did it), and the
points rate of each VIP tier."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.members.models import User
from apps.points import services
from apps.points.forms import PointsAdjustForm
from apps.points.models import PointsAccount, PointsEntry, PointsTierRate

ADJUST_PERMISSION = "points.adjust_points"


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "member", "kind", "points", "reason", "order", "actor")
    list_select_related = ("member", "order", "actor")
    list_filter = ("kind",)
    search_fields = ("member__email", "order__number", "reason")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    fields = (
        "member",
        "kind",
        "points",
        "remaining",
        "shortfall",
        "reason",
        "order",
        "actor",
        "created_at",
        "expires_at",
    )
    readonly_fields = fields


@admin.register(PointsAccount)
class PointsAccountAdmin(ReadOnlyAdmin):
    list_display = ("member", "balance", "updated_at", "adjust_link")
    list_select_related = ("member",)
    search_fields = ("member__email", "member__phone")
    ordering = ("-balance", "pk")
    fields = ("member", "balance", "updated_at")
    readonly_fields = fields

    @admin.display(description=_("Adjust"))
    def adjust_link(self, account):
        url = reverse("admin:points_adjust", args=[account.member_id])
        return format_html('<a href="{}">{}</a>', url, _("Adjust points"))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("adjust/<int:member_id>/", wrap(self.adjust_view), name="points_adjust"),
            *super().get_urls(),
        ]

    def adjust_view(self, request, member_id: int):
        """Add or take a member's points with a reason (points_adjust, audited)."""
        if not request.user.has_perm(ADJUST_PERMISSION):
            raise PermissionDenied
        member = get_object_or_404(User, pk=member_id)
        form = PointsAdjustForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.points_adjust(member=member, actor=request.user, **form.cleaned_data)
            except services.PointsError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(
                    request,
                    _("%(points)+d points for %(member)s, recorded with your name.")
                    % {"points": form.cleaned_data["points"], "member": member},
                )
                return redirect("admin:points_pointsaccount_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Adjust points"),
            "member": member,
            "balance": PointsAccount.objects.filter(member=member)
            .values_list("balance", flat=True)
            .first()
            or 0,
            "form": form,
        }
        return TemplateResponse(request, "admin/points/adjust.html", context)


@admin.register(PointsTierRate)
class PointsTierRateAdmin(admin.ModelAdmin):
    list_display = ("tier", "multiplier")
    list_select_related = ("tier",)


class MemberPointsInline(admin.TabularInline):
    """The member's balance on their admin page, with the way to adjust it."""

    model = PointsAccount
    extra = 0
    can_delete = False
    fields = ("balance", "updated_at", "adjust")
    readonly_fields = fields
    verbose_name_plural = _("Points")

    @admin.display(description=_("Adjust"))
    def adjust(self, account):
        url = reverse("admin:points_adjust", args=[account.member_id])
        return format_html('<a href="{}">{}</a>', url, _("Adjust points"))

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

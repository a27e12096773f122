"""The role desk: who holds which staff role, the audit log of role changes, and the role
groups themselves (read-only: roles are defined in apps/staff/roles.py and reviewed as code)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.staff import services
from apps.staff.models import RoleChange, StaffMember
from apps.staff.roles import ROLES, role_name


def role_choices() -> list[tuple[str, str]]:
    return [(key, role.name) for key, role in ROLES.items()]


class StaffRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles"),
        choices=role_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "A person with at least one role may log in to the back office; with none, no longer."
        ),
    )


class RoleFilter(admin.SimpleListFilter):
    title = gettext_lazy("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return role_choices()

    def queryset(self, request, queryset):
        if self.value() in ROLES:
            return queryset.filter(groups__name=self.value())
        return queryset


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    """People and their roles. Accounts are made under Members (or by signing up); here a
    store manager gives them roles, each change written to the role-change log."""

    list_display = ["email", "full_name", "role_names", "is_staff", "is_active", "last_login"]
    list_filter = [RoleFilter, "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    ordering = ["-is_staff", "email"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=gettext_lazy("name"))
    def full_name(self, member: StaffMember) -> str:
        return member.get_full_name()

    @admin.display(description=gettext_lazy("roles"))
    def role_names(self, member: StaffMember) -> str:
        held = {group.name for group in member.groups.all()}
        return ", ".join(str(role.name) for key, role in ROLES.items() if key in held)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        member = get_object_or_404(StaffMember, pk=object_id)
        if request.method == "POST":
            if not self.has_change_permission(request, member):
                raise PermissionDenied
        elif not self.has_view_or_change_permission(request, member):
            raise PermissionDenied
        if request.method == "POST":
            form = StaffRolesForm(request.POST)
            if form.is_valid():
                try:
                    services.staff_member_set_roles(
                        actor=request.user, member=member, roles=form.cleaned_data["roles"]
                    )
                except services.StaffError as error:
                    form.add_error("roles", str(error))
                else:
                    self.message_user(
                        request,
                        _("The roles of %(member)s were saved.") % {"member": member.email},
                        messages.SUCCESS,
                    )
                    return redirect("admin:staff_staffmember_changelist")
        else:
            form = StaffRolesForm(initial={"roles": services.member_roles(member=member)})
        return TemplateResponse(
            request,
            "admin/staff/staffmember/roles.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Roles of %(member)s") % {"member": member.email},
                "opts": self.model._meta,
                "original": member,
                "form": form,
                "can_change": self.has_change_permission(request, member),
                "changes": RoleChange.objects.filter(member=member)[:20],
            },
        )


@admin.register(RoleChange)
class RoleChangeAdmin(admin.ModelAdmin):
    """The audit log of roles: read only, for everyone."""

    list_display = ["created_at", "member_email", "role_display", "action", "actor_email"]
    list_filter = ["action", "created_at"]
    search_fields = ["member_email", "actor_email", "role"]
    date_hierarchy = "created_at"

    @admin.display(description=gettext_lazy("role"), ordering="role")
    def role_display(self, change: RoleChange) -> str:
        return change.role_name

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(admin.ModelAdmin):
    """The role groups as apps.staff.roles defines them, to read; a change of role is a
    change of code, applied by roles_sync after every migrate."""

    list_display = ["name", "role_display", "member_count", "permission_count"]
    search_fields = ["name"]
    fields = ["name", "permissions"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                member_count=Count("user", distinct=True),
                permission_count=Count("permissions", distinct=True),
            )
        )

    @admin.display(description=gettext_lazy("role"))
    def role_display(self, group: Group) -> str:
        return role_name(group.name)

    @admin.display(description=gettext_lazy("people"), ordering="member_count")
    def member_count(self, group: Group) -> int:
        return group.member_count

    @admin.display(description=gettext_lazy("permissions"), ordering="permission_count")
    def permission_count(self, group: Group) -> int:
        return group.permission_count

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

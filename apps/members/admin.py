from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from apps.members import services
from apps.members.models import Address, Membership, MembershipPlan, Tier, TierEvent, User
from apps.points.admin import MemberPointsInline
from apps.segments.admin_panels import CUSTOMER_PANEL_FIELDS, MemberCustomerPanelMixin


class MemberCreationForm(AdminUserCreationForm):
    """Staff add a user with an email address and a password; there is no username."""

    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("A user with this email address already exists."))
        return email


class MemberChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes: dict[str, type[forms.Field]] = {}


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("recipient_name", "mobile", "region_name", "street", "postal_code", "is_default")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class TierEventInline(admin.TabularInline):
    """The member's tier history, newest first: written by the services, never edited."""

    model = TierEvent
    fk_name = "member"
    extra = 0
    can_delete = False
    fields = ("created_at", "from_tier", "to_tier", "cause", "order", "spend_amount")
    readonly_fields = fields
    ordering = ("-created_at", "-id")
    verbose_name_plural = _("VIP tier changes")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("from_tier", "to_tier", "order")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    """The member's paid membership periods, newest first: made by the services when an
    order is paid or refunded, never edited here."""

    model = Membership
    fk_name = "member"
    extra = 0
    can_delete = False
    fields = ("tier", "starts_at", "ends_at", "order", "revoked_at", "reminded_at")
    readonly_fields = fields
    ordering = ("-ends_at", "-id")
    verbose_name_plural = _("Paid memberships")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("tier", "order")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(MemberCustomerPanelMixin, DjangoUserAdmin):
    form = MemberChangeForm
    add_form = MemberCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("last_name", "first_name", "phone")}),
        (_("VIP tier"), {"fields": ("tier",)}),
        (_("As a customer"), {"fields": CUSTOMER_PANEL_FIELDS}),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("email", "last_name", "first_name", "phone", "tier", "is_staff", "is_active")
    list_filter = ("tier", "is_staff", "is_active", "is_superuser", "groups")
    list_select_related = ("tier",)
    actions = ["recount_tiers"]
    search_fields = ("email", "first_name", "last_name", "phone")
    ordering = ("email",)
    # Roles are granted on the staff members page, which records every change; here they are
    # shown but not edited, so no role change escapes the audit log.
    # The tier follows the member's spend (apps.members.services); staff recount it with the
    # action below, which records the change like any other.
    readonly_fields = (
        "tier",
        "last_login",
        "date_joined",
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
        *CUSTOMER_PANEL_FIELDS,
    )

    def get_inlines(self, request, obj):
        # A new user has no addresses yet; the add page is email and password only.
        return (
            (AddressInline, MembershipInline, TierEventInline, MemberPointsInline)
            if obj is not None
            else ()
        )

    @admin.action(description=_("Recount VIP tier from the last 12 months' spend"))
    def recount_tiers(self, request, queryset):
        changed = sum(
            1
            for member in queryset.only("pk", "tier_id")
            if services.member_recompute_tier(member=member, cause=TierEvent.Cause.STAFF)
        )
        self.message_user(
            request,
            ngettext("%(count)d member changed tier.", "%(count)d members changed tier.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )


@admin.register(Tier)
class TierAdmin(TranslationAdmin):
    list_display = ("name", "threshold_amount", "discount_percent", "sort_order")
    list_editable = ("sort_order",)
    ordering = ("threshold_amount",)
    fields = ("name", "threshold_amount", "discount_percent", "sort_order", "benefits")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.tiers_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.tiers_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        services.tiers_changed()


@admin.register(MembershipPlan)
class MembershipPlanAdmin(admin.ModelAdmin):
    """Which product variant sells which tier, for how long. The name, price and page are
    the product's (edit them under Catalog)."""

    list_display = ("__str__", "sku", "tier", "duration_days", "is_active")
    list_filter = ("is_active", "tier")
    list_select_related = ("sku__product", "tier")
    raw_id_fields = ("sku",)
    fields = ("sku", "tier", "duration_days", "is_active")
    search_fields = ("sku__code", "sku__product__name_zh_hans", "sku__product__name_en")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Every paid membership period: who, which tier, from when until when, the order that
    paid for it, whether it was revoked and when the renewal reminder went out."""

    list_display = (
        "member",
        "tier",
        "starts_at",
        "ends_at",
        "order",
        "revoked_at",
        "reminded_at",
    )
    list_filter = ("tier", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("member__email", "order__number")
    list_select_related = ("member", "tier", "order")
    date_hierarchy = "ends_at"
    readonly_fields = (
        "member",
        "plan",
        "tier",
        "order",
        "starts_at",
        "ends_at",
        "revoked_at",
        "reminded_at",
        "created_at",
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TierEvent)
class TierEventAdmin(admin.ModelAdmin):
    """Every tier change with its cause, for staff to answer "why is my price different"."""

    list_display = ("created_at", "member", "from_tier", "to_tier", "cause", "order")
    list_filter = ("cause", "to_tier")
    search_fields = ("member__email", "order__number")
    list_select_related = ("member", "from_tier", "to_tier", "order")
    date_hierarchy = "created_at"
    readonly_fields = (
        "member",
        "from_tier",
        "to_tier",
        "cause",
        "order",
        "spend_amount",
        "created_at",
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    """Members keep their own address book; staff read it here (orders carry their own copy
    of the address, corrected on the order)."""

    list_display = ("recipient_name", "mobile", "region_name", "street", "member", "is_default")
    list_filter = ("is_default", "province_name")
    search_fields = ("recipient_name", "mobile", "street", "member__email")
    list_select_related = ("member",)
    readonly_fields = (
        "member",
        "recipient_name",
        "mobile",
        "province_code",
        "province_name",
        "city_code",
        "city_name",
        "district_code",
        "district_name",
        "street",
        "postal_code",
        "is_default",
        "created_at",
        "updated_at",
    )

    @admin.display(description=_("region"))
    def region_name(self, address: Address) -> str:
        return address.region_name

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

"""Promotions in the back office: campaigns (listing their offers and coupons), 满减 offers
and coupons (with their use counts), whose forms refuse a promotion that could sell a product
below the price floor outside a major festival campaign (apps.promotions.forms), and the
promotion specialist's "Promotions now" page: what runs, what starts next, and each
promotion's orders, discount given and revenue so far."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from apps.promotions import selectors, services
from apps.promotions.forms import CouponForm, OfferForm
from apps.promotions.models import (
    Campaign,
    Coupon,
    CouponUse,
    FlashSale,
    FlashSaleClaim,
    GroupBuy,
    GroupBuyOrder,
    Offer,
)

VIEW_PERMISSION = "promotions.view_campaign"


class CampaignPromotionInline(admin.TabularInline):
    """A campaign's promotions, listed; each opens on its own page."""

    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class CampaignOfferInline(CampaignPromotionInline):
    model = Offer
    fields = ("name", "starts_at", "ends_at", "is_active")
    readonly_fields = fields


class CampaignCouponInline(CampaignPromotionInline):
    model = Coupon
    fields = ("code", "name", "starts_at", "ends_at", "uses_left", "is_active")
    readonly_fields = fields


@admin.register(Campaign)
class CampaignAdmin(TranslationAdmin):
    list_display = ("name", "starts_at", "ends_at", "is_major_festival", "landing_page")
    list_filter = ("is_major_festival",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    date_hierarchy = "starts_at"
    inlines = [CampaignOfferInline, CampaignCouponInline]

    @admin.display(description=_("landing page"))
    def landing_page(self, campaign):
        # Staff see it before it starts, with a "preview" ribbon.
        url = reverse("promotions:campaign", args=[campaign.slug])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, url)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("now/", wrap(self.promotions_now_view), name="promotions_now"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = {"promotions_now_url": reverse("admin:promotions_now"), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def promotions_now_view(self, request):
        """What runs now and starts next, with orders, discount and revenue so far."""
        if not request.user.has_perm(VIEW_PERMISSION):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Promotions now"),
            "now": selectors.promotions_now(now=timezone.now()),
        }
        return TemplateResponse(request, "admin/promotions/now.html", context)


class ScopeAdminMixin:
    autocomplete_fields = ("products",)
    filter_horizontal = ("series", "categories")


@admin.register(Offer)
class OfferAdmin(ScopeAdminMixin, TranslationAdmin):
    form = OfferForm
    list_display = ("name", "campaign", "terms", "starts_at", "ends_at", "is_active")
    list_filter = ("is_active", "kind", "campaign")
    list_select_related = ("campaign",)
    search_fields = ("name_zh_hans", "name_en")
    date_hierarchy = "starts_at"
    fieldsets = (
        (None, {"fields": ("name", "campaign", "starts_at", "ends_at", "is_active")}),
        (
            _("Terms"),
            {
                "fields": ("kind", "tiers_text", "repeat_every", "repeat_amount", "repeat_limit"),
                "description": _(
                    "Saving it is refused if it could sell a product below the price floor"
                    " (a basket exactly at a tier's threshold loses the largest share),"
                    " unless its campaign is a major festival promotion."
                ),
            },
        ),
        (
            _("Applies to (nothing chosen: the whole shop)"),
            {"fields": ("series", "categories", "products")},
        ),
    )

    @admin.display(description=_("terms"))
    def terms(self, offer):
        return offer.describe()


@admin.register(Coupon)
class CouponAdmin(ScopeAdminMixin, TranslationAdmin):
    form = CouponForm
    list_display = (
        "code",
        "name",
        "terms",
        "times_used",
        "uses_left",
        "starts_at",
        "ends_at",
        "is_active",
    )
    list_filter = ("is_active", "kind", "claimable", "members_only", "campaign")
    list_select_related = ("campaign",)
    search_fields = ("code", "name_zh_hans", "name_en")
    date_hierarchy = "starts_at"
    readonly_fields = ("uses_left",)
    fieldsets = (
        (None, {"fields": ("code", "name", "campaign", "starts_at", "ends_at", "is_active")}),
        (
            _("Terms"),
            {
                "fields": ("kind", "amount", "percent", "max_discount", "min_spend"),
                "description": _(
                    "Saving it is refused if it could sell a product below the price floor,"
                    " unless its campaign is a major festival promotion."
                ),
            },
        ),
        (
            _("Uses"),
            {
                "fields": (
                    "total_uses",
                    "uses_left",
                    "per_customer_limit",
                    "members_only",
                    "claimable",
                )
            },
        ),
        (
            _("Applies to (nothing chosen: the whole shop)"),
            {"fields": ("series", "categories", "products")},
        ),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_uses=Count("uses", filter=Q(uses__released_at__isnull=True), distinct=True)
            )
        )

    @admin.display(description=_("used"), ordering="active_uses")
    def times_used(self, coupon):
        return coupon.active_uses

    @admin.display(description=_("terms"))
    def terms(self, coupon):
        return coupon.describe()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "total_uses" in form.changed_data:
            services.coupon_sync_uses_left(coupon_id=obj.pk)


@admin.register(CouponUse)
class CouponUseAdmin(admin.ModelAdmin):
    list_display = ("coupon", "order", "member", "email", "amount", "created_at", "released_at")
    list_select_related = ("coupon", "order", "member")
    list_filter = ("released_at",)
    search_fields = ("coupon__code", "order__number", "email")
    date_hierarchy = "created_at"
    fields = list_display
    readonly_fields = list_display

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class FlashSaleForm(forms.ModelForm):
    class Meta:
        model = FlashSale
        fields = [
            "sku",
            "campaign",
            "price",
            "starts_at",
            "ends_at",
            "quantity",
            "per_customer_limit",
            "is_active",
        ]

    def clean(self):
        cleaned = super().clean()
        problem = services.promotion_floor_problem(
            sku=cleaned.get("sku"),
            price=cleaned.get("price"),
            campaign=cleaned.get("campaign"),
            label=_("Flash price"),
        )
        if problem:
            raise forms.ValidationError(problem)
        quantity = cleaned.get("quantity")
        if self.instance.pk and quantity is not None:
            claimed = self.instance.quantity_claimed
            if quantity < claimed:
                self.add_error(
                    "quantity",
                    _("%(count)d units are already sold: the quantity cannot be lower.")
                    % {"count": claimed},
                )
        return cleaned


@admin.register(FlashSale)
class FlashSaleAdmin(admin.ModelAdmin):
    form = FlashSaleForm
    list_display = (
        "sku",
        "price",
        "starts_at",
        "ends_at",
        "quantity",
        "quantity_left",
        "per_customer_limit",
        "campaign",
        "is_active",
    )
    list_filter = ("is_active", "campaign")
    search_fields = ("sku__code", "sku__product__name_zh_hans", "sku__product__name_en")
    autocomplete_fields = ("sku",)
    readonly_fields = ("quantity_left",)
    date_hierarchy = "starts_at"

    def save_model(self, request, obj, form, change):
        # Through the service: the quantity left follows the quantity, and the floor holds.
        try:
            services.flash_sale_save(flash_sale=obj)
        except services.PromotionError as error:
            # Re-checked under the row lock (orders bought units meanwhile).
            self.message_user(request, str(error), level=messages.ERROR)


@admin.register(FlashSaleClaim)
class FlashSaleClaimAdmin(admin.ModelAdmin):
    list_display = ("flash_sale", "order", "quantity", "member", "email", "phone", "released_at")
    list_filter = ("released_at",)
    search_fields = ("order__number", "email", "phone")
    list_select_related = ("flash_sale__sku", "order", "member")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class GroupBuyForm(forms.ModelForm):
    class Meta:
        model = GroupBuy
        fields = ["sku", "campaign", "price", "target_buyers", "deadline", "reserved_quantity"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The reserve was taken from stock when the group buy was created.
            self.fields["sku"].disabled = True
            self.fields["reserved_quantity"].disabled = True

    def clean(self):
        cleaned = super().clean()
        problem = services.promotion_floor_problem(
            sku=cleaned.get("sku"),
            price=cleaned.get("price"),
            campaign=cleaned.get("campaign"),
            label=_("Deal price"),
        )
        if problem:
            raise forms.ValidationError(problem)
        if self.instance.pk is None:
            sku, reserved = cleaned.get("sku"), cleaned.get("reserved_quantity")
            if sku is not None and reserved is not None and reserved > sku.stock:
                self.add_error(
                    "reserved_quantity",
                    _("Only %(count)d units of %(sku)s are in stock.")
                    % {"count": sku.stock, "sku": sku},
                )
            deadline = cleaned.get("deadline")
            if deadline is not None and deadline <= timezone.now():
                self.add_error("deadline", _("The deadline must be in the future."))
        return cleaned


class GroupBuyOrderInline(admin.TabularInline):
    model = GroupBuyOrder
    fields = ("order", "quantity", "created_at", "left_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(GroupBuy)
class GroupBuyAdmin(admin.ModelAdmin):
    form = GroupBuyForm
    list_display = (
        "sku",
        "price",
        "target_buyers",
        "buyers_count",
        "deadline",
        "reserved_quantity",
        "reserved_left",
        "status",
        "campaign",
    )
    list_filter = ("status", "campaign")
    search_fields = ("sku__code", "sku__product__name_zh_hans", "sku__product__name_en")
    autocomplete_fields = ("sku",)
    readonly_fields = ("buyers_count", "reserved_left", "status", "settled_at")
    inlines = [GroupBuyOrderInline]
    date_hierarchy = "deadline"

    def save_model(self, request, obj, form, change):
        try:
            if change:
                services.group_buy_update(group_buy=obj)
            else:
                created = services.group_buy_create(
                    sku=obj.sku,
                    price=obj.price,
                    target_buyers=obj.target_buyers,
                    deadline=obj.deadline,
                    reserved_quantity=obj.reserved_quantity,
                    campaign=obj.campaign,
                )
                obj.pk = created.pk
        except services.PromotionError as error:
            self.message_user(request, str(error), level=messages.ERROR)

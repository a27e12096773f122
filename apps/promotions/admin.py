from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from apps.promotions import services
from apps.promotions.models import Campaign, FlashSale, FlashSaleClaim, GroupBuy, GroupBuyOrder


@admin.register(Campaign)
class CampaignAdmin(TranslationAdmin):
    list_display = ("name", "starts_at", "ends_at", "is_major_festival")
    list_filter = ("is_major_festival",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    date_hierarchy = "starts_at"


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

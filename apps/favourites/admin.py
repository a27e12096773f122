"""Members' favourites, for staff to look at (members add and remove them themselves)."""

from django.contrib import admin

from apps.favourites.models import Favourite
from apps.staff.admin_base import money_display


@admin.register(Favourite)
class FavouriteAdmin(admin.ModelAdmin):
    list_display = ("member", "product", "created_at", "price_display", "in_stock_when_saved")
    list_select_related = ("member", "product")
    search_fields = ("member__email",)
    list_filter = ("in_stock_when_saved",)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    fields = ("member", "product", "created_at", "price_when_saved", "in_stock_when_saved")
    readonly_fields = fields

    price_display = money_display(Favourite, "price_when_saved")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

from django.contrib import admin

from apps.payments.models import Payment, Refund
from apps.staff.admin_base import money_display


class ProviderRecordAdmin(admin.ModelAdmin):
    """Money records come from providers and services only: staff read them, never edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ProviderRecordAdmin):
    list_display = ["order", "provider", "provider_event_id", "amount_display", "received_at"]
    search_fields = ["order__number", "provider_event_id"]
    readonly_fields = ["order", "provider", "provider_event_id", "amount_display", "received_at"]
    amount_display = money_display(Payment, "amount")


@admin.register(Refund)
class RefundAdmin(ProviderRecordAdmin):
    list_display = [
        "number",
        "order",
        "provider",
        "amount_display",
        "status",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "provider"]
    search_fields = ["number", "order__number", "provider_refund_id"]
    readonly_fields = [
        "number",
        "order",
        "provider",
        "amount_display",
        "status",
        "provider_refund_id",
        "error",
        "created_at",
        "sent_at",
    ]
    amount_display = money_display(Refund, "amount")

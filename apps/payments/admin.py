from django.contrib import admin

from apps.payments.models import Payment


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["order", "provider", "provider_event_id", "amount", "received_at"]
    search_fields = ["order__number", "provider_event_id"]
    readonly_fields = ["order", "provider", "provider_event_id", "amount", "received_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

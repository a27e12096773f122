from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from apps.promotions.models import Campaign


@admin.register(Campaign)
class CampaignAdmin(TranslationAdmin):
    list_display = ("name", "starts_at", "ends_at", "is_major_festival")
    list_filter = ("is_major_festival",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    date_hierarchy = "starts_at"

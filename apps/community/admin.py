"""The help pages' back office: editors and designers write each page in both languages and
name the staff address that answers for it. Saves and deletions go through
apps.community.services, so shoppers never see a cached old version."""

from django.contrib import admin
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from apps.community import services
from apps.community.models import HelpPage

# Sections listed in the order the storefront shows them, not alphabetically by their code.
SECTION_ORDER = Case(
    *(When(section=value, then=Value(rank)) for rank, value in enumerate(HelpPage.Section.values)),
    output_field=IntegerField(),
)


@admin.register(HelpPage)
class HelpPageAdmin(TranslationAdmin):
    list_display = [
        "title",
        "section_display",
        "responsible_email",
        "is_published",
        "sort_order",
        "updated_at",
    ]
    list_filter = ["section", "is_published"]
    search_fields = ["title_zh_hans", "title_en", "slug", "body_zh_hans", "body_en"]
    fieldsets = [
        (None, {"fields": ["section", "slug", "title", "summary", "body"]}),
        (_("Who answers"), {"fields": ["responsible_email"]}),
        (_("Publishing"), {"fields": ["is_published", "sort_order"]}),
    ]
    prepopulated_fields = {"slug": ["title_en"]}

    def get_queryset(self, request):
        # Annotated before ordering, which ModelAdmin.get_queryset would apply first.
        pages = self.model._default_manager.get_queryset().annotate(section_rank=SECTION_ORDER)
        return pages.order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        return ["section_rank", "sort_order", "id"]

    @admin.display(description=_("section"), ordering="section_rank")
    def section_display(self, page: HelpPage) -> str:
        return page.get_section_display()

    def save_model(self, request, obj, form, change):
        services.help_page_save(page=obj)

    def delete_model(self, request, obj):
        services.help_pages_delete(page_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        services.help_pages_delete(page_ids=list(queryset.values_list("pk", flat=True)))

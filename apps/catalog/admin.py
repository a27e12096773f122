"""The catalog back office: series, categories, products with their SKUs, images and specs,
the low-stock list, bulk publishing and price changes, CSV import and export. Product, SKU
and image changes end in apps.catalog.services (summaries, thumbnails, bulk writes), so
listings, search words and cached pages stay right.

Who may do what follows the staff roles (apps.staff.roles): catalog.publish_product guards a
product's placement (published, hero, series, category, slug), catalog.change_sku_price a
SKU's price and other details; without it a SKU editor changes the stock count only."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats.base_formats import CSV
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from apps.catalog import selectors, services
from apps.catalog.models import Banner, Category, Product, ProductImage, ProductSpec, Series, Sku
from apps.catalog.resources import ProductResource, SkuResource
from apps.core.images import image_upload_read
from apps.core.money import format_cny
from apps.staff.admin_base import money_display

PUBLISH_PERMISSION = "catalog.publish_product"
PRICE_PERMISSION = "catalog.change_sku_price"
# Placement, and whether the product is shipped (it decides the shipping fee and the pick list).
PLACEMENT_FIELDS = ["slug", "series", "category", "is_published", "is_hero", "requires_delivery"]
SKU_FIELDS = [
    "product",
    "code",
    "options",
    "price",
    "stock",
    "low_stock_threshold",
    "is_active",
    "sort_order",
]
# All a SKU editor without catalog.change_sku_price may change (the warehouse).
STOCK_FIELDS = ["stock"]


class AuditedHistoryAdmin(SimpleHistoryAdmin):
    """Change history to read (who changed a price or stock, when), never to revert from: a
    revert would write old values past the services and the permission checks."""

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class InStockFilter(admin.SimpleListFilter):
    title = gettext_lazy("stock")
    parameter_name = "in_stock"

    def lookups(self, request, model_admin):
        return [("yes", _("In stock")), ("no", _("Sold out"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(total_stock__gt=0)
        if self.value() == "no":
            return queryset.filter(total_stock=0)
        return queryset


class LowStockFilter(admin.SimpleListFilter):
    title = gettext_lazy("low stock")
    parameter_name = "low_stock"

    def lookups(self, request, model_admin):
        return [("yes", _("Below its low-stock threshold"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=selectors.low_stock_skus().values("pk"))
        return queryset


class ProductImageForm(forms.ModelForm):
    """An uploaded picture is checked (an image, at most 5 MB and 40 million pixels) and
    replaced by its re-encoded copy before it is stored under a random name."""

    class Meta:
        model = ProductImage
        fields = ["product", "image", "alt", "sort_order"]

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if not isinstance(upload, UploadedFile):
            return upload
        data = image_upload_read(upload)
        try:
            return services.product_image_validate(data=data)
        except services.CatalogError as error:
            raise ValidationError(str(error)) from error


def product_images_make_thumbnails(formset) -> None:
    """Thumbnails for the images of an inline formset that were added or replaced."""
    replaced = [image for image, changed in formset.changed_objects if "image" in changed]
    for product_image in [*formset.new_objects, *replaced]:
        services.product_image_make_thumbnails(product_image=product_image)


class SkuInline(TranslationTabularInline):
    model = Sku
    extra = 0
    fields = ["code", "options", "price", "stock", "low_stock_threshold", "is_active"]
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        if request.user.has_perm(PRICE_PERMISSION):
            return super().get_readonly_fields(request, obj)
        return self.replace_orig_field([f for f in self.fields if f not in STOCK_FIELDS])

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and request.user.has_perm(PRICE_PERMISSION)


class ProductImageInline(TranslationTabularInline):
    model = ProductImage
    form = ProductImageForm
    extra = 0
    fields = ["image", "alt", "sort_order"]


class ProductSpecInline(TranslationTabularInline):
    model = ProductSpec
    extra = 0
    fields = ["name", "value", "sort_order"]


class PriceChangeForm(forms.Form):
    percent = forms.DecimalField(
        label=gettext_lazy("Change (%)"),
        max_digits=5,
        decimal_places=2,
        help_text=gettext_lazy(
            "For example 10 raises every price by 10%, -15 lowers it by 15%. "
            "Prices are rounded to the cent."
        ),
    )


class CatalogTreeAdminMixin:
    """Series and categories appear on every listing: a change there is a catalog change."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.catalog_tree_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.catalog_tree_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        services.catalog_tree_changed()


@admin.register(Series)
class SeriesAdmin(CatalogTreeAdminMixin, TranslationAdmin):
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name_zh_hans", "name_en", "slug"]
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Category)
class CategoryAdmin(CatalogTreeAdminMixin, TranslationAdmin):
    list_display = ["name", "series", "parent", "slug", "sort_order"]
    list_filter = ["series"]
    list_select_related = ["series", "parent"]
    search_fields = ["name_zh_hans", "name_en", "slug"]
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Product)
class ProductAdmin(ExportMixin, AuditedHistoryAdmin, TranslationAdmin):
    resource_classes = [ProductResource]
    export_formats = [CSV]
    list_display = [
        "name",
        "series",
        "category",
        "price_range",
        "total_stock",
        "is_published",
        "is_hero",
        "sales_count",
    ]
    list_filter = [
        "series",
        "category",
        "is_published",
        "is_hero",
        "requires_delivery",
        InStockFilter,
    ]
    list_select_related = ["series", "category"]
    search_fields = ["name_zh_hans", "name_en", "slug", "skus__code"]
    prepopulated_fields = {"slug": ("name_en",)}
    readonly_fields = [
        "min_price_display",
        "max_price_display",
        "total_stock",
        "sales_count",
        "popularity",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "subtitle", "slug", "series", "category"]}),
        (gettext_lazy("Listing"), {"fields": ["is_published", "is_hero"]}),
        (gettext_lazy("Delivery"), {"fields": ["requires_delivery"]}),
        (gettext_lazy("Texts"), {"fields": ["description", "keywords"]}),
        (
            gettext_lazy("Search engines"),
            {"fields": ["seo_title", "seo_keywords", "seo_description"]},
        ),
        (
            gettext_lazy("Figures (kept up to date from the SKUs)"),
            {
                "fields": [
                    "min_price_display",
                    "max_price_display",
                    "total_stock",
                    "sales_count",
                    "popularity",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]
    inlines = [SkuInline, ProductImageInline, ProductSpecInline]
    actions = ["publish", "unpublish", "change_prices"]

    min_price_display = money_display(Product, "min_price")
    max_price_display = money_display(Product, "max_price")

    @admin.display(description=gettext_lazy("price"), ordering="min_price")
    def price_range(self, product: Product) -> str:
        low = format_cny(product.min_price, get_language())
        if product.min_price == product.max_price:
            return low
        return f"{low} – {format_cny(product.max_price, get_language())}"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("search_text")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm(PUBLISH_PERMISSION):
            fields += PLACEMENT_FIELDS
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        if not request.user.has_perm(PUBLISH_PERMISSION):
            return {}
        return super().get_prepopulated_fields(request, obj)

    def has_export_permission(self, request) -> bool:
        return self.has_view_or_change_permission(request)

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm(PUBLISH_PERMISSION)

    def has_change_price_permission(self, request) -> bool:
        return request.user.has_perm(PRICE_PERMISSION)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is ProductImage:
            product_images_make_thumbnails(formset)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.product_refresh_summary(product=form.instance)

    @admin.action(description=gettext_lazy("Publish selected products"), permissions=["publish"])
    def publish(self, request, queryset):
        changed = services.products_set_published(
            product_ids=list(queryset.values_list("pk", flat=True)), published=True
        )
        self.message_user(
            request,
            ngettext("%(count)d product published.", "%(count)d products published.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(description=gettext_lazy("Unpublish selected products"), permissions=["publish"])
    def unpublish(self, request, queryset):
        changed = services.products_set_published(
            product_ids=list(queryset.values_list("pk", flat=True)), published=False
        )
        self.message_user(
            request,
            ngettext("%(count)d product unpublished.", "%(count)d products unpublished.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(
        description=gettext_lazy("Change prices of selected products by a percentage"),
        permissions=["change_price"],
    )
    def change_prices(self, request, queryset):
        """An intermediate page asks for the percentage; applying it changes every SKU of
        the chosen products through services.skus_change_price."""
        form = PriceChangeForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            sku_ids = list(Sku.objects.filter(product__in=queryset).values_list("pk", flat=True))
            try:
                changed = services.skus_change_price(
                    sku_ids=sku_ids, percent=form.cleaned_data["percent"]
                )
            except services.CatalogError as error:
                form.add_error("percent", str(error))
            else:
                self.message_user(
                    request,
                    ngettext(
                        "The price of %(count)d SKU was changed.",
                        "The prices of %(count)d SKUs were changed.",
                        changed,
                    )
                    % {"count": changed},
                    messages.SUCCESS,
                )
                return None
        select_across = request.POST.get("select_across") == "1"
        return TemplateResponse(
            request,
            "admin/catalog/product/change_prices.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Change prices by a percentage"),
                "opts": self.model._meta,
                "form": form,
                "products": queryset.order_by("pk")[:50],
                "product_count": queryset.count(),
                "selected_ids": [] if select_across else queryset.values_list("pk", flat=True),
                "select_across": select_across,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "action_name": "change_prices",
                "media": self.media,
            },
        )


@admin.register(Sku)
class SkuAdmin(ImportExportMixin, AuditedHistoryAdmin, TranslationAdmin):
    """Every SKU, with the low-stock list as a filter and stock editable in the list."""

    resource_classes = [SkuResource]
    import_formats = [CSV]
    export_formats = [CSV]
    list_display = [
        "code",
        "product",
        "options",
        "price_display",
        "stock",
        "low_stock_threshold",
        "is_active",
    ]
    list_display_links = ["code"]
    list_editable = ["stock"]
    list_filter = [LowStockFilter, "is_active", "product__series"]
    list_select_related = ["product"]
    search_fields = ["code", "product__name_zh_hans", "product__name_en"]
    autocomplete_fields = ["product"]
    fields = SKU_FIELDS
    price_display = money_display(Sku, "price")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm(PRICE_PERMISSION):
            fields += [f for f in SKU_FIELDS if f not in STOCK_FIELDS]
        elif obj is not None:
            # A SKU stays with its product (orders point at it); add a new SKU instead.
            fields.append("product")
        return self.replace_orig_field(list(dict.fromkeys(fields)))

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and request.user.has_perm(PRICE_PERMISSION)

    def has_import_permission(self, request) -> bool:
        # An import may add SKUs and set prices as well as stock.
        return request.user.has_perms(["catalog.add_sku", "catalog.change_sku", PRICE_PERMISSION])

    def has_export_permission(self, request) -> bool:
        return self.has_view_or_change_permission(request)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.product_refresh_summary(product=form.instance.product)

    def process_result(self, result, request):
        """The confirmed import found problems the preview did not (the catalog changed in
        between): it was rolled back; say so instead of reporting success."""
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                _("The import was cancelled and nothing was changed: %(problems)s")
                % {"problems": import_problems(result)},
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:catalog_sku_import"))
        return super().process_result(result, request)


def import_problems(result, limit: int = 5) -> str:
    """The first few problems of an import result, each with its row number."""
    problems = [
        _("row %(number)s: %(error)s") % {"number": number, "error": error.error}
        for number, errors in result.row_errors()
        for error in errors
    ]
    for invalid in result.invalid_rows:
        for field, field_errors in invalid.field_specific_errors.items():
            problems.append(
                _("row %(number)s, %(field)s: %(error)s")
                % {"number": invalid.number, "field": field, "error": " ".join(field_errors)}
            )
        for error in invalid.non_field_specific_errors:
            problems.append(
                _("row %(number)s: %(error)s") % {"number": invalid.number, "error": error}
            )
    return "; ".join(str(problem) for problem in problems[:limit])


@admin.register(ProductImage)
class ProductImageAdmin(TranslationAdmin):
    """Pictures on their own, for designers who look after images but not product texts."""

    form = ProductImageForm
    list_display = ["__str__", "product", "sort_order"]
    list_select_related = ["product"]
    search_fields = ["product__name_zh_hans", "product__name_en", "product__slug"]
    autocomplete_fields = ["product"]
    fields = ["product", "image", "alt", "sort_order"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "image" in form.changed_data:
            services.product_image_make_thumbnails(product_image=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.product_refresh_summary(product=form.instance.product)

    def delete_model(self, request, obj):
        product = obj.product
        super().delete_model(request, obj)
        services.product_refresh_summary(product=product)

    def delete_queryset(self, request, queryset):
        products = list(Product.objects.filter(images__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for product in products:
            services.product_refresh_summary(product=product)


class BannerForm(forms.ModelForm):
    """Uploaded pictures (one per language) are checked and cut to the banner size."""

    class Meta:
        model = Banner
        fields = ["title", "image", "link", "starts_at", "ends_at", "sort_order", "is_active"]

    def _prepared(self, name: str):
        upload = self.cleaned_data.get(name)
        if not isinstance(upload, UploadedFile):
            return upload
        try:
            return services.banner_image_prepare(data=image_upload_read(upload))
        except services.CatalogError as error:
            raise ValidationError(str(error)) from error

    def clean_image_zh_hans(self):
        return self._prepared("image_zh_hans")

    def clean_image_en(self):
        return self._prepared("image_en")


@admin.register(Banner)
class BannerAdmin(TranslationAdmin):
    """The home page's campaign banners: shown while active and inside their dates, in sort
    order; pictures are cut to 1200 × 600."""

    form = BannerForm
    list_display = ["picture", "title", "link", "starts_at", "ends_at", "sort_order", "is_active"]
    list_display_links = ["picture", "title"]
    list_editable = ["sort_order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["title_zh_hans", "title_en", "link"]
    fields = ["title", "image", "link", "starts_at", "ends_at", "sort_order", "is_active"]

    @admin.display(description=gettext_lazy("picture"))
    def picture(self, obj: Banner) -> str:
        if not obj.image:
            return "-"
        return format_html(
            '<img src="{}" width="120" height="60" alt="" loading="lazy">', obj.image.url
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.banners_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.banners_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        services.banners_changed()

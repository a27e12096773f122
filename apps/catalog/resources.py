"""CSV import and export of the catalog (django-import-export), used by the admin.

A SKU import is all or nothing: any bad row rolls the whole file back and is reported with
its row number, and a good file ends by refreshing the summaries (price range, stock, search
words, page cache) of every product it touched."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from apps.catalog import services
from apps.catalog.models import Category, Product, Series, Sku


class SlugWidget(widgets.ForeignKeyWidget):
    """A related row named by its slug, with a readable error when there is none."""

    def __init__(self, model):
        super().__init__(model, field="slug")

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist as error:
            raise ValueError(
                _("There is no %(model)s with the slug “%(slug)s”.")
                % {"model": self.model._meta.verbose_name, "slug": value}
            ) from error


class MoneyWidget(widgets.DecimalWidget):
    """An amount in yuan such as 199.00; anything else is a readable error, not a crash."""

    def clean(self, value, row=None, **kwargs):
        try:
            amount = super().clean(value, row, **kwargs)
        except (InvalidOperation, ValueError) as error:
            raise ValueError(
                _("“%(value)s” is not an amount such as 199.00.") % {"value": value}
            ) from error
        if amount is not None and not amount.is_finite():
            raise ValueError(_("“%(value)s” is not an amount such as 199.00.") % {"value": value})
        return amount

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"{Decimal(value):.2f}"


class CountWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except (InvalidOperation, ValueError) as error:
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value}) from error


PRODUCT_COLUMNS = (
    "slug",
    "name_zh_hans",
    "name_en",
    "series",
    "category",
    "is_published",
    "is_hero",
    "min_price",
    "max_price",
    "total_stock",
    "sales_count",
)
SKU_COLUMNS = (
    "code",
    "product",
    "options_zh_hans",
    "options_en",
    "price",
    "stock",
    "low_stock_threshold",
    "is_active",
)


class ProductResource(resources.ModelResource):
    """Products for a spreadsheet: names, placement, published, price range (export only)."""

    series = fields.Field(attribute="series", column_name="series", widget=SlugWidget(Series))
    category = fields.Field(
        attribute="category", column_name="category", widget=SlugWidget(Category)
    )
    min_price = fields.Field(attribute="min_price", column_name="min_price", widget=MoneyWidget())
    max_price = fields.Field(attribute="max_price", column_name="max_price", widget=MoneyWidget())

    class Meta:
        model = Product
        fields = PRODUCT_COLUMNS
        export_order = PRODUCT_COLUMNS

    def get_queryset(self):
        return Product.objects.select_related("series", "category").order_by("id")


class SkuResource(resources.ModelResource):
    """SKUs keyed by their code: a row with a known code updates that SKU, a new code adds
    one to the product named by its slug."""

    product = fields.Field(attribute="product", column_name="product", widget=SlugWidget(Product))
    price = fields.Field(attribute="price", column_name="price", widget=MoneyWidget())
    stock = fields.Field(attribute="stock", column_name="stock", widget=CountWidget())
    low_stock_threshold = fields.Field(
        attribute="low_stock_threshold", column_name="low_stock_threshold", widget=CountWidget()
    )

    class Meta:
        model = Sku
        import_id_fields = ("code",)
        fields = SKU_COLUMNS
        export_order = SKU_COLUMNS
        import_order = SKU_COLUMNS
        # Model validation (constraints included) turns bad values into row errors.
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False
        use_transactions = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.touched_product_ids: set[int] = set()

    def get_queryset(self):
        return Sku.objects.select_related("product").order_by("product_id", "sort_order", "id")

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        # All or nothing, whoever calls: invalid rows roll back the valid ones too.
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        if instance.pk:
            # A SKU moved to another product changes the summary of the one it left.
            self.touched_product_ids.add(instance.product_id)
        super().import_instance(instance, row, **kwargs)

    def after_save_instance(self, instance, row, **kwargs):
        self.touched_product_ids.add(instance.product_id)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return
        for product in Product.objects.filter(pk__in=self.touched_product_ids).select_related(
            "category"
        ):
            services.product_refresh_summary(product=product)

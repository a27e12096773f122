from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.models import TimeStampedModel


def translated(*names: str) -> list[str]:
    """The per-language columns modeltranslation adds for these fields."""
    codes = [code.replace("-", "_") for code, _name in settings.LANGUAGES]
    return [f"{name}_{code}" for name in names for code in codes]


def catalog_url(name: str, slug: str) -> str:
    """A series', category's or product's page, by slug: kept per language, since a page
    links to the same few categories many times (menus, grids, breadcrumbs)."""
    return _catalog_url(name, slug, get_language(), get_script_prefix())


@lru_cache(maxsize=20_000)
def _catalog_url(name: str, slug: str, language: str | None, script_prefix: str) -> str:
    return reverse(name, kwargs={"slug": slug})


@receiver(setting_changed)
def _forget_catalog_urls(**kwargs) -> None:
    _catalog_url.cache_clear()


class SeoFields(models.Model):
    seo_title = models.CharField(_("SEO title"), max_length=120, blank=True)
    seo_keywords = models.CharField(_("SEO keywords"), max_length=255, blank=True)
    seo_description = models.CharField(_("SEO description"), max_length=300, blank=True)

    class Meta:
        abstract = True


class Series(SeoFields):
    """A product line the brand sells (small home appliances, kitchenware)."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    banner = models.ImageField(
        _("banner"),
        upload_to="series/",
        blank=True,
        help_text=_("A wide picture (2:1, e.g. 1200 × 600) at the top of the series page."),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("series")
        verbose_name_plural = _("series")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return catalog_url("catalog:series", self.slug)

    @property
    def banner_url(self) -> str:
        """The series page's banner URL; "" when the series has none."""
        return self.banner.url if self.banner else ""


class Category(SeoFields):
    """Categories form a two-level tree inside a series: top level, then sub-categories."""

    series = models.ForeignKey(
        Series, on_delete=models.PROTECT, related_name="categories", verbose_name=_("series")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    image = models.ImageField(
        _("picture"),
        upload_to="categories/",
        blank=True,
        help_text=_("A square picture for the home page's category grid, shown at 200 × 200."),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return catalog_url("catalog:category", self.slug)

    @cached_property
    def image_url(self) -> str:
        """The grid picture's URL; "" when the category has none (kept with the instance:
        the category tree is kept per catalog version)."""
        return self.image.url if self.image else ""


class Product(SeoFields, TimeStampedModel):
    series = models.ForeignKey(
        Series, on_delete=models.PROTECT, related_name="products", verbose_name=_("series")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    subtitle = models.CharField(_("subtitle"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    keywords = models.CharField(
        _("search keywords"),
        max_length=255,
        blank=True,
        help_text=_("Extra words shoppers may search for, separated by spaces or commas."),
    )
    is_published = models.BooleanField(_("published"), default=False, db_index=True)
    is_hero = models.BooleanField(_("hero product"), default=False)
    requires_delivery = models.BooleanField(
        _("needs delivery"),
        default=True,
        help_text=_(
            "Untick for what is never shipped (a paid membership): a cart of such items alone "
            "pays no shipping fee and asks for no address, and the warehouse never sees them."
        ),
    )
    sales_count = models.PositiveIntegerField(_("units sold"), default=0)
    popularity = models.PositiveIntegerField(_("popularity"), default=0)
    # Summaries of the SKUs, kept by catalog.services.product_refresh_summary so that
    # listings filter and sort on one table without aggregating SKUs.
    min_price = models.DecimalField(_("lowest price"), max_digits=12, decimal_places=2, default=0)
    max_price = models.DecimalField(_("highest price"), max_digits=12, decimal_places=2, default=0)
    total_stock = models.PositiveIntegerField(_("stock of all SKUs"), default=0)
    # The first picture's card thumbnail (or the picture itself), kept by
    # catalog.services.product_refresh_cover so product cards need no second query.
    cover_image = models.CharField(max_length=255, blank=True, editable=False)
    # Jieba-segmented, lower-cased words of names, keywords, descriptions and SKU codes.
    search_text = models.TextField(_("search words"), blank=True, editable=False)

    # Audit of operators' changes (publishing, prices). Translated copies of the texts are
    # added by modeltranslation after the history model exists, so they are left out.
    history = HistoricalRecords(
        excluded_fields=[
            "search_text",
            "cover_image",
            "popularity",
            "sales_count",
            *translated("name", "subtitle", "description", "keywords"),
            *translated("seo_title", "seo_keywords", "seo_description"),
        ]
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [
            models.Index(
                fields=["-popularity", "-id"],
                name="product_popular",
                condition=Q(is_published=True),
            ),
            models.Index(
                fields=["-sales_count", "-id"], name="product_sales", condition=Q(is_published=True)
            ),
            models.Index(
                fields=["min_price", "id"], name="product_price", condition=Q(is_published=True)
            ),
            models.Index(
                fields=["-created_at", "-id"], name="product_newest", condition=Q(is_published=True)
            ),
            # The home page's few hero products, without walking every published product.
            models.Index(
                fields=["-popularity", "-id"],
                name="product_hero",
                condition=Q(is_published=True, is_hero=True),
            ),
            models.Index(fields=["category", "-popularity"], name="product_category_popular"),
            models.Index(fields=["series", "-popularity"], name="product_series_popular"),
        ]
        # Listing placement (published, hero, series, category, slug) is kept apart from
        # text edits, so pre-sales staff can fix texts without moving or hiding products.
        permissions = [("publish_product", _("Can publish products and change their placement"))]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return catalog_url("catalog:product_detail", self.slug)

    @property
    def in_stock(self) -> bool:
        return self.total_stock > 0

    @property
    def cover(self):
        """The first image, from the prefetched list when the selector prefetched it."""
        images = list(self.images.all())
        return images[0] if images else None


class Sku(TimeStampedModel):
    """A variant the shopper picks (colour, capacity), with its own code, price and stock."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="skus", verbose_name=_("product")
    )
    code = models.CharField(_("SKU code"), max_length=64, unique=True)
    options = models.CharField(
        _("options"), max_length=200, help_text=_("For example: white / 1.5 L")
    )
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2)
    stock = models.IntegerField(_("stock"), default=0)
    low_stock_threshold = models.PositiveIntegerField(
        _("low-stock threshold"), default=settings.SHOP_LOW_STOCK_THRESHOLD
    )
    is_active = models.BooleanField(_("on sale"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    history = HistoricalRecords(excluded_fields=translated("options"))

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("SKU")
        verbose_name_plural = _("SKUs")
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="sku_stock_not_negative"),
            models.CheckConstraint(condition=Q(price__gt=0), name="sku_price_positive"),
        ]
        # Without it a SKU editor is a stock keeper: only the stock count changes.
        permissions = [("change_sku_price", _("Can change SKU prices and details"))]

    def __str__(self) -> str:
        return f"{self.product.name} · {self.options}" if self.options else self.code

    @property
    def is_low_stock(self) -> bool:
        return self.stock < self.low_stock_threshold

    @property
    def stock_state(self) -> str:
        if self.stock <= 0:
            return "out"
        return "low" if self.stock < settings.SHOP_FEW_LEFT_BELOW else "ok"


def product_image_path(instance, filename: str) -> str:
    import uuid

    return f"products/{uuid.uuid4().hex}.jpg"


class ProductImage(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="images", verbose_name=_("product")
    )
    image = models.ImageField(_("image"), upload_to=product_image_path)
    alt = models.CharField(_("description for screen readers"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    # Thumbnails are made once when the image is saved (catalog.services), so pages never
    # look them up while rendering.
    card_thumbnail = models.CharField(max_length=255, blank=True, editable=False)
    small_thumbnail = models.CharField(max_length=255, blank=True, editable=False)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("product image")
        verbose_name_plural = _("product images")

    def __str__(self) -> str:
        return self.alt or self.image.name

    @property
    def card_url(self) -> str:
        from django.core.files.storage import default_storage

        return default_storage.url(self.card_thumbnail) if self.card_thumbnail else self.image.url

    @property
    def small_url(self) -> str:
        from django.core.files.storage import default_storage

        return default_storage.url(self.small_thumbnail) if self.small_thumbnail else self.card_url


class ProductSpec(models.Model):
    """One row of the specifications table (power, capacity, weight ...)."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="specs", verbose_name=_("product")
    )
    name = models.CharField(_("specification"), max_length=100)
    value = models.CharField(_("value"), max_length=255)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("specification")
        verbose_name_plural = _("specifications")

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"


def banner_image_path(instance, filename: str) -> str:
    import uuid

    return f"banners/{uuid.uuid4().hex}.jpg"


shop_path_validator = RegexValidator(
    r"^/(?!/)\S*$", _("Enter a path on this shop that starts with “/”, e.g. /series/appliances/.")
)


class Banner(TimeStampedModel):
    """A campaign picture at the top of the home page, shown while it is active and inside
    its optional time window, in sort order. Pictures are stored at PICTURE_SIZE (2:1)."""

    PICTURE_SIZE = (1200, 600)

    title = models.CharField(
        _("title"), max_length=100, help_text=_("Read out to shoppers who cannot see the picture.")
    )
    image = models.ImageField(_("picture"), upload_to=banner_image_path)
    link = models.CharField(
        _("link"),
        max_length=200,
        validators=[shop_path_validator],
        help_text=_(
            "A page of the shop without the language, e.g. /series/appliances/; English "
            "pages link to its English version."
        ),
    )
    starts_at = models.DateTimeField(_("shown from"), null=True, blank=True)
    ends_at = models.DateTimeField(_("shown until"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("banner")
        verbose_name_plural = _("banners")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must come after the start.")})

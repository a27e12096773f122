"""Every write to the catalog: summaries, search words, thumbnails, bulk changes, CSV import."""

import logging
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Min, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext as _

from apps.catalog.models import Banner, Product, ProductImage, Sku
from apps.catalog.search import document_for
from apps.core import pagecache
from apps.core.images import (
    MAX_IMAGE_BYTES,
    ImageRejected,
    image_open_checked,
    image_reencode,
    image_thumbnail,
)
from apps.core.money import money

logger = logging.getLogger(__name__)

CARD_SIZE = (480, 480)
SMALL_SIZE = (120, 120)
# Only formats Pillow decodes itself: no PostScript (Ghostscript) or other delegates.


class CatalogError(Exception):
    """A catalog change refused, with a message for the operator."""


class OutOfStock(CatalogError):
    """Not enough units of a SKU to take: nothing was taken. `sku` is the one short."""

    def __init__(self, message: str, *, sku: Sku | None = None):
        super().__init__(message)
        self.sku = sku


def product_search_document(*, product: Product) -> str:
    skus = list(product.skus.all())
    names = [product.name_zh_hans or "", product.name_en or ""]
    texts = [
        product.subtitle_zh_hans or "",
        product.subtitle_en or "",
        product.keywords_zh_hans or "",
        product.keywords_en or "",
        product.description_zh_hans or "",
        product.description_en or "",
        product.category.name_zh_hans or "",
        product.category.name_en or "",
        *(sku.options_zh_hans or "" for sku in skus),
        *(sku.options_en or "" for sku in skus),
    ]
    return document_for(names=names, texts=texts, codes=[sku.code for sku in skus])


def product_refresh_summary(*, product: Product) -> Product:
    """Recompute the product's price range, stock total and search words from its SKUs."""
    summary = product.skus.filter(is_active=True).aggregate(
        low=Min("price"), high=Max("price"), stock=Sum("stock")
    )
    product.min_price = summary["low"] or Decimal("0")
    product.max_price = summary["high"] or Decimal("0")
    product.total_stock = max(summary["stock"] or 0, 0)
    product.search_text = product_search_document(product=product)
    Product.objects.filter(pk=product.pk).update(
        min_price=product.min_price,
        max_price=product.max_price,
        total_stock=product.total_stock,
        search_text=product.search_text,
    )
    product_refresh_cover(product=product)
    # After commit: bumped earlier, a shopper could render the page from the old rows and
    # cache it under the new version, where it would stay until the next change.
    transaction.on_commit(lambda: pagecache.bump_version("catalog"))
    return product


def product_refresh_cover(*, product: Product) -> str:
    """Keep the path product cards show: the first picture's card thumbnail, or the picture
    itself until its thumbnail exists; empty without pictures."""
    first = product.images.order_by("sort_order", "id").first()
    cover = (first.card_thumbnail or first.image.name) if first else ""
    if cover != product.cover_image:
        Product.objects.filter(pk=product.pk).update(cover_image=cover)
        product.cover_image = cover
        transaction.on_commit(lambda: pagecache.bump_version("catalog"))
    return cover


def catalog_tree_changed() -> None:
    """A series or category was added, changed or removed: pages showing the tree, and the
    tree each worker keeps (apps.catalog.tree), are read again once the change is committed."""
    transaction.on_commit(lambda: pagecache.bump_version("catalog"))


def banners_changed() -> None:
    """A home-page banner was added, changed or removed: the home page is read again once the
    change is committed. (A banner's own start and end need no write: apps.catalog.selectors
    .home_banners checks the time on every read and limits how long the page is cached.)"""
    transaction.on_commit(lambda: pagecache.bump_version("catalog"))


def banner_image_prepare(*, data: bytes) -> ContentFile:
    """An uploaded banner picture cut to 2:1 and stored at Banner.PICTURE_SIZE as JPEG, so every
    banner of the carousel has the same size; CatalogError when it is not an image we take."""
    if len(data) > MAX_IMAGE_BYTES:
        raise CatalogError(_("The image is larger than 5 MB."))
    try:
        image = image_open_checked(data)
    except ImageRejected as error:
        raise CatalogError(str(error)) from error
    content = image_thumbnail(image, Banner.PICTURE_SIZE)
    content.name = "banner.jpg"
    return content


def products_set_published(*, product_ids: list[int], published: bool) -> int:
    """Publish or unpublish many products at once; returns how many changed."""
    with transaction.atomic():
        changed = (
            Product.objects.filter(pk__in=product_ids)
            .exclude(is_published=published)
            .update(is_published=published)
        )
    pagecache.bump_version("catalog")
    logger.info("catalog.published", extra={"count": changed, "published": published})
    return changed


def skus_change_price(*, sku_ids: list[int], percent: Decimal) -> int:
    """Raise or lower the price of many SKUs by a percentage (-50 to +100), rounded to cents.
    Each change is kept in the SKU's history."""
    if not Decimal("-50") <= percent <= Decimal("100") or percent == 0:
        raise CatalogError(_("The change must be between -50% and +100%, and not zero."))
    factor = (Decimal("100") + percent) / Decimal("100")
    with transaction.atomic():
        skus = list(Sku.objects.select_for_update().filter(pk__in=sku_ids).order_by("pk"))
        for sku in skus:
            sku.price = max(money(sku.price * factor), Decimal("0.01"))
            sku.save(update_fields=["price", "updated_at"])
        for product in Product.objects.filter(skus__in=skus).distinct():
            product_refresh_summary(product=product)
    return len(skus)


def product_image_make_thumbnails(*, product_image: ProductImage) -> ProductImage:
    """Make the card and gallery thumbnails of an uploaded image once, at save time."""
    product_image.image.open("rb")
    data = product_image.image.read()
    image = image_open_checked(data)
    stem = product_image.image.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    card = default_storage.save(f"thumbs/{stem}-card.jpg", image_thumbnail(image, CARD_SIZE))
    small = default_storage.save(f"thumbs/{stem}-small.jpg", image_thumbnail(image, SMALL_SIZE))
    ProductImage.objects.filter(pk=product_image.pk).update(
        card_thumbnail=card, small_thumbnail=small
    )
    product_image.card_thumbnail, product_image.small_thumbnail = card, small
    product_refresh_cover(product=product_image.product)
    pagecache.bump_version("catalog")
    return product_image


def product_image_validate(*, data: bytes) -> ContentFile:
    """The upload re-encoded as JPEG (apps.core.images), or CatalogError saying why not."""
    try:
        return image_reencode(data=data)
    except ImageRejected as error:
        raise CatalogError(str(error)) from error


def product_image_create(
    *, product: Product, data: bytes, alt: str = "", sort_order: int = 0
) -> ProductImage:
    """Store an uploaded image re-encoded as JPEG under a random name, with thumbnails."""
    content = product_image_validate(data=data)
    product_image = ProductImage(product=product, alt=alt, sort_order=sort_order)
    product_image.image.save("upload.jpg", content, save=False)
    product_image.save()
    return product_image_make_thumbnails(product_image=product_image)


COMPARE_SESSION_KEY = "compare"


def compare_ids(*, session) -> list[int]:
    return list(session.get(COMPARE_SESSION_KEY, []))


def compare_add(*, session, product_id: str | int) -> Product:
    """Put a published product in the shopper's comparison; at most SHOP_COMPARE_LIMIT."""
    from django.conf import settings

    try:
        product = Product.objects.get(pk=int(product_id), is_published=True)
    except (ValueError, TypeError, Product.DoesNotExist) as error:
        raise CatalogError(_("That product is not available.")) from error
    chosen = compare_ids(session=session)
    if product.pk in chosen:
        return product
    if len(chosen) >= settings.SHOP_COMPARE_LIMIT:
        raise CatalogError(
            _("You can compare up to %(limit)d products. Remove one to add %(name)s.")
            % {"limit": settings.SHOP_COMPARE_LIMIT, "name": product.name}
        )
    session[COMPARE_SESSION_KEY] = [*chosen, product.pk]
    return product


def compare_remove(*, session, product_id: str | int) -> None:
    try:
        product_id = int(product_id)
    except (TypeError, ValueError):
        return
    session[COMPARE_SESSION_KEY] = [pk for pk in compare_ids(session=session) if pk != product_id]


def compare_clear(*, session) -> None:
    session.pop(COMPARE_SESSION_KEY, None)


def products_refresh_stock(*, product_ids: list[int]) -> None:
    """Recount the listing's stock total of these products from their active SKUs, in one
    statement per product (called inside the order transaction, rows locked by id order)."""
    on_sale = (
        Sku.objects.filter(product=OuterRef("pk"), is_active=True)
        .order_by()
        .values("product")
        .annotate(total=Sum("stock"))
        .values("total")
    )
    for product_id in sorted(product_ids):
        Product.objects.filter(pk=product_id).update(
            total_stock=Coalesce(Subquery(on_sale), Value(0))
        )


# Stock ---------------------------------------------------------------------------------------
# Every change of a SKU's stock goes through these three services: orders (placing,
# cancelling, refunding, expiry) and after-sales (replacements, intact returns) never write
# catalog tables themselves. Rows are changed in primary-key order so that two carts with the
# same SKUs never deadlock, with conditional F() updates, never read-modify-save.


def _bump_catalog_after_commit() -> None:
    transaction.on_commit(lambda: pagecache.bump_version("catalog"))


def _per_product(quantities: dict[Sku, int]) -> dict[int, int]:
    per_product: dict[int, int] = {}
    for sku, quantity in quantities.items():
        per_product[sku.product_id] = per_product.get(sku.product_id, 0) + quantity
    return per_product


def sku_stock_take(*, quantities: dict[Sku, int], sold: bool = True) -> None:
    """Take units off SKUs ({SKU: quantity}) for an order or a replacement, all or nothing:
    one conditional update per SKU (`stock >= quantity`) in primary-key order, then the
    products' stock total and (for a sale, not an exchange's replacement: `sold`) units sold.
    OutOfStock if any SKU has too few; the caller's transaction then rolls back whatever was
    taken and can run no further queries. Call it last inside the transaction, so hot SKU
    rows stay locked only until commit. The catalog pages are refreshed after commit only
    when a SKU may have crossed the "few left" line (the SKU's stock as the caller read it),
    so a busy sale does not empty the page cache with every order."""
    wanted = {sku: quantity for sku, quantity in quantities.items() if quantity > 0}
    few_left_crossed = False
    try:
        # No savepoint (two more round trips while the hot rows are locked): a refusal dooms
        # the caller's whole transaction, which is what a refused order wants. Should the
        # CHECK (stock >= 0) ever fire, the shopper still gets "sold out", not a 500.
        with transaction.atomic(savepoint=False):
            for sku in sorted(wanted, key=lambda sku: sku.pk):
                quantity = wanted[sku]
                taken = Sku.objects.filter(pk=sku.pk, stock__gte=quantity).update(
                    stock=F("stock") - quantity
                )
                if not taken:
                    raise OutOfStock(_("%(name)s has just sold out.") % {"name": sku}, sku=sku)
                few_left_crossed |= sku.stock - quantity < settings.SHOP_FEW_LEFT_BELOW
            per_product = _per_product(wanted)
            for product_id in sorted(per_product):
                # Greatest keeps a total that an operator's edit left stale from failing
                # the order.
                changes = {"total_stock": Greatest(F("total_stock") - per_product[product_id], 0)}
                if sold:
                    changes["sales_count"] = F("sales_count") + per_product[product_id]
                Product.objects.filter(pk=product_id).update(**changes)
    except IntegrityError as error:
        raise OutOfStock(_("Not enough stock.")) from error
    if few_left_crossed:
        _bump_catalog_after_commit()


def _stock_put_back(quantities: dict[Sku, int], *, unsold: bool) -> None:
    wanted = {sku: quantity for sku, quantity in quantities.items() if quantity > 0}
    if not wanted:
        return
    for sku in sorted(wanted, key=lambda sku: sku.pk):
        Sku.objects.filter(pk=sku.pk).update(stock=F("stock") + wanted[sku])
    per_product = _per_product(wanted)
    if unsold:
        for product_id in sorted(per_product):
            Product.objects.filter(pk=product_id).update(
                sales_count=Greatest(F("sales_count") - per_product[product_id], 0)
            )
    products_refresh_stock(product_ids=sorted(per_product))
    _bump_catalog_after_commit()


def sku_stock_release(*, quantities: dict[Sku, int]) -> None:
    """Give units an order held but never sent back on sale ({SKU: quantity}: a cancelled,
    expired or refunded-before-shipping order): stock up, units sold down, the products'
    totals recounted, catalog pages refreshed after commit."""
    _stock_put_back(quantities, unsold=True)


def sku_stock_return(*, quantities: dict[Sku, int]) -> None:
    """Put goods that came back intact from a shopper back on sale ({SKU: quantity}). They
    were sold, so units sold stays as it is; stock up and totals recounted."""
    _stock_put_back(quantities, unsold=False)

"""Reads of promotions that pages and the pricing service share.

Flash sales and group buys not yet over are read in one query and kept by each worker per
catalog version (apps.core.kept), like the catalog itself: every write that changes what a
page shows (saving one in admin, the order that takes a flash sale's last unit, a unit given
back, a buyer joining or leaving a group buy, settlement) bumps the version after commit.
Their time windows are checked on every read, and a cached page that shows one is cached no
longer than its next start or end (`promotions_valid_until`)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import CharField, F, IntegerField, Q, Sum, Value
from django.utils import timezone

from apps.cart.pricing import price_floor
from apps.catalog.selectors import product_cards, published_products
from apps.core import pagecache
from apps.core.kept import KeptPerVersion
from apps.promotions.models import FlashSale, FlashSaleClaim, GroupBuy


@dataclass(frozen=True, slots=True)
class FestivalWindow:
    """The window of a major festival campaign: its promotions may go below the floor."""

    starts_at: datetime
    ends_at: datetime

    def contains(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at


@dataclass(frozen=True, slots=True)
class ShelfFlashSale:
    """A flash sale as pages and the pricing rule read it (kept: never changed)."""

    id: int
    sku_id: int
    product_id: int
    list_price: Decimal
    price: Decimal
    starts_at: datetime
    ends_at: datetime
    per_customer_limit: int
    # As of the last catalog version: the order that takes the last unit bumps it.
    quantity_left: int
    festival: FestivalWindow | None = None

    @property
    def sold_out(self) -> bool:
        return self.quantity_left <= 0

    def in_window(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at

    def on_sale(self, now: datetime) -> bool:
        """Its price applies now: in its window and units left."""
        return self.in_window(now) and not self.sold_out

    def lifts_floor(self, now: datetime) -> bool:
        return self.festival is not None and self.festival.contains(now)

    def shelf_price(self, now: datetime) -> Decimal:
        """The unit price a shopper pays at the flash price, as the pricing service's guard
        lets it through: never below the floor outside a major festival campaign."""
        if self.lifts_floor(now):
            return self.price
        return max(self.price, price_floor(self.list_price))


@dataclass(frozen=True, slots=True)
class ShelfGroupBuy:
    """An open group buy as pages and the pricing rule read it (kept: never changed)."""

    id: int
    sku_id: int
    product_id: int
    list_price: Decimal
    price: Decimal
    starts_at: datetime
    deadline: datetime
    target_buyers: int
    reserved_left: int
    buyers_count: int
    festival: FestivalWindow | None = None

    def is_open(self, now: datetime) -> bool:
        return self.starts_at <= now < self.deadline

    def lifts_floor(self, now: datetime) -> bool:
        return self.festival is not None and self.festival.contains(now)

    def shelf_price(self, now: datetime) -> Decimal:
        if self.lifts_floor(now):
            return self.price
        return max(self.price, price_floor(self.list_price))

    @property
    def buyers_missing(self) -> int:
        return max(self.target_buyers - self.buyers_count, 0)


@dataclass(frozen=True)
class PromotionShelf:
    flash_sales: tuple[ShelfFlashSale, ...] = ()
    group_buys: tuple[ShelfGroupBuy, ...] = ()


_shelf: KeptPerVersion[PromotionShelf] = KeptPerVersion("catalog", size=4)

# One row shape for both tables, so that both are read in one query (a UNION).
_COLUMNS = (
    "row_kind",
    "row_id",
    "row_sku",
    "row_product",
    "row_list_price",
    "row_price",
    "row_starts",
    "row_ends",
    "row_number",
    "row_left",
    "row_joined",
    "row_festival",
    "row_festival_starts",
    "row_festival_ends",
)


def _rows(queryset, *, kind: str, starts: str, ends: str, number: str, left: str, joined):
    return (
        queryset.order_by()
        .annotate(
            row_kind=Value(kind, output_field=CharField()),
            row_id=F("id"),
            row_sku=F("sku_id"),
            row_product=F("sku__product_id"),
            row_list_price=F("sku__price"),
            row_price=F("price"),
            row_starts=F(starts),
            row_ends=F(ends),
            row_number=F(number),
            row_left=F(left),
            row_joined=joined,
            row_festival=F("campaign__is_major_festival"),
            row_festival_starts=F("campaign__starts_at"),
            row_festival_ends=F("campaign__ends_at"),
        )
        .values_list(*_COLUMNS)
    )


def _read_shelf() -> PromotionShelf:
    now = timezone.now()
    flash = _rows(
        FlashSale.objects.filter(is_active=True, ends_at__gt=now, sku__is_active=True),
        kind="flash",
        starts="starts_at",
        ends="ends_at",
        number="per_customer_limit",
        left="quantity_left",
        joined=Value(0, output_field=IntegerField()),
    )
    group = _rows(
        GroupBuy.objects.filter(status=GroupBuy.Status.OPEN, deadline__gt=now, sku__is_active=True),
        kind="group",
        starts="created_at",
        ends="deadline",
        number="target_buyers",
        left="reserved_left",
        joined=F("buyers_count"),
    )
    flash_sales, group_buys = [], []
    for row in flash.union(group, all=True):
        kind, pk, sku_id, product_id, list_price, price, starts, ends, number, left, joined = row[
            :11
        ]
        festival = FestivalWindow(row[12], row[13]) if row[11] else None
        if kind == "flash":
            flash_sales.append(
                ShelfFlashSale(
                    id=pk,
                    sku_id=sku_id,
                    product_id=product_id,
                    list_price=list_price,
                    price=price,
                    starts_at=starts,
                    ends_at=ends,
                    per_customer_limit=number,
                    quantity_left=left,
                    festival=festival,
                )
            )
        else:
            group_buys.append(
                ShelfGroupBuy(
                    id=pk,
                    sku_id=sku_id,
                    product_id=product_id,
                    list_price=list_price,
                    price=price,
                    starts_at=starts,
                    deadline=ends,
                    target_buyers=number,
                    reserved_left=left,
                    buyers_count=joined,
                    festival=festival,
                )
            )
    flash_sales.sort(key=lambda sale: (sale.starts_at, sale.id))
    group_buys.sort(key=lambda deal: (deal.deadline, deal.id))
    return PromotionShelf(flash_sales=tuple(flash_sales), group_buys=tuple(group_buys))


def promotion_shelf() -> PromotionShelf:
    """Active flash sales and open group buys not yet over, kept per catalog version."""
    return _shelf.get("shelf", _read_shelf)


def promotions_valid_until(request, *, now: datetime) -> None:
    """Limit how long the page being rendered is cached: no longer than the next moment a
    flash sale or a group buy starts or ends, so no copy shows a price after its time."""
    shelf = promotion_shelf()
    moments = [
        moment
        for sale in shelf.flash_sales
        for moment in (sale.starts_at, sale.ends_at)
        if moment > now
    ] + [
        moment
        for deal in shelf.group_buys
        for moment in (deal.starts_at, deal.deadline)
        if moment > now
    ]
    if request is not None and moments:
        pagecache.valid_until(request, min(moments))


def flash_sale_on_sale(*, sku_id: int, now: datetime) -> ShelfFlashSale | None:
    """The flash sale whose price applies to the SKU now (the lowest, should two overlap)."""
    found = [
        sale
        for sale in promotion_shelf().flash_sales
        if sale.sku_id == sku_id and sale.on_sale(now)
    ]
    return min(found, key=lambda sale: (sale.price, sale.id)) if found else None


def flash_sale_in_window(*, sku_id: int, now: datetime) -> ShelfFlashSale | None:
    """The flash sale a product page shows for the SKU now: on sale, or else sold out."""
    on_sale = flash_sale_on_sale(sku_id=sku_id, now=now)
    if on_sale is not None:
        return on_sale
    return next(
        (
            sale
            for sale in promotion_shelf().flash_sales
            if sale.sku_id == sku_id and sale.in_window(now)
        ),
        None,
    )


def flash_sales_by_product(*, now: datetime) -> dict[int, ShelfFlashSale]:
    """product id → the flash sale on sale now with the lowest price, for product cards."""
    found: dict[int, ShelfFlashSale] = {}
    for sale in promotion_shelf().flash_sales:
        if not sale.on_sale(now):
            continue
        kept = found.get(sale.product_id)
        if kept is None or sale.shelf_price(now) < kept.shelf_price(now):
            found[sale.product_id] = sale
    return found


def group_buy_on_shelf(*, group_buy_id: int) -> ShelfGroupBuy | None:
    return next((deal for deal in promotion_shelf().group_buys if deal.id == group_buy_id), None)


def group_buy_for_product(*, product_id: int, now: datetime) -> ShelfGroupBuy | None:
    """The open group buy of a product that ends first, for its product page."""
    return next(
        (
            deal
            for deal in promotion_shelf().group_buys
            if deal.product_id == product_id and deal.is_open(now)
        ),
        None,
    )


def flash_sale_bought(*, flash_sale_id: int, member=None, email: str = "", phone: str = "") -> int:
    """Units of a flash sale this customer holds (not given back): by the member's account,
    or the email or phone an order was placed with, so a guest's limit holds too."""
    who = Q()
    if member is not None:
        who |= Q(member=member)
        email = email or member.email
    if email:
        who |= Q(email__iexact=email.strip())
    if phone:
        who |= Q(phone=phone.strip())
    if not who:
        return 0
    total = (
        FlashSaleClaim.objects.filter(flash_sale_id=flash_sale_id, released_at__isnull=True)
        .filter(who)
        .aggregate(total=Sum("quantity"))["total"]
    )
    return total or 0


_flash_sale_cards: KeptPerVersion[list] = KeptPerVersion("catalog", size=50)


def flash_sale_products(*, now: datetime, limit: int = 8) -> list:
    """Product cards (apps.catalog.selectors.ProductCard) of the products on flash sale now,
    the sale ending first first: the home page's 限时特卖 section. No query without sales;
    kept per catalog version and set of products."""
    sales = flash_sales_by_product(now=now)
    ids = tuple(sorted(sales, key=lambda pk: (sales[pk].ends_at, pk))[:limit])
    if not ids:
        return []

    def read() -> list:
        by_id = {card.id: card for card in product_cards(published_products().filter(pk__in=ids))}
        return [by_id[pk] for pk in ids if pk in by_id]

    return _flash_sale_cards.get(ids, read)

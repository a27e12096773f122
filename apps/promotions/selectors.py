"""Reads of apps.promotions: what the cart says about offers and the coupon, a campaign's
landing page, a member's coupons, the coupons a product page offers, and the promotion
specialist's figures.

Reads of promotions that pages and the pricing service share.

Flash sales and group buys not yet over are read in one query and kept by each worker per
catalog version (apps.core.kept), like the catalog itself: every write that changes what a
page shows (saving one in admin, the order that takes a flash sale's last unit, a unit given
back, a buyer joining or leaving a group buy, settlement) bumps the version after commit.
Their time windows are checked on every read, and a cached page that shows one is cached no
longer than its next start or end (`promotions_valid_until`)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import CharField, Count, F, IntegerField, Q, Sum, Value
from django.utils import timezone

from apps.cart.pricing import Pricing, price_floor
from apps.catalog.selectors import product_cards, published_products
from apps.core import pagecache
from apps.core.kept import KeptPerVersion
from apps.promotions.coupons import COUPONS_RULE, CouponCheck, coupon_check
from apps.promotions.models import (
    Campaign,
    Coupon,
    CouponClaim,
    CouponUse,
    FlashSale,
    FlashSaleClaim,
    GroupBuy,
    Offer,
    OfferUse,
)
from apps.promotions.offers import OFFERS_RULE, OfferVerdict, evaluate, running_offers
from apps.promotions.scope import scope_of

ZERO = Decimal("0.00")


# --- the cart and checkout ----------------------------------------------------------------


@dataclass(frozen=True)
class CartPromotions:
    """What the cart and checkout say about promotions: the offers applied and within reach,
    and the coupon (applied, with what it gives after the price guard, or refused and why)."""

    offers: OfferVerdict
    coupon: CouponCheck | None
    coupon_amount: Decimal

    @property
    def applied_offers(self):
        return self.offers.applied

    @property
    def near_offers(self):
        return self.offers.near

    @property
    def floor_percent(self) -> str:
        """The price floor as the stacking rule states it ("70")."""
        return f"{settings.SHOP_PRICE_FLOOR_PERCENT.normalize():f}"


def _offer_shares(line, pricing: Pricing) -> Decimal:
    return sum(
        (
            share
            for index, share in line.discount_shares.items()
            if index < len(pricing.discounts) and pricing.discounts[index].rule == OFFERS_RULE
        ),
        ZERO,
    )


def cart_promotions(pricing: Pricing) -> CartPromotions:
    """The offers of `pricing` explained (no query: the offers are kept), and its coupon code
    checked again for its message (a query or two, only when a code was given)."""
    lines = pricing.purchasable_lines
    verdict = evaluate(running_offers(pricing.context.now), lines)
    coupon = None
    if pricing.context.coupon_codes:
        coupon = coupon_check(
            code=pricing.context.coupon_codes[0],
            lines=lines,
            amounts=[line.line_total - _offer_shares(line, pricing) for line in lines],
            context=pricing.context,
        )
    return CartPromotions(
        offers=verdict, coupon=coupon, coupon_amount=pricing.discount_from(COUPONS_RULE)
    )


# --- campaigns --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignPage:
    campaign: Campaign
    offers: list
    coupons: list
    cards: list
    is_preview: bool


CAMPAIGN_PRODUCTS = 24


def campaign_for_visitor(*, slug: str, user, now: datetime | None = None) -> Campaign | None:
    """The campaign a visitor may see: running for everyone; before its start (a preview)
    only for staff; ended for no one."""
    now = now or timezone.now()
    campaign = Campaign.objects.filter(slug=slug, ends_at__gt=now).first()
    if campaign is None:
        return None
    if campaign.starts_at > now and not getattr(user, "is_staff", False):
        return None
    return campaign


def campaign_page(*, campaign: Campaign, now: datetime | None = None) -> CampaignPage:
    now = now or timezone.now()
    offers = list(
        campaign.offers.filter(is_active=True, ends_at__gt=now)
        .prefetch_related("products", "series", "categories")
        .order_by("starts_at", "id")
    )
    coupons = list(
        campaign.coupons.filter(is_active=True, claimable=True, ends_at__gt=now)
        .prefetch_related("products", "series", "categories")
        .order_by("starts_at", "id")
    )
    scopes = [scope_of(item) for item in (*offers, *coupons)]
    products = published_products()
    if scopes and not any(scope.whole_shop for scope in scopes):
        wanted = Q()
        for scope in scopes:
            wanted |= scope.product_filter()
        products = products.filter(wanted)
    elif not scopes:
        products = products.none()
    cards = product_cards(products.order_by("-popularity", "-id")[:CAMPAIGN_PRODUCTS])
    return CampaignPage(
        campaign=campaign,
        offers=offers,
        coupons=coupons,
        cards=cards,
        is_preview=campaign.starts_at > now,
    )


def campaign_changes_at(*, campaign: Campaign, page: CampaignPage, now: datetime) -> datetime:
    """The next moment the campaign page shows something else without any write."""
    moments = [campaign.ends_at, campaign.starts_at]
    for item in (*page.offers, *page.coupons):
        moments += [item.starts_at, item.ends_at]
    return min(moment for moment in moments if moment > now)


# --- coupons for members ------------------------------------------------------------------------


def coupons_claimable_for_product(*, product, now: datetime | None = None) -> list[Coupon]:
    """Running coupons members may claim that reach this product."""
    now = now or timezone.now()
    coupons = Coupon.objects.filter(
        is_active=True, claimable=True, starts_at__lte=now, ends_at__gt=now
    ).prefetch_related("products", "series", "categories")
    return [
        coupon
        for coupon in coupons
        if (coupon.uses_left is None or coupon.uses_left > 0) and scope_of(coupon).covers(product)
    ]


def claimed_coupon_ids(*, member, coupon_ids) -> set[int]:
    if not getattr(member, "is_authenticated", False):
        return set()
    return set(
        CouponClaim.objects.filter(member=member, coupon_id__in=coupon_ids).values_list(
            "coupon_id", flat=True
        )
    )


@dataclass(frozen=True)
class MyCoupon:
    coupon: Coupon
    claimed_at: datetime
    times_used: int
    state: str  # "usable", "used", "not_started", "expired"


def my_coupons(*, member, now: datetime | None = None) -> list[MyCoupon]:
    """The member's claimed coupons, usable first, each with how often they used it."""
    now = now or timezone.now()
    claims = (
        CouponClaim.objects.filter(member=member)
        .select_related("coupon")
        .annotate(
            used=Count(
                "coupon__uses",
                filter=Q(coupon__uses__member=member, coupon__uses__released_at__isnull=True),
            )
        )
        .order_by("coupon__ends_at", "id")
    )
    found = []
    for claim in claims:
        coupon = claim.coupon
        limit = coupon.per_customer_limit
        if now >= coupon.ends_at or not coupon.is_active:
            state = "expired"
        elif limit and claim.used >= limit:
            state = "used"
        elif now < coupon.starts_at:
            state = "not_started"
        else:
            state = "usable"
        found.append(
            MyCoupon(coupon=coupon, claimed_at=claim.claimed_at, times_used=claim.used, state=state)
        )
    order = {"usable": 0, "not_started": 1, "used": 2, "expired": 3}
    return sorted(found, key=lambda item: order[item.state])


# --- the promotion specialist's figures -------------------------------------------------------


@dataclass(frozen=True)
class PromotionFigures:
    orders: int = 0
    discount: Decimal = ZERO
    revenue: Decimal = ZERO


def _figures(uses, key: str) -> dict[int, PromotionFigures]:
    """One grouped query: orders, discount given and revenue (what those orders cost, less
    refunds) per promotion, cancelled orders left out."""
    from apps.orders.choices import FulfilmentStatus

    rows = (
        uses.exclude(order__fulfilment_status=FulfilmentStatus.CANCELLED)
        .values(key)
        .annotate(
            orders=Count("order", distinct=True),
            discount=Sum("amount"),
            revenue=Sum("order__total_amount"),
            refunded=Sum("order__refunded_amount"),
        )
    )
    return {
        row[key]: PromotionFigures(
            orders=row["orders"],
            discount=row["discount"] or ZERO,
            revenue=(row["revenue"] or ZERO) - (row["refunded"] or ZERO),
        )
        for row in rows
    }


@dataclass(frozen=True)
class PromotionRow:
    kind: str
    promotion: object
    figures: PromotionFigures


@dataclass(frozen=True)
class PromotionsNow:
    running: list[PromotionRow]
    upcoming: list[PromotionRow]
    campaigns_running: list[Campaign]
    campaigns_upcoming: list[Campaign]


def promotions_now(*, now: datetime | None = None, upcoming_days: int = 30) -> PromotionsNow:
    """What runs now and what starts within `upcoming_days`, offers and coupons, each with its
    figures so far (two grouped queries, one per kind)."""
    now = now or timezone.now()
    horizon = now + timezone.timedelta(days=upcoming_days)
    offers = list(
        Offer.objects.filter(is_active=True, ends_at__gt=now, starts_at__lte=horizon)
        .select_related("campaign")
        .order_by("starts_at", "id")
    )
    coupons = list(
        Coupon.objects.filter(is_active=True, ends_at__gt=now, starts_at__lte=horizon)
        .select_related("campaign")
        .order_by("starts_at", "id")
    )
    offer_figures = _figures(OfferUse.objects.filter(offer__in=offers), "offer")
    coupon_figures = _figures(
        CouponUse.objects.filter(coupon__in=coupons, released_at__isnull=True), "coupon"
    )
    rows = [
        PromotionRow("offer", offer, offer_figures.get(offer.pk, PromotionFigures()))
        for offer in offers
    ] + [
        PromotionRow("coupon", coupon, coupon_figures.get(coupon.pk, PromotionFigures()))
        for coupon in coupons
    ]
    campaigns = list(
        Campaign.objects.filter(ends_at__gt=now, starts_at__lte=horizon).order_by("starts_at")
    )
    return PromotionsNow(
        running=[row for row in rows if row.promotion.starts_at <= now],
        upcoming=[row for row in rows if row.promotion.starts_at > now],
        campaigns_running=[item for item in campaigns if item.starts_at <= now],
        campaigns_upcoming=[item for item in campaigns if item.starts_at > now],
    )


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

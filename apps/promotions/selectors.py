"""Reads of apps.promotions: what the cart says about offers and the coupon, a campaign's
landing page, a member's coupons, the coupons a product page offers, and the promotion
specialist's figures."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone

from apps.cart.pricing import Pricing
from apps.catalog.selectors import product_cards, published_products
from apps.promotions.coupons import CouponCheck, coupon_check
from apps.promotions.models import Campaign, Coupon, CouponClaim, CouponUse, Offer, OfferUse
from apps.promotions.offers import OfferVerdict, evaluate, running_offers
from apps.promotions.pricing import COUPONS_RULE, OFFERS_RULE
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

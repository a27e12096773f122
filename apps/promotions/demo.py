"""The demo shop's promotions: one running campaign, "双12 年终盛典 / 12.12 Year-end deals"
(not a major festival), with a whole-shop offer spend ¥199 save ¥20 / spend ¥399 save ¥50 and
the coupon WELCOME10 (¥10 off from ¥99, one use per customer, members may claim it). The home
page's year-end banner links to its landing page. Idempotent: what exists is left alone.

Demo promotions: a flash sale running on a hero product (ends 6 hours after loading, 50
units, 2 per customer) and a group buy on the other hero product (20 buyers needed, 3 joined
with paid orders, 2 days left), so the storefront shows both at once. Idempotent: loaded only
while the shop has no flash sale and no group buy."""

import secrets
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from apps.cart.models import Cart, CartLine
from apps.cart.pricing import price_floor
from apps.catalog.models import Sku
from apps.core.choices import PaymentMethod, ShippingMethod
from apps.orders.models import PickupPoint
from apps.promotions import services
from apps.promotions.models import Campaign, Coupon, FlashSale, GroupBuy, Offer

CAMPAIGN_SLUG = "year-end-deals"
CAMPAIGN_PATH = f"/campaigns/{CAMPAIGN_SLUG}/"
COUPON_CODE = "WELCOME10"


def load_promotions(*, now=None) -> int:
    """Creates what is missing; returns how many promotions were added."""
    now = now or timezone.now()
    added = 0
    campaign = Campaign.objects.filter(slug=CAMPAIGN_SLUG).first()
    if campaign is None:
        campaign = Campaign.objects.create(
            slug=CAMPAIGN_SLUG,
            name_zh_hans="双12 年终盛典",
            name_en="12.12 Year-end deals",
            description_zh_hans="全场满199减20、满399减50，新客再领10元券。",
            description_en="Spend ¥199 save ¥20, spend ¥399 save ¥50 on everything; new"
            " customers take ¥10 more off with WELCOME10.",
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=60),
            is_major_festival=False,
        )
    if not campaign.offers.exists():
        Offer.objects.create(
            campaign=campaign,
            name_zh_hans="满199减20，满399减50",
            name_en="¥20 off ¥199, ¥50 off ¥399",
            kind=Offer.Kind.TIERS,
            tiers=[["199.00", "20.00"], ["399.00", "50.00"]],
            starts_at=campaign.starts_at,
            ends_at=campaign.ends_at,
        )
        added += 1
    if not Coupon.objects.filter(code=COUPON_CODE).exists():
        Coupon.objects.create(
            code=COUPON_CODE,
            name_zh_hans="新客10元券",
            name_en="¥10 welcome coupon",
            campaign=campaign,
            kind=Coupon.Kind.AMOUNT,
            amount="10.00",
            min_spend="99.00",
            per_customer_limit=1,
            claimable=True,
            starts_at=campaign.starts_at,
            ends_at=campaign.ends_at,
        )
        added += 1
    _link_year_end_banner()
    return added


def _link_year_end_banner() -> None:
    """Demo shops loaded before the campaign existed: their year-end banner links to it now."""
    from apps.catalog import services
    from apps.catalog.models import Banner

    if Banner.objects.filter(link="/series/appliances/", title_en="12.12 Year-end deals").update(
        link=CAMPAIGN_PATH
    ):
        services.banners_changed()


DEMO_BUYERS = [
    ("tuan1@example.com", "13900000001", "王芳"),
    ("tuan2@example.com", "13900000002", "李强"),
    ("tuan3@example.com", "13900000003", "陈静"),
]


def _hero_skus() -> list[Sku]:
    skus = (
        Sku.objects.filter(is_active=True, product__is_published=True, product__is_hero=True)
        .select_related("product")
        .order_by("product__id", "id")
    )
    first_per_product: dict[int, Sku] = {}
    for sku in skus:
        first_per_product.setdefault(sku.product_id, sku)
    return list(first_per_product.values())


def _share_of(price: Decimal, percent: int) -> Decimal:
    wanted = (price * percent / 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return max(wanted, price_floor(price))


def load_flash_sales_and_group_buys() -> str:
    """Creates the demo flash sale and group buy when the shop has neither."""
    if FlashSale.objects.exists() or GroupBuy.objects.exists():
        return "kept"
    heroes = _hero_skus()
    if not heroes:
        return "no hero products"
    now = timezone.now()
    flash_sku = heroes[0]
    services.flash_sale_save(
        flash_sale=FlashSale(
            sku=flash_sku,
            price=_share_of(flash_sku.price, 80),
            starts_at=now - timedelta(minutes=5),
            ends_at=now + timedelta(hours=6),
            quantity=50,
            per_customer_limit=2,
        )
    )
    deal_sku = heroes[1] if len(heroes) > 1 else heroes[0]
    reserved = min(40, deal_sku.stock)
    if reserved < len(DEMO_BUYERS):
        return "flash sale only"
    group_buy = services.group_buy_create(
        sku=deal_sku,
        price=_share_of(deal_sku.price, 75),
        target_buyers=20,
        deadline=now + timedelta(days=2),
        reserved_quantity=reserved,
    )
    _join_demo_buyers(group_buy)
    return "flash sale and group buy"


def _join_demo_buyers(group_buy: GroupBuy) -> None:
    """Three guests join through checkout and pay, as shoppers would."""
    from apps.orders.services import CheckoutDetails, order_mark_paid, order_place

    point = PickupPoint.objects.filter(is_active=True).order_by("sort_order", "pk").first()
    for email, phone, name in DEMO_BUYERS:
        cart = Cart.objects.create(joining_group_buy=group_buy.pk)
        CartLine.objects.create(cart=cart, sku=group_buy.sku, quantity=1, price_seen=0)
        pickup = point is not None
        order = order_place(
            cart=cart,
            details=CheckoutDetails(
                email=email,
                phone=phone,
                recipient_name=name,
                shipping_method=ShippingMethod.PICKUP if pickup else ShippingMethod.COURIER,
                payment_method=PaymentMethod.ONLINE,
                pickup_point_id=point.pk if pickup else None,
                province="" if pickup else "上海市",
                city="" if pickup else "市辖区",
                district="" if pickup else "黄浦区",
                region_code="" if pickup else "310101",
                street="" if pickup else "南京东路 1 号",
            ),
            idempotency_key=secrets.token_urlsafe(24),
        )
        order_mark_paid(order=order, provider="demo")

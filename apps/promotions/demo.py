"""Demo promotions: a flash sale running on a hero product (ends 6 hours after loading, 50
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
from apps.promotions.models import FlashSale, GroupBuy

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


def load_promotions() -> str:
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

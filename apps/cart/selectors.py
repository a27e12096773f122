from datetime import datetime

from django.db.models import Prefetch

from apps.cart.models import Cart, CartLine
from apps.cart.pricing import Pricing, PricingContext, price_items
from apps.catalog.models import ProductImage
from apps.core.choices import ShippingMethod

# "Not given": the cart's own member is the buyer (None is a real answer: a guest).
CART_OWNER = object()


def cart_lines(*, cart: Cart | None) -> list[CartLine]:
    if cart is None:
        return []
    return list(
        cart.lines.select_related("sku", "sku__product").prefetch_related(
            Prefetch(
                "sku__product__images",
                queryset=ProductImage.objects.only(
                    "id", "product_id", "card_thumbnail", "small_thumbnail", "image", "sort_order"
                ),
            )
        )
    )


def cart_pricing(
    *,
    cart: Cart | None,
    buyer=CART_OWNER,
    shipping_method: str = ShippingMethod.COURIER,
    coupon_codes: tuple[str, ...] = (),
    now: datetime | None = None,
    points_to_redeem: int = 0,
) -> Pricing:
    """The cart priced for its buyer. Views pass the signed-in user as `buyer` (no query);
    left out, the cart's member is looked up. `points_to_redeem`: points the member pays
    with (checkout's review). A cart joining a group buy is priced with its deal price."""
    if buyer is CART_OWNER:
        buyer = cart.member if cart is not None and cart.member_id else None
    context = PricingContext(
        buyer=buyer,
        coupon_codes=tuple(coupon_codes),
        shipping_method=shipping_method,
        points_to_redeem=points_to_redeem,
        group_buy_id=cart.joining_group_buy if cart is not None else None,
        **({"now": now} if now is not None else {}),
    )
    items = [(line.sku, line.quantity, line.price_seen) for line in cart_lines(cart=cart)]
    return price_items(items=items, context=context)

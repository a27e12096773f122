from django.db.models import Prefetch

from apps.cart.models import Cart, CartLine
from apps.cart.pricing import Pricing, price_items
from apps.catalog.models import ProductImage
from apps.core.choices import ShippingMethod


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


def cart_pricing(*, cart: Cart | None, shipping_method: str = ShippingMethod.COURIER) -> Pricing:
    items = [(line.sku, line.quantity, line.price_seen) for line in cart_lines(cart=cart)]
    return price_items(items=items, shipping_method=shipping_method)

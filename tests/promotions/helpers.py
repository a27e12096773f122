import secrets

from apps.orders import services
from tests.cart.factories import CartFactory, CartLineFactory
from tests.orders.factories import checkout_details


def place_with_coupon(*, items, code, member=None, email="buyer@example.com", **details):
    """An order placed through the real service with a coupon code."""
    cart = CartFactory(member=member)
    for sku, quantity in items:
        CartLineFactory(cart=cart, sku=sku, quantity=quantity)
    return services.order_place(
        cart=cart,
        details=checkout_details(email=email, **details),
        idempotency_key=secrets.token_urlsafe(24),
        member=member,
        coupon_codes=(code,) if code else (),
    )

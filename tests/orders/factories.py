import secrets

from apps.orders import services
from apps.orders.choices import PaymentMethod, ShippingMethod
from tests.cart.factories import CartFactory, CartLineFactory
from tests.catalog.factories import SkuFactory


def checkout_details(**overrides) -> services.CheckoutDetails:
    values = {
        "email": "buyer@example.com",
        "phone": "13800138000",
        "recipient_name": "张三",
        "shipping_method": ShippingMethod.COURIER,
        "payment_method": PaymentMethod.ONLINE,
        "province": "上海市",
        "city": "市辖区",
        "district": "黄浦区",
        "region_code": "310101",
        "street": "南京东路 1 号",
    }
    values.update(overrides)
    return services.CheckoutDetails(**values)


def place_order(*, items=None, member=None, key=None, **details):
    """An order placed through the real service: items are (sku, quantity) pairs."""
    if items is None:
        items = [(SkuFactory(), 1)]
    cart = CartFactory(member=member)
    for sku, quantity in items:
        CartLineFactory(cart=cart, sku=sku, quantity=quantity)
    return services.order_place(
        cart=cart,
        details=checkout_details(**details),
        idempotency_key=key or secrets.token_urlsafe(24),
        member=member,
    )

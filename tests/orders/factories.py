import secrets
from decimal import Decimal
from io import BytesIO

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from factory.django import DjangoModelFactory
from PIL import Image

from apps.aftersales import services as aftersales_services
from apps.aftersales.models import ReturnKind, ReturnReason
from apps.core.choices import PaymentMethod, ShippingMethod
from apps.orders import services
from apps.orders.choices import FulfilmentStatus, PaymentStatus
from apps.orders.models import Order, OrderEvent, OrderLine, PickupPoint, new_order_number
from apps.payments import services as payment_services
from tests.cart.factories import CartFactory, CartLineFactory
from tests.catalog.factories import SkuFactory


class PickupPointFactory(DjangoModelFactory):
    class Meta:
        model = PickupPoint

    name_zh_hans = factory.Sequence(lambda n: f"家味电器 {n} 号门店")
    name_en = factory.Sequence(lambda n: f"Jiawei store no. {n}")
    address_zh_hans = "上海市黄浦区南京东路 299 号"
    address_en = "299 East Nanjing Road, Huangpu District, Shanghai"
    opening_hours_zh_hans = "每天 10:00–22:00"
    opening_hours_en = "Daily 10:00–22:00"
    phone = "021-6322 8899"
    map_url = "https://uri.amap.com/search?keyword=nanjing"


class OrderFactory(DjangoModelFactory):
    """An order row as it stands in the database, for states the services reach only through
    long journeys (or figures no checkout produces, such as a large coupon). Prefer
    place_order, which goes through the real checkout."""

    class Meta:
        model = Order

    number = factory.LazyFunction(new_order_number)
    idempotency_key = factory.LazyFunction(lambda: secrets.token_urlsafe(24))
    email = "buyer@example.com"
    phone = "13800138000"
    recipient_name = factory.Faker("name", locale="zh_CN")
    shipping_method = ShippingMethod.COURIER
    payment_method = PaymentMethod.ONLINE
    payment_status = PaymentStatus.UNPAID
    fulfilment_status = FulfilmentStatus.AWAITING_PAYMENT
    subtotal_amount = Decimal("100.00")
    total_amount = Decimal("100.00")


class OrderLineFactory(DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    sku = factory.SubFactory(SkuFactory)
    product_name = factory.LazyAttribute(lambda line: line.sku.product.name)
    sku_code = factory.LazyAttribute(lambda line: line.sku.code)
    unit_price = Decimal("100.00")
    quantity = 1
    line_total = factory.LazyAttribute(lambda line: line.unit_price * line.quantity)


class OrderEventFactory(DjangoModelFactory):
    class Meta:
        model = OrderEvent

    order = factory.SubFactory(OrderFactory)
    kind = OrderEvent.Kind.NOTE
    note = "已电话确认"


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
    if values["shipping_method"] == ShippingMethod.NONE:
        # Nothing to deliver: no address to give.
        for name in ("province", "city", "district", "region_code", "street"):
            values[name] = overrides.get(name, "")
    if values["shipping_method"] == ShippingMethod.PICKUP and "pickup_point_id" not in values:
        values["pickup_point_id"] = PickupPointFactory().pk
    return services.CheckoutDetails(**values)


def place_order(*, items=None, member=None, key=None, language="zh-hans", **details):
    """An order placed through the real service: items are (sku, quantity) pairs. Items that
    are all never shipped (a membership) are ordered with no delivery, as checkout does."""
    if items is None:
        items = [(SkuFactory(), 1)]
    if not any(sku.product.requires_delivery for sku, _quantity in items):
        details.setdefault("shipping_method", ShippingMethod.NONE)
    cart = CartFactory(member=member)
    for sku, quantity in items:
        CartLineFactory(cart=cart, sku=sku, quantity=quantity)
    return services.order_place(
        cart=cart,
        details=checkout_details(**details),
        idempotency_key=key or secrets.token_urlsafe(24),
        member=member,
        language=language,
    )


def paid_order(*, items=None, member=None, **details):
    """An order placed and paid through the real services (the simulator's notification)."""
    order = place_order(items=items, member=member, **details)
    payment_services.payment_record(
        order=order,
        provider="simulator",
        provider_event_id=f"paid-{order.number}",
        amount=order.total_amount,
    )
    return Order.objects.get(pk=order.pk)


def delivered_order(*, items=None, member=None, **details):
    """An order taken through payment, shipping and delivery by the real services."""
    order = paid_order(items=items, member=member, **details)
    services.order_mark_shipped(order=order, carrier="顺丰速运", tracking_number="SF1000")
    return services.order_mark_delivered(order=Order.objects.get(pk=order.pk))


def request_return(
    *,
    order,
    lines=None,
    kind=ReturnKind.RETURN,
    reason=ReturnReason.QUALITY,
    **kwargs,
):
    """A return (or exchange) asked for through the real service; by default every unit of
    every line, for a quality problem."""
    if lines is None:
        lines = {line.pk: line.quantity for line in order.lines.all()}
    return aftersales_services.return_request_create(
        order=order, kind=kind, reason=reason, lines=lines, **kwargs
    )


def image_upload(
    name: str = "photo.png", image_format: str = "PNG", size: tuple[int, int] = (40, 30)
) -> SimpleUploadedFile:
    """A picture as a browser uploads it."""
    buffer = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")

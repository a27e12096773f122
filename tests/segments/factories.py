from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from apps.orders.choices import FulfilmentStatus, PaymentStatus
from apps.segments.models import Segment, SegmentKind
from tests.catalog.factories import SkuFactory
from tests.orders.factories import OrderFactory, OrderLineFactory


class SegmentFactory(DjangoModelFactory):
    """The loyal-customers rule by default: 3 paid orders and ¥1,000 in 12 months."""

    class Meta:
        model = Segment

    name_zh_hans = factory.Sequence(lambda n: f"客户分组{n}")
    name_en = factory.Sequence(lambda n: f"Segment {n}")
    kind = SegmentKind.LOYAL
    min_paid_orders = 3
    min_spend_amount = Decimal("1000.00")


def member_order(
    member,
    *,
    status=PaymentStatus.PAID,
    days_ago: int = 10,
    total: str = "100.00",
    refunded: str = "0.00",
    sku=None,
    line_refunded: bool = False,
):
    """An order of the member as it stands after `days_ago` days: paid (then paid that day),
    unpaid, partly or fully refunded; with one line of `sku` when given."""
    paid = status != PaymentStatus.UNPAID
    order = OrderFactory(
        member=member,
        email=member.email,
        payment_status=status,
        fulfilment_status=FulfilmentStatus.COMPLETED if paid else FulfilmentStatus.CANCELLED,
        paid_at=timezone.now() - timedelta(days=days_ago) if paid else None,
        subtotal_amount=Decimal(total),
        total_amount=Decimal(total),
        refunded_amount=Decimal(refunded),
    )
    if sku is not None:
        OrderLineFactory(
            order=order,
            sku=sku,
            unit_price=Decimal(total),
            refunded_quantity=1 if line_refunded else 0,
            refunded_amount=Decimal(total) if line_refunded else Decimal("0"),
        )
    return order


def sku_in(category):
    return SkuFactory(product__category=category, product__series=category.series)

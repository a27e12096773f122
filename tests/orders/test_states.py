"""Payment and fulfilment are two state machines: a refund moves the money, never the goods,
so a partly refunded order is still packed, restocked and cancellable."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.catalog.models import Sku
from apps.orders import selectors, services
from apps.orders.choices import FulfilmentStatus, PaymentStatus
from apps.orders.models import Order, OrderEvent
from apps.payments.models import Refund
from tests.catalog.factories import SkuFactory
from tests.orders.factories import OrderFactory, OrderLineFactory, paid_order

pytestmark = pytest.mark.django_db


def stock_of(sku) -> int:
    return Sku.objects.get(pk=sku.pk).stock


def three_units_paid_then_two_single_refunds(sku):
    order = paid_order(items=[(sku, 3)])
    line = order.lines.get()
    services.order_refund(order=order, lines={line.pk: 1})
    services.order_refund(order=order, lines={line.pk: 1})
    return Order.objects.get(pk=order.pk)


def test_each_refund_before_shipping_puts_its_unit_back_in_stock():
    sku = SkuFactory(price=Decimal("100.00"), stock=8)

    order = three_units_paid_then_two_single_refunds(sku)

    assert stock_of(sku) == 7
    assert (order.payment_status, order.fulfilment_status) == (
        PaymentStatus.PARTLY_REFUNDED,
        FulfilmentStatus.TO_PICK,
    )


def test_a_partly_refunded_order_stays_on_the_pick_list_with_what_is_left():
    sku = SkuFactory(code="RC-3", price=Decimal("100.00"), stock=8)
    order = three_units_paid_then_two_single_refunds(sku)

    pick_list = selectors.pick_list_for_day(day=timezone.localdate())

    assert [listed.pk for listed in pick_list["orders"]] == [order.pk]
    assert [(row["sku_code"], row["quantity"]) for row in pick_list["skus"]] == [("RC-3", 1)]


def test_a_partly_refunded_order_can_be_cancelled_and_refunds_add_up_to_what_was_paid():
    sku = SkuFactory(price=Decimal("100.00"), stock=8)
    order = three_units_paid_then_two_single_refunds(sku)

    cancelled = services.order_cancel(order=order)

    assert stock_of(sku) == 8
    assert (cancelled.payment_status, cancelled.fulfilment_status) == (
        PaymentStatus.REFUNDED,
        FulfilmentStatus.CANCELLED,
    )
    assert cancelled.refunded_amount == order.total_amount
    assert [refund.amount for refund in Refund.objects.filter(order=order).order_by("pk")] == [
        Decimal("100.00"),
        Decimal("100.00"),
        order.total_amount - Decimal("200.00"),
    ]


def test_refunding_everything_before_shipping_takes_the_order_off_the_pick_list():
    sku = SkuFactory(stock=5)
    order = paid_order(items=[(sku, 2)])

    refunded = services.order_refund(order=order)

    assert (refunded.payment_status, refunded.fulfilment_status) == (
        PaymentStatus.REFUNDED,
        FulfilmentStatus.CANCELLED,
    )
    assert stock_of(sku) == 5
    assert selectors.pick_list_for_day(day=timezone.localdate())["orders"] == []


def test_a_refund_after_shipping_leaves_the_goods_status_and_the_stock_alone():
    sku = SkuFactory(price=Decimal("100.00"), stock=5)
    order = paid_order(items=[(sku, 2)])
    services.order_mark_shipped(order=order, carrier="顺丰速运", tracking_number="SF1")
    line = order.lines.get()

    refunded = services.order_refund(order=Order.objects.get(pk=order.pk), lines={line.pk: 1})

    assert (refunded.payment_status, refunded.fulfilment_status) == (
        PaymentStatus.PARTLY_REFUNDED,
        FulfilmentStatus.SHIPPED,
    )
    assert stock_of(sku) == 3


def test_a_refund_larger_than_what_was_paid_is_refused_and_nothing_changes():
    # A coupon took ¥70 off: ¥80 was paid for goods listed at ¥150.
    order = OrderFactory(
        subtotal_amount=Decimal("150.00"),
        discount_amount=Decimal("70.00"),
        total_amount=Decimal("80.00"),
        payment_status=PaymentStatus.PAID,
        fulfilment_status=FulfilmentStatus.SHIPPED,
        paid_at=timezone.now(),
    )
    dear = OrderLineFactory(order=order, unit_price=Decimal("100.00"))
    OrderLineFactory(order=order, unit_price=Decimal("50.00"))

    with pytest.raises(services.OrderError):
        services.order_refund(order=order, lines={dear.pk: 1})

    order.refresh_from_db()
    dear.refresh_from_db()
    assert (order.refunded_amount, order.payment_status) == (Decimal("0.00"), PaymentStatus.PAID)
    assert (dear.refunded_quantity, dear.refunded_amount) == (0, Decimal("0.00"))
    assert Refund.objects.filter(order=order).count() == 0


def test_a_line_cannot_be_refunded_beyond_what_is_left_of_it():
    # Enough money is left on the order (the other line's), so only the quantity rule stops it.
    kettle = SkuFactory(price=Decimal("100.00"), stock=8)
    cooker = SkuFactory(price=Decimal("100.00"), stock=8)
    order = paid_order(items=[(kettle, 3), (cooker, 1)])
    line = order.lines.get(sku=kettle)
    services.order_refund(order=order, lines={line.pk: 2})

    with pytest.raises(services.OrderError):
        services.order_refund(order=order, lines={line.pk: 2})

    line.refresh_from_db()
    assert (line.refunded_quantity, line.refunded_amount) == (2, Decimal("200.00"))
    assert Order.objects.get(pk=order.pk).refunded_amount == Decimal("200.00")
    assert (stock_of(kettle), stock_of(cooker)) == (7, 7)


def test_each_status_change_names_its_machine_with_from_and_to():
    order = paid_order()

    events = list(
        order.events.filter(kind=OrderEvent.Kind.STATUS).values_list(
            "machine", "from_status", "to_status"
        )
    )

    assert events == [
        ("fulfilment", "", FulfilmentStatus.AWAITING_PAYMENT),
        ("payment", PaymentStatus.UNPAID, PaymentStatus.PAID),
        ("fulfilment", FulfilmentStatus.AWAITING_PAYMENT, FulfilmentStatus.TO_PICK),
    ]


def test_the_payment_machine_refuses_a_step_outside_its_table():
    order = paid_order()

    with pytest.raises(services.InvalidTransition):
        services.order_payment_transition(order=order, to_status=PaymentStatus.UNPAID)

    assert Order.objects.get(pk=order.pk).payment_status == PaymentStatus.PAID
    assert order.events.filter(machine="payment").count() == 1


def test_money_arriving_for_a_cancelled_order_does_not_reopen_it():
    order = OrderFactory(fulfilment_status=FulfilmentStatus.CANCELLED)

    assert services.order_mark_paid(order=order, provider="simulator") is False

    order.refresh_from_db()
    assert (order.payment_status, order.fulfilment_status) == (
        PaymentStatus.UNPAID,
        FulfilmentStatus.CANCELLED,
    )


def test_an_order_delivered_past_the_return_window_is_completed_once():
    order = OrderFactory(
        payment_status=PaymentStatus.PAID,
        fulfilment_status=FulfilmentStatus.DELIVERED,
        delivered_at=timezone.now() - timedelta(days=8),
    )

    first = services.orders_complete_delivered()
    again = services.orders_complete_delivered()

    assert (first, again) == (1, 0)
    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.COMPLETED
    assert order.events.filter(to_status=FulfilmentStatus.COMPLETED).count() == 1


def test_an_order_still_inside_its_return_window_is_not_completed():
    order = OrderFactory(
        payment_status=PaymentStatus.PAID,
        fulfilment_status=FulfilmentStatus.DELIVERED,
        delivered_at=timezone.now() - timedelta(days=2),
    )

    assert services.orders_complete_delivered() == 0
    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.DELIVERED

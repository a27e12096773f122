from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from apps.catalog.models import Product, Sku
from apps.core.choices import PaymentMethod, ShippingMethod
from apps.orders import services
from apps.orders.choices import FulfilmentStatus, PaymentStatus
from apps.orders.models import Order, OrderEvent
from apps.payments import services as payment_services
from apps.payments.gateways.base import PaymentRejected
from tests.cart.factories import CartFactory, CartLineFactory
from tests.catalog.factories import SkuFactory
from tests.orders.factories import checkout_details, place_order

pytestmark = pytest.mark.django_db


def stock_of(sku) -> int:
    return Sku.objects.get(pk=sku.pk).stock


def test_placing_an_order_reserves_stock_and_snapshots_prices():
    sku = SkuFactory(price=Decimal("59.90"), stock=5)

    order = place_order(items=[(sku, 2)])

    line = order.lines.get()
    assert stock_of(sku) == 3
    assert (line.unit_price, line.quantity, line.line_total) == (
        Decimal("59.90"),
        2,
        Decimal("119.80"),
    )
    assert order.total_amount == Decimal("131.80")
    assert Product.objects.get(pk=sku.product_id).total_stock == 3


def test_placing_an_order_empties_the_cart_and_emails_a_confirmation(
    django_capture_on_commit_callbacks,
):
    sku = SkuFactory(stock=5)
    cart = CartFactory()
    CartLineFactory(cart=cart, sku=sku, quantity=1)

    with django_capture_on_commit_callbacks(execute=True):
        order = services.order_place(
            cart=cart, details=checkout_details(), idempotency_key="k" * 20
        )

    assert cart.lines.count() == 0
    assert [message.to for message in mail.outbox] == [["buyer@example.com"]]
    assert order.number in mail.outbox[0].subject


def test_order_numbers_are_the_date_and_ten_random_digits(monkeypatch):
    # The suffix comes from the secrets module, so numbers cannot be guessed in sequence.
    drawn = iter([42, 31415926])
    monkeypatch.setattr("apps.orders.models.secrets.randbelow", lambda limit: next(drawn))

    first, second = place_order(), place_order()

    today = timezone.localdate().strftime("%Y%m%d")
    assert (first.number, second.number) == (f"{today}0000000042", f"{today}0031415926")


def test_the_same_idempotency_key_gives_one_order():
    sku = SkuFactory(stock=5)
    first = place_order(items=[(sku, 1)], key="same-key-123456789")

    again = place_order(items=[(sku, 1)], key="same-key-123456789")

    assert again.pk == first.pk
    assert Order.objects.count() == 1
    assert stock_of(sku) == 4


def test_more_than_the_stock_is_refused_and_nothing_changes():
    sku = SkuFactory(stock=1)
    cart = CartFactory()
    CartLineFactory(cart=cart, sku=sku, quantity=2)

    with pytest.raises(services.OutOfStock):
        services.order_place(cart=cart, details=checkout_details(), idempotency_key="k" * 20)

    assert stock_of(sku) == 1
    assert Order.objects.count() == 0
    assert cart.lines.count() == 1


def test_illegal_transition_is_refused():
    order = place_order()

    with pytest.raises(services.InvalidTransition):
        services.order_fulfilment_transition(order=order, to_status=FulfilmentStatus.SHIPPED)

    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.AWAITING_PAYMENT


def test_every_transition_is_an_event_with_who_and_when(admin_user):
    order = place_order(payment_method=PaymentMethod.CASH_ON_DELIVERY)

    services.order_mark_shipped(
        order=order, carrier="顺丰", tracking_number="SF1", actor=admin_user
    )

    events = list(order.events.values_list("machine", "from_status", "to_status", "actor"))
    assert events == [
        ("fulfilment", "", FulfilmentStatus.TO_PICK, None),
        ("fulfilment", FulfilmentStatus.TO_PICK, FulfilmentStatus.PICKING, admin_user.pk),
        ("fulfilment", FulfilmentStatus.PICKING, FulfilmentStatus.SHIPPED, admin_user.pk),
    ]


def test_cancel_releases_stock():
    sku = SkuFactory(stock=3)
    order = place_order(items=[(sku, 2)])

    services.order_cancel(order=order)

    assert stock_of(sku) == 3
    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.CANCELLED


def test_a_shipped_order_cannot_be_cancelled():
    sku = SkuFactory(stock=3)
    order = place_order(items=[(sku, 1)], payment_method=PaymentMethod.CASH_ON_DELIVERY)
    services.order_mark_shipped(order=order, carrier="顺丰", tracking_number="SF1")

    with pytest.raises(services.InvalidTransition):
        services.order_cancel(order=order)

    assert stock_of(sku) == 2


def test_unpaid_online_orders_expire_after_30_minutes_and_release_stock():
    sku = SkuFactory(stock=3)
    order = place_order(items=[(sku, 1)])
    cod = place_order(items=[(sku, 1)], payment_method=PaymentMethod.CASH_ON_DELIVERY)

    assert services.orders_expire_unpaid(now=timezone.now() + timedelta(minutes=29)) == 0
    assert services.orders_expire_unpaid(now=timezone.now() + timedelta(minutes=31)) == 1
    assert services.orders_expire_unpaid(now=timezone.now() + timedelta(minutes=31)) == 0

    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.CANCELLED
    assert Order.objects.get(pk=cod.pk).fulfilment_status == FulfilmentStatus.TO_PICK
    assert stock_of(sku) == 2


def pay(order):
    return payment_services.payment_record(
        order=order,
        provider="simulator",
        provider_event_id=f"ev-{order.number}",
        amount=order.total_amount,
    )


def test_payment_marks_the_order_paid_once():
    order = place_order()

    assert pay(order) is True
    assert pay(order) is False

    order.refresh_from_db()
    assert (order.payment_status, order.fulfilment_status) == (
        PaymentStatus.PAID,
        FulfilmentStatus.TO_PICK,
    )
    assert order.paid_at is not None
    assert order.payments.count() == 1


@pytest.mark.parametrize(("provider", "shown"), [("alipay", "支付宝"), ("wechatpay", "微信支付")])
def test_the_order_timeline_names_the_payment_provider_as_shoppers_read_it(provider, shown):
    order = place_order()

    payment_services.payment_record(
        order=order, provider=provider, provider_event_id="event-1", amount=order.total_amount
    )

    notes = list(order.events.values_list("note", flat=True))
    assert f"已收到付款（{shown}）。" in notes
    assert not any(provider in note for note in notes)


def test_wrong_amount_is_refused_and_changes_nothing():
    order = place_order()

    with pytest.raises(PaymentRejected):
        payment_services.payment_record(
            order=order, provider="simulator", provider_event_id="x", amount=Decimal("1.00")
        )

    assert Order.objects.get(pk=order.pk).payment_status == PaymentStatus.UNPAID
    assert order.payments.count() == 0


def test_partial_refund_by_line_then_full_refund_never_exceeds_paid():
    cheap, dear = (
        SkuFactory(price=Decimal("50.00"), stock=9),
        SkuFactory(price=Decimal("150.00"), stock=9),
    )
    order = place_order(items=[(cheap, 2), (dear, 1)])
    pay(order)
    cheap_line = order.lines.get(sku=cheap)

    partial = services.order_refund(order=order, lines={cheap_line.pk: 1})
    assert (partial.payment_status, partial.refunded_amount) == (
        PaymentStatus.PARTLY_REFUNDED,
        Decimal("50.00"),
    )
    assert stock_of(cheap) == 8

    full = services.order_refund(order=order)
    assert (full.payment_status, full.refunded_amount) == (
        PaymentStatus.REFUNDED,
        order.total_amount,
    )

    with pytest.raises(services.OrderError):
        services.order_refund(order=order)
    assert Order.objects.get(pk=order.pk).refunded_amount == order.total_amount


def test_refund_of_more_than_bought_is_refused():
    order = place_order()
    pay(order)
    line = order.lines.get()

    with pytest.raises(services.OrderError):
        services.order_refund(order=order, lines={line.pk: 5})

    assert Order.objects.get(pk=order.pk).refunded_amount == 0


def test_shipping_emails_the_carrier_and_tracking_number(django_capture_on_commit_callbacks):
    order = place_order()
    pay(order)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.order_mark_shipped(order=order, carrier="顺丰速运", tracking_number="SF123")

    assert "SF123" in mail.outbox[0].body
    assert Order.objects.get(pk=order.pk).shipped_at is not None


def test_shipping_by_courier_needs_a_tracking_number():
    order = place_order()
    pay(order)

    with pytest.raises(services.OrderError):
        services.order_mark_shipped(order=order, carrier="顺丰", tracking_number=" ")

    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.TO_PICK


def test_address_correction_is_logged_with_old_and_new_values(admin_user):
    order = place_order()

    services.order_correct_contact(order=order, actor=admin_user, phone="13900139000")

    event = order.events.get(kind=OrderEvent.Kind.ADDRESS)
    assert "13800138000 → 13900139000" in event.note
    assert event.actor == admin_user


def test_pickup_orders_pay_no_shipping():
    order = place_order(
        items=[(SkuFactory(price=Decimal("20.00")), 1)], shipping_method=ShippingMethod.PICKUP
    )

    assert order.shipping_amount == 0
    assert order.total_amount == Decimal("20.00")


def test_cash_on_delivery_counts_as_paid_when_delivered():
    order = place_order(payment_method=PaymentMethod.CASH_ON_DELIVERY)
    services.order_mark_shipped(order=order, carrier="顺丰", tracking_number="SF1")

    delivered = services.order_mark_delivered(order=Order.objects.get(pk=order.pk))

    assert (delivered.payment_status, delivered.fulfilment_status) == (
        PaymentStatus.PAID,
        FulfilmentStatus.DELIVERED,
    )
    assert delivered.paid_at is not None


def test_listing_stock_of_a_product_with_several_skus_follows_orders():
    sku = SkuFactory(stock=5)
    SkuFactory(product=sku.product, stock=7)

    place_order(items=[(sku, 2)])

    assert Product.objects.get(pk=sku.product_id).total_stock == 10


def test_an_order_number_drawn_twice_is_drawn_again(monkeypatch):
    first = place_order()
    numbers = iter([first.number, "20260101" + "1234567890"])
    monkeypatch.setattr(services, "new_order_number", lambda: next(numbers))

    second = place_order()

    assert second.number == "202601011234567890"
    assert Order.objects.count() == 2

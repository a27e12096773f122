"""The order desk per role: warehouse ships and prints, after-sales corrects and refunds; each
only that."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.catalog.models import Sku
from apps.core.choices import PaymentMethod
from apps.orders import services
from apps.orders.choices import FulfilmentStatus, PaymentStatus
from apps.orders.models import Order, OrderEvent
from tests.catalog.factories import SkuFactory
from tests.orders.factories import paid_order, place_order
from tests.staff.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


def test_warehouse_marks_an_order_shipped_and_the_customer_is_emailed(
    client, django_capture_on_commit_callbacks
):
    order = paid_order()
    client.force_login(StaffUserFactory(roles=["warehouse"]))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:orders_order_ship", args=[order.pk]),
            {"carrier": "顺丰速运", "tracking_number": "SF1234567890"},
        )

    order.refresh_from_db()
    assert response.status_code == 302
    assert (order.fulfilment_status, order.tracking_number) == (
        FulfilmentStatus.SHIPPED,
        "SF1234567890",
    )
    assert "SF1234567890" in mail.outbox[0].body


def test_warehouse_cannot_refund(client):
    order = paid_order()
    client.force_login(StaffUserFactory(roles=["warehouse"]))

    response = client.post(reverse("admin:orders_order_refund", args=[order.pk]), {})

    assert response.status_code == 403
    assert Order.objects.get(pk=order.pk).refunded_amount == 0


def test_warehouse_prints_the_days_pick_list_aggregated_by_sku(client):
    kettle = SkuFactory(code="KT-1", stock=20)
    paid_order(items=[(kettle, 2)])
    place_order(items=[(kettle, 3)], payment_method=PaymentMethod.CASH_ON_DELIVERY)
    place_order(items=[(kettle, 4)])  # unpaid online order: not packed yet
    client.force_login(StaffUserFactory(roles=["warehouse"]))

    response = client.get(
        reverse("admin:orders_order_pick_list"), {"day": timezone.localdate().isoformat()}
    )

    assert response.status_code == 200
    assert [(row["sku_code"], row["quantity"]) for row in response.context["skus"]] == [("KT-1", 5)]


def test_warehouse_prints_packing_slips_for_chosen_orders(client):
    order = paid_order()
    client.force_login(StaffUserFactory(roles=["warehouse"]))

    response = client.post(
        reverse("admin:orders_order_changelist"),
        {"action": "print_packing_slips", "_selected_action": [order.pk]},
    )

    assert response.status_code == 200
    assert order.number in response.content.decode()


def test_after_sales_corrects_the_phone_and_it_is_logged(client):
    order = paid_order()
    agent = StaffUserFactory(roles=["aftersales_service"])
    client.force_login(agent)
    form = {
        "recipient_name": order.recipient_name,
        "phone": "139 0013 9000",
        "province": order.province,
        "city": order.city,
        "district": order.district,
        "street": order.street,
        "postal_code": "",
    }

    response = client.post(reverse("admin:orders_order_contact", args=[order.pk]), form)

    order.refresh_from_db()
    assert response.status_code == 302
    assert order.phone == "13900139000"
    event = order.events.get(kind=OrderEvent.Kind.ADDRESS)
    assert event.actor == agent


def test_after_sales_refunds_one_line(client, django_capture_on_commit_callbacks):
    cheap = SkuFactory(price=Decimal("50.00"), stock=9)
    order = paid_order(items=[(cheap, 2)])
    line = order.lines.get()
    client.force_login(StaffUserFactory(roles=["aftersales_service"]))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:orders_order_refund", args=[order.pk]), {f"line_{line.pk}": 1})

    order.refresh_from_db()
    assert (order.payment_status, order.refunded_amount) == (
        PaymentStatus.PARTLY_REFUNDED,
        Decimal("50.00"),
    )


def test_after_sales_cannot_mark_shipped(client):
    order = paid_order()
    client.force_login(StaffUserFactory(roles=["aftersales_service"]))

    response = client.post(
        reverse("admin:orders_order_ship", args=[order.pk]),
        {"carrier": "顺丰", "tracking_number": "SF1"},
    )

    assert response.status_code == 403
    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.TO_PICK


def test_cancel_action_releases_stock(client):
    sku = SkuFactory(stock=5)
    order = place_order(items=[(sku, 2)])
    client.force_login(StaffUserFactory(roles=["aftersales_service"]))

    client.post(
        reverse("admin:orders_order_changelist"),
        {"action": "cancel_orders", "_selected_action": [order.pk]},
    )

    sku.refresh_from_db()
    assert sku.stock == 5
    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.CANCELLED


def test_order_list_filters_orders_with_customer_notes(client):
    noted = paid_order(customer_note="请周末送货")
    paid_order()
    client.force_login(StaffUserFactory(roles=["aftersales_service"]))

    response = client.get(reverse("admin:orders_order_changelist"), {"has_note": "yes"})

    assert list(response.context["cl"].result_list) == [noted]


def test_a_member_without_a_role_cannot_open_the_order_desk(client):
    order = paid_order()
    client.force_login(StaffUserFactory(roles=["designer"]))

    response = client.get(reverse("admin:orders_order_change", args=[order.pk]))

    assert response.status_code == 403


def run_action(client, action: str, *orders):
    return client.post(
        reverse("admin:orders_order_changelist"),
        {"action": action, "_selected_action": [order.pk for order in orders]},
    )


def test_warehouse_starts_packing_a_paid_order(client):
    order = paid_order()
    client.force_login(StaffUserFactory(roles=["warehouse"]))

    run_action(client, "start_picking", order)

    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.PICKING


def test_after_sales_cannot_start_packing(client):
    order = paid_order()
    client.force_login(StaffUserFactory(roles=["aftersales_service"]))

    run_action(client, "start_picking", order)

    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.TO_PICK


def shipped_order():
    order = paid_order()
    services.order_mark_shipped(order=order, carrier="顺丰速运", tracking_number="SF1")
    return Order.objects.get(pk=order.pk)


def test_warehouse_marks_a_shipped_order_delivered(client):
    order = shipped_order()
    client.force_login(StaffUserFactory(roles=["warehouse"]))

    run_action(client, "mark_delivered", order)

    order.refresh_from_db()
    assert order.fulfilment_status == FulfilmentStatus.DELIVERED
    assert order.delivered_at is not None


def test_after_sales_cannot_mark_delivered(client):
    order = shipped_order()
    client.force_login(StaffUserFactory(roles=["aftersales_service"]))

    run_action(client, "mark_delivered", order)

    order.refresh_from_db()
    assert (order.fulfilment_status, order.delivered_at) == (FulfilmentStatus.SHIPPED, None)


def test_after_sales_refunds_chosen_orders_in_full(client):
    sku = SkuFactory(stock=5)
    first, second = paid_order(items=[(sku, 1)]), paid_order(items=[(sku, 2)])
    client.force_login(StaffUserFactory(roles=["aftersales_service"]))

    run_action(client, "refund_orders", first, second)

    refunded = list(
        Order.objects.filter(pk__in=[first.pk, second.pk])
        .order_by("pk")
        .values_list("payment_status", "fulfilment_status", "refunded_amount")
    )
    assert refunded == [
        (PaymentStatus.REFUNDED, FulfilmentStatus.CANCELLED, first.total_amount),
        (PaymentStatus.REFUNDED, FulfilmentStatus.CANCELLED, second.total_amount),
    ]
    assert Sku.objects.get(pk=sku.pk).stock == 5


def test_warehouse_cannot_refund_in_bulk(client):
    sku = SkuFactory(stock=5)
    order = paid_order(items=[(sku, 1)])
    client.force_login(StaffUserFactory(roles=["warehouse"]))

    run_action(client, "refund_orders", order)

    order.refresh_from_db()
    assert (order.payment_status, order.refunded_amount) == (PaymentStatus.PAID, Decimal("0.00"))
    assert Sku.objects.get(pk=sku.pk).stock == 4


def test_after_sales_confirms_a_bank_transfer(client, django_capture_on_commit_callbacks):
    order = place_order(payment_method=PaymentMethod.BANK_TRANSFER)
    client.force_login(StaffUserFactory(roles=["aftersales_service"]))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        run_action(client, "confirm_bank_transfer", order)

    order.refresh_from_db()
    assert (order.payment_status, order.fulfilment_status) == (
        PaymentStatus.PAID,
        FulfilmentStatus.TO_PICK,
    )
    assert list(order.payments.values_list("provider", "amount")) == [
        ("bank_transfer", order.total_amount)
    ]
    assert [message.to for message in mail.outbox] == [["buyer@example.com"]]


def test_warehouse_cannot_confirm_a_bank_transfer(client):
    order = place_order(payment_method=PaymentMethod.BANK_TRANSFER)
    client.force_login(StaffUserFactory(roles=["warehouse"]))

    run_action(client, "confirm_bank_transfer", order)

    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.UNPAID
    assert order.payments.count() == 0


def test_after_sales_tells_the_customer_a_line_is_out_of_stock(
    client, django_capture_on_commit_callbacks
):
    order = paid_order()
    line = order.lines.get()
    agent = StaffUserFactory(roles=["aftersales_service"])
    client.force_login(agent)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:orders_order_out_of_stock", args=[order.pk, line.pk]))

    line.refresh_from_db()
    assert response.status_code == 302
    assert line.out_of_stock_notified_at is not None
    assert [message.to for message in mail.outbox] == [["buyer@example.com"]]
    assert line.product_name in mail.outbox[0].body
    assert order.events.get(kind=OrderEvent.Kind.NOTICE).actor == agent


def test_warehouse_cannot_send_the_out_of_stock_notice(client):
    order = paid_order()
    line = order.lines.get()
    client.force_login(StaffUserFactory(roles=["warehouse"]))
    mail.outbox.clear()

    response = client.post(reverse("admin:orders_order_out_of_stock", args=[order.pk, line.pk]))

    line.refresh_from_db()
    assert response.status_code == 403
    assert line.out_of_stock_notified_at is None
    assert mail.outbox == []

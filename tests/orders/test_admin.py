"""The order desk per role: warehouse ships and prints, after-sales corrects and refunds; each
only that."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.core.choices import PaymentMethod
from apps.orders.choices import FulfilmentStatus, PaymentStatus
from apps.orders.models import Order, OrderEvent
from apps.payments import services as payment_services
from tests.catalog.factories import SkuFactory
from tests.orders.factories import place_order
from tests.staff.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


def paid_order(**kwargs):
    order = place_order(**kwargs)
    payment_services.payment_record(
        order=order,
        provider="simulator",
        provider_event_id=f"e-{order.number}",
        amount=order.total_amount,
    )
    return Order.objects.get(pk=order.pk)


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

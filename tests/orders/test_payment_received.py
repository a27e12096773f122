"""How money reaching the shop moves an order: a provider's notification, or staff seeing a
bank transfer arrive."""

import json
import time

import pytest

from apps.core.choices import PaymentMethod
from apps.orders import services
from apps.orders.choices import FulfilmentStatus, PaymentStatus
from apps.orders.models import Order
from apps.payments import services as payment_services
from apps.payments.models import Payment
from apps.payments.simulator import SimulatorGateway
from tests.orders.factories import place_order
from tests.staff.factories import StaffUserFactory

pytestmark = pytest.mark.django_db
NOTIFY = "/payments/notify/simulator/"


def signed_notification(order, *, outcome: str):
    gateway = SimulatorGateway()
    body = json.dumps(
        {
            "event_id": f"evt-{outcome}",
            "order_number": order.number,
            "amount": str(order.total_amount),
            "outcome": outcome,
        }
    ).encode()
    timestamp = int(time.time())
    headers = {
        "HTTP_X_PAYMENT_TIMESTAMP": str(timestamp),
        "HTTP_X_PAYMENT_SIGNATURE": gateway.sign(body=body, timestamp=timestamp),
    }
    return body, headers


def test_a_failed_payment_notification_leaves_the_order_unpaid(client):
    order = place_order()
    body, headers = signed_notification(order, outcome="failed")

    response = client.post(NOTIFY, body, content_type="application/json", **headers)

    order.refresh_from_db()
    assert response.status_code == 200
    assert (order.payment_status, order.fulfilment_status, order.paid_at) == (
        PaymentStatus.UNPAID,
        FulfilmentStatus.AWAITING_PAYMENT,
        None,
    )
    assert Payment.objects.count() == 0


def test_a_confirmed_bank_transfer_makes_the_order_paid_and_ready_to_pack():
    order = place_order(payment_method=PaymentMethod.BANK_TRANSFER)
    agent = StaffUserFactory(roles=["aftersales_service"])

    confirmed = payment_services.payment_confirm_bank_transfer(order=order, actor=agent)

    order.refresh_from_db()
    assert confirmed is True
    assert (order.payment_status, order.fulfilment_status) == (
        PaymentStatus.PAID,
        FulfilmentStatus.TO_PICK,
    )
    assert order.events.get(machine="payment").actor == agent


def test_a_bank_transfer_is_confirmed_only_once():
    order = place_order(payment_method=PaymentMethod.BANK_TRANSFER)
    agent = StaffUserFactory(roles=["aftersales_service"])
    payment_services.payment_confirm_bank_transfer(order=order, actor=agent)

    again = payment_services.payment_confirm_bank_transfer(order=order, actor=agent)

    assert again is False
    assert Payment.objects.filter(order=order).count() == 1


def test_an_online_order_cannot_be_confirmed_as_a_bank_transfer():
    order = place_order()

    with pytest.raises(services.OrderError):
        payment_services.payment_confirm_bank_transfer(
            order=order, actor=StaffUserFactory(roles=["aftersales_service"])
        )

    assert Order.objects.get(pk=order.pk).payment_status == PaymentStatus.UNPAID
    assert Payment.objects.count() == 0

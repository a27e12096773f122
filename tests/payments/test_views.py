import json
import time
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.orders.choices import PaymentStatus
from apps.orders.models import Order
from apps.payments.models import Payment
from apps.payments.simulator import SimulatorGateway
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db
NOTIFY = "/payments/notify/simulator/"


def signed(order, *, amount=None, event_id="evt-1", timestamp=None, secret=None):
    gateway = SimulatorGateway(secret)
    body = json.dumps(
        {
            "event_id": event_id,
            "order_number": order.number,
            "amount": str(amount if amount is not None else order.total_amount),
            "outcome": "paid",
        }
    ).encode()
    timestamp = int(timestamp if timestamp is not None else time.time())
    headers = {
        "HTTP_X_PAYMENT_TIMESTAMP": str(timestamp),
        "HTTP_X_PAYMENT_SIGNATURE": gateway.sign(body=body, timestamp=timestamp),
    }
    return body, headers


def notify(client, body, headers):
    return client.post(NOTIFY, body, content_type="application/json", **headers)


def test_valid_notification_marks_the_order_paid(client):
    order = place_order()

    response = notify(client, *signed(order))

    assert response.status_code == 200
    assert Order.objects.get(pk=order.pk).payment_status == PaymentStatus.PAID


def test_forged_signature_is_rejected(client):
    order = place_order()

    response = notify(client, *signed(order, secret="not-the-shop-secret"))

    assert response.status_code == 400
    assert Order.objects.get(pk=order.pk).payment_status == PaymentStatus.UNPAID


def test_stale_notification_is_rejected(client):
    order = place_order()

    response = notify(client, *signed(order, timestamp=time.time() - 301))

    assert response.status_code == 400
    assert Payment.objects.count() == 0


def test_tampered_body_is_rejected(client):
    order = place_order()
    body, headers = signed(order)

    response = notify(client, body.replace(b"evt-1", b"evt-2"), headers)

    assert response.status_code == 400
    assert Payment.objects.count() == 0


def test_wrong_amount_is_rejected_and_logged(client, caplog):
    order = place_order()

    response = notify(client, *signed(order, amount=Decimal("0.01")))

    assert response.status_code == 400
    assert "payment.wrong_amount" in caplog.text
    assert Order.objects.get(pk=order.pk).paid_at is None


def test_the_same_notification_five_times_changes_state_once(client):
    order = place_order()
    body, headers = signed(order)

    statuses = [notify(client, body, headers).status_code for _ in range(5)]

    assert statuses == [200] * 5
    assert Payment.objects.count() == 1
    assert order.events.filter(machine="payment", to_status=PaymentStatus.PAID).count() == 1


def test_simulator_page_pays_through_the_signed_notification(client):
    order = place_order()
    session = client.session
    session["placed_orders"] = [order.number]
    session.save()

    response = client.post(
        reverse("payments:simulator", kwargs={"number": order.number}), {"outcome": "paid"}
    )

    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.provider, payment.amount) == ("simulator", order.total_amount)

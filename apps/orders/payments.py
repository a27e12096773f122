"""Payment methods behind one adapter. The online gateway here is a built-in simulator that
signs its notifications exactly as a real provider would (HMAC-SHA256 over timestamp and raw
body); a real provider plugs in by implementing the same two methods."""

import hashlib
import hmac
import json
import logging
import secrets
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Protocol

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.orders import services
from apps.orders.models import Order

logger = logging.getLogger(__name__)

MAX_NOTIFICATION_AGE_SECONDS = 300


class PaymentRejected(Exception):
    """A notification that is not genuine, too old, malformed or for the wrong amount."""


@dataclass(frozen=True)
class PaymentNotice:
    event_id: str
    order_number: str
    amount: Decimal
    outcome: str


class PaymentGateway(Protocol):
    name: str

    def start_url(self, order: Order) -> str: ...

    def parse_notification(self, *, body: bytes, headers) -> PaymentNotice: ...


class SimulatorGateway:
    name = "simulator"

    def __init__(self, secret: str | None = None):
        self.secret = (secret or settings.PAYMENT_SIMULATOR_SECRET).encode()

    def start_url(self, order: Order) -> str:
        return reverse("orders:payment_simulator", kwargs={"number": order.number})

    def sign(self, *, body: bytes, timestamp: int) -> str:
        message = str(timestamp).encode() + b"." + body
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()

    def notification_for(self, order: Order, outcome: str = "paid") -> tuple[bytes, dict]:
        """What the simulated provider sends back: a JSON body and its signature headers."""
        body = json.dumps(
            {
                "event_id": f"sim-{secrets.token_hex(8)}",
                "order_number": order.number,
                "amount": str(order.total_amount),
                "outcome": outcome,
            },
            separators=(",", ":"),
        ).encode()
        timestamp = int(time.time())
        headers = {
            "X-Payment-Timestamp": str(timestamp),
            "X-Payment-Signature": self.sign(body=body, timestamp=timestamp),
        }
        return body, headers

    def parse_notification(self, *, body: bytes, headers) -> PaymentNotice:
        signature = headers.get("X-Payment-Signature", "")
        try:
            timestamp = int(headers.get("X-Payment-Timestamp", ""))
        except ValueError as error:
            raise PaymentRejected("missing timestamp") from error
        if abs(time.time() - timestamp) > MAX_NOTIFICATION_AGE_SECONDS:
            raise PaymentRejected("stale timestamp")
        expected = self.sign(body=body, timestamp=timestamp)
        if not hmac.compare_digest(expected, signature):
            raise PaymentRejected("bad signature")
        try:
            data = json.loads(body)
            return PaymentNotice(
                event_id=str(data["event_id"])[:100],
                order_number=str(data["order_number"]),
                amount=Decimal(str(data["amount"])),
                outcome=str(data["outcome"]),
            )
        except (ValueError, KeyError, TypeError, InvalidOperation) as error:
            raise PaymentRejected("malformed body") from error


GATEWAYS: dict[str, PaymentGateway] = {}


def gateway(name: str = "simulator") -> PaymentGateway:
    if name not in GATEWAYS:
        if name != "simulator":
            raise KeyError(name)
        GATEWAYS[name] = SimulatorGateway()
    return GATEWAYS[name]


def payment_notification_accept(*, provider: PaymentGateway, body: bytes, headers) -> bool:
    """Verify a provider's notification and record the payment once. Raises PaymentRejected
    for anything not genuine or not matching the order; returns False for a repeat."""
    notice = provider.parse_notification(body=body, headers=headers)
    order = Order.objects.filter(number=notice.order_number).first()
    if order is None:
        raise PaymentRejected("unknown order")
    if notice.outcome != "paid":
        logger.info("payment.failed", extra={"order_id": order.pk, "outcome": notice.outcome})
        return False
    try:
        return services.order_mark_paid(
            order=order,
            provider=provider.name,
            provider_event_id=notice.event_id,
            amount=notice.amount,
        )
    except services.OrderError as error:
        raise PaymentRejected(_("wrong amount")) from error

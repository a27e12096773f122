"""The built-in payment simulator, for the demo shop and tests only: it signs its
notifications exactly as a provider would (HMAC-SHA256 over timestamp and raw body). It is
routed and offered only where `PAYMENT_SIMULATOR` is on, and production refuses to start with
it on (see apps.payments.checks)."""

import hashlib
import hmac
import json
import secrets
import time
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.payments.gateways.base import (
    MAX_NOTIFICATION_AGE_SECONDS,
    PaymentNotice,
    PaymentRejected,
    PaymentStart,
    RefundResult,
)


class SimulatorGateway:
    name = "simulator"
    label = _("Test payment (simulator)")

    def __init__(self, secret: str | None = None):
        self.secret = (secret or settings.PAYMENT_SIMULATOR_SECRET).encode()

    def start(self, *, order_number: str, **_details) -> PaymentStart:
        return PaymentStart(
            redirect_url=reverse("payments:simulator", kwargs={"number": order_number})
        )

    def sign(self, *, body: bytes, timestamp: int) -> str:
        message = str(timestamp).encode() + b"." + body
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()

    def notification_for(
        self, *, order_number: str, amount: Decimal, outcome: str = "paid"
    ) -> tuple[bytes, dict]:
        """What the simulated provider sends back: a JSON body and its signature headers."""
        body = json.dumps(
            {
                "event_id": f"sim-{secrets.token_hex(8)}",
                "order_number": order_number,
                "amount": str(amount),
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

    def notification_reply(self, *, accepted: bool) -> tuple[int, str, bytes]:
        return (200, "text/plain", b"ok") if accepted else (400, "text/plain", b"rejected")

    def query(self, *, order_number: str) -> PaymentNotice | None:
        # The simulator tells the shop at once; there is never anything left to ask about.
        return None

    def refund(
        self, *, order_number: str, refund_id: str, amount: Decimal, total: Decimal, reason: str
    ) -> RefundResult:
        return RefundResult(refund_id=refund_id, amount=amount, succeeded=True)

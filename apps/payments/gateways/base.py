"""What every payment gateway offers the shop (see PaymentGateway)."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

MAX_NOTIFICATION_AGE_SECONDS = 300


class PaymentRejected(Exception):
    """A notification that is not genuine, too old, malformed or for the wrong amount."""


class GatewayError(Exception):
    """The provider could not be reached or refused a call."""


@dataclass(frozen=True)
class PaymentNotice:
    event_id: str
    order_number: str
    amount: Decimal
    outcome: str


@dataclass(frozen=True)
class PaymentStart:
    redirect_url: str = ""
    qr_code_text: str = ""


@dataclass(frozen=True)
class RefundResult:
    refund_id: str
    amount: Decimal
    succeeded: bool


class PaymentGateway(Protocol):
    name: str
    label: str

    def start(self, **details) -> PaymentStart: ...

    def parse_notification(self, *, body: bytes, headers: Mapping[str, str]) -> PaymentNotice: ...

    def notification_reply(self, *, accepted: bool) -> tuple[int, str, bytes]: ...

    def query(self, *, order_number: str) -> PaymentNotice | None: ...

    def refund(
        self, *, order_number: str, refund_id: str, amount: Decimal, total: Decimal, reason: str
    ) -> RefundResult: ...

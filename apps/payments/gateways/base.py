"""What every payment provider offers the shop, and the small pieces the adapters share:
exact money strings, RSA keys from settings, and one HTTP call with a short timeout."""

import base64
import http.client
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.core.exceptions import ImproperlyConfigured

# A notification older (or further in the future) than this is refused: a replayed
# capture of a genuine message must not be accepted days later.
MAX_NOTIFICATION_AGE_SECONDS = 300
HTTP_TIMEOUT_SECONDS = 10
# Provider answers are small JSON documents; anything bigger is not one of them.
MAX_RESPONSE_BYTES = 1_000_000
CENT = Decimal("0.01")


class PaymentRejected(Exception):
    """A notification that is not genuine, too old, malformed or for the wrong amount."""


class GatewayError(Exception):
    """The provider could not be reached or refused a call (query/refund/create)."""

    def __init__(self, message: str, *, code: str = ""):
        super().__init__(f"{code}: {message}" if code else message)
        self.code = code


@dataclass(frozen=True)
class PaymentNotice:
    """A verified fact from a provider about one order's payment."""

    event_id: str  # provider's transaction id: Alipay trade_no, WeChat transaction_id
    order_number: str  # our order number (out_trade_no at both providers)
    amount: Decimal  # exactly as the provider states it, never rounded
    outcome: str  # "paid", "pending", "closed", "refunded", "failed"


@dataclass(frozen=True)
class PaymentStart:
    """How the shopper pays: a page to send the browser to, or a QR code to show."""

    redirect_url: str = ""
    qr_code_text: str = ""


@dataclass(frozen=True)
class RefundResult:
    """A refund the provider accepted (succeeded, possibly still processing) or refused."""

    refund_id: str  # our refund id, as the provider echoes it
    amount: Decimal
    succeeded: bool
    provider_refund_id: str = ""  # WeChat's refund_id; Alipay has none of its own


class PaymentGateway(Protocol):
    name: str
    label: str

    def start(
        self,
        *,
        order_number: str,
        amount: Decimal,
        subject: str,
        notify_url: str,
        return_url: str,
        client_ip: str,
        on_phone: bool,
    ) -> PaymentStart: ...

    def parse_notification(self, *, body: bytes, headers: Mapping[str, str]) -> PaymentNotice: ...

    def notification_reply(self, *, accepted: bool) -> tuple[int, str, bytes]: ...

    def query(self, *, order_number: str) -> PaymentNotice | None: ...

    def refund(
        self, *, order_number: str, refund_id: str, amount: Decimal, total: Decimal, reason: str
    ) -> RefundResult: ...


def amount_text(amount: Decimal) -> str:
    """An outgoing amount as the exact two-decimal string the providers expect ("459.00").
    An amount with a fraction of a fen is refused rather than silently rounded."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValueError(f"amount must be a finite Decimal, not {amount!r}")
    exact = amount.quantize(CENT)
    if exact != amount or exact <= 0:
        raise ValueError(f"amount must be positive with at most two decimals, not {amount}")
    return f"{exact:.2f}"


def amount_in_fen(amount: Decimal) -> int:
    """An outgoing amount in whole fen (WeChat Pay): Decimal("459.00") -> 45900."""
    return int(Decimal(amount_text(amount)) * 100)


def amount_from_fen(fen: object) -> Decimal:
    """An incoming WeChat amount in fen as an exact yuan Decimal: 45900 -> Decimal("459.00")."""
    # JSON true/false and floats are not amounts, even though Python treats bool as int.
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise ValueError(f"amount in fen must be an integer, not {fen!r}")
    return (Decimal(fen) / 100).quantize(CENT)


def amount_from_text(text: object) -> Decimal:
    """An incoming amount string as the provider states it: "459.001" stays 459.001."""
    if not isinstance(text, str):
        raise ValueError(f"amount must be a string, not {text!r}")
    try:
        amount = Decimal(text.strip())
    except InvalidOperation as error:
        raise ValueError(f"not an amount: {text!r}") from error
    if not amount.is_finite():
        raise ValueError(f"not an amount: {text!r}")
    return amount


def _key_bytes(value: str) -> bytes:
    """Key material from settings: PEM text, the bare base64 that the Alipay console shows (no
    BEGIN/END lines), or else a path to a PEM file."""
    value = value.strip()
    # Every DER-encoded RSA key is an ASN.1 SEQUENCE (byte 0x30), so its base64 starts "MI".
    if "-----BEGIN" in value or value.startswith("MI"):
        return value.encode()
    path = Path(value).expanduser()
    try:
        return path.read_bytes()
    except OSError as error:
        raise ImproperlyConfigured(f"cannot read key file {path}: {error}") from error


def load_private_key(value: str, *, setting: str) -> rsa.RSAPrivateKey:
    """An RSA private key (PKCS#8 or PKCS#1) from a setting's value."""
    data = _key_bytes(value)
    try:
        if b"-----BEGIN" in data:
            key = serialization.load_pem_private_key(data, password=None)
        else:
            key = serialization.load_der_private_key(base64.b64decode(data), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise ImproperlyConfigured(f"{setting} is not a readable RSA private key") from error
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ImproperlyConfigured(f"{setting} must be an RSA private key")
    return key


def load_public_key(value: str, *, setting: str) -> rsa.RSAPublicKey:
    """An RSA public key (or the key inside a certificate) from a setting's value."""
    data = _key_bytes(value)
    try:
        if b"-----BEGIN CERTIFICATE" in data:
            from cryptography import x509

            key = x509.load_pem_x509_certificate(data).public_key()
        elif b"-----BEGIN" in data:
            key = serialization.load_pem_public_key(data)
        else:
            key = serialization.load_der_public_key(base64.b64decode(data))
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise ImproperlyConfigured(f"{setting} is not a readable RSA public key") from error
    if not isinstance(key, rsa.RSAPublicKey):
        raise ImproperlyConfigured(f"{setting} must be an RSA public key")
    return key


def rsa_sign(key: rsa.RSAPrivateKey, message: bytes) -> str:
    """SHA256withRSA (PKCS#1 v1.5), base64: what both providers call RSA2 / SHA256-RSA2048."""
    return base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()


def rsa_verify(key: rsa.RSAPublicKey, message: bytes, signature: str) -> bool:
    """True only if `signature` is a valid base64 SHA256withRSA signature of `message`."""
    try:
        raw = base64.b64decode(signature, validate=True)
        key.verify(raw, message, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: bytes


def http_call(
    method: str, url: str, *, body: bytes | None = None, headers: Mapping[str, str]
) -> HttpAnswer:
    """One request to a provider. Any status is returned (the caller reads error bodies);
    no answer at all, or a broken one, raises GatewayError."""
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        raise GatewayError(f"refusing a non-HTTP provider URL: {url}")
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers))  # noqa: S310
    try:
        # The scheme was checked above, so urlopen cannot be pointed at file: or ftp: URLs.
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:  # noqa: S310
            return HttpAnswer(
                status=response.status,
                headers={k.lower(): v for k, v in response.headers.items()},
                body=response.read(MAX_RESPONSE_BYTES),
            )
    except urllib.error.HTTPError as error:
        with error:
            return HttpAnswer(
                status=error.code,
                headers={k.lower(): v for k, v in error.headers.items()},
                body=error.read(MAX_RESPONSE_BYTES),
            )
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        raise GatewayError(f"{method} {url} failed: {error}") from error

"""WeChat Pay API v3 in "WeChat Pay public key" mode: Native (QR code) on desktop, H5 on
phones, encrypted notifications, order query and refund. The public key and its id come
from settings, so nothing is downloaded at start-up (no platform certificates)."""

import base64
import json
import logging
import secrets
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from apps.payments.gateways.base import (
    MAX_NOTIFICATION_AGE_SECONDS,
    GatewayError,
    HttpAnswer,
    PaymentNotice,
    PaymentRejected,
    PaymentStart,
    RefundResult,
    amount_from_fen,
    amount_in_fen,
    http_call,
    load_private_key,
    load_public_key,
    rsa_sign,
    rsa_verify,
)

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.mch.weixin.qq.com"
OUTCOMES = {
    "SUCCESS": "paid",
    "NOTPAY": "pending",
    "USERPAYING": "pending",
    "CLOSED": "closed",
    "REVOKED": "closed",
    "REFUND": "refunded",
    "PAYERROR": "failed",
}
# A refund WeChat has taken on but not finished still counts as accepted.
REFUND_ACCEPTED = ("SUCCESS", "PROCESSING")
DESCRIPTION_MAX_LENGTH = 127
REASON_MAX_LENGTH = 80


@dataclass(frozen=True)
class WechatPayConfig:
    mch_id: str
    app_id: str
    api_v3_key: bytes
    private_key: rsa.RSAPrivateKey
    cert_serial_no: str
    public_key: rsa.RSAPublicKey
    public_key_id: str
    api_url: str = DEFAULT_API_URL

    @classmethod
    def from_settings(cls) -> "WechatPayConfig | None":
        """The configuration from settings, or None while any credential is unset."""
        names = (
            "WECHATPAY_MCH_ID",
            "WECHATPAY_APP_ID",
            "WECHATPAY_API_V3_KEY",
            "WECHATPAY_PRIVATE_KEY",
            "WECHATPAY_CERT_SERIAL_NO",
            "WECHATPAY_PUBLIC_KEY",
            "WECHATPAY_PUBLIC_KEY_ID",
        )
        values = {name: getattr(settings, name, "") for name in names}
        if not all(values.values()):
            return None
        api_v3_key = values["WECHATPAY_API_V3_KEY"].encode()
        if len(api_v3_key) != 32:
            raise ImproperlyConfigured("WECHATPAY_API_V3_KEY must be 32 ASCII characters")
        return cls(
            mch_id=values["WECHATPAY_MCH_ID"],
            app_id=values["WECHATPAY_APP_ID"],
            api_v3_key=api_v3_key,
            private_key=load_private_key(
                values["WECHATPAY_PRIVATE_KEY"], setting="WECHATPAY_PRIVATE_KEY"
            ),
            cert_serial_no=values["WECHATPAY_CERT_SERIAL_NO"],
            public_key=load_public_key(
                values["WECHATPAY_PUBLIC_KEY"], setting="WECHATPAY_PUBLIC_KEY"
            ),
            public_key_id=values["WECHATPAY_PUBLIC_KEY_ID"],
            api_url=getattr(settings, "WECHATPAY_API_URL", "") or DEFAULT_API_URL,
        )


def _signed_message(timestamp: str, nonce: str, body: bytes) -> bytes:
    """What WeChat signs on its answers and notifications: "TIMESTAMP\\nNONCE\\nBODY\\n"."""
    return f"{timestamp}\n{nonce}\n".encode() + body + b"\n"


class WechatPayGateway:
    name = "wechatpay"
    label = _("WeChat Pay")

    def __init__(self, config: WechatPayConfig):
        self.config = config

    # --- outgoing -------------------------------------------------------------------------

    def _call(
        self, method: str, path: str, payload: Mapping[str, Any] | None = None
    ) -> tuple[int, dict]:
        """One signed API call; returns (HTTP status, JSON answer) once the answer's signature
        checks out against the configured WeChat Pay public key."""
        url = self.config.api_url.rstrip("/") + path
        body = b""
        if payload is not None:
            body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        # WeChat signs the path and query as sent, including any prefix in the base URL.
        split = urllib.parse.urlsplit(url)
        signed_path = split.path + (f"?{split.query}" if split.query else "")
        timestamp = str(int(time.time()))
        nonce = secrets.token_hex(16)
        message = f"{method}\n{signed_path}\n{timestamp}\n{nonce}\n".encode() + body + b"\n"
        signature = rsa_sign(self.config.private_key, message)
        headers = {
            "Authorization": (
                f'WECHATPAY2-SHA256-RSA2048 mchid="{self.config.mch_id}",nonce_str="{nonce}",'
                f'signature="{signature}",timestamp="{timestamp}",'
                f'serial_no="{self.config.cert_serial_no}"'
            ),
            "Accept": "application/json",
            "User-Agent": "storefront-payments/1.0",
            # Tells WeChat to sign its answer with the key behind our configured public key.
            "Wechatpay-Serial": self.config.public_key_id,
        }
        if payload is not None:
            headers["Content-Type"] = "application/json"
        answer = http_call(method, url, body=body if payload is not None else None, headers=headers)
        data = _answer_json(answer)
        self._check_answer_signature(answer, data)
        return answer.status, data

    def _check_answer_signature(self, answer: HttpAnswer, data: Mapping[str, Any]) -> None:
        timestamp = answer.headers.get("wechatpay-timestamp", "")
        nonce = answer.headers.get("wechatpay-nonce", "")
        signature = answer.headers.get("wechatpay-signature", "")
        serial = answer.headers.get("wechatpay-serial", "")
        if not (timestamp and nonce and signature):
            # WeChat leaves an answer unsigned only when it could not check our signature.
            raise GatewayError(
                f"unsigned answer (HTTP {answer.status}): {data.get('message', '')}",
                code=str(data.get("code", "")),
            )
        if serial != self.config.public_key_id:
            raise GatewayError(f"answer signed with an unknown key {serial!r}")
        if not rsa_verify(
            self.config.public_key, _signed_message(timestamp, nonce, answer.body), signature
        ):
            raise GatewayError("answer carries a bad signature")

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
    ) -> PaymentStart:
        """A WeChat payment for the order: a QR code to scan on desktop (Native), or a page
        to send the phone's browser to (H5), which comes back to return_url afterwards."""
        payload: dict[str, Any] = {
            "appid": self.config.app_id,
            "mchid": self.config.mch_id,
            "description": subject.strip()[:DESCRIPTION_MAX_LENGTH] or order_number,
            "out_trade_no": order_number,
            "notify_url": notify_url,
            "amount": {"total": amount_in_fen(amount), "currency": "CNY"},
        }
        if on_phone:
            payload["scene_info"] = {"payer_client_ip": client_ip, "h5_info": {"type": "Wap"}}
            status, data = self._call("POST", "/v3/pay/transactions/h5", payload)
            if status != 200 or not data.get("h5_url"):
                raise _refusal(status, data)
            url = str(data["h5_url"])
            if return_url:
                # WeChat's documented way to bring the shopper back to our page afterwards.
                joiner = "&" if "?" in url else "?"
                url += joiner + urllib.parse.urlencode({"redirect_url": return_url})
            return PaymentStart(redirect_url=url)
        status, data = self._call("POST", "/v3/pay/transactions/native", payload)
        if status != 200 or not data.get("code_url"):
            raise _refusal(status, data)
        return PaymentStart(qr_code_text=str(data["code_url"]))

    def query(self, *, order_number: str) -> PaymentNotice | None:
        """What WeChat knows of the order's payment; None if it has no such order."""
        path = (
            f"/v3/pay/transactions/out-trade-no/{urllib.parse.quote(order_number, safe='')}"
            f"?mchid={urllib.parse.quote(self.config.mch_id, safe='')}"
        )
        status, data = self._call("GET", path)
        if status == 404 and data.get("code") == "ORDER_NOT_EXIST":
            return None
        if status != 200:
            raise _refusal(status, data)
        if data.get("out_trade_no") != order_number or data.get("mchid") != self.config.mch_id:
            raise GatewayError(f"asked about {order_number}, answered about another order")
        try:
            return _notice(data)
        except ValueError as error:
            raise GatewayError(f"unreadable order answer: {error}") from error

    def refund(
        self, *, order_number: str, refund_id: str, amount: Decimal, total: Decimal, reason: str
    ) -> RefundResult:
        """Refund part or all of a paid order. Sending the same refund_id again is safe:
        WeChat treats it as the same refund and does not pay twice."""
        if amount > total:
            raise ValueError(f"refund {amount} is more than the order total {total}")
        payload: dict[str, Any] = {
            "out_trade_no": order_number,
            "out_refund_no": refund_id,
            "amount": {
                "refund": amount_in_fen(amount),
                "total": amount_in_fen(total),
                "currency": "CNY",
            },
        }
        if reason:
            payload["reason"] = reason[:REASON_MAX_LENGTH]
        status, data = self._call("POST", "/v3/refund/domestic/refunds", payload)
        if status != 200:
            raise _refusal(status, data)
        if data.get("out_refund_no") != refund_id:
            raise GatewayError(f"asked for refund {refund_id}, answered about another")
        try:
            refunded = amount_from_fen(_amount_field(data, "refund"))
        except ValueError as error:
            raise GatewayError(f"unreadable refund answer: {error}") from error
        return RefundResult(
            refund_id=refund_id,
            amount=refunded,
            succeeded=data.get("status") in REFUND_ACCEPTED,
            provider_refund_id=str(data.get("refund_id", "")),
        )

    # --- incoming -------------------------------------------------------------------------

    def parse_notification(self, *, body: bytes, headers: Mapping[str, str]) -> PaymentNotice:
        """A genuine, fresh WeChat payment notification for our merchant, decrypted, as a
        PaymentNotice; anything else raises PaymentRejected."""
        lower = {key.lower(): value for key, value in headers.items()}
        timestamp = lower.get("wechatpay-timestamp", "")
        nonce = lower.get("wechatpay-nonce", "")
        signature = lower.get("wechatpay-signature", "")
        serial = lower.get("wechatpay-serial", "")
        if not (timestamp and nonce and signature and serial):
            raise PaymentRejected("missing signature headers")
        if serial != self.config.public_key_id:
            raise PaymentRejected("unknown serial")
        try:
            sent_at = int(timestamp)
        except ValueError as error:
            raise PaymentRejected("malformed timestamp") from error
        if abs(time.time() - sent_at) > MAX_NOTIFICATION_AGE_SECONDS:
            raise PaymentRejected("stale")
        if not rsa_verify(
            self.config.public_key, _signed_message(timestamp, nonce, body), signature
        ):
            raise PaymentRejected("bad signature")
        transaction = self._decrypt_resource(body)
        if (
            transaction.get("mchid") != self.config.mch_id
            or transaction.get("appid") != self.config.app_id
        ):
            raise PaymentRejected("wrong merchant")
        try:
            return _notice(transaction)
        except ValueError as error:
            raise PaymentRejected(f"malformed transaction: {error}") from error

    def _decrypt_resource(self, body: bytes) -> dict:
        """The notification's `resource`, opened with the API v3 key (AEAD_AES_256_GCM); the
        GCM tag makes any change to the ciphertext or associated data fail here."""
        try:
            resource = json.loads(body)["resource"]
            if resource.get("algorithm") != "AEAD_AES_256_GCM":
                raise PaymentRejected("unknown algorithm")
            if resource.get("original_type") != "transaction":
                raise PaymentRejected("not a payment notification")
            plaintext = AESGCM(self.config.api_v3_key).decrypt(
                str(resource["nonce"]).encode(),
                base64.b64decode(resource["ciphertext"], validate=True),
                str(resource.get("associated_data", "")).encode(),
            )
            transaction = json.loads(plaintext)
        except InvalidTag as error:
            raise PaymentRejected("cannot decrypt") from error
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise PaymentRejected("malformed body") from error
        if not isinstance(transaction, dict):
            raise PaymentRejected("malformed body")
        return transaction

    def notification_reply(self, *, accepted: bool) -> tuple[int, str, bytes]:
        """WeChat reads the status: 204 stops its retries; a 4xx with a FAIL body asks for
        the notification again later."""
        if accepted:
            return 204, "application/json", b""
        body = json.dumps({"code": "FAIL", "message": "rejected"}).encode()
        return 400, "application/json", body


def _answer_json(answer: HttpAnswer) -> dict:
    if not answer.body:
        return {}
    try:
        data = json.loads(answer.body)
    except ValueError as error:
        raise GatewayError(f"answer (HTTP {answer.status}) is not JSON") from error
    if not isinstance(data, dict):
        raise GatewayError(f"answer (HTTP {answer.status}) is not a JSON object")
    return data


def _notice(transaction: Mapping[str, Any]) -> PaymentNotice:
    """A transaction (notification or query answer) as a PaymentNotice. A paid one must name
    its transaction and amount; an unpaid one may lack both (WeChat leaves them out)."""
    order_number = str(transaction.get("out_trade_no") or "")
    if not order_number:
        raise ValueError("no out_trade_no")
    state = str(transaction.get("trade_state") or "")
    outcome = OUTCOMES.get(state, state.lower() or "unknown")
    event_id = str(transaction.get("transaction_id") or "")
    total = _amount_field(transaction, "total")
    if outcome == "paid" and (not event_id or total is None):
        raise ValueError("paid without transaction_id or amount")
    amount = amount_from_fen(total) if total is not None else Decimal("0.00")
    return PaymentNotice(
        event_id=event_id, order_number=order_number, amount=amount, outcome=outcome
    )


def _amount_field(data: Mapping[str, Any], name: str) -> object:
    amount = data.get("amount")
    return amount.get(name) if isinstance(amount, dict) else None


def _refusal(status: int, data: Mapping[str, Any]) -> GatewayError:
    return GatewayError(
        f"HTTP {status}: {data.get('message', 'refused')}", code=str(data.get("code", ""))
    )

"""Alipay open platform (RSA2): page pay on desktop, wap pay on phones, signed asynchronous
notifications, trade query and refund. Only `cryptography` and the standard library."""

import json
import logging
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from apps.payments.gateways.base import (
    MAX_NOTIFICATION_AGE_SECONDS,
    GatewayError,
    PaymentNotice,
    PaymentRejected,
    PaymentStart,
    RefundResult,
    amount_from_text,
    amount_text,
    http_call,
    load_private_key,
    load_public_key,
    rsa_sign,
    rsa_verify,
)

logger = logging.getLogger(__name__)

DEFAULT_GATEWAY_URL = "https://openapi.alipay.com/gateway.do"
# Alipay states its times in Beijing time; China has kept UTC+8 all year since 1991, so a
# fixed offset is exact and needs no time-zone database.
CHINA_TIME = timezone(timedelta(hours=8))
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
SUCCESS_CODE = "10000"
NO_SUCH_TRADE = "ACQ.TRADE_NOT_EXIST"
OUTCOMES = {
    "TRADE_SUCCESS": "paid",
    "TRADE_FINISHED": "paid",
    "WAIT_BUYER_PAY": "pending",
    "TRADE_CLOSED": "closed",
}
SUBJECT_MAX_LENGTH = 256


@dataclass(frozen=True)
class AlipayConfig:
    app_id: str
    app_private_key: rsa.RSAPrivateKey
    alipay_public_key: rsa.RSAPublicKey
    gateway_url: str = DEFAULT_GATEWAY_URL

    @classmethod
    def from_settings(cls) -> "AlipayConfig | None":
        """The configuration from settings, or None while the app id or either key is unset."""
        app_id = getattr(settings, "ALIPAY_APP_ID", "")
        private_key = getattr(settings, "ALIPAY_APP_PRIVATE_KEY", "")
        public_key = getattr(settings, "ALIPAY_PUBLIC_KEY", "")
        if not (app_id and private_key and public_key):
            return None
        return cls(
            app_id=app_id,
            app_private_key=load_private_key(private_key, setting="ALIPAY_APP_PRIVATE_KEY"),
            alipay_public_key=load_public_key(public_key, setting="ALIPAY_PUBLIC_KEY"),
            gateway_url=getattr(settings, "ALIPAY_GATEWAY_URL", "") or DEFAULT_GATEWAY_URL,
        )


def signing_text(params: Mapping[str, str], *, notification: bool) -> bytes:
    """The text Alipay signs: `k=v` pairs sorted by key, joined with `&`, values as they are
    (not URL-encoded). A request signs every non-empty parameter but `sign`; a notification
    signs every field it carries, empty or not, but `sign` and `sign_type`."""
    skipped = ("sign", "sign_type") if notification else ("sign",)
    pairs = sorted(
        (key, value)
        for key, value in params.items()
        if key not in skipped and (notification or value != "")
    )
    return "&".join(f"{key}={value}" for key, value in pairs).encode()


def _shanghai_now() -> str:
    return datetime.now(CHINA_TIME).strftime(TIME_FORMAT)


def _outcome(trade_status: str) -> str:
    return OUTCOMES.get(trade_status, trade_status.lower() or "unknown")


class AlipayGateway:
    name = "alipay"
    label = _("Alipay")

    def __init__(self, config: AlipayConfig):
        self.config = config

    # --- outgoing -------------------------------------------------------------------------

    def _request_params(self, method: str, biz_content: Mapping[str, Any], **extra: str) -> dict:
        params = {
            "app_id": self.config.app_id,
            "method": method,
            "format": "JSON",
            "charset": "utf-8",
            "sign_type": "RSA2",
            "timestamp": _shanghai_now(),
            "version": "1.0",
            "biz_content": json.dumps(biz_content, ensure_ascii=False, separators=(",", ":")),
            **extra,
        }
        params["sign"] = rsa_sign(
            self.config.app_private_key, signing_text(params, notification=False)
        )
        return params

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
        """A signed link to Alipay's cashier: page pay on desktop, wap pay on phones."""
        # Alipay refuses subjects containing / = or &.
        clean_subject = subject.translate(str.maketrans("/=&", "   ")).strip()[:SUBJECT_MAX_LENGTH]
        biz_content = {
            "out_trade_no": order_number,
            "total_amount": amount_text(amount),
            "subject": clean_subject or order_number,
            "product_code": "QUICK_WAP_WAY" if on_phone else "FAST_INSTANT_TRADE_PAY",
        }
        if on_phone:
            # Where Alipay's phone cashier sends a shopper who gives up.
            biz_content["quit_url"] = return_url
        method = "alipay.trade.wap.pay" if on_phone else "alipay.trade.page.pay"
        params = self._request_params(
            method, biz_content, notify_url=notify_url, return_url=return_url
        )
        query = urllib.parse.urlencode(params)
        return PaymentStart(redirect_url=f"{self.config.gateway_url}?{query}")

    def _call(self, method: str, biz_content: Mapping[str, Any]) -> dict:
        """Call an Alipay API and return its response node once its signature checks out."""
        params = self._request_params(method, biz_content)
        answer = http_call(
            "POST",
            self.config.gateway_url,
            body=urllib.parse.urlencode(params).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded;charset=utf-8",
                "Accept": "application/json",
            },
        )
        if not 200 <= answer.status < 300:
            raise GatewayError(f"{method} answered HTTP {answer.status}")
        try:
            text = answer.body.decode("utf-8")
            document = json.loads(text)
        except ValueError as error:
            raise GatewayError(f"{method} answered something that is not JSON") from error
        node_name = method.replace(".", "_") + "_response"
        node, raw_node = _response_node(text, document, node_name)
        signature = document.get("sign") if isinstance(document, dict) else None
        if not signature:
            # Alipay leaves answers unsigned only when it could not check our own signature.
            raise GatewayError(
                str(node.get("sub_msg") or node.get("msg") or "unsigned answer"),
                code=str(node.get("sub_code") or node.get("code") or ""),
            )
        if not rsa_verify(self.config.alipay_public_key, raw_node.encode(), signature):
            raise GatewayError(f"{method} answer carries a bad signature")
        return node

    def query(self, *, order_number: str) -> PaymentNotice | None:
        """What Alipay knows of the order's trade; None before the shopper has opened it."""
        node = self._call("alipay.trade.query", {"out_trade_no": order_number})
        if node.get("code") != SUCCESS_CODE:
            if node.get("sub_code") == NO_SUCH_TRADE:
                return None
            raise _refusal(node)
        if node.get("out_trade_no") != order_number:
            raise GatewayError(f"asked about {order_number}, answered about another trade")
        try:
            amount = amount_from_text(node.get("total_amount"))
        except ValueError as error:
            raise GatewayError("trade query answer has no readable total_amount") from error
        return PaymentNotice(
            event_id=str(node.get("trade_no", "")),
            order_number=order_number,
            amount=amount,
            outcome=_outcome(str(node.get("trade_status", ""))),
        )

    def refund(
        self, *, order_number: str, refund_id: str, amount: Decimal, total: Decimal, reason: str
    ) -> RefundResult:
        """Refund part or all of a paid trade. Sending the same refund_id again is safe: Alipay
        treats it as the same refund and does not pay twice."""
        if amount > total:
            raise ValueError(f"refund {amount} is more than the order total {total}")
        biz_content = {
            "out_trade_no": order_number,
            "refund_amount": amount_text(amount),
            "out_request_no": refund_id,
        }
        if reason:
            biz_content["refund_reason"] = reason[:256]
        node = self._call("alipay.trade.refund", biz_content)
        if node.get("code") != SUCCESS_CODE:
            raise _refusal(node)
        # refund_fee in the answer is the trade's running total of refunds, not this one.
        return RefundResult(refund_id=refund_id, amount=amount, succeeded=True)

    # --- incoming -------------------------------------------------------------------------

    def parse_notification(self, *, body: bytes, headers: Mapping[str, str]) -> PaymentNotice:
        """A genuine, fresh Alipay notification for our app, as a PaymentNotice; anything else
        raises PaymentRejected."""
        try:
            pairs = urllib.parse.parse_qsl(
                body.decode("utf-8"), keep_blank_values=True, errors="strict"
            )
        except (UnicodeDecodeError, ValueError) as error:
            raise PaymentRejected("malformed body") from error
        params = dict(pairs)
        if len(params) != len(pairs):
            # A repeated field could be read one way when verifying and another when used.
            raise PaymentRejected("repeated field")
        signature = params.get("sign", "")
        if not signature or not rsa_verify(
            self.config.alipay_public_key, signing_text(params, notification=True), signature
        ):
            raise PaymentRejected("bad signature")
        if params.get("app_id") != self.config.app_id:
            raise PaymentRejected("wrong app_id")
        try:
            sent_at = datetime.strptime(params.get("notify_time", ""), TIME_FORMAT)
        except ValueError as error:
            raise PaymentRejected("malformed notify_time") from error
        age = time.time() - sent_at.replace(tzinfo=CHINA_TIME).timestamp()
        if abs(age) > MAX_NOTIFICATION_AGE_SECONDS:
            raise PaymentRejected("stale")
        trade_no = params.get("trade_no", "")
        order_number = params.get("out_trade_no", "")
        if not trade_no or not order_number:
            raise PaymentRejected("malformed body")
        try:
            amount = amount_from_text(params.get("total_amount"))
        except ValueError as error:
            raise PaymentRejected("malformed total_amount") from error
        return PaymentNotice(
            event_id=trade_no,
            order_number=order_number,
            amount=amount,
            outcome=_outcome(params.get("trade_status", "")),
        )

    def notification_reply(self, *, accepted: bool) -> tuple[int, str, bytes]:
        """Alipay reads the body: "success" stops its retries, anything else asks for more."""
        return 200, "text/plain; charset=utf-8", b"success" if accepted else b"fail"


def _response_node(text: str, document: object, node_name: str) -> tuple[dict, str]:
    """The response node and its raw JSON text exactly as it appears in the body, which is
    what Alipay signed (re-serialising could change spacing, escapes or key order)."""
    if not isinstance(document, dict) or not isinstance(document.get(node_name), dict):
        raise GatewayError(f"answer has no {node_name}")
    key = f'"{node_name}"'
    position = text.find(key)
    if position < 0:
        raise GatewayError(f"cannot find the raw text of {node_name}")
    position = text.index(":", position + len(key)) + 1
    while text[position].isspace():
        position += 1
    try:
        node, end = json.JSONDecoder().raw_decode(text, position)
    except ValueError as error:
        raise GatewayError(f"cannot find the raw text of {node_name}") from error
    if node != document[node_name]:
        raise GatewayError(f"cannot find the raw text of {node_name}")
    return node, text[position:end]


def _refusal(node: Mapping[str, Any]) -> GatewayError:
    return GatewayError(
        str(node.get("sub_msg") or node.get("msg") or "refused"),
        code=str(node.get("sub_code") or node.get("code") or ""),
    )

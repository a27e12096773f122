import base64
import json
import time
import urllib.parse
from dataclasses import replace
from decimal import Decimal

import pytest

from apps.payments.gateways import (
    GatewayError,
    PaymentNotice,
    PaymentRejected,
    PaymentStart,
    RefundResult,
)
from apps.payments.gateways.wechatpay import WechatPayGateway
from tests.payments.gateways.conftest import WECHAT_API_V3_KEY, WECHAT_PUBLIC_KEY_ID
from tests.payments.gateways.fake_providers import (
    wechat_notification_body,
    wechat_signature_headers,
    wechat_transaction,
)

START = {
    "order_number": "HG20240611000123",
    "amount": Decimal("459.00"),
    "subject": "亚麻床品四件套",
    "notify_url": "https://shop.example.com/payments/notify/wechatpay/",
    "return_url": "https://shop.example.com/orders/HG20240611000123/",
    "client_ip": "203.0.113.7",
}
REFUND = {
    "order_number": "HG20240611000123",
    "refund_id": "RF20240612000001",
    "amount": Decimal("59.90"),
    "total": Decimal("459.00"),
    "reason": "尺码不合适",
}


def _notification(key, transaction=None, **header_options):
    body = wechat_notification_body(WECHAT_API_V3_KEY, transaction or wechat_transaction())
    options = {"serial": WECHAT_PUBLIC_KEY_ID, **header_options}
    return body, wechat_signature_headers(key, body, **options)


# --- notifications ----------------------------------------------------------------------


def test_genuine_notification_decrypts_to_a_paid_notice(wechatpay, wechat_key):
    body, headers = _notification(wechat_key)

    notice = wechatpay.parse_notification(body=body, headers=headers)

    assert notice == PaymentNotice(
        event_id="4200000000202406111234567890",
        order_number="HG20240611000123",
        amount=Decimal("459.00"),
        outcome="paid",
    )


def test_notification_headers_are_read_whatever_their_case(wechatpay, wechat_key):
    body, headers = _notification(wechat_key)
    lower = {name.lower(): value for name, value in headers.items()}

    assert wechatpay.parse_notification(body=body, headers=lower).outcome == "paid"


def test_notification_amount_in_fen_becomes_exact_yuan(wechatpay, wechat_key):
    transaction = wechat_transaction(amount={"total": 45901, "currency": "CNY"})
    body, headers = _notification(wechat_key, transaction)

    notice = wechatpay.parse_notification(body=body, headers=headers)

    assert notice.amount == Decimal("459.01")
    assert str(notice.amount) == "459.01"


def test_notification_signed_by_another_key_is_rejected(wechatpay, stranger_key):
    body, headers = _notification(stranger_key)

    with pytest.raises(PaymentRejected, match="bad signature"):
        wechatpay.parse_notification(body=body, headers=headers)


def test_notification_body_changed_after_signing_is_rejected(wechatpay, wechat_key):
    body, headers = _notification(wechat_key)
    changed = body.replace(b"TRANSACTION.SUCCESS", b"TRANSACTION.SUCCEED")

    with pytest.raises(PaymentRejected, match="bad signature"):
        wechatpay.parse_notification(body=changed, headers=headers)


def test_notification_from_an_unknown_serial_is_rejected(wechatpay, wechat_key):
    body, headers = _notification(wechat_key, serial="PUB_KEY_ID_0000000000000000000000000000")

    with pytest.raises(PaymentRejected, match="unknown serial"):
        wechatpay.parse_notification(body=body, headers=headers)


def test_notification_older_than_five_minutes_is_rejected_as_stale(wechatpay, wechat_key):
    body, headers = _notification(wechat_key, timestamp=int(time.time()) - 330)

    with pytest.raises(PaymentRejected, match="stale"):
        wechatpay.parse_notification(body=body, headers=headers)


def test_notification_without_signature_headers_is_rejected(wechatpay, wechat_key):
    body, _ = _notification(wechat_key)

    with pytest.raises(PaymentRejected, match="missing signature headers"):
        wechatpay.parse_notification(body=body, headers={})


def test_notification_with_tampered_ciphertext_fails_decryption(wechatpay, wechat_key):
    # Re-signed after tampering, so only the GCM tag stands between us and the change.
    envelope = json.loads(wechat_notification_body(WECHAT_API_V3_KEY, wechat_transaction()))
    ciphertext = bytearray(base64.b64decode(envelope["resource"]["ciphertext"]))
    ciphertext[10] ^= 0x01
    envelope["resource"]["ciphertext"] = base64.b64encode(bytes(ciphertext)).decode()
    body = json.dumps(envelope).encode()
    headers = wechat_signature_headers(wechat_key, body, serial=WECHAT_PUBLIC_KEY_ID)

    with pytest.raises(PaymentRejected, match="cannot decrypt"):
        wechatpay.parse_notification(body=body, headers=headers)


def test_notification_encrypted_with_another_api_key_fails_decryption(wechatpay, wechat_key):
    body = wechat_notification_body(b"0" * 32, wechat_transaction())
    headers = wechat_signature_headers(wechat_key, body, serial=WECHAT_PUBLIC_KEY_ID)

    with pytest.raises(PaymentRejected, match="cannot decrypt"):
        wechatpay.parse_notification(body=body, headers=headers)


def test_notification_for_another_merchant_is_rejected(wechatpay, wechat_key):
    body, headers = _notification(wechat_key, wechat_transaction(mchid="1900000999"))

    with pytest.raises(PaymentRejected, match="wrong merchant"):
        wechatpay.parse_notification(body=body, headers=headers)


def test_notification_with_a_fractional_fen_amount_is_rejected(wechatpay, wechat_key):
    transaction = wechat_transaction(amount={"total": 45900.5, "currency": "CNY"})
    body, headers = _notification(wechat_key, transaction)

    with pytest.raises(PaymentRejected, match="malformed transaction"):
        wechatpay.parse_notification(body=body, headers=headers)


def test_notification_reply_is_204_when_accepted_and_fail_json_otherwise(wechatpay):
    assert wechatpay.notification_reply(accepted=True) == (204, "application/json", b"")
    status, content_type, body = wechatpay.notification_reply(accepted=False)
    assert (status, content_type) == (400, "application/json")
    assert json.loads(body) == {"code": "FAIL", "message": "rejected"}


# --- start --------------------------------------------------------------------------------


def test_desktop_start_is_a_native_qr_code_for_the_exact_amount_in_fen(wechatpay, fake_wechat):
    start = wechatpay.start(**START, on_phone=False)

    assert start == PaymentStart(qr_code_text="weixin://wxpay/bizpayurl?pr=p4lpSuKzz")
    sent = fake_wechat.received[0]
    assert sent["path"] == "/v3/pay/transactions/native"
    assert sent["json"] == {
        "appid": "wxd678efh567hg6787",
        "mchid": "1900000109",
        "description": "亚麻床品四件套",
        "out_trade_no": "HG20240611000123",
        "notify_url": "https://shop.example.com/payments/notify/wechatpay/",
        "amount": {"total": 45900, "currency": "CNY"},
    }


def test_phone_start_is_an_h5_page_that_returns_to_our_order(wechatpay, fake_wechat):
    start = wechatpay.start(**START, on_phone=True)

    assert start.qr_code_text == ""
    split = urllib.parse.urlsplit(start.redirect_url)
    assert split.netloc == "wx.tenpay.com"
    assert urllib.parse.parse_qs(split.query)["redirect_url"] == [START["return_url"]]
    sent = fake_wechat.received[0]
    assert sent["path"] == "/v3/pay/transactions/h5"
    assert sent["json"]["scene_info"] == {
        "payer_client_ip": "203.0.113.7",
        "h5_info": {"type": "Wap"},
    }
    assert sent["json"]["amount"] == {"total": 45900, "currency": "CNY"}


def test_start_with_a_wrong_merchant_key_is_refused_by_wechat(
    wechat_config, fake_wechat, stranger_key
):
    misconfigured = WechatPayGateway(replace(wechat_config, private_key=stranger_key))

    with pytest.raises(GatewayError) as refused:
        misconfigured.start(**START, on_phone=False)

    assert refused.value.code == "SIGN_ERROR"


def test_start_refuses_an_amount_with_a_fraction_of_a_fen(wechatpay, fake_wechat):
    with pytest.raises(ValueError, match="two decimals"):
        wechatpay.start(**{**START, "amount": Decimal("459.001")}, on_phone=False)

    assert fake_wechat.received == []


# --- query ----------------------------------------------------------------------------------


def test_query_of_a_paid_order_is_a_paid_notice(wechatpay, fake_wechat):
    fake_wechat.orders["HG20240611000123"] = wechat_transaction()

    notice = wechatpay.query(order_number="HG20240611000123")

    assert notice == PaymentNotice(
        event_id="4200000000202406111234567890",
        order_number="HG20240611000123",
        amount=Decimal("459.00"),
        outcome="paid",
    )
    assert fake_wechat.received[0]["path"] == (
        "/v3/pay/transactions/out-trade-no/HG20240611000123?mchid=1900000109"
    )


def test_query_of_an_unpaid_order_is_pending(wechatpay, fake_wechat):
    fake_wechat.orders["HG20240611000123"] = wechat_transaction(
        trade_state="NOTPAY", transaction_id=None
    )

    notice = wechatpay.query(order_number="HG20240611000123")

    assert (notice.outcome, notice.event_id) == ("pending", "")


def test_query_of_an_unknown_order_is_none(wechatpay, fake_wechat):
    assert wechatpay.query(order_number="HG20240611000999") is None


def test_query_answer_signed_by_another_key_raises_gateway_error(
    wechatpay, fake_wechat, stranger_key
):
    fake_wechat.orders["HG20240611000123"] = wechat_transaction()
    fake_wechat.answer_key = stranger_key

    with pytest.raises(GatewayError, match="bad signature"):
        wechatpay.query(order_number="HG20240611000123")


def test_query_answer_from_an_unknown_serial_raises_gateway_error(wechatpay, fake_wechat):
    fake_wechat.orders["HG20240611000123"] = wechat_transaction()
    fake_wechat.answer_serial = "PUB_KEY_ID_0000000000000000000000000000"

    with pytest.raises(GatewayError, match="unknown key"):
        wechatpay.query(order_number="HG20240611000123")


def test_query_when_wechat_answers_http_502_raises_gateway_error(wechatpay, fake_wechat):
    fake_wechat.fail_with_status = 502

    with pytest.raises(GatewayError, match="HTTP 502"):
        wechatpay.query(order_number="HG20240611000123")


# --- refund ---------------------------------------------------------------------------------


def test_refund_still_processing_counts_as_accepted(wechatpay, fake_wechat):
    result = wechatpay.refund(**REFUND)

    assert result == RefundResult(
        refund_id="RF20240612000001",
        amount=Decimal("59.90"),
        succeeded=True,
        provider_refund_id="50000000382019052709732678859",
    )
    assert fake_wechat.received[0]["json"] == {
        "out_trade_no": "HG20240611000123",
        "out_refund_no": "RF20240612000001",
        "amount": {"refund": 5990, "total": 45900, "currency": "CNY"},
        "reason": "尺码不合适",
    }


def test_refund_of_more_than_the_total_is_refused_before_calling_wechat(wechatpay, fake_wechat):
    with pytest.raises(ValueError, match="more than the order total"):
        wechatpay.refund(**{**REFUND, "amount": Decimal("459.01")})

    assert fake_wechat.received == []

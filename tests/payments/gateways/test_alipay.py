import json
import socket
import urllib.parse
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from apps.payments.gateways import (
    GatewayError,
    PaymentNotice,
    PaymentRejected,
    RefundResult,
)
from apps.payments.gateways.alipay import AlipayGateway
from tests.payments.gateways.fake_providers import (
    CHINA_TIME,
    alipay_notification,
    alipay_request_is_signed,
)

START = {
    "order_number": "HG20240611000123",
    "amount": Decimal("459.00"),
    "subject": "亚麻床品四件套 & 枕套",
    "notify_url": "https://shop.example.com/payments/notify/alipay/",
    "return_url": "https://shop.example.com/orders/HG20240611000123/",
    "client_ip": "203.0.113.7",
}
PAID_TRADE = {
    "trade_no": "2024061122001400001234567890",
    "out_trade_no": "HG20240611000123",
    "buyer_logon_id": "159****1234",
    "trade_status": "TRADE_SUCCESS",
    "total_amount": "459.00",
}


def _params_of(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


# --- notifications ----------------------------------------------------------------------


def test_genuine_notification_parses_to_a_paid_notice(alipay, alipay_key):
    body = alipay_notification(alipay_key)

    notice = alipay.parse_notification(body=body, headers={})

    assert notice == PaymentNotice(
        event_id="2024061122001400001234567890",
        order_number="HG20240611000123",
        amount=Decimal("459.00"),
        outcome="paid",
    )


def test_finished_trade_notification_counts_as_paid(alipay, alipay_key):
    body = alipay_notification(alipay_key, trade_status="TRADE_FINISHED")

    assert alipay.parse_notification(body=body, headers={}).outcome == "paid"


def test_closed_trade_notification_is_not_paid(alipay, alipay_key):
    body = alipay_notification(alipay_key, trade_status="TRADE_CLOSED")

    assert alipay.parse_notification(body=body, headers={}).outcome == "closed"


def test_notification_amount_is_kept_exactly_as_stated_not_rounded(alipay, alipay_key):
    body = alipay_notification(alipay_key, total_amount="459.001")

    notice = alipay.parse_notification(body=body, headers={})

    assert notice.amount == Decimal("459.001")
    assert str(notice.amount) == "459.001"


def test_notification_signed_by_another_key_is_rejected(alipay, stranger_key):
    body = alipay_notification(stranger_key)

    with pytest.raises(PaymentRejected, match="bad signature"):
        alipay.parse_notification(body=body, headers={})


def test_notification_with_tampered_amount_is_rejected(alipay, alipay_key):
    body = alipay_notification(alipay_key, total_amount="459.00")
    tampered = body.replace(b"total_amount=459.00", b"total_amount=4.59")
    assert tampered != body

    with pytest.raises(PaymentRejected, match="bad signature"):
        alipay.parse_notification(body=tampered, headers={})


def test_notification_without_signature_is_rejected(alipay, alipay_key):
    params = dict(urllib.parse.parse_qsl(alipay_notification(alipay_key).decode()))
    del params["sign"]

    with pytest.raises(PaymentRejected, match="bad signature"):
        alipay.parse_notification(body=urllib.parse.urlencode(params).encode(), headers={})


def test_notification_with_a_repeated_field_is_rejected(alipay, alipay_key):
    body = alipay_notification(alipay_key) + b"&total_amount=0.01"

    with pytest.raises(PaymentRejected, match="repeated field"):
        alipay.parse_notification(body=body, headers={})


def test_notification_for_another_app_is_rejected(alipay, alipay_key):
    body = alipay_notification(alipay_key, app_id="2021000000009999")

    with pytest.raises(PaymentRejected, match="wrong app_id"):
        alipay.parse_notification(body=body, headers={})


def test_notification_older_than_five_minutes_is_rejected_as_stale(alipay, alipay_key):
    sent = datetime.now(CHINA_TIME) - timedelta(minutes=5, seconds=30)
    body = alipay_notification(alipay_key, notify_time=sent.strftime("%Y-%m-%d %H:%M:%S"))

    with pytest.raises(PaymentRejected, match="stale"):
        alipay.parse_notification(body=body, headers={})


def test_notification_four_minutes_old_is_still_accepted(alipay, alipay_key):
    sent = datetime.now(CHINA_TIME) - timedelta(minutes=4)
    body = alipay_notification(alipay_key, notify_time=sent.strftime("%Y-%m-%d %H:%M:%S"))

    assert alipay.parse_notification(body=body, headers={}).outcome == "paid"


def test_notification_with_unreadable_amount_is_rejected(alipay, alipay_key):
    body = alipay_notification(alipay_key, total_amount="NaN")

    with pytest.raises(PaymentRejected, match="total_amount"):
        alipay.parse_notification(body=body, headers={})


def test_notification_reply_is_success_text_when_accepted_and_fail_otherwise(alipay):
    assert alipay.notification_reply(accepted=True) == (
        200,
        "text/plain; charset=utf-8",
        b"success",
    )
    assert alipay.notification_reply(accepted=False) == (200, "text/plain; charset=utf-8", b"fail")


# --- start --------------------------------------------------------------------------------


def test_desktop_start_is_a_signed_page_pay_link_with_the_exact_amount(
    alipay, alipay_config, app_key
):
    start = alipay.start(**START, on_phone=False)

    assert start.qr_code_text == ""
    assert start.redirect_url.startswith(f"{alipay_config.gateway_url}?")
    params = _params_of(start.redirect_url)
    assert alipay_request_is_signed(params, app_key.public_key())
    assert params["method"] == "alipay.trade.page.pay"
    assert params["app_id"] == "2021000000000001"
    assert params["sign_type"] == "RSA2"
    assert params["notify_url"] == START["notify_url"]
    assert params["return_url"] == START["return_url"]
    assert json.loads(params["biz_content"]) == {
        "out_trade_no": "HG20240611000123",
        "total_amount": "459.00",
        "subject": "亚麻床品四件套   枕套",
        "product_code": "FAST_INSTANT_TRADE_PAY",
    }


def test_phone_start_is_a_signed_wap_pay_link(alipay, app_key):
    start = alipay.start(**START, on_phone=True)

    params = _params_of(start.redirect_url)
    assert alipay_request_is_signed(params, app_key.public_key())
    assert params["method"] == "alipay.trade.wap.pay"
    biz_content = json.loads(params["biz_content"])
    assert biz_content["product_code"] == "QUICK_WAP_WAY"
    assert biz_content["total_amount"] == "459.00"
    assert biz_content["quit_url"] == START["return_url"]


def test_start_link_signature_breaks_when_the_amount_is_changed(alipay, app_key):
    params = _params_of(alipay.start(**START, on_phone=False).redirect_url)
    params["biz_content"] = params["biz_content"].replace('"459.00"', '"4.59"')

    assert not alipay_request_is_signed(params, app_key.public_key())


def test_start_refuses_an_amount_with_a_fraction_of_a_fen(alipay):
    with pytest.raises(ValueError, match="two decimals"):
        alipay.start(**{**START, "amount": Decimal("459.001")}, on_phone=False)


def test_start_writes_whole_yuan_with_two_decimals(alipay):
    start = alipay.start(**{**START, "amount": Decimal("459")}, on_phone=False)

    assert json.loads(_params_of(start.redirect_url)["biz_content"])["total_amount"] == "459.00"


# --- query ----------------------------------------------------------------------------------


def test_query_of_a_paid_trade_is_a_paid_notice(alipay, fake_alipay):
    fake_alipay.trades["HG20240611000123"] = PAID_TRADE

    notice = alipay.query(order_number="HG20240611000123")

    assert notice == PaymentNotice(
        event_id="2024061122001400001234567890",
        order_number="HG20240611000123",
        amount=Decimal("459.00"),
        outcome="paid",
    )
    assert fake_alipay.received[0]["params"]["method"] == "alipay.trade.query"


def test_query_of_a_trade_awaiting_payment_is_pending(alipay, fake_alipay):
    fake_alipay.trades["HG20240611000123"] = {**PAID_TRADE, "trade_status": "WAIT_BUYER_PAY"}

    assert alipay.query(order_number="HG20240611000123").outcome == "pending"


def test_query_keeps_a_three_decimal_amount_exactly(alipay, fake_alipay):
    fake_alipay.trades["HG20240611000123"] = {**PAID_TRADE, "total_amount": "459.001"}

    assert alipay.query(order_number="HG20240611000123").amount == Decimal("459.001")


def test_query_of_an_unknown_trade_is_none(alipay, fake_alipay):
    assert alipay.query(order_number="HG20240611000999") is None


def test_query_answer_signed_by_another_key_raises_gateway_error(alipay, fake_alipay, stranger_key):
    fake_alipay.trades["HG20240611000123"] = PAID_TRADE
    fake_alipay.answer_key = stranger_key

    with pytest.raises(GatewayError, match="bad signature"):
        alipay.query(order_number="HG20240611000123")


def test_query_signed_with_the_wrong_app_key_is_refused_by_alipay(
    alipay_config, fake_alipay, stranger_key
):
    fake_alipay.trades["HG20240611000123"] = PAID_TRADE
    misconfigured = AlipayGateway(replace(alipay_config, app_private_key=stranger_key))

    with pytest.raises(GatewayError) as refused:
        misconfigured.query(order_number="HG20240611000123")

    assert refused.value.code == "isv.invalid-signature"


def test_query_when_alipay_answers_http_502_raises_gateway_error(alipay, fake_alipay):
    fake_alipay.fail_with_status = 502

    with pytest.raises(GatewayError, match="HTTP 502"):
        alipay.query(order_number="HG20240611000123")


def test_query_when_alipay_cannot_be_reached_raises_gateway_error(alipay_config):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    unreachable = AlipayGateway(
        replace(alipay_config, gateway_url=f"http://127.0.0.1:{closed_port}/gateway.do")
    )

    with pytest.raises(GatewayError, match="failed"):
        unreachable.query(order_number="HG20240611000123")


# --- refund ---------------------------------------------------------------------------------


def test_refund_of_a_paid_trade_is_accepted_with_our_refund_id(alipay, fake_alipay):
    fake_alipay.trades["HG20240611000123"] = PAID_TRADE

    result = alipay.refund(
        order_number="HG20240611000123",
        refund_id="RF20240612000001",
        amount=Decimal("59.90"),
        total=Decimal("459.00"),
        reason="尺码不合适",
    )

    assert result == RefundResult(
        refund_id="RF20240612000001", amount=Decimal("59.90"), succeeded=True
    )
    assert json.loads(fake_alipay.received[0]["params"]["biz_content"]) == {
        "out_trade_no": "HG20240611000123",
        "refund_amount": "59.90",
        "out_request_no": "RF20240612000001",
        "refund_reason": "尺码不合适",
    }


def test_refund_of_an_unknown_trade_raises_gateway_error_with_alipays_code(alipay, fake_alipay):
    with pytest.raises(GatewayError) as refused:
        alipay.refund(
            order_number="HG20240611000999",
            refund_id="RF20240612000001",
            amount=Decimal("59.90"),
            total=Decimal("459.00"),
            reason="",
        )

    assert refused.value.code == "ACQ.TRADE_NOT_EXIST"


def test_refund_of_more_than_the_total_is_refused_before_calling_alipay(alipay, fake_alipay):
    with pytest.raises(ValueError, match="more than the order total"):
        alipay.refund(
            order_number="HG20240611000123",
            refund_id="RF20240612000001",
            amount=Decimal("459.01"),
            total=Decimal("459.00"),
            reason="",
        )

    assert fake_alipay.received == []

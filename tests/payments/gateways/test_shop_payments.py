"""Paying an order through the shop with a configured provider (a fake Alipay on loopback,
signing with keys made in the test), the simulator switch, and refunds going back the way
the money came."""

import importlib
import re
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import clear_url_caches, reverse

from apps.core.choices import PaymentMethod
from apps.orders import services as order_services
from apps.orders.choices import FulfilmentStatus, PaymentStatus
from apps.orders.models import Order
from apps.payments import checks
from apps.payments import services as payment_services
from apps.payments.models import Payment, Refund
from tests.cart.factories import CartFactory, CartLineFactory
from tests.catalog.factories import SkuFactory
from tests.orders.factories import place_order
from tests.payments.gateways.conftest import (
    ALIPAY_APP_ID,
    WECHAT_API_V3_KEY,
    WECHAT_APP_ID,
    WECHAT_CERT_SERIAL_NO,
    WECHAT_MCH_ID,
    WECHAT_PUBLIC_KEY_ID,
    pem_of_private,
    pem_of_public,
)
from tests.payments.gateways.fake_providers import alipay_notification

pytestmark = pytest.mark.django_db
NOTIFY = "/payments/notify/alipay/"


@pytest.fixture
def shop_with_alipay(settings, fake_alipay, app_key, alipay_key):
    """The shop configured for Alipay only (no simulator), against the fake Alipay."""
    settings.PAYMENT_SIMULATOR = False
    settings.ALIPAY_APP_ID = ALIPAY_APP_ID
    settings.ALIPAY_APP_PRIVATE_KEY = pem_of_private(app_key)
    settings.ALIPAY_PUBLIC_KEY = pem_of_public(alipay_key)
    settings.ALIPAY_GATEWAY_URL = f"{fake_alipay.url}/gateway.do"
    return fake_alipay


@pytest.fixture
def shop_with_wechatpay(settings, fake_wechat, merchant_key, wechat_key):
    """The shop configured for WeChat Pay only, against the fake WeChat Pay."""
    settings.PAYMENT_SIMULATOR = False
    settings.WECHATPAY_MCH_ID = WECHAT_MCH_ID
    settings.WECHATPAY_APP_ID = WECHAT_APP_ID
    settings.WECHATPAY_API_V3_KEY = WECHAT_API_V3_KEY.decode()
    settings.WECHATPAY_PRIVATE_KEY = pem_of_private(merchant_key)
    settings.WECHATPAY_CERT_SERIAL_NO = WECHAT_CERT_SERIAL_NO
    settings.WECHATPAY_PUBLIC_KEY = pem_of_public(wechat_key)
    settings.WECHATPAY_PUBLIC_KEY_ID = WECHAT_PUBLIC_KEY_ID
    settings.WECHATPAY_API_URL = fake_wechat.url
    return fake_wechat


def guest_order(client):
    order = place_order(email="guest@example.com")
    session = client.session
    session["placed_orders"] = [order.number]
    session.save()
    return order


def alipay_says_paid(alipay_key, order, **fields):
    values = {
        "out_trade_no": order.number,
        "total_amount": str(order.total_amount),
        "trade_no": f"2026{order.number}",
        **fields,
    }
    return alipay_notification(alipay_key, **values)


def paid_trade(order) -> dict:
    return {
        "trade_no": f"2026{order.number}",
        "out_trade_no": order.number,
        "trade_status": "TRADE_SUCCESS",
        "total_amount": str(order.total_amount),
    }


def test_without_any_gateway_checkout_does_not_offer_online_payment(client, settings):
    settings.PAYMENT_SIMULATOR = False
    cart = CartFactory(member=None)
    CartLineFactory(cart=cart, sku=SkuFactory())
    session = client.session
    session["cart_id"] = cart.pk
    session.save()

    response = client.get(reverse("orders:checkout"))

    choices = [value for value, _label in response.context["form"].fields["payment_method"].choices]
    assert PaymentMethod.ONLINE not in choices
    assert PaymentMethod.BANK_TRANSFER in choices


def test_the_shopper_is_sent_to_alipay_and_its_notification_marks_the_order_paid(
    client, shop_with_alipay, alipay_key
):
    order = guest_order(client)

    started = client.post(reverse("payments:pay", args=[order.number]), {"gateway": "alipay"})
    answer = client.post(
        NOTIFY,
        alipay_says_paid(alipay_key, order),
        content_type="application/x-www-form-urlencoded",
    )

    assert started.status_code == 302
    assert started["Location"].startswith(shop_with_alipay.url)
    assert f"%22out_trade_no%22%3A%22{order.number}%22" in started["Location"]
    assert (answer.status_code, answer.content) == (200, b"success")
    assert Order.objects.get(pk=order.pk).payment_status == PaymentStatus.PAID


def test_the_same_alipay_notification_five_times_records_one_payment(
    client, shop_with_alipay, alipay_key
):
    order = guest_order(client)
    body = alipay_says_paid(alipay_key, order)

    answers = [
        client.post(NOTIFY, body, content_type="application/x-www-form-urlencoded").content
        for _ in range(5)
    ]

    assert answers == [b"success"] * 5
    assert Payment.objects.filter(order=order).count() == 1


@pytest.mark.parametrize("amount_off", [Decimal("0.001"), Decimal("-0.005")])
def test_an_amount_off_by_a_fraction_of_a_fen_is_refused(
    client, shop_with_alipay, alipay_key, amount_off
):
    order = guest_order(client)
    body = alipay_says_paid(alipay_key, order, total_amount=str(order.total_amount + amount_off))

    answer = client.post(NOTIFY, body, content_type="application/x-www-form-urlencoded")

    assert answer.content == b"fail"
    assert Order.objects.get(pk=order.pk).payment_status == PaymentStatus.UNPAID
    assert not Payment.objects.exists()


def test_a_notification_signed_by_someone_else_is_refused(client, shop_with_alipay, stranger_key):
    order = guest_order(client)

    answer = client.post(
        NOTIFY,
        alipay_says_paid(stranger_key, order),
        content_type="application/x-www-form-urlencoded",
    )

    assert answer.content == b"fail"
    assert Order.objects.get(pk=order.pk).payment_status == PaymentStatus.UNPAID


def test_i_have_paid_asks_alipay_and_settles_the_order(client, shop_with_alipay):
    order = guest_order(client)
    client.post(reverse("payments:pay", args=[order.number]), {"gateway": "alipay"})
    shop_with_alipay.trades[order.number] = paid_trade(order)

    response = client.post(reverse("payments:check", args=[order.number]))

    assert response["Location"] == order.get_absolute_url()
    assert Order.objects.get(pk=order.pk).payment_status == PaymentStatus.PAID


def test_beat_settles_an_order_whose_notification_never_came(client, shop_with_alipay):
    order = guest_order(client)
    client.post(reverse("payments:pay", args=[order.number]), {"gateway": "alipay"})
    shop_with_alipay.trades[order.number] = paid_trade(order)

    settled = payment_services.payments_settle_unnotified(older_than_seconds=0)

    assert settled == 1
    assert Order.objects.get(pk=order.pk).payment_status == PaymentStatus.PAID


def test_a_refund_goes_back_through_alipay(
    client, shop_with_alipay, alipay_key, django_capture_on_commit_callbacks
):
    order = guest_order(client)
    client.post(
        NOTIFY,
        alipay_says_paid(alipay_key, order),
        content_type="application/x-www-form-urlencoded",
    )
    shop_with_alipay.trades[order.number] = paid_trade(order)

    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_refund(order=Order.objects.get(pk=order.pk))

    refund = Refund.objects.get()
    sent = [r["params"] for r in shop_with_alipay.received if "refund" in r["params"]["method"]]
    assert (refund.status, refund.amount) == (Refund.Status.SENT, order.total_amount)
    assert len(sent) == 1
    assert f'"refund_amount":"{order.total_amount}"' in sent[0]["biz_content"].replace(" ", "")


def test_expiry_asks_alipay_first_and_keeps_an_order_that_was_paid(client, shop_with_alipay):
    order = guest_order(client)
    client.post(reverse("payments:pay", args=[order.number]), {"gateway": "alipay"})
    shop_with_alipay.trades[order.number] = paid_trade(order)

    expired = order_services.orders_expire_unpaid(now=order.expires_at + timedelta(minutes=1))

    assert expired == 0
    assert Order.objects.get(pk=order.pk).payment_status == PaymentStatus.PAID


def test_money_for_a_cancelled_order_goes_straight_back(
    client, shop_with_alipay, alipay_key, django_capture_on_commit_callbacks
):
    order = guest_order(client)
    order_services.order_cancel(order=order, reason="Not paid within 30 minutes.")
    shop_with_alipay.trades[order.number] = paid_trade(order)

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            NOTIFY,
            alipay_says_paid(alipay_key, order),
            content_type="application/x-www-form-urlencoded",
        )

    refund = Refund.objects.get()
    assert answer.content == b"success"
    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.CANCELLED
    assert (refund.amount, refund.status) == (order.total_amount, Refund.Status.SENT)


def test_the_simulator_is_not_routed_when_switched_off(client, settings):
    order = guest_order(client)
    url = f"/payments/simulator/{order.number}/"
    reload_urls()
    assert client.get(url).status_code == 200

    settings.PAYMENT_SIMULATOR = False
    try:
        reload_urls()
        response = client.post(url, {"outcome": "paid"})
    finally:
        settings.PAYMENT_SIMULATOR = True
        reload_urls()

    assert response.status_code == 404
    assert Order.objects.get(pk=order.pk).payment_status == PaymentStatus.UNPAID


def reload_urls():
    import apps.payments.urls
    import config.urls

    importlib.reload(apps.payments.urls)
    importlib.reload(config.urls)
    clear_url_caches()


def test_production_settings_refuse_the_simulator(settings):
    settings.SHOP_ENVIRONMENT = "production"
    settings.PAYMENT_SIMULATOR = True

    errors = checks.simulator_switched_off_in_production(None)

    assert [error.id for error in errors] == ["payments.E001"]


def test_the_simulator_secret_is_never_the_secret_key():
    code = (
        "import config.settings.base as s; "
        "print(s.PAYMENT_SIMULATOR_SECRET == s.SECRET_KEY, len(s.PAYMENT_SIMULATOR_SECRET))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter, a fixed script
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"SECRET_KEY": "a-secret-that-signs-sessions", "PATH": "/usr/bin:/bin"},
    )

    assert result.stdout.split() == ["False", "64"]


def test_on_a_computer_wechat_pay_shows_a_qr_code_on_the_payment_page(client, shop_with_wechatpay):
    order = guest_order(client)

    response = client.post(
        reverse("payments:pay", args=[order.number]),
        {"gateway": "wechatpay"},
        HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
    )

    assert response.status_code == 200
    assert re.search(r'<svg [^>]*class="payment-qr"', response.content.decode())


def test_on_a_phone_wechat_pay_sends_the_shopper_to_its_h5_page(client, shop_with_wechatpay):
    order = guest_order(client)

    response = client.post(
        reverse("payments:pay", args=[order.number]),
        {"gateway": "wechatpay"},
        HTTP_USER_AGENT="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148",
    )

    assert response.status_code == 302
    assert response["Location"].startswith("https://")

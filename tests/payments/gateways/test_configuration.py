import base64

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from apps.payments.gateways import configured_gateways, gateway_for, render_qr_svg
from apps.payments.gateways.alipay import AlipayGateway
from apps.payments.gateways.wechatpay import WechatPayGateway
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

NO_CREDENTIALS = {
    "ALIPAY_APP_ID": "",
    "ALIPAY_APP_PRIVATE_KEY": "",
    "ALIPAY_PUBLIC_KEY": "",
    "WECHATPAY_MCH_ID": "",
    "WECHATPAY_APP_ID": "",
    "WECHATPAY_API_V3_KEY": "",
    "WECHATPAY_PRIVATE_KEY": "",
    "WECHATPAY_CERT_SERIAL_NO": "",
    "WECHATPAY_PUBLIC_KEY": "",
    "WECHATPAY_PUBLIC_KEY_ID": "",
}


@pytest.fixture
def no_credentials(settings):
    for name, value in NO_CREDENTIALS.items():
        setattr(settings, name, value)
    return settings


@pytest.fixture
def alipay_settings(no_credentials, app_key, alipay_key):
    no_credentials.ALIPAY_APP_ID = ALIPAY_APP_ID
    no_credentials.ALIPAY_APP_PRIVATE_KEY = pem_of_private(app_key)
    no_credentials.ALIPAY_PUBLIC_KEY = pem_of_public(alipay_key)
    return no_credentials


@pytest.fixture
def wechatpay_settings(no_credentials, merchant_key, wechat_key, tmp_path):
    key_file = tmp_path / "apiclient_key.pem"
    key_file.write_text(pem_of_private(merchant_key))
    no_credentials.WECHATPAY_MCH_ID = WECHAT_MCH_ID
    no_credentials.WECHATPAY_APP_ID = WECHAT_APP_ID
    no_credentials.WECHATPAY_API_V3_KEY = WECHAT_API_V3_KEY.decode()
    no_credentials.WECHATPAY_PRIVATE_KEY = str(key_file)
    no_credentials.WECHATPAY_CERT_SERIAL_NO = WECHAT_CERT_SERIAL_NO
    no_credentials.WECHATPAY_PUBLIC_KEY = pem_of_public(wechat_key)
    no_credentials.WECHATPAY_PUBLIC_KEY_ID = WECHAT_PUBLIC_KEY_ID
    return no_credentials


def test_no_gateway_is_offered_without_credentials(no_credentials):
    assert configured_gateways() == {}


def test_alipay_with_complete_settings_is_offered_alone(alipay_settings):
    gateways = configured_gateways()

    assert list(gateways) == ["alipay"]
    assert isinstance(gateways["alipay"], AlipayGateway)
    assert gateways["alipay"].config.app_id == ALIPAY_APP_ID


def test_wechatpay_with_complete_settings_and_a_key_file_is_offered(wechatpay_settings):
    gateways = configured_gateways()

    assert list(gateways) == ["wechatpay"]
    assert isinstance(gateways["wechatpay"], WechatPayGateway)
    assert gateways["wechatpay"].config.api_url == "https://api.mch.weixin.qq.com"


def test_wechatpay_without_its_public_key_id_is_absent(wechatpay_settings):
    wechatpay_settings.WECHATPAY_PUBLIC_KEY_ID = ""

    assert "wechatpay" not in configured_gateways()


def test_alipay_keys_in_the_consoles_bare_base64_are_read(no_credentials, app_key, alipay_key):
    der = app_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    no_credentials.ALIPAY_APP_ID = ALIPAY_APP_ID
    no_credentials.ALIPAY_APP_PRIVATE_KEY = pem_of_private(app_key)
    no_credentials.ALIPAY_PUBLIC_KEY = base64.b64encode(der).decode()

    assert gateway_for("alipay").config.alipay_public_key.public_numbers() == (
        app_key.public_key().public_numbers()
    )


def test_configured_gateways_are_built_once_per_process(alipay_settings):
    assert configured_gateways() is configured_gateways()


def test_gateway_for_an_unconfigured_provider_raises_key_error(alipay_settings):
    with pytest.raises(KeyError):
        gateway_for("wechatpay")


def test_gateway_for_an_unknown_provider_raises_key_error(alipay_settings):
    with pytest.raises(KeyError):
        gateway_for("paypal")


def test_an_unreadable_key_stops_loudly(alipay_settings):
    alipay_settings.ALIPAY_PUBLIC_KEY = (
        "-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----"
    )

    with pytest.raises(ImproperlyConfigured, match="ALIPAY_PUBLIC_KEY"):
        configured_gateways()


def test_a_missing_key_file_stops_loudly(wechatpay_settings, tmp_path):
    wechatpay_settings.WECHATPAY_PRIVATE_KEY = str(tmp_path / "missing.pem")

    with pytest.raises(ImproperlyConfigured, match="cannot read key file"):
        configured_gateways()


def test_an_api_v3_key_of_the_wrong_length_stops_loudly(wechatpay_settings):
    wechatpay_settings.WECHATPAY_API_V3_KEY = "too-short"

    with pytest.raises(ImproperlyConfigured, match="32"):
        configured_gateways()


def test_gateway_labels_follow_the_active_language():
    with translation.override("en"):
        assert str(AlipayGateway.label) == "Alipay"
        assert str(WechatPayGateway.label) == "WeChat Pay"


def test_qr_code_is_inline_svg_with_a_title_and_no_inline_style():
    svg = render_qr_svg("weixin://wxpay/bizpayurl?pr=p4lpSuKzz", title="Scan to pay")

    assert svg.startswith("<svg ")
    assert "<title>Scan to pay</title>" in svg
    assert "style=" not in svg
    assert "<script" not in svg


def test_different_code_urls_draw_different_qr_codes():
    first = render_qr_svg("weixin://wxpay/bizpayurl?pr=aaaaaaaaa")
    second = render_qr_svg("weixin://wxpay/bizpayurl?pr=bbbbbbbbb")

    assert first != second

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from apps.payments.gateways.alipay import AlipayConfig, AlipayGateway
from apps.payments.gateways.wechatpay import WechatPayConfig, WechatPayGateway
from tests.payments.gateways.fake_providers import FakeAlipay, FakeWechatPay

ALIPAY_APP_ID = "2021000000000001"
WECHAT_MCH_ID = "1900000109"
WECHAT_APP_ID = "wxd678efh567hg6787"
WECHAT_API_V3_KEY = b"a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"
WECHAT_CERT_SERIAL_NO = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
WECHAT_PUBLIC_KEY_ID = "PUB_KEY_ID_0114232134912410000000000000"


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def app_key():
    """Our Alipay application key pair (Alipay holds the public half)."""
    return _new_key()


@pytest.fixture(scope="session")
def alipay_key():
    """Alipay's own key pair (we hold the public half)."""
    return _new_key()


@pytest.fixture(scope="session")
def merchant_key():
    """Our WeChat Pay merchant API key pair."""
    return _new_key()


@pytest.fixture(scope="session")
def wechat_key():
    """The key pair behind the WeChat Pay public key."""
    return _new_key()


@pytest.fixture(scope="session")
def stranger_key():
    """Someone else's key: what a forger would sign with."""
    return _new_key()


def pem_of_private(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def pem_of_public(key) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@pytest.fixture
def fake_alipay(app_key, alipay_key):
    with FakeAlipay(
        app_id=ALIPAY_APP_ID,
        app_public_key=app_key.public_key(),
        alipay_private_key=alipay_key,
    ) as provider:
        yield provider


@pytest.fixture
def alipay_config(fake_alipay, app_key, alipay_key):
    return AlipayConfig(
        app_id=ALIPAY_APP_ID,
        app_private_key=app_key,
        alipay_public_key=alipay_key.public_key(),
        gateway_url=f"{fake_alipay.url}/gateway.do",
    )


@pytest.fixture
def alipay(alipay_config):
    return AlipayGateway(alipay_config)


@pytest.fixture
def fake_wechat(merchant_key, wechat_key):
    with FakeWechatPay(
        mch_id=WECHAT_MCH_ID,
        cert_serial_no=WECHAT_CERT_SERIAL_NO,
        merchant_public_key=merchant_key.public_key(),
        platform_private_key=wechat_key,
    ) as provider:
        yield provider


@pytest.fixture
def wechat_config(fake_wechat, merchant_key, wechat_key):
    return WechatPayConfig(
        mch_id=WECHAT_MCH_ID,
        app_id=WECHAT_APP_ID,
        api_v3_key=WECHAT_API_V3_KEY,
        private_key=merchant_key,
        cert_serial_no=WECHAT_CERT_SERIAL_NO,
        public_key=wechat_key.public_key(),
        public_key_id=WECHAT_PUBLIC_KEY_ID,
        api_url=fake_wechat.url,
    )


@pytest.fixture
def wechatpay(wechat_config):
    return WechatPayGateway(wechat_config)

"""The payment providers this shop is configured for. A provider whose credentials are
incomplete is simply not offered; one whose keys cannot be read stops start-up loudly."""

from functools import cache

from django.core.signals import setting_changed
from django.dispatch import receiver

from apps.payments.gateways.alipay import AlipayConfig, AlipayGateway
from apps.payments.gateways.base import (
    GatewayError,
    PaymentGateway,
    PaymentNotice,
    PaymentRejected,
    PaymentStart,
    RefundResult,
)
from apps.payments.gateways.qrcode import render_qr_svg
from apps.payments.gateways.wechatpay import WechatPayConfig, WechatPayGateway

__all__ = [
    "GatewayError",
    "PaymentGateway",
    "PaymentNotice",
    "PaymentRejected",
    "PaymentStart",
    "RefundResult",
    "configured_gateways",
    "gateway_for",
    "render_qr_svg",
]

SETTING_PREFIXES = ("ALIPAY_", "WECHATPAY_")


@cache
def configured_gateways() -> dict[str, PaymentGateway]:
    """Every provider whose settings are complete, by name ("alipay", "wechatpay"); built
    once per process, since loading keys is not free."""
    gateways: dict[str, PaymentGateway] = {}
    alipay = AlipayConfig.from_settings()
    if alipay is not None:
        gateways[AlipayGateway.name] = AlipayGateway(alipay)
    wechatpay = WechatPayConfig.from_settings()
    if wechatpay is not None:
        gateways[WechatPayGateway.name] = WechatPayGateway(wechatpay)
    return gateways


def gateway_for(name: str) -> PaymentGateway:
    """The configured provider called `name`; KeyError if it is unknown or not configured."""
    return configured_gateways()[name]


@receiver(setting_changed)
def _forget_gateways(*, setting: str, **kwargs) -> None:
    # Tests (and override_settings) change credentials at run time; the cache must follow.
    if setting.startswith(SETTING_PREFIXES):
        configured_gateways.cache_clear()

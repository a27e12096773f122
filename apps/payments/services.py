"""Every write about money coming in: which gateways a shopper may pay with, starting a
payment, and accepting a provider's verified notification once."""

import logging
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.choices import PaymentMethod
from apps.core.outbox import outbox_enqueue
from apps.orders import services as order_services
from apps.orders.choices import FulfilmentStatus, PaymentStatus
from apps.orders.models import Order
from apps.payments.gateways import AlipayGateway, WechatPayGateway, configured_gateways
from apps.payments.gateways.base import GatewayError, PaymentGateway, PaymentRejected, PaymentStart
from apps.payments.models import Payment, PaymentAttempt, Refund

logger = logging.getLogger(__name__)


def payment_gateways() -> dict[str, PaymentGateway]:
    """The gateways a shopper may pay with here: the configured providers, and the simulator
    only where PAYMENT_SIMULATOR is on."""
    gateways: dict[str, PaymentGateway] = {}
    if settings.PAYMENT_SIMULATOR:
        from apps.payments.simulator import SimulatorGateway

        gateways["simulator"] = SimulatorGateway()
    gateways.update(configured_gateways())
    return gateways


def payment_gateway(name: str) -> PaymentGateway:
    """One usable gateway by name; KeyError for an unknown or switched-off one."""
    return payment_gateways()[name]


def online_payment_available() -> bool:
    return bool(payment_gateways())


def payment_record(
    *, order: Order, provider: str, provider_event_id: str, amount: Decimal, actor=None
) -> bool:
    """Record a provider's payment once per provider event and mark the order paid. Returns
    False for a repeated event. An amount that differs from the total by any fraction of a
    fen (¥459.001 for ¥459.00) is refused and logged. Money the order no longer wants
    (cancelled, or already paid) goes back through the same provider at once."""
    if amount != order.total_amount or amount.as_tuple().exponent < -2:
        logger.warning(
            "payment.wrong_amount",
            extra={"order_id": order.pk, "amount": str(amount), "due": str(order.total_amount)},
        )
        raise PaymentRejected("wrong amount")
    try:
        with transaction.atomic():
            Payment.objects.create(
                order=order, provider=provider, provider_event_id=provider_event_id, amount=amount
            )
            paid = order_services.order_mark_paid(
                order=order, provider=provider_label(provider), actor=actor
            )
            if not paid:
                # Paid after the order expired or was cancelled, or paid twice: the money
                # goes straight back the way it came.
                payment_refund_request(
                    order=order, amount=amount, provider=provider, reason="unwanted payment"
                )
    except IntegrityError:
        logger.info("payment.duplicate", extra={"order_id": order.pk, "event": provider_event_id})
        return False
    return True


def provider_label(provider: str) -> str:
    """How a payment provider is named to shoppers and staff ("支付宝", not "alipay")."""
    from apps.payments.simulator import SimulatorGateway

    labels = {
        AlipayGateway.name: AlipayGateway.label,
        WechatPayGateway.name: WechatPayGateway.label,
        SimulatorGateway.name: SimulatorGateway.label,
        "bank_transfer": PaymentMethod.BANK_TRANSFER.label,
    }
    return str(labels.get(provider, provider))


def payment_confirm_bank_transfer(*, order: Order, actor) -> bool:
    """Staff saw the money arrive in the shop's bank account."""
    if order.payment_method != PaymentMethod.BANK_TRANSFER:
        raise order_services.OrderError(_("This order is not paid by bank transfer."))
    return payment_record(
        order=order,
        provider="bank_transfer",
        provider_event_id=f"bank-{order.number}",
        amount=order.total_amount,
        actor=actor,
    )


def payment_notification_accept(*, gateway: PaymentGateway, body: bytes, headers) -> bool:
    """Verify a provider's notification and record the payment once. Raises PaymentRejected
    for anything not genuine or not matching the order; returns False for a repeat."""
    notice = gateway.parse_notification(body=body, headers=headers)
    order = Order.objects.filter(number=notice.order_number).first()
    if order is None:
        raise PaymentRejected("unknown order")
    if notice.outcome != "paid":
        logger.info("payment.not_paid", extra={"order_id": order.pk, "outcome": notice.outcome})
        return False
    return payment_record(
        order=order,
        provider=gateway.name,
        provider_event_id=notice.event_id,
        amount=notice.amount,
    )


def payment_start(
    *, order: Order, gateway_name: str, client_ip: str, on_phone: bool
) -> PaymentStart:
    """Start paying an online order with one gateway: where to send the shopper, or the QR
    code to show. The provider is remembered so the shop can ask it later."""
    if not order.awaits_online_payment:
        raise order_services.OrderError(_("This order can no longer be paid."))
    gateway = payment_gateway(gateway_name)
    PaymentAttempt.objects.get_or_create(order=order, provider=gateway.name)
    site = settings.SHOP_SITE_URL.rstrip("/")
    return gateway.start(
        order_number=order.number,
        amount=order.total_amount,
        subject=_("Order %(number)s") % {"number": order.number},
        notify_url=site + reverse("payment_notify", kwargs={"provider": gateway.name}),
        return_url=site + order.get_absolute_url(),
        client_ip=client_ip,
        on_phone=on_phone,
    )


def payment_settle(*, order: Order) -> bool:
    """Ask each provider the shopper started paying with whether the money arrived, and
    record it if so (the notification may never have come). True once the order is paid."""
    gateways = payment_gateways()
    for provider in order.payment_attempts.values_list("provider", flat=True):
        gateway = gateways.get(provider)
        if gateway is None:
            continue
        try:
            notice = gateway.query(order_number=order.number)
        except GatewayError:
            logger.warning("payment.query_failed", extra={"order_id": order.pk}, exc_info=True)
            continue
        if notice is None or notice.outcome != "paid" or notice.order_number != order.number:
            continue
        try:
            payment_record(
                order=order,
                provider=gateway.name,
                provider_event_id=notice.event_id,
                amount=notice.amount,
            )
        except PaymentRejected:
            continue
        order.refresh_from_db()
    return order.is_paid


def payments_settle_unnotified(*, older_than_seconds: int = 120) -> int:
    """Settle online orders still awaiting payment a while after the shopper started paying
    (run by Celery beat every few minutes, and by `manage.py settle_payments`)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    orders = Order.objects.filter(
        payment_status=PaymentStatus.UNPAID,
        fulfilment_status=FulfilmentStatus.AWAITING_PAYMENT,
        payment_attempts__started_at__lte=cutoff,
    ).distinct()
    settled = sum(1 for order in orders if payment_settle(order=order))
    if settled:
        logger.info("payments.settled", extra={"count": settled})
    return settled


def payment_refund_request(
    *, order: Order, amount: Decimal, reason: str = "", provider: str = ""
) -> Refund | None:
    """Pay `amount` back through the provider the order was paid with (or `provider`).
    Called inside the refund's transaction; the provider is called after commit
    (payment_refund_send). Bank transfers and cash on delivery are paid back by staff."""
    if not provider:
        payment = order.payments.order_by("-received_at").first()
        if payment is None:
            return None
        provider = payment.provider
    if amount <= 0:
        return None
    refund = Refund.objects.create(
        order=order,
        number=f"RF{order.number}{Refund.objects.filter(order=order).count() + 1:02d}",
        provider=provider,
        amount=amount,
    )
    from apps.payments.tasks import payment_refund_send

    outbox_enqueue(payment_refund_send, refund_id=refund.pk, reason=reason[:80])
    return refund


def payment_refund_send(*, refund: Refund, reason: str = "") -> Refund:
    """Ask the provider to pay a refund back. GatewayError (unreachable) propagates so the
    task retries; a refusal is recorded as failed for staff to follow up."""
    if refund.status != Refund.Status.PENDING:
        return refund
    gateway = payment_gateways().get(refund.provider)
    if gateway is None:
        refund.status = Refund.Status.MANUAL
        refund.save(update_fields=["status"])
        logger.info("refund.manual", extra={"refund_id": refund.pk})
        return refund
    result = gateway.refund(
        order_number=refund.order.number,
        refund_id=refund.number,
        amount=refund.amount,
        total=refund.order.total_amount,
        reason=reason or _("Refund"),
    )
    refund.status = Refund.Status.SENT if result.succeeded else Refund.Status.FAILED
    refund.provider_refund_id = getattr(result, "provider_refund_id", "")[:100]
    refund.sent_at = timezone.now()
    refund.save(update_fields=["status", "provider_refund_id", "sent_at"])
    log = logger.info if result.succeeded else logger.warning
    log("refund.sent", extra={"refund_id": refund.pk, "succeeded": result.succeeded})
    return refund

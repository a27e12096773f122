from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.orders.models import MONEY, Order


class Payment(models.Model):
    """A payment notification accepted from a provider. The provider's event id is unique,
    so a repeated or concurrent notification can change nothing twice."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(_("provider"), max_length=32)
    provider_event_id = models.CharField(_("provider event id"), max_length=100)
    amount = models.DecimalField(_("amount"), **MONEY)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        db_table = "orders_payment"
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_event_id"], name="payment_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.provider_event_id}"


class PaymentAttempt(models.Model):
    """A shopper started paying an order with a provider: the orders the shop asks that
    provider about when its notification does not come."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="payment_attempts")
    provider = models.CharField(_("provider"), max_length=32)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("payment attempt")
        verbose_name_plural = _("payment attempts")
        constraints = [
            models.UniqueConstraint(fields=["order", "provider"], name="payment_attempt_once")
        ]

    def __str__(self) -> str:
        return f"{self.order_id}:{self.provider}"


class Refund(models.Model):
    """Money going back to a shopper through the provider that took it. Written with the
    order's refund (same transaction) and sent to the provider after commit, so a refund is
    never lost and never sent twice (the provider de-duplicates on our refund number)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Accepted by the provider")
        FAILED = "failed", _("Refused by the provider")
        MANUAL = "manual", _("To be paid back by staff")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    number = models.CharField(_("refund number"), max_length=40, unique=True)
    provider = models.CharField(_("provider"), max_length=32)
    amount = models.DecimalField(_("amount"), **MONEY)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    provider_refund_id = models.CharField(_("provider's refund id"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive")
        ]

    def __str__(self) -> str:
        return self.number

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

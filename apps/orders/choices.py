from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    """Where the order's money stands; changed only by order_payment_transition."""

    UNPAID = "unpaid", _("Unpaid")
    PAID = "paid", _("Paid")
    PARTLY_REFUNDED = "partly_refunded", _("Partly refunded")
    REFUNDED = "refunded", _("Refunded")


class FulfilmentStatus(models.TextChoices):
    """Where the order's goods stand; changed only by order_fulfilment_transition."""

    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    TO_PICK = "to_pick", _("Waiting to be packed")
    PICKING = "picking", _("Being packed")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class StateMachine(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    FULFILMENT = "fulfilment", _("Fulfilment")


MACHINE_LABELS = {
    StateMachine.PAYMENT: dict(PaymentStatus.choices),
    StateMachine.FULFILMENT: dict(FulfilmentStatus.choices),
}

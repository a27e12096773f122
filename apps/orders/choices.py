from django.db import models
from django.utils.translation import gettext_lazy as _


class ShippingMethod(models.TextChoices):
    COURIER = "courier", _("Courier delivery")
    PICKUP = "pickup", _("In-store pickup")


class PaymentMethod(models.TextChoices):
    ONLINE = "online", _("Online card payment")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CASH_ON_DELIVERY = "cod", _("Cash on delivery")


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
    PAID = "paid", _("Paid")
    PICKING = "picking", _("Being packed")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")

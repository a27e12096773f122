"""How an order is delivered and paid: choices shared by the cart, checkout, orders and
payments (the cart prices shipping before any order exists)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ShippingMethod(models.TextChoices):
    COURIER = "courier", _("Courier delivery")
    PICKUP = "pickup", _("In-store pickup")


class PaymentMethod(models.TextChoices):
    ONLINE = "online", _("Online payment (Alipay, WeChat Pay)")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CASH_ON_DELIVERY = "cod", _("Cash on delivery")

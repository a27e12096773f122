"""How an order is delivered and paid: choices shared by the cart, checkout, orders and
payments (the cart prices shipping before any order exists)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ShippingMethod(models.TextChoices):
    COURIER = "courier", _("Courier delivery")
    PICKUP = "pickup", _("In-store pickup")
    # An order of goods that are never shipped (a paid membership): no address, no fee, and
    # it never reaches the warehouse.
    NONE = "none", _("No delivery needed")


class PaymentMethod(models.TextChoices):
    ONLINE = "online", _("Online payment (Alipay, WeChat Pay)")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CASH_ON_DELIVERY = "cod", _("Cash on delivery")

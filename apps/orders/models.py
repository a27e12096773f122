import secrets
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.members.regions import full_region_name
from apps.orders.choices import OrderStatus, PaymentMethod, ShippingMethod

MONEY = {"max_digits": 12, "decimal_places": 2}


def new_order_number() -> str:
    """Date plus 8 random digits: readable, unique in practice (and by constraint), and not
    guessable in sequence."""
    today = timezone.localdate().strftime("%Y%m%d")
    return f"{today}{secrets.randbelow(10**8):08d}"


class Order(TimeStampedModel):
    number = models.CharField(_("order number"), max_length=20, unique=True, editable=False)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("member"),
    )
    email = models.EmailField(_("email"))
    phone = models.CharField(_("mobile number"), max_length=20)
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=OrderStatus.choices,
        default=OrderStatus.PENDING_PAYMENT,
        db_index=True,
    )
    shipping_method = models.CharField(
        _("shipping method"), max_length=16, choices=ShippingMethod.choices
    )
    payment_method = models.CharField(
        _("payment method"), max_length=16, choices=PaymentMethod.choices
    )
    # Delivery address, copied from the shopper's address book at placement.
    recipient_name = models.CharField(_("recipient"), max_length=50)
    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    district = models.CharField(_("district"), max_length=50, blank=True)
    region_code = models.CharField(_("district code"), max_length=12, blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    customer_note = models.CharField(_("customer note"), max_length=500, blank=True)
    invoice_requested = models.BooleanField(_("invoice requested"), default=False)
    invoice_title = models.CharField(_("invoice title"), max_length=100, blank=True)
    invoice_tax_id = models.CharField(_("taxpayer ID"), max_length=20, blank=True)
    subtotal_amount = models.DecimalField(_("subtotal"), **MONEY)
    discount_amount = models.DecimalField(_("discount"), default=0, **MONEY)
    shipping_amount = models.DecimalField(_("shipping fee"), default=0, **MONEY)
    total_amount = models.DecimalField(_("total"), **MONEY)
    refunded_amount = models.DecimalField(_("refunded"), default=0, **MONEY)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("payment due by"), null=True, blank=True)
    carrier = models.CharField(_("carrier"), max_length=50, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=50, blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    # One checkout form submission makes at most one order, however often it is posted.
    idempotency_key = models.CharField(max_length=64, unique=True, editable=False)

    # The audit of an order is its events (who, when, from, to, what changed), written by the
    # services for every change; a second copy of each row would only slow checkout down.

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["status", "expires_at"], name="order_status_expiry"),
            models.Index(fields=["member", "-created_at"], name="order_member_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(refunded_amount__lte=models.F("total_amount")),
                name="order_refund_not_above_total",
            ),
        ]
        permissions = [
            ("ship_order", _("Can mark orders shipped and print pick lists")),
            ("refund_order", _("Can refund orders")),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("orders:detail", kwargs={"number": self.number})

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None

    @property
    def address_line(self) -> str:
        """The address as written on a parcel: 上海市黄浦区 南京东路 1 号."""
        region = full_region_name(self.province, self.city, self.district)
        return f"{region} {self.street}".strip()

    @property
    def return_deadline(self) -> date | None:
        """The last calendar day (shop time) on which a return or exchange may be asked for."""
        if self.delivered_at is None:
            return None
        delivered_on = timezone.localdate(self.delivered_at)
        return delivered_on + timedelta(days=settings.SHOP_RETURN_DAYS)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    sku = models.ForeignKey(
        "catalog.Sku", on_delete=models.PROTECT, related_name="order_lines", verbose_name=_("SKU")
    )
    # Snapshot at placement: later catalog edits never change what was bought.
    product_name = models.CharField(_("product"), max_length=200)
    sku_options = models.CharField(_("options"), max_length=200, blank=True)
    sku_code = models.CharField(_("SKU code"), max_length=64)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    quantity = models.PositiveIntegerField(_("quantity"))
    discount_amount = models.DecimalField(_("discount"), default=0, **MONEY)
    line_total = models.DecimalField(_("line total"), **MONEY)
    refunded_quantity = models.PositiveIntegerField(_("refunded quantity"), default=0)
    refunded_amount = models.DecimalField(_("refunded"), default=0, **MONEY)
    out_of_stock_notified_at = models.DateTimeField(
        _("out-of-stock notice sent"), null=True, blank=True
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(refunded_quantity__lte=models.F("quantity")),
                name="order_line_refund_not_above_quantity",
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_amount__lte=models.F("line_total")),
                name="order_line_refund_not_above_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_name} {self.sku_options} × {self.quantity}"

    @property
    def refundable_amount(self):
        return self.line_total - self.refunded_amount


class OrderEvent(models.Model):
    """One thing that happened to an order: a change of state, a correction, a note."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status change")
        ADDRESS = "address", _("Address or phone corrected")
        NOTE = "note", _("Staff note")
        PAYMENT = "payment", _("Payment")
        REFUND = "refund", _("Refund")
        NOTICE = "notice", _("Customer notified")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("by"),
    )
    from_status = models.CharField(_("from"), max_length=24, blank=True)
    to_status = models.CharField(_("to"), max_length=24, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("order event")
        verbose_name_plural = _("order events")

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind} {self.to_status}"

    @property
    def to_status_label(self) -> str:
        return OrderStatus(self.to_status).label if self.to_status else ""


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
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_event_id"], name="payment_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.provider_event_id}"


class ReturnKind(models.TextChoices):
    RETURN = "return", _("Return for a refund")
    EXCHANGE = "exchange", _("Exchange for a replacement")


class ReturnReason(models.TextChoices):
    QUALITY = "quality", _("Quality problem")
    NOT_QUALITY = "not_quality", _("Not a quality problem")


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved: send the goods back")
    RECEIVED = "received", _("Goods received")
    REFUNDED = "refunded", _("Refunded")
    EXCHANGE_SHIPPED = "exchange_shipped", _("Replacement shipped")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Closed")


class ShippingPayer(models.TextChoices):
    SHOP = "shop", _("The shop pays all shipping")
    BUYER_BOTH_LEGS = "buyer_both", _("The buyer pays shipping both ways")
    BUYER_RETURN_LEG = "buyer_return", _("The buyer pays the return leg only")


# A request in one of these states still holds its order lines: no second request for them.
RETURN_OPEN_STATUSES = (ReturnStatus.REQUESTED, ReturnStatus.APPROVED, ReturnStatus.RECEIVED)
# The shopper may take a request back until the goods reach the shop.
RETURN_WITHDRAWABLE_STATUSES = (ReturnStatus.REQUESTED, ReturnStatus.APPROVED)


def new_return_number() -> str:
    return f"R{new_order_number()}"


def return_photo_path(instance, filename: str) -> str:
    # Never the uploaded name: photos are re-encoded JPEGs under a random name.
    return f"returns/{uuid.uuid4().hex}.jpg"


class ReturnRequest(TimeStampedModel):
    """A shopper's request to return (for a refund) or exchange some lines of an order."""

    number = models.CharField(_("return number"), max_length=20, unique=True, editable=False)
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="return_requests", verbose_name=_("order")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReturnKind.choices)
    reason = models.CharField(_("reason"), max_length=16, choices=ReturnReason.choices)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=ReturnStatus.choices,
        default=ReturnStatus.REQUESTED,
        db_index=True,
    )
    # Decided once, when the request is made (see services.return_shipping_payer).
    shipping_payer = models.CharField(
        _("who pays shipping"), max_length=16, choices=ShippingPayer.choices
    )
    return_address = models.TextField(_("return address"), blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    refund_amount = models.DecimalField(_("refunded"), default=0, **MONEY)
    carrier = models.CharField(_("replacement carrier"), max_length=50, blank=True)
    tracking_number = models.CharField(_("replacement tracking number"), max_length=50, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("return or exchange")
        verbose_name_plural = _("returns and exchanges")
        indexes = [
            models.Index(fields=["status", "created_at"], name="return_status_age"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(refund_amount__gte=0), name="return_refund_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse(
            "orders:return_detail",
            kwargs={"number": self.order.number, "return_number": self.number},
        )

    @property
    def is_open(self) -> bool:
        return self.status in RETURN_OPEN_STATUSES

    @property
    def can_be_withdrawn(self) -> bool:
        return self.status in RETURN_WITHDRAWABLE_STATUSES

    @property
    def shipping_terms(self) -> str:
        """Who pays which shipping, in a sentence for the shopper and the staff."""
        exchange = self.kind == ReturnKind.EXCHANGE
        if self.shipping_payer == ShippingPayer.SHOP:
            if exchange:
                return gettext(
                    "Quality problem: the shop pays all shipping. Send the goods back freight "
                    "collect (到付); the replacement is delivered free."
                )
            return gettext(
                "Quality problem: the shop pays all shipping. Send the goods back freight "
                "collect (到付); if you return the whole order, the delivery fee is refunded too."
            )
        if self.shipping_payer == ShippingPayer.BUYER_BOTH_LEGS:
            if exchange:
                return gettext(
                    "Not a quality problem: you pay the postage to send the goods back, and the "
                    "delivery fee of the replacement is collected on delivery (到付)."
                )
            return gettext(
                "Not a quality problem: you pay the postage to send the goods back, and the "
                "delivery fee of the order is not refunded."
            )
        if exchange:
            return gettext(
                "Not a quality problem: the order was delivered free, so you pay only the postage "
                "to send the goods back; the replacement is delivered free."
            )
        return gettext(
            "Not a quality problem: the order was delivered free, so you pay only the postage to "
            "send the goods back."
        )


class ReturnLine(models.Model):
    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        OrderLine,
        on_delete=models.PROTECT,
        related_name="return_lines",
        verbose_name=_("order line"),
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    # For an exchange: the SKU sent instead (the same one, or another option at the same price).
    replacement_sku = models.ForeignKey(
        "catalog.Sku",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replacement"),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("returned line")
        verbose_name_plural = _("returned lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="return_line_quantity_at_least_one"
            ),
            models.UniqueConstraint(
                fields=["request", "order_line"], name="return_line_once_per_request"
            ),
        ]

    def __str__(self) -> str:
        line = self.order_line
        return f"{line.product_name} {line.sku_options} × {self.quantity}"


class ReturnPhoto(models.Model):
    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=return_photo_path)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("return photo")
        verbose_name_plural = _("return photos")

    def __str__(self) -> str:
        return self.image.name


class ReturnEvent(models.Model):
    """One step of a return or exchange: who moved it from which state to which, and when."""

    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("by"),
    )
    from_status = models.CharField(_("from"), max_length=24, blank=True)
    to_status = models.CharField(_("to"), max_length=24)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("return event")
        verbose_name_plural = _("return events")

    def __str__(self) -> str:
        return f"{self.request_id} {self.from_status} → {self.to_status}"

    @property
    def to_status_label(self) -> str:
        return ReturnStatus(self.to_status).label

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.orders.models import MONEY, Order, OrderLine, new_order_number


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


def private_storage():
    """Return photos live apart from public media: only apps.aftersales.views serves them,
    to the shopper who asked and to staff."""
    return storages["private"]


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
        db_table = "orders_returnrequest"
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
            "aftersales:return_detail",
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
        db_table = "orders_returnline"
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
    image = models.ImageField(_("photo"), upload_to=return_photo_path, storage=private_storage)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        db_table = "orders_returnphoto"
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
        db_table = "orders_returnevent"
        ordering = ["created_at", "id"]
        verbose_name = _("return event")
        verbose_name_plural = _("return events")

    def __str__(self) -> str:
        """What happened, as a sentence staff read (the caption of an event row in the
        back office): "Status changed from Requested to Rejected"."""
        if self.from_status:
            return gettext("Status changed from %(from)s to %(to)s") % {
                "from": self.from_status_label,
                "to": self.to_status_label,
            }
        return gettext("Status set to %(to)s") % {"to": self.to_status_label}

    @property
    def from_status_label(self) -> str:
        return str(ReturnStatus(self.from_status).label) if self.from_status else ""

    @property
    def to_status_label(self) -> str:
        return ReturnStatus(self.to_status).label

import secrets
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from apps.core.choices import PaymentMethod, ShippingMethod
from apps.core.models import TimeStampedModel
from apps.core.money import money
from apps.members.regions import full_region_name
from apps.orders.choices import MACHINE_LABELS, FulfilmentStatus, PaymentStatus, StateMachine

MONEY = {"max_digits": 12, "decimal_places": 2}


def new_order_number() -> str:
    """Date plus 10 random digits: readable, unique by constraint (order_place draws again on
    a collision), and not guessable in sequence."""
    today = timezone.localdate().strftime("%Y%m%d")
    return f"{today}{secrets.randbelow(10**10):010d}"


class PickupPoint(models.Model):
    """A shop counter where buyers collect in-store pickup orders, managed in the back office
    in both languages. An order copies the point's details when it is placed, so later edits
    (new hours, a move) never rewrite what an earlier buyer was told."""

    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(pgettext_lazy("pickup point", "address"), max_length=200)
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=100,
        help_text=_("As shoppers read it, e.g. “Daily 10:00–21:00”."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    map_url = models.URLField(
        _("map link"),
        blank=True,
        help_text=_("A link that opens the point on a map (Amap, Baidu Maps…)."),
    )
    is_active = models.BooleanField(
        _("offered at checkout"),
        default=True,
        help_text=_("Untick to stop offering the point; orders already placed keep it."),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("pickup point")
        verbose_name_plural = _("pickup points")

    def __str__(self) -> str:
        return self.name


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
    # Two state machines, each with its own table and transition function in services:
    # money (paid, partly refunded...) and goods (packed, shipped...). A partial refund
    # before shipping leaves the goods' status alone, so the order stays on the pick list.
    payment_status = models.CharField(
        _("payment status"),
        max_length=24,
        choices=PaymentStatus.choices,
        default=PaymentStatus.UNPAID,
        db_index=True,
    )
    fulfilment_status = models.CharField(
        _("fulfilment status"),
        max_length=24,
        choices=FulfilmentStatus.choices,
        default=FulfilmentStatus.AWAITING_PAYMENT,
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
    # In-store pickup: the point chosen, and its details as they were when the order was
    # placed (in the order's language); the link survives only while the point exists.
    pickup_point = models.ForeignKey(
        PickupPoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("pickup point"),
    )
    pickup_name = models.CharField(_("pickup point name"), max_length=100, blank=True)
    pickup_address = models.CharField(_("pickup point address"), max_length=200, blank=True)
    pickup_hours = models.CharField(_("pickup point opening hours"), max_length=100, blank=True)
    pickup_phone = models.CharField(_("pickup point phone"), max_length=20, blank=True)
    pickup_map_url = models.URLField(_("pickup point map link"), blank=True)
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
            models.Index(
                fields=["fulfilment_status", "expires_at"], name="order_fulfilment_expiry"
            ),
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
        """Money came in (some of it may since have been refunded)."""
        return self.payment_status != PaymentStatus.UNPAID

    @property
    def awaits_payment(self) -> bool:
        """Unpaid and held for its money (cash on delivery is packed at once instead)."""
        return (
            self.payment_status == PaymentStatus.UNPAID
            and self.fulfilment_status == FulfilmentStatus.AWAITING_PAYMENT
        )

    @property
    def awaits_online_payment(self) -> bool:
        """An online order the shopper may still pay on the payment page."""
        return self.awaits_payment and self.payment_method == PaymentMethod.ONLINE

    @property
    def is_pickup(self) -> bool:
        return self.shipping_method == ShippingMethod.PICKUP

    @property
    def needs_delivery(self) -> bool:
        """Something is shipped or collected; False for an order of things that are never
        shipped (a paid membership), which keeps no address and skips the warehouse."""
        return self.shipping_method != ShippingMethod.NONE

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
    # Why the unit price is below the list price when the order was placed ("金卡会员价 −5%"),
    # in the order's language, as the cart showed it.
    price_reason = models.CharField(_("price reason"), max_length=200, blank=True)
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
    def paid_amount(self):
        """What the buyer paid for the line: its total less its share of order discounts."""
        return self.line_total - self.discount_amount

    @property
    def paid_per_unit(self):
        """One unit's share of the paid amount, rounded down to the cent (the last unit
        refunded takes the remainder, so refunds add up to exactly what was paid)."""
        whole_cents = int(self.paid_amount * 100) // self.quantity
        return money(Decimal(whole_cents) / 100)

    @property
    def refundable_amount(self):
        return self.paid_amount - self.refunded_amount


class OrderEvent(models.Model):
    """One thing that happened to an order: a change of state, a correction, a note."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status change")  # of the machine named in `machine`
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
    machine = models.CharField(
        _("state machine"), max_length=16, choices=StateMachine.choices, blank=True
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
        """What happened, as a sentence staff read (the caption of an event row in the
        back office): "Payment status changed from Unpaid to Paid"."""
        if self.kind != self.Kind.STATUS:
            return str(self.get_kind_display())
        labels = {"from": self.from_status_label, "to": self.to_status_label}
        if self.machine == StateMachine.PAYMENT:
            if self.from_status:
                return gettext("Payment status changed from %(from)s to %(to)s") % labels
            return gettext("Payment status set to %(to)s") % labels
        if self.from_status:
            return gettext("Fulfilment status changed from %(from)s to %(to)s") % labels
        return gettext("Fulfilment status set to %(to)s") % labels

    def _status_label(self, status: str) -> str:
        labels = MACHINE_LABELS.get(self.machine, {})
        return str(labels.get(status, status))

    @property
    def from_status_label(self) -> str:
        return self._status_label(self.from_status) if self.from_status else ""

    @property
    def to_status_label(self) -> str:
        return self._status_label(self.to_status)

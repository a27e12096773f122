"""Promotions: festival campaigns, and the offers, coupons, flash sales and group buys they
group. Every price a promotion gives goes through the one pricing service (apps.cart.pricing),
whose price guard keeps each item at or above SHOP_PRICE_FLOOR_PERCENT of its list price,
unless the promotion belongs to a campaign flagged as a major festival promotion."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class Campaign(TimeStampedModel):
    """A named sales campaign with a window (双11, 双12, 520, 314 ...). Staff may prepare it in
    advance and preview it before it starts."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("address"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    is_major_festival = models.BooleanField(
        _("major festival promotion"),
        default=False,
        help_text=_(
            "Its promotions may sell below the price floor (the shop's lowest price, a share "
            "of the list price). Only for the year's big festivals."
        ),
    )

    class Meta:
        ordering = ["-starts_at", "id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="promotions_campaign_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must come after the start.")})

    def is_running(self, now=None) -> bool:
        now = now or timezone.now()
        return self.starts_at <= now < self.ends_at

    def lifts_floor(self, now=None) -> bool:
        """Whether its promotions may go below the price floor at `now`: a major festival
        promotion while it runs."""
        return self.is_major_festival and self.is_running(now)


# --- Flash sales (限时特卖) and group buys (团购) -----------------------------------------------


class FlashSale(TimeStampedModel):
    """A special price on one SKU for a time window, for a promotional quantity of its own
    (apart from the SKU's stock: `quantity_left` is drawn down by a conditional update when an
    order is placed, and given back when an unpaid order is cancelled) and at most
    `per_customer_limit` units per customer."""

    sku = models.ForeignKey(
        "catalog.Sku", on_delete=models.PROTECT, related_name="flash_sales", verbose_name=_("SKU")
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="flash_sales",
        verbose_name=_("campaign"),
    )
    price = models.DecimalField(_("flash price"), max_digits=12, decimal_places=2)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    quantity = models.PositiveIntegerField(
        _("promotional quantity"), help_text=_("Units sold at the flash price, apart from stock.")
    )
    quantity_left = models.PositiveIntegerField(_("quantity left"), default=0)
    per_customer_limit = models.PositiveIntegerField(_("limit per customer"), default=1)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-starts_at", "id"]
        verbose_name = _("flash sale")
        verbose_name_plural = _("flash sales")
        indexes = [models.Index(fields=["ends_at", "is_active"], name="promo_flash_ends_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="promotions_flash_sale_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_left__gte=0)
                & models.Q(quantity_left__lte=models.F("quantity")),
                name="promotions_flash_sale_quantity_left",
            ),
            models.CheckConstraint(
                condition=models.Q(per_customer_limit__gte=1),
                name="promotions_flash_sale_limit",
            ),
            models.CheckConstraint(
                condition=models.Q(price__gt=0), name="promotions_flash_sale_price"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} @ {self.price}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must come after the start.")})

    def is_running(self, now=None) -> bool:
        now = now or timezone.now()
        return self.is_active and self.starts_at <= now < self.ends_at

    @property
    def quantity_claimed(self) -> int:
        return self.quantity - self.quantity_left


class FlashSaleClaim(models.Model):
    """Units of a flash sale one order line bought at the flash price, and who bought them
    (the member, and the order's email and phone, so a guest's limit holds too). Released when
    the order is cancelled before it was paid: the units go back to the flash sale."""

    flash_sale = models.ForeignKey(
        FlashSale, on_delete=models.PROTECT, related_name="claims", verbose_name=_("flash sale")
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.CASCADE,
        related_name="flash_sale_claims",
        verbose_name=_("order"),
    )
    order_line = models.OneToOneField(
        "orders.OrderLine",
        on_delete=models.CASCADE,
        related_name="flash_sale_claim",
        verbose_name=_("order line"),
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member"),
    )
    email = models.EmailField(_("email"))
    phone = models.CharField(_("mobile number"), max_length=20)
    quantity = models.PositiveIntegerField(_("quantity"))
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(_("given back at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("flash sale purchase")
        verbose_name_plural = _("flash sale purchases")
        indexes = [
            models.Index(fields=["flash_sale", "email"], name="promo_claim_email_idx"),
            models.Index(fields=["flash_sale", "phone"], name="promo_claim_phone_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.flash_sale_id} × {self.quantity}"


class GroupBuy(TimeStampedModel):
    """A deal price that holds when at least `target_buyers` orders are paid before the
    deadline. Units for it are taken from stock when it is created (`reserved_quantity`) and
    orders draw on them (`reserved_left`); settlement gives back what is left."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    sku = models.ForeignKey(
        "catalog.Sku", on_delete=models.PROTECT, related_name="group_buys", verbose_name=_("SKU")
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="group_buys",
        verbose_name=_("campaign"),
    )
    price = models.DecimalField(_("deal price"), max_digits=12, decimal_places=2)
    target_buyers = models.PositiveIntegerField(_("buyers needed"))
    deadline = models.DateTimeField(_("deadline"))
    reserved_quantity = models.PositiveIntegerField(_("reserved quantity"))
    reserved_left = models.PositiveIntegerField(_("reserved units left"), default=0)
    # Orders joined and not cancelled (paid or not): the progress shoppers see.
    buyers_count = models.PositiveIntegerField(_("buyers joined"), default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        ordering = ["-deadline", "id"]
        verbose_name = _("group buy")
        verbose_name_plural = _("group buys")
        indexes = [models.Index(fields=["status", "deadline"], name="promo_group_buy_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reserved_left__gte=0)
                & models.Q(reserved_left__lte=models.F("reserved_quantity")),
                name="promotions_group_buy_reserved_left",
            ),
            models.CheckConstraint(
                condition=models.Q(target_buyers__gte=2), name="promotions_group_buy_target"
            ),
            models.CheckConstraint(
                condition=models.Q(price__gt=0), name="promotions_group_buy_price"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} @ {self.price}"

    def is_open(self, now=None) -> bool:
        """Open to join: not settled and the deadline not reached."""
        now = now or timezone.now()
        return self.status == self.Status.OPEN and now < self.deadline


class GroupBuyOrder(models.Model):
    """An order placed to join a group buy, and the reserved units it drew."""

    group_buy = models.ForeignKey(
        GroupBuy, on_delete=models.PROTECT, related_name="links", verbose_name=_("group buy")
    )
    order = models.OneToOneField(
        "orders.Order",
        on_delete=models.CASCADE,
        related_name="group_buy_link",
        verbose_name=_("order"),
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the order was cancelled and its units went back to the group buy or to stock.
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("group-buy order")
        verbose_name_plural = _("group-buy orders")

    def __str__(self) -> str:
        return f"{self.group_buy_id} · {self.order_id}"

"""Promotions: festival campaigns, and the offers, coupons, flash sales and group buys they
group. Every price a promotion gives goes through the one pricing service (apps.cart.pricing),
whose price guard keeps each item at or above SHOP_PRICE_FLOOR_PERCENT of its list price,
unless the promotion belongs to a campaign flagged as a major festival promotion."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper
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


# --- 满减 offers and coupons ---------------------------------------------------------------


class PromotionScope(models.Model):
    """What a promotion applies to: products of the chosen series, categories (with their
    sub-categories) or the chosen products; nothing chosen means the whole shop."""

    series = models.ManyToManyField(
        "catalog.Series", blank=True, related_name="+", verbose_name=_("series")
    )
    categories = models.ManyToManyField(
        "catalog.Category", blank=True, related_name="+", verbose_name=_("categories")
    )
    products = models.ManyToManyField(
        "catalog.Product", blank=True, related_name="+", verbose_name=_("products")
    )

    class Meta:
        abstract = True


class PromotionWindow(models.Model):
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick to stop it at once, whatever its window.")
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must come after the start.")})

    def is_running(self, now=None) -> bool:
        now = now or timezone.now()
        return self.is_active and self.starts_at <= now < self.ends_at


class Offer(PromotionScope, PromotionWindow, TimeStampedModel):
    """A spend-X-save-Y offer (满减): tiers (spend ¥199 save ¥20, spend ¥399 save ¥50: the
    highest tier reached applies) or repeating (save ¥50 for every ¥300, at most N times),
    counted on what the lines in its scope cost after unit prices."""

    class Kind(models.TextChoices):
        TIERS = "tiers", _("Tiers")
        REPEATING = "repeating", _("Repeating")

    name = models.CharField(
        _("name"), max_length=100, help_text=_("Shown in the cart, e.g. 满199减20.")
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("campaign"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TIERS)
    # [["199.00", "20.00"], ["399.00", "50.00"]]: spend, save; lowest spend first.
    tiers = models.JSONField(_("tiers"), default=list, blank=True)
    repeat_every = models.DecimalField(
        _("for every"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    repeat_amount = models.DecimalField(
        _("save"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    repeat_limit = models.PositiveIntegerField(
        _("at most (times)"),
        null=True,
        blank=True,
        help_text=_("Empty: as many times as the basket allows."),
    )

    class Meta:
        ordering = ["-starts_at", "id"]
        verbose_name = _("spend-and-save offer")
        verbose_name_plural = _("spend-and-save offers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="promotions_offer_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def describe(self) -> str:
        """Its terms in the shopper's language ("spend ¥199 save ¥20 · ...")."""
        from apps.promotions.offers import describe_offer, parse_tiers

        if self.kind == self.Kind.REPEATING:
            return describe_offer(
                tiers=(),
                every=self.repeat_every,
                amount=self.repeat_amount,
                limit=self.repeat_limit,
            )
        return describe_offer(tiers=parse_tiers(self.tiers))


class Coupon(PromotionScope, PromotionWindow, TimeStampedModel):
    """A code entered at checkout (or claimed into the member centre first): an amount or a
    percentage off (with a cap) the lines in its scope, from a minimum spend. `uses_left`
    counts down with each order (a conditional update in the order's transaction) and comes
    back when an unpaid order is cancelled."""

    class Kind(models.TextChoices):
        AMOUNT = "amount", _("Amount off")
        PERCENT = "percent", _("Percent off")

    code = models.CharField(
        _("code"), max_length=32, help_text=_("Letters and digits; case does not matter.")
    )
    name = models.CharField(_("name"), max_length=100)
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coupons",
        verbose_name=_("campaign"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.AMOUNT)
    amount = models.DecimalField(
        _("amount off"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    percent = models.PositiveSmallIntegerField(_("percent off"), null=True, blank=True)
    max_discount = models.DecimalField(
        _("at most"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The cap of a percent-off coupon; empty for none."),
    )
    min_spend = models.DecimalField(_("minimum spend"), max_digits=10, decimal_places=2, default=0)
    total_uses = models.PositiveIntegerField(
        _("uses in all"),
        null=True,
        blank=True,
        help_text=_("1 for a single-use code; empty for no limit."),
    )
    uses_left = models.PositiveIntegerField(_("uses left"), null=True, blank=True, editable=False)
    per_customer_limit = models.PositiveIntegerField(
        _("uses per customer"), null=True, blank=True, default=1
    )
    members_only = models.BooleanField(_("members only"), default=False)
    claimable = models.BooleanField(
        _("members may claim it"),
        default=False,
        help_text=_("Offered on its products' pages and its campaign page: members keep it."),
    )

    class Meta:
        ordering = ["-starts_at", "id"]
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        constraints = [
            models.UniqueConstraint(Upper("code"), name="promotions_coupon_code_unique"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="promotions_coupon_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        self.code = "".join(self.code.split()).upper()
        if self._state.adding and self.uses_left is None:
            self.uses_left = self.total_uses
        super().save(*args, **kwargs)

    def describe(self) -> str:
        """ "¥10 off from ¥99" or "10% off, at most ¥50", in the shopper's language."""
        from django.utils.translation import get_language
        from django.utils.translation import gettext as gettext_now

        from apps.core.money import format_cny

        language = get_language() or settings.LANGUAGE_CODE
        if self.kind == self.Kind.PERCENT:
            text = gettext_now("%(percent)s%% off") % {"percent": self.percent or 0}
            if self.max_discount is not None:
                text += gettext_now(", at most %(cap)s") % {
                    "cap": format_cny(self.max_discount, language)
                }
        else:
            text = gettext_now("%(amount)s off") % {
                "amount": format_cny(self.amount or 0, language)
            }
        if self.min_spend:
            text += " " + gettext_now("from %(minimum)s") % {
                "minimum": format_cny(self.min_spend, language)
            }
        return text


class CouponClaim(models.Model):
    """A coupon a member keeps in "My coupons"."""

    coupon = models.ForeignKey(
        Coupon, on_delete=models.CASCADE, related_name="claims", verbose_name=_("coupon")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="coupon_claims",
        verbose_name=_("member"),
    )
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now)

    class Meta:
        ordering = ["-claimed_at", "id"]
        verbose_name = _("claimed coupon")
        verbose_name_plural = _("claimed coupons")
        constraints = [
            models.UniqueConstraint(fields=["coupon", "member"], name="promotions_couponclaim_once")
        ]

    def __str__(self) -> str:
        return f"{self.coupon} · {self.member}"


class CouponUse(models.Model):
    """A coupon used on an order; `released_at` once the order was cancelled unpaid and the
    use went back."""

    coupon = models.ForeignKey(
        Coupon, on_delete=models.PROTECT, related_name="uses", verbose_name=_("coupon")
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.CASCADE,
        related_name="coupon_uses",
        verbose_name=_("order"),
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member"),
    )
    email = models.EmailField(_("email"), blank=True)
    amount = models.DecimalField(_("discount"), max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(_("used at"), default=timezone.now)
    released_at = models.DateTimeField(_("given back at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("coupon use")
        verbose_name_plural = _("coupon uses")
        constraints = [
            models.UniqueConstraint(fields=["coupon", "order"], name="promotions_couponuse_once")
        ]

    def __str__(self) -> str:
        return f"{self.coupon} · {self.order}"


class OfferUse(models.Model):
    """What an offer took off an order, for the promotions page's figures."""

    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, related_name="uses", verbose_name=_("offer")
    )
    order = models.ForeignKey(
        "orders.Order", on_delete=models.CASCADE, related_name="offer_uses", verbose_name=_("order")
    )
    amount = models.DecimalField(_("discount"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("offer use")
        verbose_name_plural = _("offer uses")
        constraints = [
            models.UniqueConstraint(fields=["offer", "order"], name="promotions_offeruse_once")
        ]

    def __str__(self) -> str:
        return f"{self.offer} · {self.order}"


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

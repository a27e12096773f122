from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.members.regions import full_region_label, full_region_name
from apps.members.validators import validate_mobile


class UserManager(BaseUserManager):
    """Users log in with their email address; there is no separate username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField(_("email address"), unique=True)
    phone = models.CharField(
        _("mobile number"), max_length=20, blank=True, validators=[validate_mobile]
    )
    # The member's VIP tier, kept on the user row (which every request loads anyway), so a
    # member's price costs no query; only apps.members.services changes it, with a TierEvent.
    tier = models.ForeignKey(
        "members.Tier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("VIP tier"),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        """Chinese names are written family name first, without a space (张伟); others given
        name first (Wei Zhang)."""
        first, last = self.first_name.strip(), self.last_name.strip()
        if (first + last).isascii():
            return f"{first} {last}".strip()
        return f"{last}{first}"

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email.split("@")[0]


class Address(TimeStampedModel):
    """A delivery address in a member's address book. Regions are stored as GB/T 2260 codes
    with their names beside them, so an address reads the same even if the list changes."""

    member = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("member")
    )
    recipient_name = models.CharField(_("recipient"), max_length=50)
    mobile = models.CharField(_("mobile number"), max_length=11, validators=[validate_mobile])
    province_code = models.CharField(_("province code"), max_length=12)
    province_name = models.CharField(_("province"), max_length=50)
    city_code = models.CharField(_("city code"), max_length=12)
    city_name = models.CharField(_("city"), max_length=50)
    district_code = models.CharField(_("district code"), max_length=12)
    district_name = models.CharField(_("district"), max_length=50)
    street = models.CharField(_("street address"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    is_default = models.BooleanField(_("default address"), default=False)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-is_default", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(is_default=True),
                name="members_address_one_default_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient_name} {self.region_name}{self.street}"

    @property
    def region_name(self) -> str:
        return full_region_name(self.province_name, self.city_name, self.district_name)

    @property
    def region_label(self) -> str:
        """The region for the page: on English pages with its pinyin reading after it."""
        return full_region_label(self.province_name, self.city_name, self.district_name)


MONEY = {"max_digits": 12, "decimal_places": 2}


class Tier(models.Model):
    """A VIP tier (普通会员, 银卡, 金卡...): reached by paid spend over the last 12 months (or
    granted by a paid membership), it gives a discount off list prices."""

    name = models.CharField(_("name"), max_length=50)
    threshold_amount = models.DecimalField(
        _("spend to reach"),
        help_text=_("Paid spend over the last 12 months, less refunds."),
        unique=True,
        validators=[MinValueValidator(0)],
        **MONEY,
    )
    discount_percent = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        help_text=_(
            "Off list prices, e.g. 5.00. Member prices never go below the shop's price floor."
        ),
        validators=[MinValueValidator(0), MaxValueValidator(99)],
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    benefits = models.TextField(_("benefits"), blank=True)

    class Meta:
        ordering = ["threshold_amount"]
        verbose_name = _("VIP tier")
        verbose_name_plural = _("VIP tiers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discount_percent__gte=0, discount_percent__lt=100),
                name="members_tier_discount_percent_range",
            ),
            models.CheckConstraint(
                condition=models.Q(threshold_amount__gte=0),
                name="members_tier_threshold_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_discount(self) -> bool:
        return self.discount_percent > 0


class TierEvent(models.Model):
    """One change of a member's tier, with why: staff read a member's history from these."""

    class Cause(models.TextChoices):
        ORDER_PAID = "order_paid", _("order paid")
        ORDER_REFUNDED = "order_refunded", _("order refunded")
        ORDER_RETURNED = "order_returned", _("order returned")
        NIGHTLY = "nightly", _("nightly recount")
        PAID_MEMBERSHIP = "paid_membership", _("paid membership")
        STAFF = "staff", _("staff")

    member = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="tier_events", verbose_name=_("member")
    )
    from_tier = models.ForeignKey(
        Tier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from tier"),
    )
    to_tier = models.ForeignKey(
        Tier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to tier"),
    )
    cause = models.CharField(_("cause"), max_length=20, choices=Cause.choices)
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("order"),
    )
    spend_amount = models.DecimalField(_("12-month spend"), default=0, **MONEY)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")
        indexes = [models.Index(fields=["member", "-created_at"], name="tierevent_member_recent")]

    def __str__(self) -> str:
        return f"{self.member}: {self.from_tier or '-'} → {self.to_tier or '-'}"


class MembershipPlan(models.Model):
    """A paid membership sold as a product (年度会员, ¥168 a year): a paid order for its SKU
    grants its tier for `duration_days` per unit bought. Its name, price and page are the
    product's, so it is sold, priced and paid like anything else."""

    sku = models.OneToOneField(
        "catalog.Sku",
        on_delete=models.PROTECT,
        related_name="membership_plan",
        verbose_name=_("SKU sold"),
        help_text=_("The product variant shoppers buy; its price is the membership's price."),
    )
    tier = models.ForeignKey(
        Tier, on_delete=models.PROTECT, related_name="+", verbose_name=_("tier granted")
    )
    duration_days = models.PositiveIntegerField(
        _("days per unit bought"), default=365, validators=[MinValueValidator(1)]
    )
    is_active = models.BooleanField(
        _("renewals reminded"),
        default=True,
        help_text=_(
            "Untick when the plan is no longer sold: members are no longer reminded to renew "
            "it. Memberships already paid for stay valid."
        ),
    )

    class Meta:
        ordering = ["tier__threshold_amount", "id"]
        verbose_name = _("membership plan")
        verbose_name_plural = _("membership plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_days__gte=1),
                name="members_membershipplan_duration_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.sku.product.name


class Membership(models.Model):
    """One paid period of a membership: the member holds `tier` (at least) from `starts_at`
    until `ends_at`. Each paid order makes its own period (a renewal starts where the
    member's current period of the plan ends); refunding the order revokes it."""

    member = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("member")
    )
    plan = models.ForeignKey(
        MembershipPlan, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("plan")
    )
    # The plan's tier when it was bought: a later change to the plan never changes what
    # was paid for.
    tier = models.ForeignKey(
        Tier, on_delete=models.PROTECT, related_name="+", verbose_name=_("tier granted")
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("order"),
    )
    starts_at = models.DateTimeField(_("valid from"))
    ends_at = models.DateTimeField(_("valid until"))
    revoked_at = models.DateTimeField(
        _("revoked"), null=True, blank=True, help_text=_("Its order was refunded.")
    )
    reminded_at = models.DateTimeField(_("renewal reminder sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-ends_at", "-id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            # One period per order and plan: paying, and the notice of it, may arrive twice.
            models.UniqueConstraint(fields=["order", "plan"], name="members_membership_per_order"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="members_membership_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "-ends_at"], name="membership_member_recent"),
            # The nightly renewal reminder scans periods ending in the next few days.
            models.Index(
                fields=["ends_at"],
                name="membership_to_remind",
                condition=models.Q(reminded_at__isnull=True, revoked_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.tier} → {self.ends_at:%Y-%m-%d}"

    def is_valid_at(self, moment) -> bool:
        return self.revoked_at is None and self.starts_at <= moment < self.ends_at

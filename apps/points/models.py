"""Members' points (积分): a ledger of signed entries and, per member, an account row holding
the balance, which a database constraint keeps at zero or above.

Credits (earned, restored, referral rewards, staff additions) carry `remaining`, what is
left of them to spend, and `expires_at`; debits (spent, expired, refund reversals, staff
deductions) draw on the credits that expire first (FIFO). The balance always equals the sum
of the credits' `remaining`, and only apps.points.services writes either."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PointsAccount(models.Model):
    """A member's points balance. Every change of it locks this row (or updates it with a
    condition), so two orders redeeming at once can never take it below zero."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="points_account",
        verbose_name=_("member"),
    )
    balance = models.IntegerField(_("balance"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        permissions = [("adjust_points", _("Can add or take points with a reason"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance__gte=0), name="points_account_balance_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.balance}"


class PointsEntry(models.Model):
    """One line of a member's points ledger: never edited once written (except `remaining`,
    which debits draw down)."""

    class Kind(models.TextChoices):
        EARNED = "earned", _("earned on an order")
        SPENT = "spent", _("spent on an order")
        RESTORED = "restored", _("given back (order cancelled or refunded)")
        EXPIRED = "expired", _("expired")
        REFUND_REVERSAL = "refund_reversal", _("taken back (order refunded)")
        ADJUSTED = "adjusted", _("adjusted by staff")
        REFERRAL = "referral", _("referral reward")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="points_entries",
        verbose_name=_("member"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    points = models.IntegerField(_("points"))
    # Credits only: what is left of them to spend (debits draw on them, soonest expiry first).
    remaining = models.PositiveIntegerField(_("left to spend"), default=0)
    # Debits only: points that should have been taken back but were already spent.
    shortfall = models.PositiveIntegerField(_("could not be taken back"), default=0)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("order"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by staff member"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Credits: when what is left of them expires. Debits: the latest expiry of the credits
    # they drew on (points given back for a cancelled order keep that date).
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("points entry")
        verbose_name_plural = _("points ledger")
        constraints = [
            # Never earn twice, nor spend twice, for one order.
            models.UniqueConstraint(
                fields=["order", "kind"],
                condition=models.Q(kind__in=["earned", "spent"]),
                name="points_entry_earned_or_spent_once_per_order",
            ),
            models.CheckConstraint(
                condition=models.Q(remaining=0) | models.Q(remaining__lte=models.F("points")),
                name="points_entry_remaining_within_points",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "-created_at"], name="points_entry_member_recent"),
            models.Index(
                fields=["expires_at"],
                condition=models.Q(remaining__gt=0),
                name="points_entry_unspent_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.points:+d} ({self.get_kind_display()})"

    @property
    def is_credit(self) -> bool:
        return self.points > 0


class PointsTierRate(models.Model):
    """How many times the base rate (SHOP_POINTS_PER_YUAN) a VIP tier earns; a tier without
    one earns the base rate."""

    tier = models.OneToOneField(
        "members.Tier",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("VIP tier"),
    )
    multiplier = models.DecimalField(
        _("points multiplier"),
        max_digits=4,
        decimal_places=2,
        default=1,
        help_text=_("e.g. 1.50 earns one and a half times the base points per yuan."),
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )

    class Meta:
        verbose_name = _("points rate of a tier")
        verbose_name_plural = _("points rates of tiers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(multiplier__gte=0), name="points_tier_rate_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tier} ×{self.multiplier}"

"""Customer segments: saved rules that pick members by what they bought and paid.

A rule is a kind plus the parameters that kind needs, held in plain fields (never code), so
staff define segments in the back office and the selectors turn each into one query
(apps.segments.selectors). Definitions every kind shares:

- A *paid order* is a member's order whose money came in and was not all refunded
  (payment status "paid" or "partly refunded"); unpaid, expired and fully refunded orders
  never count.
- *Spend* is what the member kept paying: each paid order's total less its refunds.
- *12 months* ends now and starts on the same calendar day a year ago (shop time).
- Members are active user accounts; guests' orders belong to no member.

Kinds:

- Loyal customers (钢丝客户): at least N paid orders AND at least ¥M spend, both counted over
  paid orders paid in the last 12 months.
- General customers: members with at least one paid order (ever) who are not loyal by the
  loyal rule. That rule is the default one (DEFAULT_LOYAL_MIN_PAID_ORDERS orders and
  DEFAULT_LOYAL_MIN_SPEND) unless the segment gives its own N and M, so a shop that tightens
  its loyal segment can keep "general" its exact complement.
- Silent for N days: members who have paid for an order before but not in the last N days.
  Members who never bought are not "silent": a win-back mailing is for past customers.
- Bought from a category (with its sub-categories) or from a series: at least one paid
  order holding a line of that category or series that was not refunded in full, ever.

- Tier: members whose current VIP tier is the chosen tier, however they reached it (spend or
  a paid membership: both end up as the member's tier, apps.members). Members not yet placed
  in a tier hold the entry tier (the one reached with no spend), so they count there.

Kinds still to come, each one more `SegmentKind` member, its parameter fields, an entry in
KIND_PARAMETERS and a condition in apps.segments.selectors.segment_condition:

- Subscribed to the email list: members with a confirmed, not unsubscribed subscription,
  once the mailing app exists (an Exists() over its subscriber table).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.core.money import format_cny

DEFAULT_LOYAL_MIN_PAID_ORDERS = 3
DEFAULT_LOYAL_MIN_SPEND = Decimal("1000.00")


class SegmentKind(models.TextChoices):
    LOYAL = "loyal", _("Loyal customers")
    GENERAL = "general", _("General customers")
    SILENT = "silent", _("Silent customers")
    BOUGHT_CATEGORY = "bought_category", _("Bought from a category")
    BOUGHT_SERIES = "bought_series", _("Bought from a series")
    TIER = "tier", _("Members of a VIP tier")


# The parameter fields each kind needs; every other parameter field stays empty.
KIND_PARAMETERS: dict[str, tuple[str, ...]] = {
    SegmentKind.LOYAL: ("min_paid_orders", "min_spend_amount"),
    SegmentKind.GENERAL: (),
    SegmentKind.SILENT: ("silent_days",),
    SegmentKind.BOUGHT_CATEGORY: ("category",),
    SegmentKind.BOUGHT_SERIES: ("series",),
    SegmentKind.TIER: ("tier",),
}
# Parameters a kind may take but does without (general customers: the loyal rule to exclude).
KIND_OPTIONAL_PARAMETERS: dict[str, tuple[str, ...]] = {
    SegmentKind.GENERAL: ("min_paid_orders", "min_spend_amount"),
}
PARAMETER_FIELDS = (
    "min_paid_orders",
    "min_spend_amount",
    "silent_days",
    "category",
    "series",
    "tier",
)

REQUIRED_MESSAGES = {
    "min_paid_orders": _("Enter the least number of paid orders in 12 months."),
    "min_spend_amount": _("Enter the least amount spent in 12 months."),
    "silent_days": _("Enter how many days without a paid order make a customer silent."),
    "category": _("Choose the category whose buyers this segment holds."),
    "series": _("Choose the series whose buyers this segment holds."),
    "tier": _("Choose the VIP tier whose members this segment holds."),
}


class Segment(TimeStampedModel):
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("rule"), max_length=24, choices=SegmentKind.choices)
    min_paid_orders = models.PositiveIntegerField(
        _("at least this many paid orders"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Loyal customers: paid orders in the last 12 months. General customers: leave "
            "empty to exclude loyal customers by the default rule (3 orders and ¥1,000)."
        ),
    )
    min_spend_amount = models.DecimalField(
        _("and at least this much spent (¥)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Paid order totals less refunds, in the last 12 months."),
    )
    silent_days = models.PositiveIntegerField(
        _("days without a paid order"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Silent customers: bought before, but not in this many days."),
    )
    category = models.ForeignKey(
        "catalog.Category",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
        help_text=_("Its sub-categories count too."),
    )
    series = models.ForeignKey(
        "catalog.Series",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("series"),
    )
    tier = models.ForeignKey(
        "members.Tier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("VIP tier"),
        help_text=_("Members holding it now, whether by spend or by a paid membership."),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("customer segment")
        verbose_name_plural = _("customer segments")
        permissions = [("export_segment", _("Can export segment members as CSV"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=SegmentKind.LOYAL)
                | Q(min_paid_orders__isnull=False, min_spend_amount__isnull=False),
                name="segment_loyal_has_thresholds",
            ),
            models.CheckConstraint(
                condition=~Q(kind=SegmentKind.SILENT) | Q(silent_days__isnull=False),
                name="segment_silent_has_days",
            ),
            models.CheckConstraint(
                condition=~Q(kind=SegmentKind.BOUGHT_CATEGORY) | Q(category__isnull=False),
                name="segment_bought_category_has_category",
            ),
            models.CheckConstraint(
                condition=~Q(kind=SegmentKind.BOUGHT_SERIES) | Q(series__isnull=False),
                name="segment_bought_series_has_series",
            ),
            models.CheckConstraint(
                condition=~Q(kind=SegmentKind.TIER) | Q(tier__isnull=False),
                name="segment_tier_has_tier",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Each kind's parameters are required; parameters of other kinds are emptied, so a
        saved segment holds exactly the rule it shows."""
        needed = KIND_PARAMETERS.get(self.kind, ())
        allowed = needed + KIND_OPTIONAL_PARAMETERS.get(self.kind, ())
        errors = {
            field: REQUIRED_MESSAGES[field]
            for field in needed
            if getattr(self, self._meta.get_field(field).attname) is None
        }
        if errors:
            raise ValidationError(errors)
        for field in PARAMETER_FIELDS:
            if field not in allowed:
                setattr(self, field, None)

    @property
    def loyal_thresholds(self) -> tuple[int, Decimal]:
        """The loyal rule this segment uses (loyal: its own; general: the one it excludes)."""
        orders = self.min_paid_orders
        spend = self.min_spend_amount
        return (
            DEFAULT_LOYAL_MIN_PAID_ORDERS if orders is None else orders,
            DEFAULT_LOYAL_MIN_SPEND if spend is None else spend,
        )

    @property
    def rule_text(self) -> str:
        """The rule in a sentence for the back office."""
        if self.kind in (SegmentKind.LOYAL, SegmentKind.GENERAL):
            orders, spend = self.loyal_thresholds
            values = {"orders": orders, "spend": format_cny(spend, "zh-hans")}
            if self.kind == SegmentKind.LOYAL:
                return (
                    gettext("At least %(orders)s paid orders and %(spend)s spent in 12 months")
                    % values
                )
            return (
                gettext(
                    "Paid at least once, but not %(orders)s paid orders and %(spend)s in 12 months"
                )
                % values
            )
        if self.kind == SegmentKind.SILENT:
            return gettext("Bought before, but no paid order in the last %(days)s days") % {
                "days": self.silent_days
            }
        if self.kind == SegmentKind.BOUGHT_CATEGORY:
            return gettext("Bought from the category %(name)s or its sub-categories") % {
                "name": self.category
            }
        if self.kind == SegmentKind.BOUGHT_SERIES:
            return gettext("Bought from the series %(name)s") % {"name": self.series}
        if self.kind == SegmentKind.TIER:
            return gettext("Members of the tier %(name)s") % {"name": self.tier}
        return ""


# The back office's column title for the rule sentence.
RULE_LABEL = pgettext_lazy("customer segment", "Who is in it")

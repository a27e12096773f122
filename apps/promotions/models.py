"""Promotions: festival campaigns, and the offers, coupons, flash sales and group buys they
group. Every price a promotion gives goes through the one pricing service (apps.cart.pricing),
whose price guard keeps each item at or above SHOP_PRICE_FLOOR_PERCENT of its list price,
unless the promotion belongs to a campaign flagged as a major festival promotion."""

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

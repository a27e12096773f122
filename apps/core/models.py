from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class RateLimitWindow(models.Model):
    """One fixed window of a rate limit counted in the database: the fallback for limits
    that must hold while Redis is down (order lookup). Rows are pruned as new windows open."""

    key = models.CharField(_("key"), max_length=200)
    window_start = models.DateTimeField(_("window start"), db_index=True)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("rate limit window")
        verbose_name_plural = _("rate limit windows")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "window_start"], name="core_ratelimitwindow_one_per_key_and_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M:%S}: {self.count}"

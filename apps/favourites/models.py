from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FavouriteQuerySet(models.QuerySet):
    """Also a member's related manager: `member.favourites.holds(product_id)` and
    `member.favourites.latest_cards(4)` are what member pages read."""

    def newest_first(self) -> "FavouriteQuerySet":
        return self.order_by("-created_at", "-id")

    def holds(self, product_id: int) -> bool:
        return self.filter(product_id=product_id).exists()

    def latest_cards(self, limit: int) -> list:
        from apps.favourites.selectors import favourite_cards

        return favourite_cards(self.newest_first()[:limit])


class Favourite(models.Model):
    """A product a member saved, with its lowest price and stock at that moment, so the
    favourites page can say "price dropped" and "back in stock"."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="favourites",
        verbose_name=_("member"),
    )
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("product"),
    )
    created_at = models.DateTimeField(_("saved at"), default=timezone.now, editable=False)
    price_when_saved = models.DecimalField(
        _("lowest price when saved"), max_digits=12, decimal_places=2
    )
    in_stock_when_saved = models.BooleanField(_("in stock when saved"))

    objects = FavouriteQuerySet.as_manager()

    class Meta:
        verbose_name = _("favourite")
        verbose_name_plural = _("favourites")
        constraints = [
            models.UniqueConstraint(fields=["member", "product"], name="favourite_once_per_member")
        ]
        indexes = [models.Index(fields=["member", "-created_at"], name="favourite_member_newest")]

    def __str__(self) -> str:
        return f"{self.member} · {self.product}"

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class Cart(TimeStampedModel):
    """A shopper's cart: a member's (one each) or a guest's (found through the session)."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cart",
        verbose_name=_("member"),
    )
    # The group buy (apps.promotions.GroupBuy) the shopper joins with this cart: its deal price
    # applies to its SKU (PricingContext.group_buy_id) and the order joins it. An id rather
    # than a foreign key, so carts do not depend on promotions.
    joining_group_buy = models.PositiveBigIntegerField(
        _("joining group buy"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")

    def __str__(self) -> str:
        return f"{self.member or _('guest')} #{self.pk}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    sku = models.ForeignKey("catalog.Sku", on_delete=models.CASCADE, verbose_name=_("SKU"))
    quantity = models.PositiveIntegerField(_("quantity"))
    # The unit price the shopper saw when adding, so a later price change can be pointed out.
    price_seen = models.DecimalField(_("price when added"), max_digits=12, decimal_places=2)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        constraints = [
            models.UniqueConstraint(fields=["cart", "sku"], name="cart_line_one_per_sku"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="cart_line_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.sku_id} × {self.quantity}"

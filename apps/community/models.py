from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class HelpPage(TimeStampedModel):
    """A customer-service page (shopping guide, returns policy ...), edited by staff. Each
    names the staff address responsible for it; feedback on the page is mailed there."""

    class Section(models.TextChoices):
        SHOPPING_GUIDE = "shopping-guide", _("Shopping guide")
        SERVICE_PROMISE = "service-promise", _("Service promise")
        RETURNS = "returns", _("Returns and exchanges")
        PAYMENT = "payment", _("Payment methods")
        DELIVERY_FEES = "delivery-fees", _("Delivery fees")
        SHIPPING_TIME = "shipping-time", _("Shipping time")
        FAQ = "faq", _("Frequently asked questions")

    section = models.CharField(_("section"), max_length=32, choices=Section.choices)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("text"), help_text=_("Plain text; blank lines start paragraphs."))
    responsible_email = models.EmailField(
        _("responsible staff email"), help_text=_("Questions and feedback about this page go here.")
    )
    is_published = models.BooleanField(_("published"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("help page")
        verbose_name_plural = _("help pages")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:help_page", kwargs={"slug": self.slug})

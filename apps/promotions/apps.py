from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionsConfig(AppConfig):
    name = "apps.promotions"
    verbose_name = _("Promotions")

    def ready(self) -> None:
        from apps.promotions import (
            pricing,  # noqa: F401  (registers the offer, coupon, flash-sale and group-buy rules)
            receivers,  # noqa: F401  (saved promotions refresh pages)
        )

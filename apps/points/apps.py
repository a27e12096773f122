from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    name = "apps.points"
    verbose_name = _("Points")

    def ready(self) -> None:
        from apps.points import pricing  # noqa: F401  (registers the points discount rule)

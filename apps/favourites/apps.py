from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FavouritesConfig(AppConfig):
    name = "apps.favourites"
    verbose_name = _("Favourites")

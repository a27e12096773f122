from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CartConfig(AppConfig):
    name = "apps.cart"
    verbose_name = _("Carts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from apps.cart.receivers import merge_cart_at_login

        user_logged_in.connect(merge_cart_at_login, dispatch_uid="cart.merge_at_login")

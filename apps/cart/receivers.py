"""Interface to Django's login: hands the guest cart to the cart service."""

from apps.cart import services
from apps.cart.models import Cart


def merge_cart_at_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    cart_id = request.session.pop(services.SESSION_CART_ID, None)
    guest_cart = Cart.objects.filter(pk=cart_id, member__isnull=True).first() if cart_id else None
    cart = services.cart_merge(guest_cart=guest_cart, member=user) if guest_cart else None
    if cart is None:
        cart = Cart.objects.filter(member=user).first()
    services.cart_remember_count(request, cart)

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.cart import services as cart_services
from apps.promotions import services


@require_POST
def group_buy_join(request, group_buy_id):
    """ "Join the group buy at ¥x" on a product page: the cart checks out for the group buy."""
    cart = cart_services.cart_for_request(request, create=True)
    try:
        services.group_buy_cart_join(cart=cart, group_buy_id=group_buy_id)
    except services.PromotionError as error:
        messages.error(request, str(error))
        return redirect("cart:detail")
    cart_services.cart_remember_count(request, cart)
    messages.success(request, _("You are joining the group buy: check out to pay the deal price."))
    return redirect("cart:detail")

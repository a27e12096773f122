from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.cart import selectors, services
from apps.core.redirects import redirect_back, redirect_to_log_in
from apps.promotions.selectors import cart_promotions


def _respond(request):
    """htmx requests get the cart fragment back; plain forms are redirected to the cart."""
    if request.htmx:
        return cart_detail(request, partial=True)
    return redirect("cart:detail")


def cart_detail(request, partial: bool = False):
    cart = services.cart_for_request(request)
    pricing = selectors.cart_pricing(cart=cart, buyer=request.user)
    services.cart_remember_count(request, cart, count=sum(line.quantity for line in pricing.lines))
    template = "cart/partials/cart_body.jinja" if partial else "cart/cart.jinja"
    # Which offers applied, which are within reach and why (kept: no query).
    promotions = cart_promotions(pricing)
    return render(request, template, {"pricing": pricing, "promotions": promotions})


@require_POST
def cart_add(request):
    try:
        # Before the guest's cart exists: refused, they get none.
        services.cart_require_account_for(sku_ids=[request.POST.get("sku")], buyer=request.user)
    except services.AccountNeeded as error:
        return redirect_to_log_in(
            request, str(error), request.POST.get("product_url", ""), "cart:detail"
        )
    cart = services.cart_for_request(request, create=True)
    try:
        line, capped = services.cart_add(
            cart=cart,
            sku_id=request.POST.get("sku"),
            quantity=request.POST.get("quantity", 1),
            buyer=request.user,
        )
    except services.CartError as error:
        messages.error(request, str(error))
        return _back_to_product(request)
    if capped:
        messages.warning(
            request,
            _("Only %(stock)d of %(name)s are in stock; your cart holds that many.")
            % {"stock": line.quantity, "name": line.sku},
        )
    elif not request.POST.get("buy_now"):
        messages.success(request, _("%(name)s is in your cart.") % {"name": line.sku})
    services.cart_remember_count(request, cart)
    # "Buy now" goes straight to checkout with the cart as it now is.
    return redirect("orders:checkout" if request.POST.get("buy_now") else "cart:detail")


def _back_to_product(request):
    return redirect_back(request, request.POST.get("product_url", ""), "cart:detail")


@require_POST
def cart_update(request):
    cart = services.cart_for_request(request)
    if cart is not None:
        try:
            kept = services.cart_set_quantity(
                cart=cart,
                sku_id=request.POST.get("sku"),
                quantity=request.POST.get("quantity"),
                buyer=request.user,
            )
        except services.CartError as error:
            messages.error(request, str(error))
        else:
            wanted = request.POST.get("quantity")
            if str(kept) != str(wanted).strip():
                messages.warning(
                    request,
                    _("Only %(count)d can be bought at the moment; your cart now holds %(count)d.")
                    % {"count": kept},
                )
    return _respond(request)


@require_POST
def cart_remove(request):
    cart = services.cart_for_request(request)
    if cart is not None:
        services.cart_remove(cart=cart, sku_id=request.POST.get("sku"))
    return _respond(request)


@require_POST
def cart_clear(request):
    cart = services.cart_for_request(request)
    if cart is not None:
        services.cart_clear(cart=cart)
    messages.info(request, _("Your cart is empty now."))
    return redirect("cart:detail")

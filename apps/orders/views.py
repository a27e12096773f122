import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.cart import selectors as cart_selectors
from apps.cart import services as cart_services
from apps.core.ratelimit import rate_limit_hit
from apps.orders import payments, selectors, services
from apps.orders.choices import PaymentMethod, ShippingMethod
from apps.orders.forms import CheckoutForm, OrderLookupForm, PlaceOrderForm, ReturnRequestForm

logger = logging.getLogger(__name__)


def photo_response(photo) -> FileResponse:
    """A stored return photo as an inline JPEG (it was re-encoded when uploaded), never
    sniffed as anything else and kept out of shared caches."""
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


SESSION_CHECKOUT = "checkout"
SESSION_ORDERS = "placed_orders"


def _saved_addresses(request):
    if not request.user.is_authenticated:
        return []
    from apps.members.selectors import addresses_for_member

    return list(addresses_for_member(member=request.user))


def _initial_checkout(request, addresses) -> dict:
    initial = dict(request.session.get(SESSION_CHECKOUT, {}))
    initial.setdefault("shipping_method", ShippingMethod.COURIER)
    initial.setdefault("payment_method", PaymentMethod.ONLINE)
    if request.user.is_authenticated:
        initial.setdefault("email", request.user.email)
        initial.setdefault("phone", request.user.phone)
        default = next((a for a in addresses if a.is_default), None)
        if default is not None:
            initial.setdefault("saved_address", default.pk)
    return initial


def checkout(request):
    cart = cart_services.cart_for_request(request)
    pricing = cart_selectors.cart_pricing(cart=cart)
    if not pricing.item_count or pricing.has_problems:
        messages.info(request, _("Check your cart before checking out."))
        return redirect("cart:detail")
    addresses = _saved_addresses(request)
    if request.method == "POST" and "refresh" in request.POST:
        form = CheckoutForm.for_refresh(request.POST, addresses=addresses)
    elif request.method == "POST":
        form = CheckoutForm(request.POST, addresses=addresses)
        if form.is_valid():
            data = {
                key: value
                for key, value in form.cleaned_data.items()
                if key not in {"saved_address"}
            }
            data["saved_address"] = form.cleaned_data.get("saved_address")
            data["delivery"] = form.delivery()
            request.session[SESSION_CHECKOUT] = data
            return redirect("orders:review")
    else:
        form = CheckoutForm(initial=_initial_checkout(request, addresses), addresses=addresses)
    return render(request, "orders/checkout.html", {"form": form, "pricing": pricing})


def _details_from_session(request) -> services.CheckoutDetails | None:
    data = request.session.get(SESSION_CHECKOUT)
    if not data:
        return None
    return services.CheckoutDetails(
        email=data["email"],
        phone=data["phone"],
        shipping_method=data["shipping_method"],
        payment_method=data["payment_method"],
        customer_note=data.get("customer_note", ""),
        invoice_requested=data.get("invoice_requested", False),
        invoice_title=data.get("invoice_title", ""),
        invoice_tax_id=data.get("invoice_tax_id", ""),
        **data["delivery"],
    )


def review(request):
    details = _details_from_session(request)
    if details is None:
        return redirect("orders:checkout")
    cart = cart_services.cart_for_request(request)
    pricing = cart_selectors.cart_pricing(cart=cart, shipping_method=details.shipping_method)
    if not pricing.item_count or pricing.has_problems:
        return redirect("cart:detail")
    form = PlaceOrderForm(initial={"idempotency_key": PlaceOrderForm.new_key()})
    context = {
        "details": details,
        "pricing": pricing,
        "form": form,
        "payment_label": PaymentMethod(details.payment_method).label,
    }
    return render(request, "orders/review.html", context)


@require_POST
def place(request):
    form = PlaceOrderForm(request.POST)
    details = _details_from_session(request)
    if details is None or not form.is_valid():
        messages.error(request, _("Your checkout expired. Please check the details again."))
        return redirect("orders:checkout")
    cart = cart_services.cart_for_request(request, create=True)
    try:
        order = services.order_place(
            cart=cart,
            details=details,
            idempotency_key=form.cleaned_data["idempotency_key"],
            member=request.user,
            language=get_language(),
        )
    except services.OrderError as error:
        messages.error(request, str(error))
        return redirect("cart:detail")
    placed = request.session.get(SESSION_ORDERS, [])
    if order.number not in placed:
        request.session[SESSION_ORDERS] = [*placed[-19:], order.number]
    request.session.pop(SESSION_CHECKOUT, None)
    cart_services.cart_remember_count(request, cart)
    if order.payment_method == PaymentMethod.ONLINE and not order.is_paid:
        return redirect(payments.gateway().start_url(order))
    return redirect(order.get_absolute_url())


def _viewable_order(request, number):
    order = selectors.order_for_viewer(
        number=number, user=request.user, session_numbers=request.session.get(SESSION_ORDERS, [])
    )
    if order is None:
        raise Http404(_("No such order."))
    return order


def order_detail(request, number):
    order = _viewable_order(request, number)
    after_sales = selectors.order_after_sales(order=order)
    return render(
        request,
        "orders/detail.html",
        {"order": order, "full": True, "after_sales": after_sales},
    )


def return_request_new(request, number):
    """Ask to return or exchange items of a delivered order (its member, or the guest session
    that placed it)."""
    order = _viewable_order(request, number)
    refusal = selectors.order_return_refusal(order=order)
    if refusal:
        messages.error(request, refusal)
        return redirect(order.get_absolute_url())
    returnable = selectors.order_returnable_lines(order=order)
    form = ReturnRequestForm(request.POST or None, request.FILES or None, returnable=returnable)
    if request.method == "POST" and form.is_valid():
        try:
            return_request = services.return_request_create(
                order=order,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                description=form.cleaned_data["description"],
                lines=form.quantities(),
                replacements=form.replacements(),
                photos=form.cleaned_data["photos"],
                actor=request.user,
            )
        except services.ReturnPhotoError as error:
            form.add_error("photos", str(error))
        except services.OrderError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Request %(number)s sent. We emailed you a copy.")
                % {"number": return_request.number},
            )
            return redirect(return_request.get_absolute_url())
    return render(request, "orders/return_form.html", {"order": order, "form": form})


def _viewable_return(request, number, return_number):
    order = _viewable_order(request, number)
    return_request = selectors.return_request_for_order(order=order, number=return_number)
    if return_request is None:
        raise Http404(_("No such request."))
    return return_request


def return_request_detail(request, number, return_number):
    return_request = _viewable_return(request, number, return_number)
    return render(request, "orders/return_detail.html", {"return_request": return_request})


@require_POST
def return_request_withdraw(request, number, return_number):
    return_request = _viewable_return(request, number, return_number)
    try:
        services.return_withdraw(return_request=return_request, actor=request.user)
    except services.OrderError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your request is withdrawn."))
    return redirect(return_request.get_absolute_url())


def return_photo(request, number, return_number, photo_id):
    """A return photo, only for whoever may see the request; always served as a JPEG."""
    return_request = _viewable_return(request, number, return_number)
    photo = next((p for p in return_request.photos.all() if p.pk == photo_id), None)
    if photo is None:
        raise Http404(_("No such photo."))
    return photo_response(photo)


@login_required
def my_orders(request):
    page = Paginator(selectors.orders_for_member(member=request.user), 10).get_page(
        request.GET.get("page")
    )
    return render(request, "orders/my_orders.html", {"page": page})


def lookup(request):
    form = OrderLookupForm(request.POST or None)
    order, status = None, 200
    if request.method == "POST" and form.is_valid():
        ip = request.META.get("REMOTE_ADDR", "")
        if rate_limit_hit(f"order-lookup:{ip}", limit=10, window_seconds=600):
            form.add_error(None, _("Too many lookups. Please wait a few minutes and try again."))
            status = 429
        else:
            order = selectors.order_lookup(
                number=form.cleaned_data["number"], contact=form.cleaned_data["contact"]
            )
            if order is None:
                form.add_error(
                    None,
                    _("We could not find an order with that number and contact. Check both."),
                )
    if order is not None:
        return render(request, "orders/detail.html", {"order": order, "full": False})
    return render(request, "orders/lookup.html", {"form": form}, status=status)


def payment_simulator(request, number):
    """The built-in payment provider's page: pay or give up. Paying makes the simulator send
    its signed notification to the same handler a real provider's callback reaches."""
    order = _viewable_order(request, number)
    if request.method == "POST":
        gateway = payments.gateway("simulator")
        if request.POST.get("outcome") == "paid" and not order.is_paid:
            body, headers = gateway.notification_for(order, "paid")
            payments.payment_notification_accept(provider=gateway, body=body, headers=headers)
            messages.success(request, _("Thank you: your payment was received."))
        else:
            messages.info(request, _("Payment not made. You can pay within 30 minutes."))
        return redirect(order.get_absolute_url())
    return render(request, "orders/payment_simulator.html", {"order": order})


@csrf_exempt
@require_POST
def payment_notify(request, provider):
    """Providers' server-to-server notifications: verified by signature, applied once."""
    try:
        gateway = payments.gateway(provider)
    except KeyError as error:
        raise Http404 from error
    try:
        payments.payment_notification_accept(
            provider=gateway, body=request.body, headers=request.headers
        )
    except payments.PaymentRejected as error:
        logger.warning("payment.rejected", extra={"provider": provider, "reason": str(error)})
        return HttpResponseBadRequest(b"rejected", content_type="text/plain")
    return HttpResponse(b"ok", content_type="text/plain")

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.aftersales import selectors as aftersales_selectors
from apps.cart import selectors as cart_selectors
from apps.cart import services as cart_services
from apps.core.choices import PaymentMethod, ShippingMethod
from apps.core.client_ip import client_ip
from apps.core.ratelimit import rate_limit_hit
from apps.core.redirects import redirect_to_log_in
from apps.orders import emails, selectors, services
from apps.orders.forms import CheckoutForm, OrderLookupForm, PlaceOrderForm
from apps.payments.services import online_payment_available
from apps.points import selectors as points_selectors
from apps.points.pricing import RULE_NAME as POINTS_RULE
from apps.points.rules import points_for_amount
from apps.promotions.coupons import normalize_code
from apps.promotions.selectors import cart_promotions
from apps.referrals.links import click_from_request

logger = logging.getLogger(__name__)


SESSION_CHECKOUT = "checkout"
SESSION_ORDERS = "placed_orders"
# Orders this session found by number and contact: their returns may be asked for here.
SESSION_LOOKED_UP = "looked_up_orders"


def _saved_addresses(request):
    if not request.user.is_authenticated:
        return []
    from apps.members.selectors import addresses_for_member

    return list(addresses_for_member(member=request.user))


def _initial_checkout(request, addresses, *, needs_delivery: bool) -> dict:
    initial = dict(request.session.get(SESSION_CHECKOUT, {}))
    # Choices made for an earlier cart that this one does not offer start afresh.
    if needs_delivery and initial.get("shipping_method") == ShippingMethod.NONE:
        del initial["shipping_method"]
    if not needs_delivery and initial.get("payment_method") == PaymentMethod.CASH_ON_DELIVERY:
        del initial["payment_method"]
    initial.setdefault("shipping_method", ShippingMethod.COURIER)
    initial.setdefault(
        "payment_method",
        PaymentMethod.ONLINE if online_payment_available() else PaymentMethod.BANK_TRANSFER,
    )
    if request.user.is_authenticated:
        # The default address goes first in the address book (the form preselects it); its
        # recipient is also the first guess for who collects a pickup order.
        first = addresses[0] if addresses else None
        initial.setdefault("email", request.user.email)
        initial.setdefault("phone", request.user.phone or (first.mobile if first else ""))
        initial.setdefault(
            "recipient_name",
            first.recipient_name if first else request.user.get_full_name(),
        )
    return initial


def _account_needed(request, error: cart_services.AccountNeeded):
    """A guest cart holding something only members buy (a membership): log in, come back to
    checkout (the guest cart joins the member's at login)."""
    return redirect_to_log_in(request, str(error), reverse("orders:checkout"), "cart:detail")


def checkout(request):
    cart = cart_services.cart_for_request(request)
    pricing = cart_selectors.cart_pricing(cart=cart)
    if not pricing.can_check_out:
        messages.info(request, _("Check your cart before checking out."))
        return redirect("cart:detail")
    try:
        cart_services.cart_require_account_for(
            sku_ids=[line.sku.pk for line in pricing.lines], buyer=request.user
        )
    except cart_services.AccountNeeded as error:
        return _account_needed(request, error)
    addresses = _saved_addresses(request)
    points = (
        points_selectors.points_checkout_offer(member=request.user, pricing=pricing)
        if request.user.is_authenticated
        else None
    )
    needs_delivery = pricing.needs_delivery
    options = {
        "addresses": addresses,
        # Nothing to deliver (a membership): no pickup point to offer, none to read.
        "pickup_points": selectors.pickup_points_active() if needs_delivery else [],
        "online_payment": online_payment_available(),
        "points_usable": points.offer.points if points else 0,
        "needs_delivery": needs_delivery,
    }
    codes = _coupon_codes(request.POST if request.method == "POST" else _session_data(request))
    if codes:
        # Priced with the coupon code typed (or kept), so the summary shows what it gives.
        pricing = cart_selectors.cart_pricing(cart=cart, buyer=request.user, coupon_codes=codes)
    promotions = cart_promotions(pricing)
    if request.method == "POST" and "refresh" in request.POST:
        form = CheckoutForm.for_refresh(request.POST, **options)
    elif request.method == "POST":
        form = CheckoutForm(request.POST, **options)
        if form.is_valid() and _coupon_accepted(form, promotions):
            data = dict(form.cleaned_data)
            data["delivery"] = form.delivery()
            request.session[SESSION_CHECKOUT] = data
            return redirect("orders:review")
    else:
        initial = _initial_checkout(request, addresses, needs_delivery=needs_delivery)
        form = CheckoutForm(initial=initial, **options)
    context = {"form": form, "pricing": pricing, "points": points, "promotions": promotions}
    return render(request, "orders/checkout.jinja", context)


def _session_data(request) -> dict:
    return request.session.get(SESSION_CHECKOUT, {})


def _coupon_codes(data) -> tuple[str, ...]:
    """The coupon code of the checkout form (posted, or kept in the session), as a pricing
    context takes it."""
    code = normalize_code(data.get("coupon_code", ""))
    return (code,) if code else ()


def _coupon_accepted(form, promotions) -> bool:
    """A code that does not apply stops checkout with the reason on its field."""
    coupon = promotions.coupon
    if coupon is not None and not coupon.applies:
        form.add_error("coupon_code", coupon.message)
        return False
    return True


def _details_from_session(request) -> services.CheckoutDetails | None:
    data = request.session.get(SESSION_CHECKOUT)
    if not data:
        return None
    fields = {
        "email": data["email"],
        "phone": data.get("phone", ""),
        "shipping_method": data["shipping_method"],
        "payment_method": data["payment_method"],
        "customer_note": data.get("customer_note", ""),
        "invoice_requested": data.get("invoice_requested", False),
        "invoice_title": data.get("invoice_title", ""),
        "invoice_tax_id": data.get("invoice_tax_id", ""),
        # The delivery (a saved address, the typed one or a pickup) has the last word on who
        # receives the order and their mobile number.
        **data["delivery"],
    }
    return services.CheckoutDetails(**fields)


def _points_from_session(request) -> int:
    if not request.user.is_authenticated:
        return 0
    return int(request.session.get(SESSION_CHECKOUT, {}).get("points_to_redeem") or 0)


def review(request):
    details = _details_from_session(request)
    if details is None:
        return redirect("orders:checkout")
    cart = cart_services.cart_for_request(request)
    points = _points_from_session(request)
    codes = _coupon_codes(_session_data(request))
    pricing = cart_selectors.cart_pricing(
        cart=cart,
        shipping_method=details.shipping_method,
        points_to_redeem=points,
        coupon_codes=codes,
    )
    if not pricing.can_check_out:
        return redirect("cart:detail")
    promotions = cart_promotions(pricing)
    if promotions.coupon is not None and not promotions.coupon.applies:
        # The cart or the coupon changed since checkout: the reason, and the code again.
        messages.error(request, promotions.coupon.message)
        return redirect("orders:checkout")
    problem = services.checkout_delivery_problem(details=details, pricing=pricing)
    if problem:
        # The cart changed since the details were given (goods to deliver came or went).
        messages.info(request, problem)
        return redirect("orders:checkout")
    usable = points_for_amount(pricing.discount_from(POINTS_RULE))
    if usable < points:
        # The balance or the cart changed since checkout: the order uses what it can now.
        request.session[SESSION_CHECKOUT] = {
            **request.session[SESSION_CHECKOUT],
            "points_to_redeem": usable,
        }
        messages.info(
            request,
            _("This order can now use %(points)s points; the total below counts them.")
            % {"points": f"{usable:,}"},
        )
    pickup_point = None
    if details.shipping_method == ShippingMethod.PICKUP:
        pickup_point = selectors.pickup_point_active(point_id=details.pickup_point_id)
        if pickup_point is None:
            messages.error(
                request, _("That pickup point is no longer offered. Please choose another.")
            )
            return redirect("orders:checkout")
    form = PlaceOrderForm(initial={"idempotency_key": PlaceOrderForm.new_key()})
    context = {
        "details": details,
        "pickup_point": pickup_point,
        "pricing": pricing,
        "promotions": promotions,
        "form": form,
        "payment_label": PaymentMethod(details.payment_method).label,
    }
    return render(request, "orders/review.jinja", context)


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
            points_to_redeem=_points_from_session(request),
            coupon_codes=_coupon_codes(_session_data(request)),
            referral_click=click_from_request(request),
        )
    except cart_services.AccountNeeded as error:
        return _account_needed(request, error)
    except (services.OrderError, services.OutOfStock) as error:
        messages.error(request, str(error))
        return redirect("cart:detail")
    _remember_order(request, order.number)
    request.session.pop(SESSION_CHECKOUT, None)
    cart_services.cart_remember_count(request, cart)
    if order.payment_method == PaymentMethod.ONLINE and not order.is_paid:
        return redirect("payments:pay", number=order.number)
    return redirect(order.get_absolute_url())


def _remember_order(request, number: str, key: str = SESSION_ORDERS) -> None:
    known = request.session.get(key, [])
    if number not in known:
        request.session[key] = [*known[-19:], number]


def viewable_order(request, number, *, after_sales: bool = False):
    """The order a visitor may see: their own as a member, or one this session placed. For
    its after-sales pages also one this session looked up with its number and contact."""
    numbers = request.session.get(SESSION_ORDERS, [])
    if after_sales:
        numbers = [*numbers, *request.session.get(SESSION_LOOKED_UP, [])]
    order = selectors.order_for_viewer(number=number, user=request.user, session_numbers=numbers)
    if order is None:
        raise Http404(_("No such order."))
    return order


def order_detail(request, number):
    order = viewable_order(request, number)
    after_sales = aftersales_selectors.order_after_sales(order=order)
    return render(
        request,
        "orders/detail.jinja",
        {
            "order": order,
            "full": True,
            "after_sales": after_sales,
            "order_points": points_selectors.order_points(order=order),
        },
    )


@login_required
def my_orders(request):
    page = Paginator(selectors.orders_for_member(member=request.user), 10).get_page(
        request.GET.get("page")
    )
    return render(request, "orders/my_orders.jinja", {"page": page})


def lookup(request):
    form = OrderLookupForm(request.POST or None)
    order, status = None, 200
    if request.method == "POST" and form.is_valid():
        # Guessing order numbers stays limited while Redis is down: counted in the database.
        ip = client_ip(request)
        if rate_limit_hit(f"order-lookup:{ip}", limit=10, window_seconds=600, durable=True):
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
        # Number and contact proved it is theirs: this session may now open the order's
        # after-sales pages (a guest asks for a return this way), not its full page.
        _remember_order(request, order.number, SESSION_LOOKED_UP)
        after_sales = aftersales_selectors.order_after_sales(order=order)
        return render(
            request,
            "orders/detail.jinja",
            {"order": order, "full": False, "after_sales": after_sales},
        )
    return render(request, "orders/lookup.jinja", {"form": form}, status=status)


def _order_link_refused(request, problem: str, status: int):
    form = OrderLookupForm()
    # The reason shows where the lookup form shows its own; the fields stay empty and quiet.
    form.errors[NON_FIELD_ERRORS] = form.error_class([problem], error_class="nonfield")
    return render(request, "orders/lookup.jinja", {"form": form}, status=status)


def order_from_link(request, token):
    """The order an email's button opens: the signed link proves the visitor reads the order's
    mailbox, as number and contact prove it on the lookup form. A guest's order opens in full
    (this session may then pay and ask for a return, as the session that placed it); a
    member's opens in full once they are signed in. A changed or expired link shows the
    lookup form with the reason; that form, posted back here, is the lookup."""
    if request.method == "POST":
        return lookup(request)
    invalid = _(
        "This link is not valid. Enter the order number and your mobile number or email to see"
        " the order."
    )
    try:
        number = emails.order_number_from_link(token)
    except emails.OrderLinkExpired:
        expired = _(
            "This link has expired. Enter the order number and your mobile number or email to"
            " see the order."
        )
        return _order_link_refused(request, expired, status=410)
    except emails.OrderLinkInvalid:
        return _order_link_refused(request, invalid, status=400)
    order = selectors.order_for_viewer(number=number, user=request.user, session_numbers=[number])
    full = order is not None
    order = order or selectors.order_with_details(number=number)
    if order is None:
        return _order_link_refused(request, invalid, status=404)
    _remember_order(request, order.number)
    _remember_order(request, order.number, SESSION_LOOKED_UP)
    after_sales = aftersales_selectors.order_after_sales(order=order)
    return render(
        request,
        "orders/detail.jinja",
        {"order": order, "full": full, "after_sales": after_sales},
    )

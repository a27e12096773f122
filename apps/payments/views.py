import logging

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.core.client_ip import client_ip
from apps.orders.services import OrderError
from apps.orders.views import viewable_order
from apps.payments import services
from apps.payments.gateways.base import GatewayError, PaymentRejected

logger = logging.getLogger(__name__)
PHONE_AGENTS = ("Mobile", "Android", "iPhone")


def pay(request, number):
    """The order's payment page: choose Alipay, WeChat Pay (or the simulator where it is on);
    a QR code for WeChat Native on a computer, the provider's page otherwise."""
    order = viewable_order(request, number)
    if not order.awaits_online_payment:
        return redirect(order.get_absolute_url())
    gateways = services.payment_gateways()
    context = {"order": order, "gateways": gateways.values()}
    if request.method == "POST":
        agent = request.headers.get("User-Agent", "")
        try:
            start = services.payment_start(
                order=order,
                gateway_name=request.POST.get("gateway", ""),
                client_ip=client_ip(request),
                on_phone=any(word in agent for word in PHONE_AGENTS),
            )
        except KeyError:
            messages.error(request, _("Choose how you want to pay."))
        except (OrderError, GatewayError) as error:
            logger.warning("payment.start_failed", extra={"order_id": order.pk}, exc_info=True)
            message = str(error) if isinstance(error, OrderError) else ""
            messages.error(
                request,
                message or _("The payment service did not answer. Please try again in a moment."),
            )
        else:
            if start.redirect_url:
                return redirect(start.redirect_url)
            from apps.payments.gateways import render_qr_svg

            context["qr_svg"] = render_qr_svg(start.qr_code_text)
    return render(request, "payments/pay.jinja", context)


@require_POST
def check(request, number):
    """ "I have paid": ask the provider at once instead of waiting for its notification."""
    order = viewable_order(request, number)
    if order.is_paid or services.payment_settle(order=order):
        messages.success(request, _("Thank you: your payment was received."))
        return redirect(order.get_absolute_url())
    messages.info(
        request,
        _(
            "We have not received your payment yet. If you just paid, wait a moment and "
            "check again."
        ),
    )
    return redirect("payments:pay", number=order.number)


def simulator(request, number):
    """The simulator's page (demo and tests only): pay or give up. Paying makes it send its
    signed notification to the same handler a real provider's callback reaches."""
    try:
        gateway = services.payment_gateway("simulator")
    except KeyError as error:
        raise Http404 from error
    order = viewable_order(request, number)
    if request.method == "POST":
        if request.POST.get("outcome") == "paid" and not order.is_paid:
            body, headers = gateway.notification_for(
                order_number=order.number, amount=order.total_amount
            )
            services.payment_notification_accept(gateway=gateway, body=body, headers=headers)
            messages.success(request, _("Thank you: your payment was received."))
        else:
            messages.info(
                request,
                _("Payment not made. You can still pay until %(time)s.")
                % {"time": date_format(timezone.localtime(order.expires_at), "H:i")}
                if order.expires_at
                else _("Payment not made."),
            )
        return redirect(order.get_absolute_url())
    return render(request, "payments/simulator.jinja", {"order": order})


@csrf_exempt
@require_POST
def notify(request, provider):
    """Providers' server-to-server notifications: verified by signature, applied once."""
    try:
        gateway = services.payment_gateway(provider)
    except KeyError as error:
        raise Http404 from error
    try:
        services.payment_notification_accept(
            gateway=gateway, body=request.body, headers=request.headers
        )
    except PaymentRejected as error:
        logger.warning("payment.rejected", extra={"provider": provider, "reason": str(error)})
        status, content_type, body = gateway.notification_reply(accepted=False)
    else:
        status, content_type, body = gateway.notification_reply(accepted=True)
    return HttpResponse(body, status=status, content_type=content_type)

"""Order emails (confirmation, payment, shipping, refund, cancellation, out of stock) and the
steps of returns and exchanges, in the language the order was placed in, as text and HTML."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from apps.orders.models import Order, ReturnRequest

SUBJECTS = {
    "placed": lambda: _("We received your order %(number)s"),
    "paid": lambda: _("Payment received for order %(number)s"),
    "shipped": lambda: _("Your order %(number)s is on its way"),
    "refunded": lambda: _("Refund for order %(number)s"),
    "cancelled": lambda: _("Order %(number)s was cancelled"),
    "out_of_stock": lambda: _("An item in order %(number)s is out of stock"),
}


def send_order_email(*, order: Order, kind: str, line_id: int | None = None) -> None:
    with translation.override(order.language):
        context = {
            "order": order,
            "kind": kind,
            "lines": list(order.lines.all()),
            "line": order.lines.filter(pk=line_id).first() if line_id else None,
            "site_url": settings.SHOP_SITE_URL,
            "shop_name": settings.SHOP_NAME or str(settings.SHOP_NAME_DISPLAY),
        }
        subject = SUBJECTS[kind]() % {"number": order.number}
        text = render_to_string("orders/email/order.txt", context)
        html = render_to_string("orders/email/order.html", context)
    message = EmailMultiAlternatives(subject, text, to=[order.email])
    message.attach_alternative(html, "text/html")
    message.send()


RETURN_SUBJECTS = {
    "requested": lambda: _("We received your request %(number)s"),
    "approved": lambda: _("Request %(number)s approved: where to send the goods"),
    "received": lambda: _("The goods for request %(number)s have arrived"),
    "refunded": lambda: _("Request %(number)s: refund made"),
    "exchange_shipped": lambda: _("Request %(number)s: your replacement is on its way"),
    "rejected": lambda: _("Request %(number)s was declined"),
    "closed": lambda: _("Request %(number)s is closed"),
}


def send_return_email(*, return_request: ReturnRequest, step: str) -> None:
    """One step of a return or exchange, told to the shopper in the order's language."""
    order = return_request.order
    with translation.override(order.language):
        context = {
            "order": order,
            "return_request": return_request,
            "step": step,
            "lines": list(return_request.lines.select_related("order_line", "replacement_sku")),
            "site_url": settings.SHOP_SITE_URL,
            "shop_name": settings.SHOP_NAME or str(settings.SHOP_NAME_DISPLAY),
        }
        subject = RETURN_SUBJECTS[step]() % {"number": return_request.number}
        text = render_to_string("orders/email/return.txt", context)
        html = render_to_string("orders/email/return.html", context)
    message = EmailMultiAlternatives(subject, text, to=[order.email])
    message.attach_alternative(html, "text/html")
    message.send()

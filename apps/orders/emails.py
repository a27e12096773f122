"""Order emails (confirmation, payment, shipping, refund, cancellation, out of stock), in the
language the order was placed in, as text and HTML."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from apps.orders.models import Order

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

"""The steps of returns and exchanges, told to the shopper in the order's language, as text
and HTML."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from apps.aftersales.models import ReturnRequest

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
        text = render_to_string("aftersales/email/return.txt", context)
        html = render_to_string("aftersales/email/return.html", context)
    message = EmailMultiAlternatives(subject, text, to=[order.email])
    message.attach_alternative(html, "text/html")
    message.send()

"""The steps of returns and exchanges, told to the shopper in the order's language, as text
and HTML in the shop's layout, with one button that opens the order (and its requests)."""

from django.core.mail import EmailMultiAlternatives
from django.utils import translation
from django.utils.translation import gettext as _

from apps.aftersales.models import ReturnRequest
from apps.core.emails import email_message, render_email
from apps.core.jinja2 import cny
from apps.orders.emails import email_items, order_lines_for_email, order_parts

RETURN_SUBJECTS = {
    "requested": lambda: _("We received your request %(number)s"),
    "approved": lambda: _("Request %(number)s approved: where to send the goods"),
    "received": lambda: _("The goods for request %(number)s have arrived"),
    "refunded": lambda: _("Request %(number)s: refund made"),
    "exchange_shipped": lambda: _("Request %(number)s: your replacement is on its way"),
    "rejected": lambda: _("Request %(number)s was declined"),
    "closed": lambda: _("Request %(number)s is closed"),
}

RETURN_HEADLINES = {
    "requested": lambda: _("Request received"),
    "approved": lambda: _("Request approved"),
    "received": lambda: _("Goods received"),
    "refunded": lambda: _("Refund made"),
    "exchange_shipped": lambda: _("Your replacement is on its way"),
    "rejected": lambda: _("Request declined"),
    "closed": lambda: _("Request closed"),
}


def return_email(*, return_request: ReturnRequest, step: str) -> EmailMultiAlternatives:
    """One step of a return or exchange, in the order's language, ready to send."""
    order = return_request.order
    with translation.override(order.language):
        return_lines = list(return_request.lines.select_related("order_line", "replacement_sku"))
        quantities = {line.order_line_id: line.quantity for line in return_lines}
        order_lines = list(order_lines_for_email(order).filter(pk__in=quantities))
        items = email_items(order_lines, quantities=quantities)
        replacements = {
            line.order_line_id: line.replacement_sku.options
            for line in return_lines
            if line.replacement_sku_id and line.replacement_sku_id != line.order_line.sku_id
        }
        for item, line in zip(items, order_lines, strict=True):
            if line.pk in replacements:
                item["note"] = _("exchanged for %(options)s") % {"options": replacements[line.pk]}
        summary = []
        if return_request.refund_amount:
            summary.append(
                {"label": _("Refunded"), "amount": cny(return_request.refund_amount), "total": True}
            )
        facts = [
            {"label": _("Request number"), "value": return_request.number},
            {"label": _("Order number"), "value": order.number},
            {
                "label": _("Request"),
                "value": f"{return_request.get_kind_display()} · "
                f"{return_request.get_reason_display()}",
            },
        ]
        if return_request.tracking_number:
            facts.append(
                {
                    "label": _("Carrier and tracking number"),
                    "value": f"{return_request.carrier} {return_request.tracking_number}",
                }
            )
        subject = RETURN_SUBJECTS[step]() % {"number": return_request.number}
        text, html = render_email(
            "aftersales/email/return",
            {
                "subject": subject,
                "headline": RETURN_HEADLINES[step](),
                "return_request": return_request,
                "step": step,
                **order_parts(order=order, items=items, summary=summary, facts=facts),
            },
        )
        return email_message(subject=subject, text=text, html=html, to=[order.email])


def send_return_email(*, return_request: ReturnRequest, step: str) -> None:
    """One step of a return or exchange, told to the shopper in the order's language."""
    return_email(return_request=return_request, step=step).send()

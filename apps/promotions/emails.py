"""Group-buy emails, in the language the order was placed in, in the shop's layout."""

from django.core.mail import EmailMultiAlternatives
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from apps.core.emails import email_message, render_email, text_rows
from apps.core.jinja2 import cny
from apps.orders.emails import order_link
from apps.orders.models import Order
from apps.promotions.models import GroupBuy


def group_buy_failed_email(*, group_buy: GroupBuy, order: Order) -> EmailMultiAlternatives:
    """ "The group buy did not reach 20 buyers": the order was cancelled and what was paid
    goes back the way it came."""
    with translation.override(order.language):
        product = group_buy.sku.product
        facts = [
            {"label": _("Order number"), "value": order.number},
            {"label": _("Product"), "value": f"{product.name} {group_buy.sku.options}".strip()},
            {"label": _("Buyers needed"), "value": str(group_buy.target_buyers)},
            {
                "label": _("Deadline"),
                "value": date_format(localtime(group_buy.deadline), "Y-m-d H:i"),
            },
        ]
        if order.refunded_amount:
            facts.append({"label": _("Refunded"), "value": cny(order.refunded_amount)})
        subject = _("The group buy for %(product)s did not succeed") % {"product": product.name}
        text, html = render_email(
            "promotions/email/group_buy_failed",
            {
                "subject": subject,
                "headline": _("The group buy did not succeed"),
                "product_name": product.name,
                "target": group_buy.target_buyers,
                "refunded": cny(order.refunded_amount) if order.refunded_amount else "",
                "facts": facts,
                "facts_text": text_rows([(fact["label"], fact["value"]) for fact in facts]),
                "button_url": order_link(order),
                "button_label": _("View your order"),
            },
        )
        return email_message(subject=subject, text=text, html=html, to=[order.email])

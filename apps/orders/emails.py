"""Order emails (confirmation, payment, shipping, refund, cancellation, out of stock), in the
language the order was placed in, as text and HTML in the shop's layout, with one button
that opens the order through a signed link (no number and phone to type)."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from apps.catalog.models import ProductImage
from apps.core.emails import TEXT_WIDTH, absolute_url, email_message, render_email, text_rows
from apps.core.jinja2 import cny
from apps.orders.models import Order, OrderLine
from apps.points.selectors import order_points

SUBJECTS = {
    "placed": lambda: _("We received your order %(number)s"),
    "paid": lambda: _("Payment received for order %(number)s"),
    "shipped": lambda: _("Your order %(number)s is on its way"),
    "refunded": lambda: _("Refund for order %(number)s"),
    "cancelled": lambda: _("Order %(number)s was cancelled"),
    "out_of_stock": lambda: _("An item in order %(number)s is out of stock"),
}

HEADLINES = {
    "placed": lambda: _("Order received"),
    "paid": lambda: _("Payment received"),
    "shipped": lambda: _("Your order is on its way"),
    "refunded": lambda: _("Refund made"),
    "cancelled": lambda: _("Order cancelled"),
    "out_of_stock": lambda: _("An item is out of stock"),
}

ORDER_LINK_SALT = "orders.email-link"


class OrderLinkInvalid(Exception):
    """The link was changed or was never made by the shop."""


class OrderLinkExpired(OrderLinkInvalid):
    """The link was the shop's but is older than SHOP_ORDER_LINK_DAYS."""


def order_link(order: Order) -> str:
    """The absolute, signed link that opens `order` for SHOP_ORDER_LINK_DAYS, in the active
    language."""
    token = signing.dumps(order.number, salt=ORDER_LINK_SALT)
    return absolute_url(reverse("orders:from_link", kwargs={"token": token}))


def order_number_from_link(token: str) -> str:
    """The order number a link was signed for; OrderLinkExpired or OrderLinkInvalid."""
    try:
        return signing.loads(
            token, salt=ORDER_LINK_SALT, max_age=settings.SHOP_ORDER_LINK_DAYS * 24 * 3600
        )
    except signing.SignatureExpired as error:
        raise OrderLinkExpired from error
    except signing.BadSignature as error:
        raise OrderLinkInvalid from error


def email_items(lines: list[OrderLine], *, quantities: dict[int, int] | None = None) -> list:
    """Order lines as the email lists them: picture, name, options, quantity and amount.
    `quantities` (line id → units) lists only those units, without amounts (a return)."""
    items = []
    for line in lines:
        cover = line.sku.product.cover
        items.append(
            {
                "image_url": absolute_url(cover.small_url) if cover else "",
                "name": line.product_name,
                "options": line.sku_options,
                "quantity": quantities[line.pk] if quantities else line.quantity,
                "amount": "" if quantities else cny(line.line_total),
                "note": line.price_reason,
            }
        )
    return items


def order_lines_for_email(order: Order):
    return order.lines.select_related("sku__product").prefetch_related(
        Prefetch("sku__product__images", queryset=ProductImage.objects.order_by("sort_order", "id"))
    )


def order_summary(order: Order) -> list[dict]:
    """The amounts under the items: subtotal, delivery, savings, total, refunded."""
    rows = [{"label": _("Subtotal"), "amount": cny(order.subtotal_amount)}]
    if order.needs_delivery:
        rows.append({"label": _("Shipping fee"), "amount": cny(order.shipping_amount)})
    points = order_points(order=order)
    savings = points.other_savings if points else order.discount_amount
    if savings:
        rows.append({"label": _("Savings"), "amount": "−" + cny(savings)})
    if points:
        rows.append({"label": points.label, "amount": "−" + cny(points.amount)})
    rows.append({"label": _("Total"), "amount": cny(order.total_amount), "total": True})
    if order.refunded_amount:
        rows.append({"label": _("Refunded"), "amount": cny(order.refunded_amount)})
    return rows


def order_facts(order: Order) -> list[dict]:
    """The order's number, date, where it goes (or where it is collected, or that nothing is
    delivered) and its parcel, as label and value rows."""
    facts = [
        {"label": _("Order number"), "value": order.number},
        {"label": _("Order date"), "value": date_format(localtime(order.created_at), "Y-m-d H:i")},
    ]
    if not order.needs_delivery:
        facts.append({"label": _("Delivery"), "value": _("Nothing to deliver")})
        facts.append({"label": _("Contact"), "value": f"{order.recipient_name} {order.phone}"})
        return facts
    if order.is_pickup:
        point = " · ".join(part for part in (order.pickup_name, order.pickup_address) if part)
        facts.append({"label": _("In-store pickup"), "value": point or _("In-store pickup")})
        if order.pickup_hours:
            facts.append({"label": _("Opening hours"), "value": order.pickup_hours})
        if order.pickup_phone:
            facts.append({"label": _("Phone"), "value": order.pickup_phone})
    elif order.address_line:
        facts.append(
            {"label": _("Delivery address"), "value": f"{order.address_line} {order.postal_code}"}
        )
    facts.append({"label": _("Recipient"), "value": f"{order.recipient_name} {order.phone}"})
    if order.tracking_number:
        facts.append(
            {
                "label": _("Carrier and tracking number"),
                "value": f"{order.carrier} {order.tracking_number}",
            }
        )
    return facts


def facts_text(facts: list[dict]) -> str:
    return text_rows([(fact["label"], fact["value"]) for fact in facts])


def items_text(items: list[dict], summary: list[dict]) -> str:
    """The items and amounts of the text part, amounts aligned on the right."""
    rows = []
    for item in items:
        label = " ".join(filter(None, [item["name"], item["options"], f"× {item['quantity']}"]))
        if item.get("note"):
            label += f" · {item['note']}"
        rows.append((label, item["amount"]))
    lines = text_rows(rows)
    if summary:
        lines += "\n" + "-" * TEXT_WIDTH + "\n"
        lines += text_rows([(row["label"], row["amount"]) for row in summary])
    return lines


def order_parts(*, order: Order, items: list[dict], summary: list[dict], facts: list[dict]):
    """What every email about an order shows besides its own words: the items, the amounts,
    the facts (each also as aligned text) and the button that opens the order."""
    return {
        "order": order,
        "items": items,
        "summary": summary,
        "items_text": items_text(items, summary),
        "facts": facts,
        "facts_text": facts_text(facts),
        "button_url": order_link(order),
        "button_label": _("View your order"),
        "link_days": settings.SHOP_ORDER_LINK_DAYS,
    }


def order_email(*, order: Order, kind: str, line_id: int | None = None) -> EmailMultiAlternatives:
    """One order email, in the order's language, ready to send."""
    with translation.override(order.language):
        lines = list(order_lines_for_email(order))
        items = email_items(lines)
        summary = order_summary(order)
        facts = order_facts(order)
        subject = SUBJECTS[kind]() % {"number": order.number}
        text, html = render_email(
            "orders/email/order",
            {
                "subject": subject,
                "headline": HEADLINES[kind](),
                "kind": kind,
                "line": next((line for line in lines if line.pk == line_id), None),
                **order_parts(order=order, items=items, summary=summary, facts=facts),
            },
        )
        return email_message(subject=subject, text=text, html=html, to=[order.email])


def send_order_email(*, order: Order, kind: str, line_id: int | None = None) -> None:
    order_email(order=order, kind=kind, line_id=line_id).send()

"""Every write to orders: placing (with stock reservation), the state machine, payment
received, shipping, cancelling, refunds, corrections and expiry of unpaid orders."""

import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.cart.models import Cart
from apps.cart.pricing import PricingContext, price_items
from apps.catalog.models import Product, Sku
from apps.catalog.services import (
    products_refresh_stock,
)
from apps.core import pagecache
from apps.core.choices import PaymentMethod, ShippingMethod
from apps.core.money import money
from apps.core.outbox import outbox_enqueue
from apps.orders.choices import OrderStatus
from apps.orders.models import Order, OrderEvent, OrderLine, new_order_number

logger = logging.getLogger(__name__)

S = OrderStatus
# The order state machine: which status may follow which. Nothing else assigns status.
TRANSITIONS: dict[str, set[str]] = {
    S.PENDING_PAYMENT: {S.PAID, S.PICKING, S.CANCELLED},
    S.PAID: {S.PICKING, S.CANCELLED, S.REFUNDED, S.PARTIALLY_REFUNDED},
    S.PICKING: {S.SHIPPED, S.CANCELLED, S.REFUNDED, S.PARTIALLY_REFUNDED},
    S.SHIPPED: {S.DELIVERED, S.REFUNDED, S.PARTIALLY_REFUNDED},
    S.DELIVERED: {S.COMPLETED, S.REFUNDED, S.PARTIALLY_REFUNDED},
    S.COMPLETED: {S.REFUNDED, S.PARTIALLY_REFUNDED},
    # A partly refunded order may be refunded a little more (a second return, say).
    S.PARTIALLY_REFUNDED: {
        S.PICKING,
        S.SHIPPED,
        S.DELIVERED,
        S.COMPLETED,
        S.REFUNDED,
        S.PARTIALLY_REFUNDED,
    },
    S.CANCELLED: set(),
    S.REFUNDED: set(),
}
# Stock is still held by the order (not shipped, not given back) in these states.
HOLDS_STOCK = {S.PENDING_PAYMENT, S.PAID, S.PICKING}


class OrderError(Exception):
    """An order change refused, with a message for the shopper or operator."""


class OutOfStock(OrderError):
    pass


class InvalidTransition(OrderError):
    pass


@dataclass
class CheckoutDetails:
    email: str
    phone: str
    recipient_name: str
    shipping_method: str
    payment_method: str
    province: str = ""
    city: str = ""
    district: str = ""
    region_code: str = ""
    street: str = ""
    postal_code: str = ""
    customer_note: str = ""
    invoice_requested: bool = False
    invoice_title: str = ""
    invoice_tax_id: str = ""


def _record(order: Order, *, kind: str, actor=None, note: str = "", before: str = "") -> None:
    OrderEvent.objects.create(
        order=order,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        from_status=before,
        to_status=order.status,
        note=note,
    )


def _email_after_commit(order: Order, kind: str) -> None:
    from apps.orders.tasks import order_email_send

    outbox_enqueue(order_email_send, order_id=order.pk, kind=kind)


def order_transition(
    *, order: Order, to_status: str, actor=None, note: str = "", **changes
) -> Order:
    """Move an order to another status if the state machine allows it: locks the row,
    saves, writes an order event. Callers queue side effects after commit."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if to_status not in TRANSITIONS[locked.status]:
            raise InvalidTransition(
                _("An order that is “%(from)s” cannot become “%(to)s”.")
                % {"from": locked.get_status_display(), "to": S(to_status).label}
            )
        if (
            locked.status == S.PENDING_PAYMENT
            and to_status == S.PICKING
            and locked.payment_method != PaymentMethod.CASH_ON_DELIVERY
        ):
            raise InvalidTransition(_("Only cash-on-delivery orders are packed before payment."))
        before = locked.status
        locked.status = to_status
        for field, value in changes.items():
            setattr(locked, field, value)
        locked.save()
        _record(locked, kind=OrderEvent.Kind.STATUS, actor=actor, note=note, before=before)
    logger.info("order.transition", extra={"order_id": locked.pk, "from": before, "to": to_status})
    return locked


def _release_stock(order: Order, quantities: dict[int, int]) -> None:
    """Give reserved units back to their SKUs (locked in primary-key order)."""
    sku_ids = sorted(quantities)
    list(Sku.objects.select_for_update().filter(pk__in=sku_ids).order_by("pk"))
    for sku_id in sku_ids:
        Sku.objects.filter(pk=sku_id).update(stock=F("stock") + quantities[sku_id])
    product_ids = set(Sku.objects.filter(pk__in=sku_ids).values_list("product_id", flat=True))
    products_refresh_stock(product_ids=list(product_ids))
    transaction.on_commit(lambda: pagecache.bump_version("catalog"))


def order_place(
    *,
    cart: Cart,
    details: CheckoutDetails,
    idempotency_key: str,
    member=None,
    language: str = "zh-hans",
    coupon_codes: tuple[str, ...] = (),
) -> Order:
    """Turn the cart into an order in one transaction: re-price, snapshot the lines, empty the
    cart and reserve stock (conditional updates in primary-key order, never below zero). The
    same idempotency key always gives back the same single order: a concurrent copy waits on
    the key's unique index and then returns the winner's order."""
    try:
        with transaction.atomic():
            lines = list(cart.lines.all())
            if not lines:
                existing = Order.objects.filter(idempotency_key=idempotency_key).first()
                if existing:
                    return existing
                raise OrderError(_("Your cart is empty."))
            wanted = {line.sku_id: line.quantity for line in lines}
            skus = list(Sku.objects.select_related("product").filter(pk__in=wanted).order_by("pk"))
            existing = Order.objects.filter(idempotency_key=idempotency_key).first()
            if existing:
                return existing
            # Priced for this buyer and moment by the same service the cart page used.
            pricing = price_items(
                items=[(sku, wanted[sku.pk], None) for sku in skus],
                context=PricingContext(
                    buyer=member,
                    coupon_codes=tuple(coupon_codes),
                    now=timezone.now(),
                    shipping_method=details.shipping_method,
                ),
            )
            problems = [f"{line.sku}: {line.problem}" for line in pricing.lines if line.problem]
            if problems:
                raise OutOfStock(" ".join(problems))
            online = details.payment_method == PaymentMethod.ONLINE
            order = Order.objects.create(
                number=new_order_number(),
                idempotency_key=idempotency_key,
                member=member if member is not None and member.is_authenticated else None,
                language=language,
                subtotal_amount=pricing.subtotal,
                discount_amount=pricing.discount,
                shipping_amount=pricing.shipping_fee,
                total_amount=pricing.total,
                expires_at=(
                    timezone.now() + timedelta(minutes=settings.SHOP_UNPAID_ORDER_MINUTES)
                    if online
                    else None
                ),
                **details.__dict__,
            )
            OrderLine.objects.bulk_create(
                OrderLine(
                    order=order,
                    sku=line.sku,
                    product_name=line.sku.product.name,
                    sku_options=line.sku.options,
                    sku_code=line.sku.code,
                    unit_price=line.unit_price,
                    quantity=line.quantity,
                    discount_amount=line.discount_amount,
                    line_total=line.line_total,
                )
                for line in pricing.lines
            )
            cart.lines.all().delete()
            _record(order, kind=OrderEvent.Kind.STATUS, actor=member, note=_("Order placed."))
            # Stock is taken last, so the hot SKU rows stay locked only from here to commit.
            # Conditional updates in primary-key order: never below zero, never a deadlock.
            low_stock = False
            per_product: dict[int, int] = {}
            for line in pricing.lines:
                taken = Sku.objects.filter(pk=line.sku.pk, stock__gte=line.quantity).update(
                    stock=F("stock") - line.quantity
                )
                if not taken:
                    raise OutOfStock(_("%(name)s has just sold out.") % {"name": line.sku})
                low_stock |= line.sku.stock - line.quantity < settings.SHOP_FEW_LEFT_BELOW
                per_product[line.sku.product_id] = (
                    per_product.get(line.sku.product_id, 0) + line.quantity
                )
            for product_id in sorted(per_product):
                # The listing's summary moves with the reservation; Greatest keeps a summary
                # that an operator's edit left stale from failing the order.
                Product.objects.filter(pk=product_id).update(
                    sales_count=F("sales_count") + per_product[product_id],
                    total_stock=Greatest(F("total_stock") - per_product[product_id], 0),
                )
            _email_after_commit(order, "placed")
            if low_stock:
                transaction.on_commit(lambda: pagecache.bump_version("catalog"))
    except IntegrityError:
        # The same form was posted twice at once and the other copy won the unique key.
        existing = Order.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing
    logger.info("order.placed", extra={"order_id": order.pk, "total": str(order.total_amount)})
    return order


def order_mark_paid(*, order: Order, provider: str, actor=None) -> bool:
    """Money for the order has been recorded (apps.payments): it becomes paid, and True is
    returned. Money for an order no longer awaiting payment (cancelled, or already paid
    another way) is not wanted: False, with an order event saying it goes back."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status != S.PENDING_PAYMENT or locked.paid_at:
            _record(
                locked,
                kind=OrderEvent.Kind.PAYMENT,
                actor=actor,
                note=_("Payment received while the order was “%(status)s”: refunded at once.")
                % {"status": locked.get_status_display()},
            )
            logger.warning("payment.unexpected", extra={"order_id": order.pk})
            return False
        paid = order_transition(
            order=locked,
            to_status=S.PAID,
            actor=actor,
            note=_("Payment received (%(provider)s).") % {"provider": provider},
            paid_at=timezone.now(),
            expires_at=None,
        )
        _email_after_commit(paid, "paid")
    return True


def _refund_through_provider(order: Order, amount: Decimal) -> None:
    # The money goes back the way it came, after this transaction commits (apps.payments).
    from apps.payments.services import payment_refund_request

    payment_refund_request(order=order, amount=amount)


def order_cancel(*, order: Order, actor=None, reason: str = "") -> Order:
    """Cancel an order not yet shipped: its stock goes back on sale; money already received
    is refunded in full."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status not in HOLDS_STOCK:
            raise InvalidTransition(_("Only orders that have not shipped can be cancelled."))
        lines = list(locked.lines.all())
        quantities: dict[int, int] = {}
        for line in lines:
            remaining = line.quantity - line.refunded_quantity
            if remaining:
                quantities[line.sku_id] = quantities.get(line.sku_id, 0) + remaining
        refund = locked.total_amount - locked.refunded_amount if locked.paid_at else Decimal(0)
        _release_stock(locked, quantities)
        cancelled = order_transition(
            order=locked,
            to_status=S.CANCELLED,
            actor=actor,
            note=reason or _("Order cancelled."),
            refunded_amount=locked.refunded_amount + refund,
            expires_at=None,
        )
        if refund:
            _record(
                cancelled,
                kind=OrderEvent.Kind.REFUND,
                actor=actor,
                note=_("Refunded %(amount)s.") % {"amount": f"¥{refund}"},
            )
            _refund_through_provider(cancelled, refund)
        _email_after_commit(cancelled, "cancelled")
    return cancelled


def _refund_plan(
    *,
    order: Order,
    order_lines: dict[int, OrderLine],
    lines: dict[int, int] | None,
    keep_shipping: bool,
) -> tuple[dict[int, tuple[int, Decimal]], Decimal, bool]:
    """What a refund of these quantities pays back: {line id: (quantity, amount)}, the total,
    and whether it completes the order (then the total is whatever is left of what was paid,
    less the delivery fee when `keep_shipping`)."""
    if lines is None:
        lines = {pk: line.quantity - line.refunded_quantity for pk, line in order_lines.items()}
    plan: dict[int, tuple[int, Decimal]] = {}
    for line_id, quantity in lines.items():
        line = order_lines.get(int(line_id))
        if line is None or quantity < 0 or quantity > line.quantity - line.refunded_quantity:
            raise OrderError(_("That quantity cannot be refunded."))
        if quantity == 0:
            continue
        # What was paid for these units: the line's paid amount (after its share of order
        # discounts) per unit, rounded down to the cent; the last unit refunded takes the rest.
        plan[line.pk] = (
            quantity,
            line.refundable_amount
            if quantity == line.quantity - line.refunded_quantity
            else money(line.paid_per_unit * quantity),
        )
    amount = sum((line_amount for _quantity, line_amount in plan.values()), Decimal("0.00"))
    if amount == 0:
        raise OrderError(_("Choose at least one item to refund."))
    everything = all(
        line.refunded_quantity + plan.get(pk, (0, None))[0] == line.quantity
        for pk, line in order_lines.items()
    )
    if everything:
        kept = order.shipping_amount if keep_shipping else Decimal("0.00")
        amount = order.total_amount - order.refunded_amount - kept
    if order.refunded_amount + amount > order.total_amount:
        raise OrderError(_("A refund can never exceed what was paid."))
    return plan, amount, everything


def order_refund_quote(
    *, order: Order, lines: dict[int, int] | None = None, keep_shipping: bool = False
) -> Decimal:
    """How much order_refund would pay back for these quantities, without refunding."""
    order_lines = {line.pk: line for line in order.lines.all()}
    return _refund_plan(
        order=order, order_lines=order_lines, lines=lines, keep_shipping=keep_shipping
    )[1]


def order_refund(
    *,
    order: Order,
    actor=None,
    lines: dict[int, int] | None = None,
    note="",
    keep_shipping: bool = False,
    notify: bool = True,
) -> Order:
    """Refund the whole order, or some quantities of some lines ({line id: quantity}).
    Never more than was paid; unshipped refunded units go back into stock. With
    `keep_shipping` a refund that completes the order keeps the delivery fee (a return the
    buyer pays shipping for); `notify=False` leaves the email to the caller."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if not locked.paid_at:
            raise OrderError(_("Nothing has been paid for this order."))
        order_lines = {line.pk: line for line in locked.lines.select_for_update()}
        plan, amount, everything = _refund_plan(
            order=locked, order_lines=order_lines, lines=lines, keep_shipping=keep_shipping
        )
        restock: dict[int, int] = {}
        for line_id, (quantity, line_amount) in plan.items():
            line = order_lines[line_id]
            line.refunded_quantity += quantity
            line.refunded_amount += line_amount
            line.save(update_fields=["refunded_quantity", "refunded_amount"])
            if locked.status in HOLDS_STOCK:
                restock[line.sku_id] = restock.get(line.sku_id, 0) + quantity
        if restock:
            _release_stock(locked, restock)
        refunded = order_transition(
            order=locked,
            to_status=S.REFUNDED if everything else S.PARTIALLY_REFUNDED,
            actor=actor,
            note=note or _("Refunded %(amount)s.") % {"amount": f"¥{amount}"},
            refunded_amount=locked.refunded_amount + amount,
        )
        _record(
            refunded,
            kind=OrderEvent.Kind.REFUND,
            actor=actor,
            note=_("Refunded %(amount)s.") % {"amount": f"¥{amount}"},
        )
        _refund_through_provider(refunded, amount)
        if notify:
            _email_after_commit(refunded, "refunded")
    return refunded


def order_start_picking(*, order: Order, actor=None) -> Order:
    return order_transition(order=order, to_status=S.PICKING, actor=actor)


def order_mark_shipped(*, order: Order, carrier: str, tracking_number: str, actor=None) -> Order:
    """Record the carrier and tracking number and tell the customer by email."""
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    if order.shipping_method == ShippingMethod.COURIER and not (carrier and tracking_number):
        raise OrderError(_("Enter the carrier and the tracking number."))
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        if current.status in {S.PAID, S.PENDING_PAYMENT}:
            current = order_start_picking(order=current, actor=actor)
        shipped = order_transition(
            order=current,
            to_status=S.SHIPPED,
            actor=actor,
            note=f"{carrier} {tracking_number}".strip(),
            carrier=carrier,
            tracking_number=tracking_number,
            shipped_at=timezone.now(),
        )
        _email_after_commit(shipped, "shipped")
    return shipped


def order_mark_delivered(*, order: Order, actor=None) -> Order:
    changes = {"delivered_at": timezone.now()}
    if order.payment_method == PaymentMethod.CASH_ON_DELIVERY and not order.paid_at:
        changes["paid_at"] = timezone.now()
    return order_transition(order=order, to_status=S.DELIVERED, actor=actor, **changes)


def order_correct_contact(*, order: Order, actor, **fields) -> Order:
    """Correct the delivery address or phone before shipping; the old values are kept in an
    order event."""
    allowed = {"recipient_name", "phone", "province", "city", "district", "street", "postal_code"}
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status not in HOLDS_STOCK:
            raise OrderError(_("The address of a shipped order can no longer be changed."))
        changes = []
        for field, value in fields.items():
            if field in allowed and getattr(locked, field) != value:
                changes.append(f"{field}: {getattr(locked, field)} → {value}")
                setattr(locked, field, value)
        if not changes:
            return locked
        locked.save()
        _record(locked, kind=OrderEvent.Kind.ADDRESS, actor=actor, note="\n".join(changes))
    return locked


def order_notify_out_of_stock(*, line: OrderLine, actor) -> OrderLine:
    """Tell the customer that a line cannot be sent (they may wait or ask for a refund)."""
    with transaction.atomic():
        line.out_of_stock_notified_at = timezone.now()
        line.save(update_fields=["out_of_stock_notified_at"])
        _record(
            line.order,
            kind=OrderEvent.Kind.NOTICE,
            actor=actor,
            note=_("Customer told that %(item)s is out of stock.") % {"item": line},
        )
        from apps.orders.tasks import order_email_send

        outbox_enqueue(
            order_email_send, order_id=line.order_id, kind="out_of_stock", line_id=line.pk
        )
    return line


def orders_expire_unpaid(*, now=None) -> int:
    """Cancel online orders still unpaid after their payment window (once the providers the
    shopper tried say nothing was paid); their stock is released. Safe to run at any time and
    twice."""
    now = now or timezone.now()
    due = Order.objects.filter(
        status=S.PENDING_PAYMENT, payment_method=PaymentMethod.ONLINE, expires_at__lt=now
    ).values_list("pk", flat=True)
    expired = 0
    from apps.payments.services import payment_settle

    for order_id in list(due):
        order = Order.objects.get(pk=order_id)
        # Ask the provider first: the shopper may have paid and its notification be late.
        if payment_settle(order=order):
            continue
        try:
            order_cancel(
                order=order,
                reason=_("Not paid within %(minutes)d minutes.")
                % {"minutes": settings.SHOP_UNPAID_ORDER_MINUTES},
            )
        except InvalidTransition:
            continue
        expired += 1
    if expired:
        logger.info("orders.expired", extra={"count": expired})
    return expired

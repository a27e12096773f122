"""Every write to orders: placing (with stock reservation), the state machine, payments,
shipping, cancelling, refunds, corrections, expiry of unpaid orders, and returns and
exchanges (their own state machine)."""

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.cart.models import Cart
from apps.cart.pricing import price_items
from apps.catalog.models import Product, Sku
from apps.catalog.services import (
    MAX_IMAGE_BYTES,
    CatalogError,
    product_image_validate,
    products_refresh_stock,
)
from apps.core import pagecache
from apps.core.money import money
from apps.orders import selectors
from apps.orders.choices import OrderStatus, PaymentMethod, ShippingMethod
from apps.orders.models import (
    Order,
    OrderEvent,
    OrderLine,
    Payment,
    ReturnEvent,
    ReturnKind,
    ReturnLine,
    ReturnPhoto,
    ReturnReason,
    ReturnRequest,
    ReturnStatus,
    ShippingPayer,
    new_order_number,
    new_return_number,
)

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
LOW_STOCK_SHOWN_BELOW = 10


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

    transaction.on_commit(lambda: order_email_send.delay(order.pk, kind))


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
            pricing = price_items(
                items=[(sku, wanted[sku.pk], None) for sku in skus],
                shipping_method=details.shipping_method,
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
                low_stock |= line.sku.stock - line.quantity < LOW_STOCK_SHOWN_BELOW
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


def order_mark_paid(
    *, order: Order, provider: str, provider_event_id: str, amount: Decimal, actor=None
) -> bool:
    """Record a payment once per provider event. Returns False for a repeated event. A wrong
    amount is refused; money for an order no longer awaiting payment is recorded and flagged."""
    if money(amount) != order.total_amount:
        logger.warning(
            "payment.wrong_amount",
            extra={"order_id": order.pk, "amount": str(amount), "due": str(order.total_amount)},
        )
        raise OrderError(_("The amount paid does not match the order total."))
    try:
        with transaction.atomic():
            Payment.objects.create(
                order=order, provider=provider, provider_event_id=provider_event_id, amount=amount
            )
            locked = Order.objects.select_for_update().get(pk=order.pk)
            if locked.status != S.PENDING_PAYMENT or locked.paid_at:
                _record(
                    locked,
                    kind=OrderEvent.Kind.PAYMENT,
                    actor=actor,
                    note=_("Payment received while the order was “%(status)s”: refund it.")
                    % {"status": locked.get_status_display()},
                )
                logger.warning("payment.unexpected", extra={"order_id": order.pk})
                return True
            order_transition(
                order=locked,
                to_status=S.PAID,
                actor=actor,
                note=_("Payment received (%(provider)s).") % {"provider": provider},
                paid_at=timezone.now(),
                expires_at=None,
            )
            _email_after_commit(locked, "paid")
    except IntegrityError:
        logger.info("payment.duplicate", extra={"order_id": order.pk, "event": provider_event_id})
        return False
    return True


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
        plan[line.pk] = (
            quantity,
            line.refundable_amount
            if quantity == line.quantity - line.refunded_quantity
            else money(line.line_total / line.quantity * quantity),
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


def order_confirm_bank_transfer(*, order: Order, actor) -> bool:
    """Staff saw the money arrive in the shop's bank account."""
    if order.payment_method != PaymentMethod.BANK_TRANSFER:
        raise OrderError(_("This order is not paid by bank transfer."))
    return order_mark_paid(
        order=order,
        provider="bank_transfer",
        provider_event_id=f"bank-{order.number}",
        amount=order.total_amount,
        actor=actor,
    )


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
        order_id, line_id = line.order_id, line.pk
        from apps.orders.tasks import order_email_send

        transaction.on_commit(
            lambda: order_email_send.delay(order_id, "out_of_stock", line_id=line_id)
        )
    return line


def orders_expire_unpaid(*, now=None) -> int:
    """Cancel online orders still unpaid after their payment window; their stock is released.
    Safe to run at any time and twice."""
    now = now or timezone.now()
    due = Order.objects.filter(
        status=S.PENDING_PAYMENT, payment_method=PaymentMethod.ONLINE, expires_at__lt=now
    ).values_list("pk", flat=True)
    expired = 0
    for order_id in list(due):
        order = Order.objects.get(pk=order_id)
        try:
            order_cancel(order=order, reason=_("Not paid within 30 minutes."))
        except InvalidTransition:
            continue
        expired += 1
    if expired:
        logger.info("orders.expired", extra={"count": expired})
    return expired


# Returns and exchanges (after-sales) ---------------------------------------------------------

R = ReturnStatus
# The return state machine. Inspection of received goods ends in a refund (returns), a
# replacement shipped (exchanges) or a rejection (damaged by the buyer); an open request may
# also be closed, and one outside the rules rejected straight away.
RETURN_TRANSITIONS: dict[str, set[str]] = {
    R.REQUESTED: {R.APPROVED, R.REJECTED, R.CLOSED},
    R.APPROVED: {R.RECEIVED, R.CLOSED},
    R.RECEIVED: {R.REFUNDED, R.EXCHANGE_SHIPPED, R.REJECTED, R.CLOSED},
    R.REFUNDED: set(),
    R.EXCHANGE_SHIPPED: set(),
    R.REJECTED: set(),
    R.CLOSED: set(),
}
# Outcomes that fit only one kind of request.
RETURN_OUTCOME_KIND = {R.REFUNDED: ReturnKind.RETURN, R.EXCHANGE_SHIPPED: ReturnKind.EXCHANGE}
MAX_RETURN_PHOTOS = 5


class ReturnError(OrderError):
    """A return or exchange refused, with a message for the shopper or operator."""


class ReturnPhotoError(ReturnError):
    """A return photo refused; the message names the file."""


def return_shipping_payer(*, order: Order, reason: str) -> str:
    """The return shipping-fee rule. A quality problem is the shop's fault, so the shop pays
    all shipping: the goods coming back, a replacement going out, and the delivery fee when the
    whole order is returned. Otherwise the buyer pays the shipping both ways (the delivery fee
    is not refunded, the goods come back at their cost, a replacement is sent freight collect),
    except that for an order delivered free (over the free-shipping threshold, or picked up
    in store: shipping_amount is zero) the buyer pays only the return leg."""
    if reason == ReturnReason.QUALITY:
        return ShippingPayer.SHOP
    if order.shipping_amount == 0:
        return ShippingPayer.BUYER_RETURN_LEG
    return ShippingPayer.BUYER_BOTH_LEGS


def _return_record(request: ReturnRequest, *, actor=None, before: str = "", note: str = ""):
    ReturnEvent.objects.create(
        request=request,
        actor=actor if actor is not None and actor.is_authenticated else None,
        from_status=before,
        to_status=request.status,
        note=note,
    )


def _return_email_after_commit(request: ReturnRequest) -> None:
    from apps.orders.tasks import return_email_send

    request_id, step = request.pk, request.status
    transaction.on_commit(lambda: return_email_send.delay(request_id, step))


def _return_check_transition(request: ReturnRequest, to_status: str) -> None:
    if to_status not in RETURN_TRANSITIONS[request.status]:
        raise InvalidTransition(
            _("A return that is “%(from)s” cannot become “%(to)s”.")
            % {"from": request.get_status_display(), "to": R(to_status).label}
        )
    if RETURN_OUTCOME_KIND.get(to_status, request.kind) != request.kind:
        raise InvalidTransition(
            _("Only a return is refunded, and only an exchange has a replacement shipped.")
        )


def return_transition(
    *, return_request: ReturnRequest, to_status: str, actor=None, note: str = "", **changes
) -> ReturnRequest:
    """Move a return or exchange to another status if its state machine allows it: locks the
    row, saves, writes a return event with who and when, and emails the shopper after
    commit."""
    with transaction.atomic():
        locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
        _return_check_transition(locked, to_status)
        before = locked.status
        locked.status = to_status
        for field, value in changes.items():
            setattr(locked, field, value)
        locked.save()
        _return_record(locked, actor=actor, before=before, note=note)
        _return_email_after_commit(locked)
    logger.info(
        "return.transition", extra={"return_id": locked.pk, "from": before, "to": to_status}
    )
    return locked


def return_photo_prepare(*, upload: File) -> ContentFile:
    """Check one return photo as product images are checked (JPEG, PNG, WebP or GIF, at most
    5 MB and 40 million pixels) and re-encode it as JPEG, so only its pixels are stored."""
    name = os.path.basename(upload.name or "")[:100]
    upload.seek(0)
    # One byte past the limit is enough to know it is too big; nothing larger is read.
    data = upload.read(MAX_IMAGE_BYTES + 1)
    try:
        return product_image_validate(data=data)
    except CatalogError as error:
        raise ReturnPhotoError(
            _("%(name)s: %(problem)s") % {"name": name, "problem": error}
        ) from error


def _return_lines_check(
    *, order: Order, kind: str, wanted: dict[int, int], replacements: dict[int, int], now
) -> dict[int, int]:
    """Refuse a request outside the rules (see return_request_create); for an exchange, give
    the SKU to send for each line."""
    refusal = selectors.order_return_refusal(order=order, now=now)
    if refusal:
        raise ReturnError(refusal)
    returnable = {item.line.pk: item for item in selectors.order_returnable_lines(order=order)}
    replacement_skus: dict[int, int] = {}
    for line_id, quantity in wanted.items():
        item = returnable.get(line_id)
        if item is None or item.available == 0:
            raise ReturnError(
                _("That item cannot be returned now: it is refunded or already in a request.")
            )
        if quantity > item.available:
            raise ReturnError(
                _("You can return at most %(count)d of %(item)s.")
                % {"count": item.available, "item": item.line.product_name}
            )
        if kind == ReturnKind.EXCHANGE:
            sku_id = int(replacements.get(line_id) or item.line.sku_id)
            if sku_id not in {sku.pk for sku in item.replacements}:
                raise ReturnError(
                    _("%(item)s can only be exchanged for another option at the same price.")
                    % {"item": item.line.product_name}
                )
            replacement_skus[line_id] = sku_id
    return replacement_skus


def return_request_create(
    *,
    order: Order,
    kind: str,
    reason: str,
    lines: dict[int, int],
    description: str = "",
    replacements: dict[int, int] | None = None,
    photos: Sequence[File] = (),
    actor=None,
    now=None,
) -> ReturnRequest:
    """Ask to return or exchange some quantities of an order's lines ({line id: quantity}),
    with up to 5 photos. Only for a delivered order, up to SHOP_RETURN_DAYS calendar days
    after delivery; never more than was bought less what was refunded, and one open request
    per order line. An exchange may name, per line, another option of the same product at the
    same price ({line id: SKU id}); who pays shipping is decided now (return_shipping_payer)."""
    if kind not in ReturnKind.values or reason not in ReturnReason.values:
        raise ReturnError(_("Choose a return or an exchange, and a reason."))
    if len(photos) > MAX_RETURN_PHOTOS:
        raise ReturnPhotoError(
            _("You can add up to %(count)d photos.") % {"count": MAX_RETURN_PHOTOS}
        )
    wanted = {int(line_id): quantity for line_id, quantity in lines.items() if quantity}
    if not wanted or any(quantity < 0 for quantity in wanted.values()):
        raise ReturnError(_("Choose at least one item and how many."))
    # Decoding images is slow: done before any row is locked.
    prepared = [return_photo_prepare(upload=upload) for upload in photos]
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = Order.objects.select_for_update().get(pk=order.pk)
            replacement_skus = _return_lines_check(
                order=locked, kind=kind, wanted=wanted, replacements=replacements or {}, now=now
            )
            request = ReturnRequest.objects.create(
                number=new_return_number(),
                order=locked,
                kind=kind,
                reason=reason,
                description=description.strip(),
                shipping_payer=return_shipping_payer(order=locked, reason=reason),
            )
            ReturnLine.objects.bulk_create(
                ReturnLine(
                    request=request,
                    order_line_id=line_id,
                    quantity=quantity,
                    replacement_sku_id=replacement_skus.get(line_id),
                )
                for line_id, quantity in sorted(wanted.items())
            )
            for content in prepared:
                photo = ReturnPhoto(request=request)
                photo.image.save("photo.jpg", content, save=True)
                stored.append(photo.image.name)
            _return_record(request, actor=actor)
            _return_email_after_commit(request)
    except Exception:
        # Stored files are not part of the transaction: a refused request leaves none behind.
        for name in stored:
            ReturnPhoto.image.field.storage.delete(name)
        raise
    logger.info("return.requested", extra={"return_id": request.pk, "order_id": locked.pk})
    return request


def return_approve(
    *, return_request: ReturnRequest, return_address: str, actor, note: str = ""
) -> ReturnRequest:
    """Accept a request and tell the shopper where to send the goods."""
    return_address = return_address.strip()
    if not return_address:
        raise ReturnError(_("Enter the address the goods are sent back to."))
    return return_transition(
        return_request=return_request,
        to_status=R.APPROVED,
        actor=actor,
        note=note,
        return_address=return_address,
    )


def return_mark_received(*, return_request: ReturnRequest, actor, note: str = "") -> ReturnRequest:
    """The returned goods arrived at the shop and wait for inspection."""
    return return_transition(
        return_request=return_request, to_status=R.RECEIVED, actor=actor, note=note
    )


def _return_refund_terms(request: ReturnRequest) -> dict:
    return {
        "lines": {line.order_line_id: line.quantity for line in request.lines.all()},
        "keep_shipping": request.shipping_payer != ShippingPayer.SHOP,
    }


def return_refund_quote(*, return_request: ReturnRequest) -> Decimal:
    """What return_refund would pay back now (raises OrderError if it could not)."""
    return order_refund_quote(order=return_request.order, **_return_refund_terms(return_request))


def return_refund(*, return_request: ReturnRequest, actor, note: str = "") -> ReturnRequest:
    """Goods inspected and intact: refund the returned quantities through order_refund (never
    more than was paid). The delivery fee is refunded only when the shop pays shipping and the
    whole order comes back."""
    with transaction.atomic():
        locked = (
            ReturnRequest.objects.select_for_update()
            .select_related("order")
            .get(pk=return_request.pk)
        )
        _return_check_transition(locked, R.REFUNDED)
        order = Order.objects.select_for_update().get(pk=locked.order_id)
        refunded_before = order.refunded_amount
        refunded = order_refund(
            order=order,
            actor=actor,
            note=_("Return %(number)s.") % {"number": locked.number},
            notify=False,
            **_return_refund_terms(locked),
        )
        amount = refunded.refunded_amount - refunded_before
        done = return_transition(
            return_request=locked,
            to_status=R.REFUNDED,
            actor=actor,
            note=note or _("Inspected: intact. Refunded %(amount)s.") % {"amount": f"¥{amount}"},
            refund_amount=amount,
        )
    return done


def return_ship_exchange(
    *, return_request: ReturnRequest, carrier: str, tracking_number: str, actor
) -> ReturnRequest:
    """Goods inspected and intact: send the replacements. Their stock is taken under row locks
    (primary-key order) and never goes below zero; without enough stock nothing changes."""
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    with transaction.atomic():
        locked = (
            ReturnRequest.objects.select_for_update()
            .select_related("order")
            .get(pk=return_request.pk)
        )
        _return_check_transition(locked, R.EXCHANGE_SHIPPED)
        if locked.order.shipping_method == ShippingMethod.COURIER and not (
            carrier and tracking_number
        ):
            raise ReturnError(_("Enter the carrier and the tracking number."))
        wanted: dict[int, int] = {}
        for line in locked.lines.select_related("order_line"):
            sku_id = line.replacement_sku_id or line.order_line.sku_id
            wanted[sku_id] = wanted.get(sku_id, 0) + line.quantity
        skus = {
            sku.pk: sku
            for sku in Sku.objects.select_for_update()
            .select_related("product")
            .filter(pk__in=sorted(wanted))
            .order_by("pk")
        }
        for sku_id in sorted(wanted):
            taken = Sku.objects.filter(pk=sku_id, stock__gte=wanted[sku_id]).update(
                stock=F("stock") - wanted[sku_id]
            )
            if not taken:
                raise OutOfStock(
                    _("%(name)s is out of stock: the replacement cannot be sent yet.")
                    % {"name": skus[sku_id]}
                )
        products_refresh_stock(product_ids=sorted({sku.product_id for sku in skus.values()}))
        transaction.on_commit(lambda: pagecache.bump_version("catalog"))
        shipped = return_transition(
            return_request=locked,
            to_status=R.EXCHANGE_SHIPPED,
            actor=actor,
            note=f"{carrier} {tracking_number}".strip(),
            carrier=carrier,
            tracking_number=tracking_number,
        )
    return shipped


def return_reject(*, return_request: ReturnRequest, reason: str, actor) -> ReturnRequest:
    """Refuse a request, with the reason the shopper is told: at once (outside the rules) or
    after inspection (goods damaged by the buyer). Nothing is refunded."""
    reason = reason.strip()
    if not reason:
        raise ReturnError(_("Enter the reason the shopper will read."))
    return return_transition(
        return_request=return_request,
        to_status=R.REJECTED,
        actor=actor,
        note=reason,
        rejection_reason=reason,
    )


def return_close(*, return_request: ReturnRequest, actor, note: str = "") -> ReturnRequest:
    """Close an open request without an outcome (goods never sent, settled otherwise)."""
    return return_transition(
        return_request=return_request, to_status=R.CLOSED, actor=actor, note=note
    )


def return_withdraw(*, return_request: ReturnRequest, actor=None) -> ReturnRequest:
    """The shopper takes their request back, possible until the goods reach the shop."""
    with transaction.atomic():
        locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
        if not locked.can_be_withdrawn:
            raise InvalidTransition(
                _("The goods have reached us: this request can no longer be withdrawn.")
            )
        return return_close(return_request=locked, actor=actor, note=_("Withdrawn by the shopper."))

"""Every write to orders: placing (with stock reservation), the state machine, payment
received, shipping, cancelling, refunds, corrections and expiry of unpaid orders."""

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.cart.models import Cart
from apps.cart.pricing import Pricing, PricingContext, price_items
from apps.cart.services import cart_require_account_for
from apps.catalog.models import Sku
from apps.catalog.services import OutOfStock as OutOfStock
from apps.catalog.services import sku_stock_release, sku_stock_take
from apps.core import statemachine
from apps.core.choices import PaymentMethod, ShippingMethod
from apps.core.money import money
from apps.core.outbox import outbox_enqueue
from apps.members.models import TierEvent
from apps.members.services import member_recompute_tier_on_commit, membership_sync_on_commit
from apps.orders.choices import FulfilmentStatus, PaymentStatus, StateMachine
from apps.orders.models import Order, OrderEvent, OrderLine, PickupPoint, new_order_number
from apps.points import services as points_services
from apps.points.pricing import RULE_NAME as POINTS_RULE
from apps.points.rules import points_for_amount
from apps.promotions import services as promotion_services
from apps.referrals import services as referral_services

logger = logging.getLogger(__name__)

PS = PaymentStatus
FS = FulfilmentStatus
# Two machines, one table each; only order_payment_transition and
# order_fulfilment_transition assign the statuses.
PAYMENT_TRANSITIONS: dict[str, set[str]] = {
    PS.UNPAID: {PS.PAID},
    PS.PAID: {PS.PARTLY_REFUNDED, PS.REFUNDED},
    # A partly refunded order may be refunded a little more (a second return, say).
    PS.PARTLY_REFUNDED: {PS.PARTLY_REFUNDED, PS.REFUNDED},
    PS.REFUNDED: set(),
}
FULFILMENT_TRANSITIONS: dict[str, set[str]] = {
    # Cash-on-delivery orders start at TO_PICK; the others once paid.
    FS.AWAITING_PAYMENT: {FS.TO_PICK, FS.CANCELLED},
    # Completed at once when nothing is to be shipped (an order of paid memberships only).
    FS.TO_PICK: {FS.PICKING, FS.CANCELLED, FS.COMPLETED},
    FS.PICKING: {FS.SHIPPED, FS.CANCELLED},
    FS.SHIPPED: {FS.DELIVERED},
    # Completed once the return window is over (orders_complete_delivered).
    FS.DELIVERED: {FS.COMPLETED},
    FS.COMPLETED: set(),
    FS.CANCELLED: set(),
}
# The order still holds its stock (not shipped, not given back) in these states.
HOLDS_STOCK = {FS.AWAITING_PAYMENT, FS.TO_PICK, FS.PICKING}
# Money has come in and not all of it has gone back.
HOLDS_MONEY = {PS.PAID, PS.PARTLY_REFUNDED}


class OrderError(Exception):
    """An order change refused, with a message for the shopper or operator."""


class InvalidTransition(OrderError, statemachine.InvalidTransition):
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
    pickup_point_id: int | None = None


def _record(
    order: Order,
    *,
    kind: str,
    actor=None,
    note: str = "",
    machine: str = "",
    before: str = "",
    after: str = "",
) -> None:
    OrderEvent.objects.create(
        order=order,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        machine=machine,
        from_status=before,
        to_status=after,
        note=note,
    )


def _email_after_commit(order: Order, kind: str) -> None:
    from apps.orders.tasks import order_email_send

    outbox_enqueue(order_email_send, order_id=order.pk, kind=kind)


MACHINES = {
    StateMachine.PAYMENT: ("payment_status", PAYMENT_TRANSITIONS, dict(PaymentStatus.choices)),
    StateMachine.FULFILMENT: (
        "fulfilment_status",
        FULFILMENT_TRANSITIONS,
        dict(FulfilmentStatus.choices),
    ),
}


def _transition(
    *, machine: str, order: Order, to_status: str, actor, note: str, email: str, changes: dict
) -> Order:
    field, table, labels = MACHINES[machine]
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        before = getattr(locked, field)
        statemachine.transition_check(
            table,
            current=before,
            target=to_status,
            labels=labels,
            error=InvalidTransition,
            message=_("An order that is “%(from)s” cannot become “%(to)s”."),
        )
        setattr(locked, field, to_status)
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save()
        _record(
            locked,
            kind=OrderEvent.Kind.STATUS,
            actor=actor,
            note=note,
            machine=machine,
            before=before,
            after=to_status,
        )
        if email:
            _email_after_commit(locked, email)
    logger.info(
        "order.transition",
        extra={"order_id": locked.pk, "machine": machine, "from": before, "to": to_status},
    )
    return locked


def order_payment_transition(
    *, order: Order, to_status: str, actor=None, note: str = "", email: str = "", **changes
) -> Order:
    """Move the order's payment status (unpaid, paid, partly refunded, refunded) as
    PAYMENT_TRANSITIONS allows: locks the row, saves `changes` with it, writes an order event
    and queues the `email` after commit. Nothing else assigns payment_status. The member's
    VIP tier is recounted after commit, since their 12-month spend changed."""
    changed = _transition(
        machine=StateMachine.PAYMENT,
        order=order,
        to_status=to_status,
        actor=actor,
        note=note,
        email=email,
        changes=changes,
    )
    paid = to_status == PS.PAID
    member_recompute_tier_on_commit(
        member_id=changed.member_id,
        cause=TierEvent.Cause.ORDER_PAID if paid else TierEvent.Cause.ORDER_REFUNDED,
        order=changed,
    )
    # Paid memberships (apps.members): granted, shortened or revoked with the order's money.
    membership_sync_on_commit(order_id=changed.pk)
    # Points earned on the order, and taken back or given back on a refund (apps.points).
    points_services.points_sync_for_order_on_commit(order_id=changed.pk)
    # The sharer's reward for an order placed through their link (apps.referrals).
    referral_services.referral_sync_for_order_on_commit(order_id=changed.pk)
    return changed


def order_fulfilment_transition(
    *, order: Order, to_status: str, actor=None, note: str = "", email: str = "", **changes
) -> Order:
    """Move the order's fulfilment status (to pack, packing, shipped, delivered, completed,
    cancelled) as FULFILMENT_TRANSITIONS allows, the same way. Nothing else assigns
    fulfilment_status."""
    return _transition(
        machine=StateMachine.FULFILMENT,
        order=order,
        to_status=to_status,
        actor=actor,
        note=note,
        email=email,
        changes=changes,
    )


def _release_stock(order: Order, quantities: dict[int, int]) -> None:
    """Give units the order held back on sale ({SKU id: quantity}) through the catalog."""
    skus = Sku.objects.filter(pk__in=[pk for pk, quantity in quantities.items() if quantity])
    sku_stock_release(quantities={sku: quantities[sku.pk] for sku in skus})


def order_place(
    *,
    cart: Cart,
    details: CheckoutDetails,
    idempotency_key: str,
    member=None,
    language: str = "zh-hans",
    coupon_codes: tuple[str, ...] = (),
    points_to_redeem: int = 0,
    referral_click=None,
) -> Order:
    """Turn the cart into an order in one transaction: re-price, snapshot the lines, empty the
    cart, take the points it is paid with and reserve stock (conditional updates in
    primary-key order, never below zero). The same idempotency key always gives back the same
    single order: a concurrent copy waits on the key's unique index and then returns the
    winner's order. Points the member no longer has (another order took them) refuse the
    order, so it never costs more than the review page said. `referral_click` (a shared link
    the shopper opened, apps.referrals.links) attributes the order to its sharer. Details that
    no longer fit the cart's delivery are refused (checkout_delivery_problem); an order with
    nothing to deliver keeps no address. A guest cart holding what only members buy (a
    membership) is refused with apps.cart's AccountNeeded."""
    for _attempt in range(3):
        try:
            return _order_place_once(
                cart=cart,
                details=details,
                idempotency_key=idempotency_key,
                member=member,
                language=language,
                coupon_codes=coupon_codes,
                points_to_redeem=points_to_redeem,
                referral_click=referral_click,
            )
        except _OrderNumberTaken:
            # Two orders drew the same random number at once: draw again.
            logger.warning("order.number_collision")
    raise OrderError(_("We could not place the order. Please try again."))


class _OrderNumberTaken(Exception):
    pass


def _points_changed_message() -> str:
    return _("Your points balance has changed. Please check the points to use and try again.")


def checkout_delivery_problem(*, details: CheckoutDetails, pricing: Pricing) -> str:
    """Why these checkout details no longer fit the cart as priced ("" when they do): the
    delivery follows the goods. A cart with nothing to deliver (a paid membership) is
    ordered with no delivery, and never paid in cash on delivery (no parcel to pay for); a
    cart with goods to deliver needs a courier or pickup. Review and order_place both ask."""
    no_delivery = details.shipping_method == ShippingMethod.NONE
    if pricing.needs_delivery and no_delivery:
        return _("Your cart now holds goods to deliver. Please choose the delivery again.")
    if not pricing.needs_delivery and not no_delivery:
        return _("Nothing in your cart needs delivery now. Please check the details again.")
    if no_delivery and details.payment_method == PaymentMethod.CASH_ON_DELIVERY:
        return _(
            "Cash on delivery is only for goods we deliver. Please choose another payment method."
        )
    return ""


# What an order with nothing to deliver keeps of an address: nothing.
NO_ADDRESS = dict.fromkeys(
    ("province", "city", "district", "region_code", "street", "postal_code"), ""
)


def _pickup_snapshot(*, details: CheckoutDetails, language: str) -> dict:
    """The pickup point's details as the order keeps them, in the order's language. A pickup
    order needs a point still offered; a courier order keeps none."""
    if details.shipping_method != ShippingMethod.PICKUP:
        return {"pickup_point_id": None}
    point = PickupPoint.objects.filter(pk=details.pickup_point_id, is_active=True).first()
    if point is None:
        raise OrderError(_("That pickup point is no longer offered. Please choose another."))
    with translation.override(language):
        return {
            "pickup_point_id": point.pk,
            "pickup_name": point.name,
            "pickup_address": point.address,
            "pickup_hours": point.opening_hours,
            "pickup_phone": point.phone,
            "pickup_map_url": point.map_url,
        }


def _order_place_once(
    *,
    cart: Cart,
    details: CheckoutDetails,
    idempotency_key: str,
    member=None,
    language: str = "zh-hans",
    coupon_codes: tuple[str, ...] = (),
    points_to_redeem: int = 0,
    referral_click=None,
) -> Order:
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
                    points_to_redeem=points_to_redeem,
                    group_buy_id=cart.joining_group_buy,
                ),
            )
            problems = [f"{line.sku}: {line.problem}" for line in pricing.lines if line.problem]
            if problems:
                raise OutOfStock(" ".join(problems))
            # A guest cart holding a membership (joined from another session, say).
            cart_require_account_for(sku_ids=wanted, buyer=member)
            delivery_problem = checkout_delivery_problem(details=details, pricing=pricing)
            if delivery_problem:
                raise OrderError(delivery_problem)
            points_used = points_for_amount(pricing.discount_from(POINTS_RULE))
            if points_used < points_to_redeem:
                raise OrderError(_points_changed_message())
            pickup = _pickup_snapshot(details=details, language=language)
            online = details.payment_method == PaymentMethod.ONLINE
            cash_on_delivery = details.payment_method == PaymentMethod.CASH_ON_DELIVERY
            order = Order.objects.create(
                number=new_order_number(),
                # The starting states: cash-on-delivery orders are packed at once.
                payment_status=PS.UNPAID,
                fulfilment_status=FS.TO_PICK if cash_on_delivery else FS.AWAITING_PAYMENT,
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
                **{
                    **details.__dict__,
                    **pickup,
                    **({} if pricing.needs_delivery else NO_ADDRESS),
                },
            )
            OrderLine.objects.bulk_create(
                OrderLine(
                    order=order,
                    sku=line.sku,
                    product_name=line.sku.product.name,
                    sku_options=line.sku.options,
                    sku_code=line.sku.code,
                    unit_price=line.unit_price,
                    price_reason="; ".join(str(reason) for reason in line.price_reasons)[:200],
                    quantity=line.quantity,
                    discount_amount=line.discount_amount,
                    line_total=line.line_total,
                )
                for line in pricing.lines
            )
            cart.lines.all().delete()
            if points_used:
                try:
                    points_services.points_redeem(member=member, order=order, points=points_used)
                except points_services.PointsError:
                    raise OrderError(_points_changed_message()) from None
            referral_services.referral_attribute_order(order=order, click=referral_click)
            # Flash-sale units, the group buy, the offers used and the coupon's use
            # (apps.promotions).
            promotion_services.promotions_take_for_order(
                order=order, pricing=pricing, member=member, cart=cart
            )
            _record(
                order,
                kind=OrderEvent.Kind.STATUS,
                actor=member,
                note=_("Order placed."),
                machine=StateMachine.FULFILMENT,
                after=order.fulfilment_status,
            )
            # Stock is taken last, so the hot SKU rows stay locked only from here to commit.
            sku_stock_take(quantities={line.sku: line.quantity for line in pricing.lines})
            _email_after_commit(order, "placed")
    except IntegrityError:
        # The same form was posted twice at once and the other copy won the unique key.
        existing = Order.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            # Not the idempotency key: the only other unique column is the order number.
            raise _OrderNumberTaken from None
        return existing
    logger.info("order.placed", extra={"order_id": order.pk, "total": str(order.total_amount)})
    return order


def order_mark_paid(*, order: Order, provider: str, actor=None) -> bool:
    """Money for the order has been recorded (apps.payments; `provider` is its name as shoppers
    read it, e.g. "支付宝"): it becomes paid, and True is
    returned. Money for an order no longer awaiting payment (cancelled, or already paid
    another way) is not wanted: False, with an order event saying it goes back."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.payment_status != PS.UNPAID or locked.fulfilment_status == FS.CANCELLED:
            _record(
                locked,
                kind=OrderEvent.Kind.PAYMENT,
                actor=actor,
                note=_("Payment received while the order was “%(status)s”: refunded at once.")
                % {"status": locked.get_fulfilment_status_display()},
            )
            logger.warning("payment.unexpected", extra={"order_id": order.pk})
            return False
        paid = order_payment_transition(
            order=locked,
            to_status=PS.PAID,
            actor=actor,
            note=_("Payment received (%(provider)s).") % {"provider": provider},
            email="paid",
            paid_at=timezone.now(),
            expires_at=None,
        )
        if paid.fulfilment_status == FS.AWAITING_PAYMENT:
            ready = order_fulfilment_transition(order=paid, to_status=FS.TO_PICK, actor=actor)
            if not ready.needs_delivery:
                # Nothing to pack or ship (a membership): done once paid, so the order never
                # waits on the warehouse's list.
                order_fulfilment_transition(
                    order=ready,
                    to_status=FS.COMPLETED,
                    actor=actor,
                    note=_("Nothing to deliver."),
                )
    return True


def _refund_through_provider(order: Order, amount: Decimal) -> None:
    # The money goes back the way it came, after this transaction commits (apps.payments).
    from apps.payments.services import payment_refund_request

    payment_refund_request(order=order, amount=amount)


def order_cancel(*, order: Order, actor=None, reason: str = "") -> Order:
    """Cancel an order not yet shipped (partly refunded or not): what it still holds goes back
    on sale; money received and not yet refunded goes back in full."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.fulfilment_status not in HOLDS_STOCK:
            raise InvalidTransition(_("Only orders that have not shipped can be cancelled."))
        quantities: dict[int, int] = {}
        for line in locked.lines.all():
            remaining = line.quantity - line.refunded_quantity
            if remaining:
                quantities[line.sku_id] = quantities.get(line.sku_id, 0) + remaining
        refund = (
            locked.total_amount - locked.refunded_amount
            if locked.payment_status in HOLDS_MONEY
            else Decimal(0)
        )
        _release_stock(locked, quantities)
        if refund:
            locked = order_payment_transition(
                order=locked,
                to_status=PS.REFUNDED,
                actor=actor,
                note=_("Refunded %(amount)s.") % {"amount": f"¥{refund}"},
                refunded_amount=locked.refunded_amount + refund,
            )
            _record(
                locked,
                kind=OrderEvent.Kind.REFUND,
                actor=actor,
                note=_("Refunded %(amount)s.") % {"amount": f"¥{refund}"},
            )
            _refund_through_provider(locked, refund)
        cancelled = order_fulfilment_transition(
            order=locked,
            to_status=FS.CANCELLED,
            actor=actor,
            note=reason or _("Order cancelled."),
            email="cancelled",
            expires_at=None,
        )
        # Points it was paid with go back with the cancellation (apps.points).
        points_services.points_sync_for_order(order_id=cancelled.pk)
        # Flash-sale and group-buy units, and an unpaid order's coupon use, go back
        # (apps.promotions).
        promotion_services.promotions_release_for_order(order=cancelled)
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
        if locked.payment_status == PS.UNPAID:
            raise OrderError(_("Nothing has been paid for this order."))
        order_lines = {line.pk: line for line in locked.lines.select_for_update()}
        plan, amount, everything = _refund_plan(
            order=locked, order_lines=order_lines, lines=lines, keep_shipping=keep_shipping
        )
        unshipped = locked.fulfilment_status in HOLDS_STOCK
        restock: dict[int, int] = {}
        for line_id, (quantity, line_amount) in plan.items():
            line = order_lines[line_id]
            line.refunded_quantity += quantity
            line.refunded_amount += line_amount
            line.save(update_fields=["refunded_quantity", "refunded_amount"])
            if unshipped:
                restock[line.sku_id] = restock.get(line.sku_id, 0) + quantity
        if restock:
            _release_stock(locked, restock)
        refunded = order_payment_transition(
            order=locked,
            to_status=PS.REFUNDED if everything else PS.PARTLY_REFUNDED,
            actor=actor,
            note=note or _("Refunded %(amount)s.") % {"amount": f"¥{amount}"},
            email="refunded" if notify else "",
            refunded_amount=locked.refunded_amount + amount,
        )
        _record(
            refunded,
            kind=OrderEvent.Kind.REFUND,
            actor=actor,
            note=_("Refunded %(amount)s.") % {"amount": f"¥{amount}"},
        )
        _refund_through_provider(refunded, amount)
        if everything and unshipped:
            # Nothing is left to send: the order leaves the pick list.
            refunded = order_fulfilment_transition(
                order=refunded,
                to_status=FS.CANCELLED,
                actor=actor,
                note=_("Everything refunded before shipping."),
                expires_at=None,
            )
    return refunded


def order_start_picking(*, order: Order, actor=None) -> Order:
    return order_fulfilment_transition(order=order, to_status=FS.PICKING, actor=actor)


def order_mark_shipped(*, order: Order, carrier: str, tracking_number: str, actor=None) -> Order:
    """Record the carrier and tracking number and tell the customer by email."""
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    if not order.needs_delivery:
        raise OrderError(_("This order has nothing to deliver."))
    if order.shipping_method == ShippingMethod.COURIER and not (carrier and tracking_number):
        raise OrderError(_("Enter the carrier and the tracking number."))
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        if current.fulfilment_status == FS.TO_PICK:
            current = order_start_picking(order=current, actor=actor)
        return order_fulfilment_transition(
            order=current,
            to_status=FS.SHIPPED,
            actor=actor,
            note=f"{carrier} {tracking_number}".strip(),
            email="shipped",
            carrier=carrier,
            tracking_number=tracking_number,
            shipped_at=timezone.now(),
        )


def order_mark_delivered(*, order: Order, actor=None) -> Order:
    """The parcel arrived; a cash-on-delivery order is paid at the door."""
    with transaction.atomic():
        delivered = order_fulfilment_transition(
            order=order, to_status=FS.DELIVERED, actor=actor, delivered_at=timezone.now()
        )
        if (
            delivered.payment_method == PaymentMethod.CASH_ON_DELIVERY
            and delivered.payment_status == PS.UNPAID
        ):
            delivered = order_payment_transition(
                order=delivered,
                to_status=PS.PAID,
                actor=actor,
                note=_("Paid in cash on delivery."),
                paid_at=timezone.now(),
            )
    return delivered


def order_correct_contact(*, order: Order, actor, **fields) -> Order:
    """Correct the delivery address or phone before shipping; the old values are kept in an
    order event."""
    allowed = {"recipient_name", "phone", "province", "city", "district", "street", "postal_code"}
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.fulfilment_status not in HOLDS_STOCK:
            raise OrderError(_("The address of a shipped order can no longer be changed."))
        if not locked.needs_delivery:
            # Nothing is delivered: only the buyer's name and number, never an address.
            allowed = {"recipient_name", "phone"}
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
        fulfilment_status=FS.AWAITING_PAYMENT,
        payment_status=PS.UNPAID,
        payment_method=PaymentMethod.ONLINE,
        expires_at__lt=now,
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


def orders_complete_delivered(*, today=None) -> int:
    """Complete delivered orders whose return window is over (the last day to ask was before
    `today`, shop time) and that have no return or exchange still open. Run nightly by Celery
    beat and by `manage.py complete_orders`; running it twice changes nothing more."""
    from apps.aftersales.models import RETURN_OPEN_STATUSES

    today = today or timezone.localdate()
    # The return deadline is delivered_on + SHOP_RETURN_DAYS: delivered before this instant,
    # the window closed before today.
    delivered_before = timezone.make_aware(
        datetime.combine(today - timedelta(days=settings.SHOP_RETURN_DAYS), time.min)
    )
    due = (
        Order.objects.filter(fulfilment_status=FS.DELIVERED, delivered_at__lt=delivered_before)
        .exclude(return_requests__status__in=RETURN_OPEN_STATUSES)
        .values_list("pk", flat=True)
    )
    completed = 0
    for order_id in list(due):
        try:
            order_fulfilment_transition(
                order=Order(pk=order_id),
                to_status=FS.COMPLETED,
                note=_("Return window over."),
            )
        except InvalidTransition:
            continue  # completed meanwhile by another run
        completed += 1
    if completed:
        logger.info("orders.completed", extra={"count": completed})
    return completed

"""Every write to returns and exchanges (after-sales): the request with its photos, the
return state machine, and the outcomes of inspection (refund, replacement, rejection)."""

import logging
import os
from collections.abc import Sequence
from decimal import Decimal

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from apps.aftersales import selectors
from apps.aftersales.models import (
    ReturnEvent,
    ReturnKind,
    ReturnLine,
    ReturnPhoto,
    ReturnReason,
    ReturnRequest,
    ReturnStatus,
    ShippingPayer,
    new_return_number,
)
from apps.catalog.models import Sku
from apps.catalog.services import OutOfStock as OutOfStock
from apps.catalog.services import sku_stock_return, sku_stock_take
from apps.core import statemachine
from apps.core.choices import ShippingMethod
from apps.core.images import ImageRejected, image_reencode, image_upload_read
from apps.core.outbox import outbox_enqueue
from apps.members.models import TierEvent
from apps.members.services import member_recompute_tier_on_commit
from apps.orders.models import Order
from apps.orders.services import (
    InvalidTransition,
    OrderError,
    order_refund,
    order_refund_quote,
)

logger = logging.getLogger(__name__)

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
    from apps.aftersales.tasks import return_email_send

    outbox_enqueue(return_email_send, return_request_id=request.pk, step=request.status)


def return_next_steps(return_request: ReturnRequest) -> set[str]:
    """The statuses this request may move to now: its state machine's table, less the
    outcome that does not fit its kind (a refund for an exchange, a replacement for a
    return)."""
    return {
        to_status
        for to_status in statemachine.allowed_next(RETURN_TRANSITIONS, return_request.status)
        if RETURN_OUTCOME_KIND.get(to_status, return_request.kind) == return_request.kind
    }


def _return_check_transition(request: ReturnRequest, to_status: str) -> None:
    statemachine.transition_check(
        RETURN_TRANSITIONS,
        current=request.status,
        target=to_status,
        labels=dict(R.choices),
        error=InvalidTransition,
        message=_("A return that is “%(from)s” cannot become “%(to)s”."),
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
    try:
        return image_reencode(data=image_upload_read(upload))
    except ImageRejected as error:
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


def _return_restock(request: ReturnRequest, *, actor) -> None:
    """Goods inspected intact are saleable again: their quantities go back into stock (the
    SKUs the shopper sent back, not the replacements), logged as a return event."""
    back: dict[Sku, int] = {}
    for line in request.lines.select_related("order_line__sku"):
        back[line.order_line.sku] = back.get(line.order_line.sku, 0) + line.quantity
    sku_stock_return(quantities=back)
    skus = sorted(back, key=lambda sku: sku.pk)
    ReturnEvent.objects.create(
        request=request,
        actor=actor if actor is not None and actor.is_authenticated else None,
        from_status=request.status,
        to_status=request.status,
        note=_("Back in stock: %(items)s.")
        % {"items": ", ".join(f"{sku.code} × {back[sku]}" for sku in skus)},
    )
    logger.info(
        "return.restocked",
        extra={"return_id": request.pk, "skus": {sku.pk: back[sku] for sku in skus}},
    )


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
        # Queued before order_refund's own recount, so a tier change is recorded as a return.
        member_recompute_tier_on_commit(
            member_id=order.member_id, cause=TierEvent.Cause.ORDER_RETURNED, order=order
        )
        refunded = order_refund(
            order=order,
            actor=actor,
            note=_("Return %(number)s.") % {"number": locked.number},
            notify=False,
            **_return_refund_terms(locked),
        )
        amount = refunded.refunded_amount - refunded_before
        _return_restock(locked, actor=actor)
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
        skus = Sku.objects.select_related("product").filter(pk__in=sorted(wanted))
        try:
            sku_stock_take(quantities={sku: wanted[sku.pk] for sku in skus}, sold=False)
        except OutOfStock as error:
            raise OutOfStock(
                _("%(name)s is out of stock: the replacement cannot be sent yet.")
                % {"name": error.sku},
                sku=error.sku,
            ) from error
        _return_restock(locked, actor=actor)
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

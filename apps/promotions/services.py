"""Every write of apps.promotions: members claiming coupons, and what an order takes from
promotions when it is placed (a coupon use, drawn by a conditional update in the order's
transaction; the offers it used, for the figures) and gives back when it is cancelled unpaid.

Every write to flash sales and group buys.

Limited quantities are drawn by conditional updates (`quantity_left >= n`, F() expressions)
inside order placement's transaction (apps.orders.services.order_place calls
`promotions_take_for_order`), so a refused order leaves everything as it was, and given back
when an order is cancelled (`promotions_release_for_order`, from order_cancel).

A group buy takes its reserved units from stock when it is created (the catalog's stock
service, never sold). A joining order hands its units from the reserve back to stock, which
order placement then takes as for any sale; a joiner who cancels before settlement puts them
back into the reserve. Settlement (`group_buy_settle`, run by Celery beat and
`manage.py settle_group_buys`) locks the group buy and moves it out of "open" once: success
lets its paid orders go to the pick list (they are held off it while the group buy is open:
apps.orders.selectors.orders_for_packing), failure cancels and refunds every order; in both
cases what is left of the reserve goes back to stock."""

import logging
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.cart.models import Cart
from apps.cart.pricing import Pricing, price_floor
from apps.cart.services import CartError, cart_add
from apps.catalog.models import Sku
from apps.catalog.services import OutOfStock, sku_stock_return, sku_stock_take
from apps.core import pagecache
from apps.core.outbox import outbox_enqueue
from apps.orders.choices import FulfilmentStatus, PaymentStatus
from apps.orders.models import Order
from apps.promotions import selectors
from apps.promotions.coupons import coupon_check, normalize_code
from apps.promotions.models import (
    Campaign,
    Coupon,
    CouponClaim,
    CouponUse,
    FlashSale,
    FlashSaleClaim,
    GroupBuy,
    GroupBuyOrder,
    OfferUse,
)
from apps.promotions.offers import evaluate, running_offers
from apps.promotions.pricing import (
    COUPONS_RULE,
    OFFERS_RULE,
    flash_sale_applied,
    flash_sale_limit_message,
    group_buy_applied,
)

logger = logging.getLogger(__name__)


class PromotionError(Exception):
    """A promotion change refused, with a message for the shopper."""


@transaction.atomic
def coupon_claim(*, member, coupon_id, now=None) -> CouponClaim:
    """Keep a claimable, running coupon in the member's "My coupons" (claiming twice keeps
    the first claim)."""
    now = now or timezone.now()
    coupon = Coupon.objects.filter(pk=coupon_id, claimable=True, is_active=True).first()
    if coupon is None or not coupon.is_running(now):
        raise PromotionError(_("This coupon cannot be claimed now."))
    if coupon.uses_left is not None and coupon.uses_left <= 0:
        raise PromotionError(_("This coupon has been used up."))
    try:
        with transaction.atomic():
            claim, _created = CouponClaim.objects.get_or_create(coupon=coupon, member=member)
    except IntegrityError:
        # The same member claimed it twice at once.
        claim = CouponClaim.objects.get(coupon=coupon, member=member)
    return claim


def _order_error(message: str) -> Exception:
    # Lazy: apps.orders.services imports this module.
    from apps.orders.services import OrderError

    return OrderError(message)


def _offers_and_coupon_take(*, order, pricing, member=None) -> None:
    """Inside order placement's transaction: record the offers the order used and draw the
    coupon's use. The use is a conditional update (uses_left ≥ 1), so the last uses go to
    exactly as many orders; the row stays locked to commit, so the per-customer count read
    after it sees any other order of the same buyer. A code that no longer applies (or whose
    last use another buyer just took) refuses the order: it would cost more than the review
    page said."""
    member = member if member is not None and member.is_authenticated else None
    _record_offers(order=order, pricing=pricing)
    codes = pricing.context.coupon_codes
    if not codes:
        return
    lines = pricing.purchasable_lines
    check = coupon_check(
        code=codes[0],
        lines=lines,
        amounts=[line.line_total - _offer_share(line, pricing) for line in lines],
        context=pricing.context,
        email=order.email if member is None else "",
    )
    if not check.applies:
        raise _order_error(check.message)
    given = pricing.discount_from(COUPONS_RULE)
    if given <= 0:
        return  # the price guard took it all back: nothing used
    coupon = check.coupon
    drawn = (
        Coupon.objects.filter(pk=coupon.pk)
        .filter(Q(uses_left__isnull=True) | Q(uses_left__gte=1))
        .update(uses_left=F("uses_left") - 1)
    )
    if not drawn:
        raise _order_error(_("The code %(code)s has just been used up.") % {"code": coupon.code})
    limit = coupon.per_customer_limit
    used = CouponUse.objects.filter(coupon=coupon, released_at__isnull=True)
    used = used.filter(member=member) if member else used.filter(email__iexact=order.email)
    if limit and used.count() >= limit:
        raise _order_error(_("You have already used the code %(code)s.") % {"code": coupon.code})
    CouponUse.objects.create(
        coupon=coupon, order=order, member=member, email=order.email, amount=given
    )


def _offer_share(line, pricing) -> object:
    return sum(
        (
            share
            for index, share in line.discount_shares.items()
            if index < len(pricing.discounts) and pricing.discounts[index].rule == OFFERS_RULE
        ),
        0,
    )


def _record_offers(*, order, pricing) -> None:
    given = {
        applied.label: applied.amount
        for applied in pricing.discounts
        if applied.rule == OFFERS_RULE and applied.amount > 0
    }
    if not given:
        return
    verdict = evaluate(running_offers(pricing.context.now), pricing.purchasable_lines)
    uses = []
    for outcome in verdict.applied:
        amount = given.pop(outcome.offer.name, None)
        if amount:
            uses.append(OfferUse(offer_id=outcome.offer.id, order=order, amount=amount))
    OfferUse.objects.bulk_create(uses)


def _coupon_release(*, order, now=None) -> int:
    """An order cancelled before it was paid gives its coupon use back (once). Returns how
    many uses went back."""
    from apps.orders.choices import PaymentStatus

    if order.payment_status != PaymentStatus.UNPAID:
        return 0
    now = now or timezone.now()
    released = 0
    for use in CouponUse.objects.select_for_update().filter(order=order, released_at__isnull=True):
        use.released_at = now
        use.save(update_fields=["released_at"])
        Coupon.objects.filter(pk=use.coupon_id, uses_left__isnull=False).update(
            uses_left=F("uses_left") + 1
        )
        released += 1
    return released


def coupon_code_for_session(code: str) -> str:
    return normalize_code(code)


@transaction.atomic
def coupon_sync_uses_left(*, coupon_id: int) -> None:
    """After staff change a coupon's total uses: what is left is the total less the uses
    orders hold now (never below zero); no total, no limit. The row is locked, so an order
    drawing a use at the same moment waits."""
    coupon = Coupon.objects.select_for_update().get(pk=coupon_id)
    if coupon.total_uses is None:
        left = None
    else:
        held = CouponUse.objects.filter(coupon=coupon, released_at__isnull=True).count()
        left = max(coupon.total_uses - held, 0)
    Coupon.objects.filter(pk=coupon.pk).update(uses_left=left)


logger = logging.getLogger(__name__)


def _catalog_changed() -> None:
    # After commit: bumped earlier, a shopper could cache a page from the old rows.
    transaction.on_commit(lambda: pagecache.bump_version("catalog"))


def _refuse_order(message: str):
    # The order's own error, so checkout shows it as any refusal (imported here: orders
    # calls this module while placing).
    from apps.orders.services import OrderError

    raise OrderError(message)


# --- the price floor in admin --------------------------------------------------------------


def promotion_floor_problem(
    *, sku: Sku, price: Decimal, campaign: Campaign | None, label: str
) -> str:
    """Why this promotional price may not be saved (""): under the price floor of the SKU's
    list price, outside a major festival campaign. The admin forms and the services ask."""
    if price is None or sku is None:
        return ""
    floor = price_floor(sku.price)
    if price >= floor or (campaign is not None and campaign.is_major_festival):
        return ""
    return _(
        "%(label)s below the price floor: %(sku)s (list price ¥%(list)s, lowest ¥%(floor)s)."
        " Raise the price or put it in a major festival campaign."
    ) % {"label": label, "sku": f"{sku} ({sku.code})", "list": sku.price, "floor": floor}


# --- flash sales ---------------------------------------------------------------------------


@transaction.atomic
def flash_sale_save(*, flash_sale: FlashSale) -> FlashSale:
    """Create or change a flash sale. A new one has its whole quantity left; a changed
    quantity keeps what orders already bought (never less than that). Refused under the price
    floor outside a major festival campaign."""
    problem = promotion_floor_problem(
        sku=flash_sale.sku,
        price=flash_sale.price,
        campaign=flash_sale.campaign,
        label=_("Flash price"),
    )
    if problem:
        raise PromotionError(problem)
    if flash_sale.pk is None:
        flash_sale.quantity_left = flash_sale.quantity
    else:
        locked = FlashSale.objects.select_for_update().get(pk=flash_sale.pk)
        claimed = locked.quantity - locked.quantity_left
        if flash_sale.quantity < claimed:
            raise PromotionError(
                _("%(count)d units are already sold: the quantity cannot be lower.")
                % {"count": claimed}
            )
        flash_sale.quantity_left = flash_sale.quantity - claimed
    flash_sale.save()
    _catalog_changed()
    logger.info("flash_sale.saved", extra={"flash_sale_id": flash_sale.pk})
    return flash_sale


def _flash_sale_claims_take(*, order: Order, pricing: Pricing, member, now: datetime) -> None:
    order_lines = {line.sku_id: line for line in order.lines.all()}
    for line in pricing.purchasable_lines:
        if not flash_sale_applied(line):
            continue
        sale = selectors.flash_sale_on_sale(sku_id=line.sku.pk, now=now)
        if sale is None:
            _refuse_order(_flash_sale_gone_message(line.sku))
        taken = FlashSale.objects.filter(
            pk=sale.id,
            is_active=True,
            starts_at__lte=now,
            ends_at__gt=now,
            quantity_left__gte=line.quantity,
        ).update(quantity_left=F("quantity_left") - line.quantity)
        if not taken:
            _refuse_order(_flash_sale_gone_message(line.sku))
        # The flash sale's row stays locked by the update until commit, so two orders of
        # the same customer are counted one after the other.
        bought = selectors.flash_sale_bought(
            flash_sale_id=sale.id, member=member, email=order.email, phone=order.phone
        )
        if bought + line.quantity > sale.per_customer_limit:
            _refuse_order(
                f"{line.sku}: "
                + flash_sale_limit_message(limit=sale.per_customer_limit, bought=bought)
            )
        FlashSaleClaim.objects.create(
            flash_sale_id=sale.id,
            order=order,
            order_line=order_lines[line.sku.pk],
            member=order.member,
            email=order.email.strip(),
            phone=order.phone.strip(),
            quantity=line.quantity,
        )
        if not FlashSale.objects.filter(pk=sale.id, quantity_left__gt=0).exists():
            # The last units: pages stop showing the flash price once this commits.
            _catalog_changed()
        logger.info(
            "flash_sale.claimed",
            extra={"flash_sale_id": sale.id, "order_id": order.pk, "quantity": line.quantity},
        )


def _flash_sale_gone_message(sku) -> str:
    return _(
        "The flash sale of %(item)s has just sold out or ended, so its price has changed."
        " Please check your cart."
    ) % {"item": sku}


def _flash_sale_claims_release(*, order: Order, now: datetime) -> None:
    claims = list(
        FlashSaleClaim.objects.select_for_update()
        .filter(order=order, released_at__isnull=True)
        .order_by("flash_sale_id")
    )
    for claim in claims:
        FlashSale.objects.filter(pk=claim.flash_sale_id).update(
            quantity_left=F("quantity_left") + claim.quantity
        )
        claim.released_at = now
        claim.save(update_fields=["released_at"])
    if claims:
        _catalog_changed()


# --- group buys ----------------------------------------------------------------------------


@transaction.atomic
def group_buy_create(
    *,
    sku: Sku,
    price: Decimal,
    target_buyers: int,
    deadline: datetime,
    reserved_quantity: int,
    campaign: Campaign | None = None,
) -> GroupBuy:
    """Open a group buy, taking its reserved units off the SKU's stock (not sold: they go
    back with settlement). Refused under the price floor outside a major festival campaign,
    with a deadline already past, or with too little stock."""
    problem = promotion_floor_problem(
        sku=sku, price=price, campaign=campaign, label=_("Deal price")
    )
    if problem:
        raise PromotionError(problem)
    if deadline <= timezone.now():
        raise PromotionError(_("The deadline must be in the future."))
    if reserved_quantity < 1:
        raise PromotionError(_("Reserve at least one unit."))
    try:
        sku_stock_take(quantities={sku: reserved_quantity}, sold=False)
    except OutOfStock as error:
        raise PromotionError(
            _("Not enough stock of %(sku)s to reserve %(count)d units.")
            % {"sku": sku, "count": reserved_quantity}
        ) from error
    group_buy = GroupBuy.objects.create(
        sku=sku,
        price=price,
        target_buyers=target_buyers,
        deadline=deadline,
        reserved_quantity=reserved_quantity,
        reserved_left=reserved_quantity,
        campaign=campaign,
    )
    _catalog_changed()
    logger.info("group_buy.created", extra={"group_buy_id": group_buy.pk})
    return group_buy


@transaction.atomic
def group_buy_update(*, group_buy: GroupBuy) -> GroupBuy:
    """Save what may change on an open group buy (price, deadline, campaign, target); its
    reserve stays as it was created."""
    problem = promotion_floor_problem(
        sku=group_buy.sku,
        price=group_buy.price,
        campaign=group_buy.campaign,
        label=_("Deal price"),
    )
    if problem:
        raise PromotionError(problem)
    group_buy.save(update_fields=["price", "deadline", "campaign", "target_buyers", "updated_at"])
    _catalog_changed()
    return group_buy


def group_buy_cart_join(*, cart: Cart, group_buy_id) -> GroupBuy:
    """The shopper joins a group buy from its product page: their cart now checks out for it
    (the deal price on its SKU) and holds one unit of it. Refused when it is closed or has no
    units left."""
    try:
        group_buy = GroupBuy.objects.select_related("sku").get(pk=int(group_buy_id))
    except (TypeError, ValueError, GroupBuy.DoesNotExist) as error:
        raise PromotionError(_("That group buy does not exist.")) from error
    if not group_buy.is_open() or group_buy.reserved_left <= 0:
        raise PromotionError(_("This group buy is closed."))
    with transaction.atomic():
        Cart.objects.filter(pk=cart.pk).update(joining_group_buy=group_buy.pk)
        cart.joining_group_buy = group_buy.pk
        if not cart.lines.filter(sku=group_buy.sku).exists():
            try:
                cart_add(cart=cart, sku_id=group_buy.sku_id, quantity=1)
            except CartError as error:
                raise PromotionError(str(error)) from error
    return group_buy


def _group_buy_join(*, order: Order, pricing: Pricing, cart: Cart, now: datetime) -> None:
    if cart.joining_group_buy is None:
        return
    joining = [line for line in pricing.purchasable_lines if group_buy_applied(line)]
    if not joining:
        return  # the group buy's item left the cart, or the deal closed: a normal order
    if len(pricing.purchasable_lines) > 1:
        _refuse_order(
            _(
                "A group-buy order holds only the group-buy item. Remove the other items"
                " (order them separately) and try again."
            )
        )
    line = joining[0]
    taken = GroupBuy.objects.filter(
        pk=cart.joining_group_buy,
        sku_id=line.sku.pk,
        status=GroupBuy.Status.OPEN,
        deadline__gt=now,
        reserved_left__gte=line.quantity,
    ).update(reserved_left=F("reserved_left") - line.quantity, buyers_count=F("buyers_count") + 1)
    if not taken:
        _refuse_order(
            _("The group buy of %(item)s has closed or has no units left. Please check your cart.")
            % {"item": line.sku}
        )
    # The reserved units go back on the shelf, for order placement to take as sold.
    sku_stock_return(quantities={line.sku: line.quantity})
    GroupBuyOrder.objects.create(
        group_buy_id=cart.joining_group_buy, order=order, quantity=line.quantity
    )
    Cart.objects.filter(pk=cart.pk).update(joining_group_buy=None)
    _catalog_changed()
    logger.info(
        "group_buy.joined", extra={"group_buy_id": cart.joining_group_buy, "order_id": order.pk}
    )


def _group_buy_leave(*, order: Order, now: datetime) -> None:
    link = (
        GroupBuyOrder.objects.select_for_update()
        .select_related("group_buy__sku")
        .filter(order=order, left_at__isnull=True)
        .first()
    )
    if link is None:
        return
    back_in_reserve = GroupBuy.objects.filter(
        pk=link.group_buy_id, status=GroupBuy.Status.OPEN
    ).update(reserved_left=F("reserved_left") + link.quantity, buyers_count=F("buyers_count") - 1)
    if back_in_reserve:
        # The cancelled order gave its units to stock: they return to the group buy.
        sku_stock_take(quantities={link.group_buy.sku: link.quantity}, sold=False)
    link.left_at = now
    link.save(update_fields=["left_at"])
    _catalog_changed()


# --- the hooks order placement and cancellation call ------------------------------------


def _flash_and_group_buy_take(*, order: Order, pricing: Pricing, member, cart: Cart) -> None:
    """Inside order placement's transaction: take the flash-sale units the order was priced
    with (per customer limits checked) and join the group buy the cart checks out for.
    Refused (the order's OrderError) when a flash sale sold out meanwhile, the limit is
    reached or the group buy closed; the whole order then rolls back."""
    now = timezone.now()
    _flash_sale_claims_take(
        order=order,
        pricing=pricing,
        member=member if member is not None and member.is_authenticated else None,
        now=now,
    )
    _group_buy_join(order=order, pricing=pricing, cart=cart, now=now)


def _flash_and_group_buy_release(*, order: Order) -> None:
    """Inside order cancellation's transaction: flash-sale units go back to their sale, and
    the order leaves its group buy (its units back to the reserve while it is open)."""
    now = timezone.now()
    _flash_sale_claims_release(order=order, now=now)
    _group_buy_leave(order=order, now=now)


# --- settlement ------------------------------------------------------------------------------


def _paid_before_deadline(order: Order, deadline: datetime) -> bool:
    return (
        order.payment_status in (PaymentStatus.PAID, PaymentStatus.PARTLY_REFUNDED)
        and order.paid_at is not None
        and order.paid_at < deadline
        and order.fulfilment_status != FulfilmentStatus.CANCELLED
    )


def group_buy_settle(*, group_buy_id: int, now: datetime | None = None) -> bool:
    """Settle a group buy once its deadline has come (at the deadline itself too): with at
    least `target_buyers` orders paid before the deadline it succeeds and those orders go to
    the pick list (unpaid ones are cancelled); otherwise it fails, and every order is
    cancelled and refunded through its gateway and its buyer emailed. What is left of the
    reserve goes back to stock. The row is locked and the status moves only from "open", so
    running it twice, or at once, settles it once: True when this call settled it."""
    from apps.orders.services import InvalidTransition, order_cancel

    now = now or timezone.now()
    with transaction.atomic():
        group_buy = GroupBuy.objects.select_for_update().select_related("sku").get(pk=group_buy_id)
        if group_buy.status != GroupBuy.Status.OPEN or now < group_buy.deadline:
            return False
        links = list(
            group_buy.links.filter(left_at__isnull=True).select_related("order").order_by("pk")
        )
        paid = [link for link in links if _paid_before_deadline(link.order, group_buy.deadline)]
        succeeded = len(paid) >= group_buy.target_buyers
        group_buy.status = GroupBuy.Status.SUCCEEDED if succeeded else GroupBuy.Status.FAILED
        group_buy.settled_at = now
        group_buy.save(update_fields=["status", "settled_at", "updated_at"])
        to_cancel = [link for link in links if not succeeded or link not in paid]
        reason = (
            _("The group buy closed before this order was paid.")
            if succeeded
            else _("The group buy did not reach %(count)d buyers.")
            % {"count": group_buy.target_buyers}
        )
        for link in to_cancel:
            try:
                order_cancel(order=link.order, reason=reason)
            except InvalidTransition:
                logger.warning(
                    "group_buy.order_not_cancelled",
                    extra={"group_buy_id": group_buy.pk, "order_id": link.order_id},
                )
                continue
            if not succeeded:
                from apps.promotions.tasks import group_buy_email_send

                outbox_enqueue(
                    group_buy_email_send, group_buy_id=group_buy.pk, order_id=link.order_id
                )
        left = GroupBuy.objects.get(pk=group_buy.pk).reserved_left
        if left:
            GroupBuy.objects.filter(pk=group_buy.pk).update(reserved_left=0)
            sku_stock_return(quantities={group_buy.sku: left})
        _catalog_changed()
    logger.info(
        "group_buy.settled",
        extra={"group_buy_id": group_buy.pk, "status": group_buy.status, "paid": len(paid)},
    )
    return True


def group_buys_settle_due(*, now: datetime | None = None) -> int:
    """Settle every open group buy whose deadline has come; returns how many were settled.
    Safe to run at any time and twice."""
    now = now or timezone.now()
    due = list(
        GroupBuy.objects.filter(status=GroupBuy.Status.OPEN, deadline__lte=now)
        .order_by("deadline", "pk")
        .values_list("pk", flat=True)
    )
    settled = 0
    for group_buy_id in due:
        settled += group_buy_settle(group_buy_id=group_buy_id, now=now)
    if settled:
        logger.info("group_buys.settled", extra={"count": settled})
    return settled


# --- the two hooks apps.orders calls ----------------------------------------------------


def promotions_take_for_order(*, order: Order, pricing: Pricing, member, cart: Cart) -> None:
    """Inside order placement's transaction: the flash-sale units and group buy the order was
    priced with, then the offers it used and its coupon's use. Any refusal raises the
    order's OrderError and the whole order rolls back."""
    _flash_and_group_buy_take(order=order, pricing=pricing, member=member, cart=cart)
    _offers_and_coupon_take(order=order, pricing=pricing, member=member)


def promotions_release_for_order(*, order: Order) -> None:
    """Inside order cancellation's transaction, once the order is cancelled: flash-sale
    units and a group buy's reserved units go back, and an order cancelled unpaid gives its
    coupon use back."""
    _flash_and_group_buy_release(order=order)
    _coupon_release(order=order)

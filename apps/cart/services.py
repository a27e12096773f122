"""Every write to carts: add, change quantity, remove, empty, merge at login."""

import logging

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from apps.cart.models import Cart, CartLine
from apps.cart.pricing import (
    LineProblem,
    PricedLine,
    PricingContext,
    price_for_cart,
    quantity_limit,
)
from apps.cart.selectors import CART_OWNER
from apps.catalog.models import Sku
from apps.members.selectors import skus_needing_account

logger = logging.getLogger(__name__)

SESSION_CART_ID = "cart_id"
SESSION_CART_COUNT = "cart_count"


class CartError(Exception):
    """A cart change refused, with a message for the shopper."""


class AccountNeeded(CartError):
    """A guest asked for something only a signed-in member may buy: they log in (or sign
    up) first and come back."""

    def __init__(self, message: str = ""):
        super().__init__(message or _("Log in or sign up to buy a membership."))


def cart_require_account_for(*, sku_ids, buyer) -> None:
    """Refuse (AccountNeeded) a guest who would buy a SKU that needs an account (a paid
    membership, apps.members). Checked before a guest's add, so they get no cart for it, and
    again at checkout for a guest cart that holds one anyway. Members pass without a query;
    ids that are not numbers are left for the add itself to refuse."""
    if buyer is not None and getattr(buyer, "is_authenticated", False):
        return
    wanted = set()
    for sku_id in sku_ids:
        try:
            wanted.add(int(sku_id))
        except (TypeError, ValueError):
            continue
    if skus_needing_account(wanted):
        raise AccountNeeded


def cart_for_request(request, *, create: bool = False) -> Cart | None:
    """The member's cart, or the guest cart kept in the session."""
    if request.user.is_authenticated:
        if create:
            return Cart.objects.get_or_create(member=request.user)[0]
        return Cart.objects.filter(member=request.user).first()
    cart_id = request.session.get(SESSION_CART_ID)
    cart = Cart.objects.filter(pk=cart_id, member__isnull=True).first() if cart_id else None
    if cart is None and create:
        cart = Cart.objects.create()
        request.session[SESSION_CART_ID] = cart.pk
    return cart


def _buyer(cart: Cart, buyer):
    if buyer is CART_OWNER:
        return cart.member if cart.member_id else None
    return buyer


def _context(cart: Cart, buyer) -> PricingContext:
    return PricingContext(buyer=_buyer(cart, buyer), group_buy_id=cart.joining_group_buy)


def _priced_for_sale(sku_id, *, cart: Cart, buyer) -> PricedLine:
    """The SKU priced for this buyer; refused when pricing says it cannot be sold at all."""
    try:
        sku = Sku.objects.select_related("product").get(pk=int(sku_id))
    except (TypeError, ValueError, Sku.DoesNotExist) as error:
        raise CartError(_("Please choose an option first.")) from error
    priced = price_for_cart(sku=sku, quantity=1, context=_context(cart, buyer))
    if priced.problem_code in (LineProblem.WITHDRAWN, LineProblem.SOLD_OUT):
        raise CartError(priced.problem)
    return priced


def _parse_quantity(quantity) -> int:
    """A whole number of 0 or more; more than can be bought is capped by the caller, which
    then says how many the cart holds."""
    try:
        value = int(quantity)
    except (TypeError, ValueError) as error:
        raise CartError(_("Please enter a whole number.")) from error
    if value < 0:
        raise CartError(_("Please enter a quantity of 0 or more."))
    return value


def cart_add(*, cart: Cart, sku_id, quantity=1, buyer=CART_OWNER) -> tuple[CartLine, bool]:
    """Add to the cart, never beyond stock; returns the line and whether it was capped. The
    line remembers the unit price this buyer was shown, so a later change can be pointed out."""
    priced = _priced_for_sale(sku_id, cart=cart, buyer=buyer)
    sku = priced.sku
    wanted = _parse_quantity(quantity)
    if wanted == 0:
        raise CartError(_("Please enter a quantity of at least 1."))
    with transaction.atomic():
        line = CartLine.objects.select_for_update().filter(cart=cart, sku=sku).first()
        current = line.quantity if line else 0
        new_quantity = min(current + wanted, priced.max_quantity)
        capped = new_quantity < current + wanted
        if line:
            line.quantity, line.price_seen = new_quantity, priced.unit_price
            line.save(update_fields=["quantity", "price_seen"])
        else:
            line = CartLine.objects.create(
                cart=cart, sku=sku, quantity=new_quantity, price_seen=priced.unit_price
            )
        Cart.objects.filter(pk=cart.pk).update(updated_at=line.added_at)
    return line, capped


def cart_set_quantity(*, cart: Cart, sku_id, quantity, buyer=CART_OWNER) -> int:
    """Set a line's quantity (0 removes it), capped by stock; returns the quantity kept. The
    shopper has now seen the current price, so it becomes the price seen."""
    wanted = _parse_quantity(quantity)
    line = (
        CartLine.objects.select_related("sku", "sku__product")
        .filter(cart=cart, sku_id=sku_id)
        .first()
    )
    if line is None:
        raise CartError(_("That item is no longer in your cart."))
    if wanted == 0:
        line.delete()
        return 0
    priced = price_for_cart(sku=line.sku, quantity=wanted, context=_context(cart, buyer))
    # A sold-out or withdrawn line keeps what was asked: the cart shows why it cannot be bought.
    kept = max(min(wanted, priced.max_quantity), 1) if priced.max_quantity > 0 else wanted
    line.quantity = kept
    line.price_seen = priced.unit_price
    line.save(update_fields=["quantity", "price_seen"])
    return kept


def cart_remove(*, cart: Cart, sku_id) -> None:
    CartLine.objects.filter(cart=cart, sku_id=sku_id).delete()


def cart_clear(*, cart: Cart) -> None:
    cart.lines.all().delete()


def cart_merge(*, guest_cart: Cart, member) -> Cart:
    """Move a guest cart into the member's cart at login: quantities add up, capped by stock."""
    with transaction.atomic():
        member_cart, _created = Cart.objects.get_or_create(member=member)
        if guest_cart.pk == member_cart.pk:
            return member_cart
        for line in guest_cart.lines.select_related("sku"):
            updated = CartLine.objects.filter(cart=member_cart, sku=line.sku).update(
                quantity=F("quantity") + line.quantity
            )
            if not updated:
                try:
                    with transaction.atomic():
                        CartLine.objects.create(
                            cart=member_cart,
                            sku=line.sku,
                            quantity=line.quantity,
                            price_seen=line.price_seen,
                        )
                except IntegrityError:
                    logger.info("cart.merge_race", extra={"cart_id": member_cart.pk})
        for line in member_cart.lines.select_related("sku"):
            cap = max(quantity_limit(line.sku), 1)
            if line.quantity > cap:
                line.quantity = cap
                line.save(update_fields=["quantity"])
        if guest_cart.joining_group_buy is not None:
            # The guest joined a group buy before logging in: the member's cart joins it.
            member_cart.joining_group_buy = guest_cart.joining_group_buy
            member_cart.save(update_fields=["joining_group_buy"])
        guest_cart.delete()
    return member_cart


def cart_item_count(*, cart: Cart | None) -> int:
    if cart is None:
        return 0
    return sum(cart.lines.values_list("quantity", flat=True))


def cart_remember_count(request, cart: Cart | None, *, count: int | None = None) -> None:
    """Keep the header's item count in the session so pages show it without a query. A count
    the caller already has (the cart page's priced lines) saves the query; an unchanged count
    leaves the session unwritten. An empty cart stores nothing (and forgets a stored count):
    a guest who only looked at an empty cart keeps getting cached pages, which need a visitor
    without a session."""
    if count is None:
        count = cart_item_count(cart=cart)
    if count == 0:
        if SESSION_CART_COUNT in request.session:
            del request.session[SESSION_CART_COUNT]
        return
    if request.session.get(SESSION_CART_COUNT) != count:
        request.session[SESSION_CART_COUNT] = count

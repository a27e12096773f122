"""The points arithmetic, pure (no query): how many points an amount earns, what a number of
points pays, and the most points an order may take. Services, the pricing rule and the
checkout page all call these, so the rule lives in one place."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal

from django.conf import settings

from apps.cart.pricing import price_floor
from apps.core.money import CENT

ZERO = Decimal("0.00")


def points_earned_for(amount: Decimal, multiplier: Decimal = Decimal(1)) -> int:
    """Points for `amount` yuan paid for goods: SHOP_POINTS_PER_YUAN per yuan times the
    tier's multiplier, rounded down to a whole point."""
    if amount <= 0:
        return 0
    return int(
        (Decimal(amount) * settings.SHOP_POINTS_PER_YUAN * multiplier).to_integral_value(
            rounding=ROUND_DOWN
        )
    )


def amount_for_points(points: int) -> Decimal:
    """What `points` pay at checkout (100 points = ¥1), rounded down to the cent."""
    rate = settings.SHOP_POINTS_PER_YUAN_REDEEMED
    return (Decimal(max(points, 0)) / rate).quantize(CENT, rounding=ROUND_DOWN)


def points_for_amount(amount: Decimal) -> int:
    """The points that pay `amount` (the inverse of amount_for_points, rounded up)."""
    rate = settings.SHOP_POINTS_PER_YUAN_REDEEMED
    return int((Decimal(amount) * rate).to_integral_value(rounding=ROUND_CEILING))


@dataclass(frozen=True)
class PointsOffer:
    """What points can do for an order: use `points`, save `amount`."""

    points: int
    amount: Decimal


NO_OFFER = PointsOffer(points=0, amount=ZERO)


def points_cap_amount(lines: Sequence) -> Decimal:
    """The most an order's points may pay: SHOP_POINTS_MAX_REDEEM_PERCENT of the goods after
    every other discount, and never so much that the goods cost less than the sum of their
    price floors (apps.cart.pricing.price_floor). `lines` are priced lines (PricedLine)."""
    goods = sum((line.paid_amount for line in lines), ZERO)
    floor = sum((price_floor(line.list_price) * line.quantity for line in lines), ZERO)
    share = goods * settings.SHOP_POINTS_MAX_REDEEM_PERCENT / 100
    cap = min(share, goods - floor)
    return max(cap, ZERO).quantize(CENT, rounding=ROUND_DOWN)


def points_offer(*, lines: Sequence, available: int) -> PointsOffer:
    """The most of `available` points an order of these lines can use, and what they save."""
    if available <= 0:
        return NO_OFFER
    cap_points = int(
        (points_cap_amount(lines) * settings.SHOP_POINTS_PER_YUAN_REDEEMED).to_integral_value(
            rounding=ROUND_DOWN
        )
    )
    amount = amount_for_points(min(available, cap_points))
    if amount <= 0:
        return NO_OFFER
    return PointsOffer(points=points_for_amount(amount), amount=amount)


def order_refunded_share(order) -> Decimal:
    """How much of an order's money went back, 0 to 1: all of it for a refunded order or an
    unpaid one that was cancelled, else refunded / total."""
    from apps.orders.choices import FulfilmentStatus, PaymentStatus

    if order.payment_status == PaymentStatus.REFUNDED:
        return Decimal(1)
    if order.payment_status == PaymentStatus.UNPAID:
        return Decimal(1 if order.fulfilment_status == FulfilmentStatus.CANCELLED else 0)
    if order.total_amount <= 0:
        return Decimal(0)
    return min(Decimal(order.refunded_amount) / Decimal(order.total_amount), Decimal(1))


def points_share(points: int, share: Decimal) -> int:
    """`share` (0 to 1) of `points`, rounded down to a whole point."""
    return int((Decimal(points) * share).to_integral_value(rounding=ROUND_DOWN))

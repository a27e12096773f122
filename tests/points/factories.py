import secrets
from datetime import timedelta

import factory
from django.conf import settings
from django.utils import timezone
from factory.django import DjangoModelFactory

from apps.orders import services as order_services
from apps.points import services
from apps.points.models import PointsAccount, PointsEntry, PointsTierRate
from tests.cart.factories import CartFactory, CartLineFactory
from tests.catalog.factories import SkuFactory
from tests.members.factories import TierFactory, UserFactory
from tests.orders.factories import checkout_details


class PointsAccountFactory(DjangoModelFactory):
    """An empty account: give points with `give_points`, which writes the ledger too."""

    class Meta:
        model = PointsAccount

    member = factory.SubFactory(UserFactory)
    balance = 0


class PointsEntryFactory(DjangoModelFactory):
    """A bare ledger line for read-only pages (admin lists, the member's ledger); balances
    come only from the services (give_points)."""

    class Meta:
        model = PointsEntry

    member = factory.SubFactory(UserFactory)
    kind = PointsEntry.Kind.ADJUSTED
    points = 100
    reason = "测试"
    expires_at = factory.LazyFunction(
        lambda: timezone.now() + timedelta(days=settings.SHOP_POINTS_EXPIRY_DAYS)
    )


class PointsTierRateFactory(DjangoModelFactory):
    class Meta:
        model = PointsTierRate

    tier = factory.SubFactory(TierFactory)


def give_points(member, points: int, *, now=None, reason: str = "开业礼") -> PointsEntry:
    """Points credited through the staff service (an entry with a reason and an actor)."""
    actor = UserFactory(is_staff=True)
    return services.points_adjust(member=member, points=points, reason=reason, actor=actor, now=now)


def checkout_with_points(*, member, points: int, items=None, **details):
    """A cart made ready (in this thread), and the call that places it with `points`. The
    cart is a session's (a member has one cart), so one member may check out several."""
    if items is None:
        items = [(SkuFactory(), 1)]
    cart = CartFactory()
    for sku, quantity in items:
        CartLineFactory(cart=cart, sku=sku, quantity=quantity)
    checkout = checkout_details(**details)
    key = secrets.token_urlsafe(24)
    return lambda: order_services.order_place(
        cart=cart, details=checkout, idempotency_key=key, member=member, points_to_redeem=points
    )


def place_with_points(*, member, points: int, items=None, **details):
    """An order placed through the real checkout service, paying `points` of it."""
    return checkout_with_points(member=member, points=points, items=items, **details)()

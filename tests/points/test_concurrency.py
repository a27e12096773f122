"""Two orders redeeming the whole balance at once, on real PostgreSQL: one wins, the other is
refused, and the balance never goes below zero."""

import pytest

from apps.orders import services as order_services
from apps.orders.models import Order
from apps.points.models import PointsAccount, PointsEntry
from tests.members.factories import UserFactory
from tests.orders.test_concurrency import run_at_once
from tests.points.factories import checkout_with_points, give_points

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_orders_redeeming_the_whole_balance_at_once_one_wins():
    member = UserFactory()
    give_points(member, 1200)
    orders = [checkout_with_points(member=member, points=1200) for _ in range(2)]

    results, errors = run_at_once(orders)

    assert len(results) == 1
    assert [type(error) for error in errors] == [order_services.OrderError]
    assert PointsAccount.objects.get(member=member).balance == 0
    assert PointsEntry.objects.filter(member=member, kind=PointsEntry.Kind.SPENT).count() == 1
    assert Order.objects.count() == 1


def test_many_orders_at_once_never_take_the_balance_below_zero():
    member = UserFactory()
    give_points(member, 3000)
    orders = [checkout_with_points(member=member, points=1000) for _ in range(8)]

    results, errors = run_at_once(orders)

    assert len(results) == 3
    assert len(errors) == 5
    assert PointsAccount.objects.get(member=member).balance == 0
    assert Order.objects.count() == 3

import pytest

from apps.members.demo import load_members
from apps.points.demo import load_points
from apps.points.models import PointsAccount, PointsEntry

pytestmark = pytest.mark.django_db


def test_demo_members_get_points_once():
    load_members()

    load_points()
    load_points()

    balances = dict(PointsAccount.objects.values_list("member__email", "balance"))
    assert balances == {
        "member1@example.com": 3580,
        "member2@example.com": 2640,
        "member3@example.com": 500,
    }
    assert PointsEntry.objects.count() == 5

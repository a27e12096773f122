"""Staff and points: the ledger, balances and the "adjust points" form, per role."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.points.models import PointsAccount, PointsEntry
from tests.members.factories import UserFactory
from tests.points.factories import PointsEntryFactory, give_points
from tests.staff.admin_forms import staff_client
from tests.staff.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


def adjust_url(member) -> str:
    return reverse("admin:points_adjust", args=[member.pk])


@pytest.mark.parametrize("role", ["aftersales_service", "store_manager"])
def test_after_sales_and_store_managers_adjust_points_with_a_reason(client, role):
    staff = StaffUserFactory(roles=[role])
    member = UserFactory()
    staff_client(client, staff)

    response = client.post(adjust_url(member), {"points": 300, "reason": "物流延误补偿"})

    assert response.status_code == 302
    entry = PointsEntry.objects.get(member=member)
    assert (entry.kind, entry.points, entry.reason, entry.actor) == (
        PointsEntry.Kind.ADJUSTED,
        300,
        "物流延误补偿",
        staff,
    )
    assert PointsAccount.objects.get(member=member).balance == 300


def test_an_adjustment_needs_a_reason(client):
    staff_client(client, StaffUserFactory(roles=["aftersales_service"]))
    member = UserFactory()

    response = client.post(adjust_url(member), {"points": 300, "reason": ""})

    assert response.status_code == 200
    assert PointsEntry.objects.filter(member=member).count() == 0


def test_taking_more_than_the_balance_is_refused_with_a_message(client):
    staff_client(client, StaffUserFactory(roles=["aftersales_service"]))
    member = UserFactory()
    give_points(member, 100)

    response = client.post(adjust_url(member), {"points": -500, "reason": "误发"})

    assert (
        _("The member has fewer than %(points)d points.") % {"points": 500}
        in response.content.decode()
    )
    assert PointsAccount.objects.get(member=member).balance == 100


@pytest.mark.parametrize("role", ["warehouse", "promotion_specialist", "presales_service"])
def test_other_roles_cannot_adjust_points(client, role):
    staff_client(client, StaffUserFactory(roles=[role]))
    member = UserFactory()

    response = client.post(adjust_url(member), {"points": 300, "reason": "试试"})

    assert response.status_code == 403
    assert PointsEntry.objects.count() == 0


def test_after_sales_reads_the_ledger_filtered_by_kind(client):
    staff_client(client, StaffUserFactory(roles=["aftersales_service"]))
    PointsEntryFactory(kind=PointsEntry.Kind.EXPIRED, points=-50, reason="到期")
    PointsEntryFactory(kind=PointsEntry.Kind.ADJUSTED, reason="补偿")

    response = client.get(reverse("admin:points_pointsentry_changelist"), {"kind": "expired"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "到期" in content
    assert "补偿" not in content


def test_the_member_admin_page_shows_the_points_balance(client):
    staff_client(client, StaffUserFactory(roles=["store_manager"]))
    member = UserFactory()
    give_points(member, 1234)

    response = client.get(reverse("admin:members_user_change", args=[member.pk]))

    assert response.status_code == 200
    assert adjust_url(member) in response.content.decode()

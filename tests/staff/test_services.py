import pytest
from allauth.account.models import EmailAddress

from apps.members.models import User
from apps.staff.demo import DEMO_PASSWORD, DEMO_STAFF, load_staff
from apps.staff.models import RoleChange
from apps.staff.services import StaffError, member_roles, staff_member_set_roles
from tests.members.factories import UserFactory
from tests.staff.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


def test_granting_a_role_makes_staff_and_is_logged():
    manager = StaffUserFactory(roles=["store_manager"])
    member = UserFactory()

    staff_member_set_roles(actor=manager, member=member, roles=["designer", "editor"])

    member.refresh_from_db()
    assert member.is_staff is True
    assert member_roles(member=member) == ["designer", "editor"]
    assert list(
        RoleChange.objects.filter(member=member)
        .order_by("role")
        .values_list("role", "action", "actor_email")
    ) == [
        ("designer", "granted", manager.email),
        ("editor", "granted", manager.email),
    ]


def test_taking_the_last_role_ends_back_office_access():
    manager = StaffUserFactory(roles=["store_manager"])
    member = StaffUserFactory(roles=["warehouse"])

    staff_member_set_roles(actor=manager, member=member, roles=[])

    member.refresh_from_db()
    assert member.is_staff is False
    assert member_roles(member=member) == []
    assert RoleChange.objects.filter(member=member).latest("id").action == "revoked"


def test_setting_the_same_roles_again_logs_nothing():
    member = StaffUserFactory(roles=["warehouse"])
    logged = RoleChange.objects.count()

    staff_member_set_roles(actor=None, member=member, roles=["warehouse"])

    assert RoleChange.objects.count() == logged


def test_unknown_role_is_refused_and_nothing_changes():
    member = StaffUserFactory(roles=["warehouse"])
    logged = RoleChange.objects.count()

    with pytest.raises(StaffError):
        staff_member_set_roles(actor=None, member=member, roles=["warehouse", "owner"])

    assert member_roles(member=member) == ["warehouse"]
    assert RoleChange.objects.count() == logged


def test_store_manager_cannot_drop_their_own_role():
    manager = StaffUserFactory(roles=["store_manager"])

    with pytest.raises(StaffError):
        staff_member_set_roles(actor=manager, member=manager, roles=["designer"])

    assert member_roles(member=manager) == ["store_manager"]


def test_load_staff_makes_one_verified_staff_user_per_role():
    count = load_staff()

    users = User.objects.filter(email__in=DEMO_STAFF.values())
    assert count == 8
    assert users.count() == 8
    assert {member_roles(member=user)[0] for user in users} == set(DEMO_STAFF)
    assert all(user.is_staff and not user.is_superuser for user in users)
    assert all(user.check_password(DEMO_PASSWORD) for user in users)
    assert EmailAddress.objects.filter(email__in=DEMO_STAFF.values(), verified=True).count() == 8


def test_load_staff_twice_changes_nothing():
    load_staff()
    logged = RoleChange.objects.count()

    load_staff()

    assert User.objects.filter(email__in=DEMO_STAFF.values()).count() == 8
    assert RoleChange.objects.count() == logged
    assert EmailAddress.objects.filter(email__in=DEMO_STAFF.values()).count() == 8

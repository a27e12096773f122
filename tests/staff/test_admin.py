"""The role desk and the audit log of role changes in the back office."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from tests.staff.admin_forms import staff_client
from tests.staff.factories import RoleChangeFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def test_role_change_made_at_the_desk_appears_in_the_audit_log(client):
    manager = StaffUserFactory(roles=["store_manager"])
    member = StaffUserFactory(roles=["warehouse"])
    staff_client(client, manager)

    client.post(reverse("admin:staff_staffmember_change", args=[member.pk]), {"roles": ["editor"]})
    response = client.get(reverse("admin:staff_rolechange_changelist"), {"q": member.email})

    shown = [
        (change.role, change.action, change.actor_email)
        for change in response.context["cl"].result_list
    ]
    assert ("editor", "granted", manager.email) in shown
    assert ("warehouse", "revoked", manager.email) in shown


def test_refused_role_change_shows_the_reason_and_changes_nothing(client):
    manager = StaffUserFactory(roles=["store_manager"])
    staff_client(client, manager)

    response = client.post(
        reverse("admin:staff_staffmember_change", args=[manager.pk]), {"roles": ["designer"]}
    )

    assert response.status_code == 200
    assert gettext("You cannot take the store manager role from yourself.") in (
        response.content.decode()
    )
    assert list(manager.groups.values_list("name", flat=True)) == ["store_manager"]


def test_the_audit_log_cannot_be_edited_or_deleted(client):
    staff_client(client, StaffUserFactory(roles=["store_manager"]))
    change = RoleChangeFactory()

    edit = client.post(
        reverse("admin:staff_rolechange_change", args=[change.pk]), {"role": "editor"}
    )
    delete = client.post(
        reverse("admin:staff_rolechange_delete", args=[change.pk]), {"post": "yes"}
    )

    change.refresh_from_db()
    assert edit.status_code == 403
    assert delete.status_code == 403
    assert change.role == "warehouse"


def test_role_groups_are_read_only_in_the_back_office(client):
    staff_client(client, StaffUserFactory(roles=["store_manager"]))

    response = client.get(reverse("admin:auth_group_add"))

    assert response.status_code == 403

"""Writes for staff roles: keeping the role groups in step with apps.staff.roles, and giving
people roles with an audit trail."""

import logging
from fnmatch import fnmatchcase

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext as _

from apps.members.models import User
from apps.staff.models import RoleChange
from apps.staff.roles import ROLES, SUPERUSER_ONLY

logger = logging.getLogger(__name__)


class StaffError(Exception):
    """A role change refused, with a message for the operator."""


def role_permission_ids(*, patterns: list[str], permissions: list[tuple[int, str]]) -> set[int]:
    """The ids of the permissions (id, "app_label.codename") that any pattern matches,
    never one of apps.staff.roles.SUPERUSER_ONLY."""
    return {
        permission_id
        for permission_id, name in permissions
        if any(fnmatchcase(name, pattern) for pattern in patterns)
        and not any(fnmatchcase(name, reserved) for reserved in SUPERUSER_ONLY)
    }


def roles_sync(*, apps=None, using: str = "default") -> dict[str, int]:
    """Create each role's group and give it exactly the permissions apps.staff.roles lists,
    of the models that exist now; other groups are left alone. Safe to run any number of
    times. Returns the number of permissions per role. Migrations pass their `apps`."""
    group_model = apps.get_model("auth", "Group") if apps else Group
    permission_model = apps.get_model("auth", "Permission") if apps else Permission
    permissions = [
        (permission_id, f"{app_label}.{codename}")
        for permission_id, app_label, codename in permission_model.objects.using(using)
        .values_list("id", "content_type__app_label", "codename")
        .order_by("id")
    ]
    counts = {}
    with transaction.atomic(using=using):
        for key, role in ROLES.items():
            group, _created = group_model.objects.using(using).get_or_create(name=key)
            wanted = role_permission_ids(patterns=role.permissions, permissions=permissions)
            held = set(group.permissions.values_list("id", flat=True))
            if wanted - held:
                group.permissions.add(*(wanted - held))
            if held - wanted:
                group.permissions.remove(*(held - wanted))
            counts[key] = len(wanted)
    return counts


def member_roles(*, member: User) -> list[str]:
    """The role keys a person holds, in the order roles are defined."""
    held = set(member.groups.filter(name__in=ROLES).values_list("name", flat=True))
    return [key for key in ROLES if key in held]


@transaction.atomic
def staff_member_set_roles(*, actor: User | None, member: User, roles: list[str]) -> list[str]:
    """Give a person exactly these roles, logging each role granted or taken away (who, whom,
    when). A person with a role may enter the back office; one with none no longer may,
    unless a superuser. A store manager cannot take that role from themselves, so the shop
    is never left without one by a slip. Returns the roles held afterwards."""
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise StaffError(_("Unknown role: %(roles)s.") % {"roles": ", ".join(unknown)})
    locked = User.objects.select_for_update().get(pk=member.pk)
    before = set(member_roles(member=locked))
    after = set(roles)
    granted = [key for key in ROLES if key in after - before]
    revoked = [key for key in ROLES if key in before - after]
    if actor is not None and actor.pk == locked.pk and "store_manager" in revoked:
        raise StaffError(_("You cannot take the store manager role from yourself."))
    if Group.objects.filter(name__in=granted).count() < len(granted):
        roles_sync()
    if granted:
        locked.groups.add(*Group.objects.filter(name__in=granted))
    if revoked:
        locked.groups.remove(*Group.objects.filter(name__in=revoked))
    RoleChange.objects.bulk_create(
        [
            RoleChange(
                member=locked,
                member_email=locked.email,
                role=key,
                action=action,
                actor=actor,
                actor_email=actor.email if actor else "",
            )
            for action, keys in (
                (RoleChange.Action.GRANTED, granted),
                (RoleChange.Action.REVOKED, revoked),
            )
            for key in keys
        ]
    )
    is_staff = bool(after) or locked.is_superuser
    if locked.is_staff != is_staff:
        locked.is_staff = is_staff
        locked.save(update_fields=["is_staff"])
    member.is_staff = is_staff
    if granted or revoked:
        logger.info(
            "staff.roles_changed",
            extra={
                "member_id": locked.pk,
                "actor_id": actor.pk if actor else None,
                "granted": granted,
                "revoked": revoked,
            },
        )
    return [key for key in ROLES if key in after]

import pytest
from django.contrib.auth.models import Group, Permission

from apps.staff.roles import ROLES
from apps.staff.services import role_permission_ids, roles_sync

pytestmark = pytest.mark.django_db


def group_permissions() -> dict[str, set[str]]:
    return {
        group.name: {
            f"{permission.content_type.app_label}.{permission.codename}"
            for permission in group.permissions.select_related("content_type")
        }
        for group in Group.objects.prefetch_related("permissions")
    }


def test_every_role_is_a_group_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)


def test_roles_sync_is_idempotent():
    before = group_permissions()

    first = roles_sync()
    second = roles_sync()

    assert first == second
    assert group_permissions() == before
    assert Group.objects.count() == len(ROLES)


def test_roles_sync_takes_back_a_permission_added_by_hand():
    warehouse = Group.objects.get(name="warehouse")
    warehouse.permissions.add(Permission.objects.get(codename="change_sku_price"))

    roles_sync()

    assert "catalog.change_sku_price" not in group_permissions()["warehouse"]


def test_roles_sync_gives_back_a_permission_removed_by_hand():
    warehouse = Group.objects.get(name="warehouse")
    warehouse.permissions.remove(Permission.objects.get(codename="change_sku"))

    roles_sync()

    assert "catalog.change_sku" in group_permissions()["warehouse"]


def test_roles_sync_leaves_other_groups_alone():
    Group.objects.get_or_create(name="interns")

    roles_sync()

    assert Group.objects.filter(name="interns").exists()


def test_warehouse_holds_exactly_its_permissions():
    assert group_permissions()["warehouse"] == {
        "catalog.view_product",
        "catalog.view_sku",
        "catalog.change_sku",
        "orders.view_order",
        "orders.view_orderline",
        "orders.view_orderevent",
        "orders.ship_order",
        "orders.view_pickuppoint",
    }


def all_permissions() -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list(
            "content_type__app_label", "codename"
        )
    }


def periodic_task_rights(names: set[str]) -> set[str]:
    """Those of `names` that create, change or delete Celery periodic tasks or schedules."""
    return {
        name
        for name in names
        if name.startswith("django_celery_beat.")
        and not name.startswith("django_celery_beat.view_")
    }


def test_store_manager_holds_every_permission_but_the_superusers_own():
    everything = all_permissions()

    assert group_permissions()["store_manager"] == everything - periodic_task_rights(everything)
    assert periodic_task_rights(everything) == {
        f"django_celery_beat.{action}_{model}"
        for action in ("add", "change", "delete")
        for model in (
            "clockedschedule",
            "crontabschedule",
            "intervalschedule",
            "periodictask",
            "periodictasks",
            "solarschedule",
        )
    }


@pytest.mark.parametrize("role", list(ROLES))
def test_no_role_may_create_change_or_delete_periodic_tasks(role):
    assert periodic_task_rights(group_permissions()[role]) == set()


def test_roles_sync_takes_back_a_periodic_task_right_added_by_hand():
    manager = Group.objects.get(name="store_manager")
    manager.permissions.add(
        Permission.objects.get(
            content_type__app_label="django_celery_beat", codename="add_periodictask"
        )
    )

    roles_sync()

    assert "django_celery_beat.add_periodictask" not in group_permissions()["store_manager"]


def test_a_superuser_only_permission_is_never_matched_even_by_a_star():
    permissions = [(1, "django_celery_beat.change_periodictask"), (2, "catalog.change_sku")]

    matched = role_permission_ids(patterns=["*"], permissions=permissions)

    assert matched == {2}


def test_the_promotion_specialist_manages_promotions_and_the_warehouse_does_not():
    groups = group_permissions()

    assert {
        "promotions.add_offer",
        "promotions.change_coupon",
        "promotions.view_couponuse",
        "promotions.change_campaign",
    } <= set(groups["promotion_specialist"])
    assert not any(name.startswith("promotions.") for name in groups["warehouse"])


def test_wildcards_pick_up_permissions_of_apps_that_arrive_later():
    later = [
        (1, "promotions.add_coupon"),
        (2, "promotions.change_flashsale"),
        (3, "orders.view_order"),
    ]

    matched = role_permission_ids(
        patterns=ROLES["promotion_specialist"].permissions, permissions=later
    )

    assert matched == {1, 2}


def test_a_banner_permission_reaches_the_designer_in_any_app():
    later = [(1, "content.change_banner"), (2, "content.change_page")]

    matched = role_permission_ids(patterns=ROLES["designer"].permissions, permissions=later)

    assert matched == {1}

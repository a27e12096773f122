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
    }


def test_store_manager_holds_every_permission():
    assert len(group_permissions()["store_manager"]) == Permission.objects.count()


def test_permissions_of_models_not_yet_built_are_skipped():
    assert not any(
        name.startswith("promotions.") for name in group_permissions()["promotion_specialist"]
    )


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

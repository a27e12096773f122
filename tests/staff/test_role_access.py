"""Each staff role in the back office: one thing it may do and one it may not."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from apps.catalog.models import ProductImage
from apps.staff.roles import ROLES
from tests.catalog.factories import ProductFactory, SeriesFactory, SkuFactory
from tests.members.factories import UserFactory
from tests.staff.admin_forms import change_form_data, image_upload, staff_client
from tests.staff.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


def product_change_url(product) -> str:
    return reverse("admin:catalog_product_change", args=[product.pk])


def sku_change_url(sku) -> str:
    return reverse("admin:catalog_sku_change", args=[sku.pk])


def test_member_without_role_cannot_enter_the_back_office(client):
    client.force_login(UserFactory())

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_store_manager_can_open_every_back_office_list(client):
    staff_client(client, StaffUserFactory(roles=["store_manager"]))
    SkuFactory()

    statuses = {
        f"{model._meta.app_label}.{model._meta.model_name}": client.get(
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        ).status_code
        for model in admin.site._registry
    }

    assert set(statuses.values()) == {200}


def test_store_manager_is_not_a_superuser():
    manager = StaffUserFactory(roles=["store_manager"])

    assert manager.is_superuser is False
    assert manager.has_perm("catalog.change_sku_price") is True


def test_store_manager_can_add_a_series(client):
    staff_client(client, StaffUserFactory(roles=["store_manager"]))

    response = client.post(
        reverse("admin:catalog_series_add"),
        {
            "name_zh_hans": "个护",
            "name_en": "Personal care",
            "slug": "personal-care",
            "sort_order": "3",
        },
    )

    assert response.status_code == 302
    assert client.get(reverse("admin:catalog_series_changelist")).context["cl"].result_count == 1


def test_store_assistant_changes_sku_stock_from_the_product_page(client):
    staff_client(client, StaffUserFactory(roles=["store_assistant"]))
    product = ProductFactory()
    sku = product.skus.get()
    data = change_form_data(client.get(product_change_url(product)))
    data["skus-0-stock"] = "7"

    response = client.post(product_change_url(product), data)

    assert response.status_code == 302
    sku.refresh_from_db()
    product.refresh_from_db()
    assert sku.stock == 7
    assert product.total_stock == 7


def test_store_assistant_cannot_open_the_role_desk(client):
    staff_client(client, StaffUserFactory(roles=["store_assistant"]))

    response = client.get(reverse("admin:staff_staffmember_changelist"))

    assert response.status_code == 403


def test_store_assistant_cannot_add_a_series(client):
    staff_client(client, StaffUserFactory(roles=["store_assistant"]))

    response = client.get(reverse("admin:catalog_series_add"))

    assert response.status_code == 403


def test_promotion_specialist_can_see_the_product_list(client):
    staff_client(client, StaffUserFactory(roles=["promotion_specialist"]))
    ProductFactory()

    response = client.get(reverse("admin:catalog_product_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_promotion_specialist_cannot_change_a_product(client):
    staff_client(client, StaffUserFactory(roles=["promotion_specialist"]))
    product = ProductFactory(name_en="Kettle")
    data = change_form_data(client.get(product_change_url(product)))
    data["name_en"] = "Changed"

    response = client.post(product_change_url(product), data)

    assert response.status_code == 403
    product.refresh_from_db()
    assert product.name_en == "Kettle"


def test_designer_uploads_a_product_image(client):
    staff_client(client, StaffUserFactory(roles=["designer"]))
    product = ProductFactory()

    response = client.post(
        reverse("admin:catalog_productimage_add"),
        {"product": product.pk, "image": image_upload(), "alt_zh_hans": "正面", "sort_order": "0"},
    )

    assert response.status_code == 302
    image = ProductImage.objects.get(product=product)
    assert image.card_thumbnail.startswith("thumbs/")


def test_designer_cannot_change_a_sku(client):
    staff_client(client, StaffUserFactory(roles=["designer"]))
    sku = SkuFactory(stock=50)

    response = client.post(sku_change_url(sku), {"stock": "1"})

    assert response.status_code == 403
    sku.refresh_from_db()
    assert sku.stock == 50


def test_presales_service_edits_product_texts(client):
    staff_client(client, StaffUserFactory(roles=["presales_service"]))
    product = ProductFactory(name_en="Kettle")
    data = change_form_data(client.get(product_change_url(product)))
    data["name_en"] = "Electric kettle 1.7 L"

    response = client.post(product_change_url(product), data)

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name_en == "Electric kettle 1.7 L"


def test_presales_service_cannot_unpublish_a_product(client):
    staff_client(client, StaffUserFactory(roles=["presales_service"]))
    product = ProductFactory(is_published=True)
    data = change_form_data(client.get(product_change_url(product)))
    data.pop("is_published", None)

    response = client.post(product_change_url(product), data)

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.is_published is True


def test_presales_service_has_no_publish_action(client):
    staff_client(client, StaffUserFactory(roles=["presales_service"]))
    product = ProductFactory(is_published=False)

    client.post(
        reverse("admin:catalog_product_changelist"),
        {"action": "publish", "_selected_action": [product.pk], "index": "0"},
    )

    product.refresh_from_db()
    assert product.is_published is False


def test_aftersales_service_can_see_orders(client):
    staff_client(client, StaffUserFactory(roles=["aftersales_service"]))

    response = client.get(reverse("admin:orders_order_changelist"))

    assert response.status_code == 200


def test_aftersales_service_can_see_members_points(client):
    staff_client(client, StaffUserFactory(roles=["aftersales_service"]))

    response = client.get(reverse("admin:points_pointsaccount_changelist"))

    assert response.status_code == 200


def test_warehouse_cannot_see_members_points(client):
    staff_client(client, StaffUserFactory(roles=["warehouse"]))

    response = client.get(reverse("admin:points_pointsaccount_changelist"))

    assert response.status_code == 403


def test_aftersales_service_cannot_change_a_product(client):
    staff_client(client, StaffUserFactory(roles=["aftersales_service"]))
    product = ProductFactory(name_en="Kettle")
    data = change_form_data(client.get(product_change_url(product)))
    data["name_en"] = "Changed"

    response = client.post(product_change_url(product), data)

    assert response.status_code == 403
    product.refresh_from_db()
    assert product.name_en == "Kettle"


def test_warehouse_changes_sku_stock(client):
    staff_client(client, StaffUserFactory(roles=["warehouse"]))
    sku = SkuFactory(stock=50)
    data = change_form_data(client.get(sku_change_url(sku)))
    data["stock"] = "12"

    response = client.post(sku_change_url(sku), data)

    assert response.status_code == 302
    sku.refresh_from_db()
    sku.product.refresh_from_db()
    assert sku.stock == 12
    assert sku.product.total_stock == 12


def test_warehouse_sees_the_price_read_only_and_a_posted_price_is_ignored(client):
    staff_client(client, StaffUserFactory(roles=["warehouse"]))
    sku = SkuFactory(price=Decimal("199.00"), stock=50, low_stock_threshold=30)
    page = client.get(sku_change_url(sku))
    data = change_form_data(page)
    data.update({"price": "1.00", "low_stock_threshold": "5", "stock": "40"})

    response = client.post(sku_change_url(sku), data)

    assert response.status_code == 302
    assert "price" not in page.context["adminform"].form.fields
    sku.refresh_from_db()
    assert (sku.price, sku.low_stock_threshold, sku.stock) == (Decimal("199.00"), 30, 40)


def test_warehouse_cannot_change_a_product(client):
    staff_client(client, StaffUserFactory(roles=["warehouse"]))
    product = ProductFactory(name_en="Kettle")

    response = client.post(product_change_url(product), {"name_en": "Changed"})

    assert response.status_code == 403


def test_editor_looks_after_help_pages(client):
    editor = StaffUserFactory(roles=["editor"])
    staff_client(client, editor)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert editor.has_perms(
        ["community.add_helppage", "community.change_helppage", "community.delete_helppage"]
    )


def test_editor_cannot_see_products(client):
    staff_client(client, StaffUserFactory(roles=["editor"]))
    ProductFactory()

    response = client.get(reverse("admin:catalog_product_changelist"))

    assert response.status_code == 403


def test_store_manager_gives_roles_at_the_role_desk(client):
    staff_client(client, StaffUserFactory(roles=["store_manager"]))
    member = UserFactory()

    response = client.post(
        reverse("admin:staff_staffmember_change", args=[member.pk]), {"roles": ["designer"]}
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_staff is True
    assert list(member.groups.values_list("name", flat=True)) == ["designer"]


def test_a_series_needs_the_store_manager(client):
    staff_client(client, StaffUserFactory(roles=["warehouse"]))
    series = SeriesFactory()

    response = client.get(reverse("admin:catalog_series_change", args=[series.pk]))

    assert response.status_code == 403


@pytest.mark.parametrize("role", list(ROLES))
def test_no_role_can_add_a_periodic_task(client, role):
    staff_client(client, StaffUserFactory(roles=[role]))

    response = client.get(reverse("admin:django_celery_beat_periodictask_add"))

    assert response.status_code == 403
    assert PeriodicTask.objects.count() == 0


def test_store_manager_can_see_the_periodic_tasks(client):
    staff_client(client, StaffUserFactory(roles=["store_manager"]))

    response = client.get(reverse("admin:django_celery_beat_periodictask_changelist"))

    assert response.status_code == 200


def test_a_superuser_can_add_a_periodic_task(client):
    staff_client(client, StaffUserFactory(is_superuser=True))

    response = client.get(reverse("admin:django_celery_beat_periodictask_add"))

    assert response.status_code == 200

"""Whether a product is shipped at all: on by default, turned off in the back office for what
is never shipped (a paid membership), by staff who may change a product's placement."""

import pytest
from django.urls import reverse

from apps.catalog.models import Product
from tests.catalog.factories import ProductFactory
from tests.staff.admin_forms import change_form_data, staff_client
from tests.staff.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


def test_a_new_product_needs_delivery():
    assert ProductFactory().requires_delivery is True


def test_store_assistant_marks_a_product_as_needing_no_delivery(client):
    assistant = staff_client(client, StaffUserFactory(roles=["store_assistant"]))
    product = ProductFactory()
    url = reverse("admin:catalog_product_change", args=[product.pk])
    data = change_form_data(assistant.get(url))
    del data["requires_delivery"]  # the box unticked

    response = assistant.post(url, data)

    assert response.status_code == 302
    assert Product.objects.get(pk=product.pk).requires_delivery is False


def test_presales_service_cannot_change_whether_a_product_is_delivered(client):
    presales = staff_client(client, StaffUserFactory(roles=["presales_service"]))
    product = ProductFactory()
    url = reverse("admin:catalog_product_change", args=[product.pk])
    data = change_form_data(presales.get(url))
    data.pop("requires_delivery", None)

    response = presales.post(url, data)

    assert response.status_code == 302
    assert Product.objects.get(pk=product.pk).requires_delivery is True


def test_product_list_filters_by_delivery(client):
    manager = staff_client(client, StaffUserFactory(roles=["store_manager"]))
    shipped = ProductFactory()
    virtual = ProductFactory(requires_delivery=False)

    response = manager.get(
        reverse("admin:catalog_product_changelist"), {"requires_delivery__exact": "0"}
    )

    shown = list(response.context["cl"].result_list)
    assert virtual in shown
    assert shipped not in shown

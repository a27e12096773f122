"""How the order desk reads: amounts in yuan, statuses by their names, no "Save" where
nothing can be saved, a print button on the pick list and packing slips."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from apps.orders import services
from apps.orders.models import OrderEvent
from tests.catalog.factories import SkuFactory
from tests.orders.factories import OrderEventFactory, paid_order
from tests.staff.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rice_cooker_order():
    return paid_order(items=[(SkuFactory(price=Decimal("1299.00")), 1)])


def test_order_list_shows_totals_in_yuan(client, rice_cooker_order):
    client.force_login(StaffUserFactory(roles=["warehouse"]))

    page = client.get(reverse("admin:orders_order_changelist")).content.decode()

    assert '<td class="field-total_display">¥1,299.00</td>' in page


def test_order_page_shows_every_amount_in_yuan(client, rice_cooker_order):
    client.force_login(StaffUserFactory(roles=["store_manager"]))

    page = client.get(
        reverse("admin:orders_order_change", args=[rice_cooker_order.pk])
    ).content.decode()

    assert page.count("¥1,299.00") == 4  # unit price, line total, subtotal, total
    assert "1299.00" not in page.replace("¥1,299.00", "")


def test_sku_list_shows_prices_in_yuan(client):
    SkuFactory(price=Decimal("2499.00"))
    client.force_login(StaffUserFactory(roles=["store_assistant"]))

    page = client.get(reverse("admin:catalog_sku_changelist")).content.decode()

    assert '<td class="field-price_display">¥2,499.00</td>' in page


def test_refund_list_shows_amounts_in_yuan(client, rice_cooker_order):
    services.order_refund(order=rice_cooker_order, actor=None)
    client.force_login(StaffUserFactory(roles=["aftersales_service"]))

    page = client.get(reverse("admin:payments_refund_changelist")).content.decode()

    assert '<td class="field-amount_display">¥1,299.00</td>' in page


@pytest.mark.parametrize("role", ["presales_service", "warehouse"])
def test_view_only_staff_see_no_save_button_on_an_order(client, rice_cooker_order, role):
    client.force_login(StaffUserFactory(roles=[role]))

    page = client.get(
        reverse("admin:orders_order_change", args=[rice_cooker_order.pk])
    ).content.decode()

    assert 'name="_save"' not in page
    assert 'name="_continue"' not in page


@pytest.mark.parametrize("role", ["store_manager", "aftersales_service"])
def test_an_order_page_offers_no_save_even_to_who_may_change_orders(
    client, rice_cooker_order, role
):
    """Every field of an order is read-only; its changes are the buttons above it."""
    client.force_login(StaffUserFactory(roles=[role]))

    page = client.get(
        reverse("admin:orders_order_change", args=[rice_cooker_order.pk])
    ).content.decode()

    assert 'name="_save"' not in page
    assert 'name="_continue"' not in page
    assert 'class="closelink"' in page


def test_a_product_page_still_offers_save_to_who_may_edit_it(client):
    sku = SkuFactory()
    client.force_login(StaffUserFactory(roles=["store_manager"]))

    page = client.get(
        reverse("admin:catalog_product_change", args=[sku.product_id])
    ).content.decode()

    assert 'name="_save"' in page


def test_order_events_read_as_sentences_with_status_names():
    order = paid_order()

    with translation.override("en"):
        sentences = [str(event) for event in order.events.all()]

    assert sentences == [
        "Fulfilment status set to Awaiting payment",
        "Payment status changed from Unpaid to Paid",
        "Fulfilment status changed from Awaiting payment to Waiting to be packed",
    ]


def test_order_events_name_statuses_in_chinese_too():
    order = paid_order()
    payment = order.events.get(machine="payment")

    sentence = str(payment)

    assert ("未付款" in sentence, "已付款" in sentence) == (True, True)
    assert "unpaid" not in sentence


def test_a_staff_note_reads_as_its_kind():
    note = OrderEventFactory(kind=OrderEvent.Kind.NOTE, note="已电话确认")

    with translation.override("en"):
        caption = str(note)

    assert caption == "Staff note"


def test_order_page_shows_status_names_not_codes(client, rice_cooker_order):
    client.force_login(StaffUserFactory(roles=["store_manager"]))

    page = client.get(
        reverse("admin:orders_order_change", args=[rice_cooker_order.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()

    assert "Payment status changed from Unpaid to Paid" in page
    assert "<p>Waiting to be packed</p>" in page
    assert "awaiting_payment" not in page
    assert "to_pick" not in page


def test_pick_list_has_a_print_button_without_inline_script(client, rice_cooker_order):
    client.force_login(StaffUserFactory(roles=["warehouse"]))

    page = client.get(reverse("admin:orders_order_pick_list")).content.decode()

    assert "data-print" in page
    assert "js/admin-print.js" in page
    assert "onclick" not in page


def test_packing_slips_have_a_print_button(client, rice_cooker_order):
    client.force_login(StaffUserFactory(roles=["warehouse"]))

    page = client.post(
        reverse("admin:orders_order_changelist"),
        {"action": "print_packing_slips", "_selected_action": [rice_cooker_order.pk]},
    ).content.decode()

    assert "data-print" in page
    assert "js/admin-print.js" in page

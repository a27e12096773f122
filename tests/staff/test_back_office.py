"""The back office's front page and frame: each role's work of today as counts linking to
the filtered lists, orders first, the shop's name and icon, the staff member's language."""

import pytest
from django.urls import reverse

from apps.aftersales import services as aftersales_services
from apps.staff.selectors import todays_work
from tests.catalog.factories import SkuFactory
from tests.members.factories import UserFactory
from tests.orders.factories import delivered_order, paid_order, place_order, request_return
from tests.staff.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


def cards(response) -> list[tuple[str, int]]:
    return [(card.key, card.count) for card in response.context["todays_work"]]


def card_url(response, key: str) -> str:
    return next(card.url for card in response.context["todays_work"] if card.key == key)


def listed(client, url: str) -> list[str]:
    """The rows a work card's link lists, by their number (orders, returns) or code (SKUs)."""
    response = client.get(url)
    assert response.status_code == 200
    rows = response.context["cl"].result_list
    return sorted(getattr(row, "number", None) or row.code for row in rows)


@pytest.fixture
def warehouse_work():
    """Two orders to pack (one with a note), one unpaid and one already delivered."""
    to_pack = paid_order()
    noted = paid_order(customer_note="请周末送货")
    place_order()  # unpaid online order: not in the warehouse yet
    delivered_order(customer_note="放门口")  # gone: its note no longer matters
    return to_pack, noted


@pytest.fixture
def return_work():
    """A return waiting for the shop's answer and one approved, waiting for the shopper."""
    waiting = request_return(order=delivered_order())
    approved = request_return(order=delivered_order())
    aftersales_services.return_approve(
        return_request=approved, return_address="上海市黄浦区 南京东路 1 号", actor=None
    )
    return waiting


def test_warehouse_opens_with_the_orders_to_ship_linking_to_them(client, warehouse_work):
    to_pack, noted = warehouse_work
    client.force_login(StaffUserFactory(roles=["warehouse"]))

    response = client.get(reverse("admin:index"))

    assert cards(response) == [("orders_to_ship", 2)]
    assert card_url(response, "orders_to_ship") in response.content.decode()
    assert listed(client, card_url(response, "orders_to_ship")) == sorted(
        [to_pack.number, noted.number]
    )


def test_after_sales_opens_with_waiting_returns_and_notes_to_read(
    client, warehouse_work, return_work
):
    _, noted = warehouse_work
    client.force_login(StaffUserFactory(roles=["aftersales_service"]))

    response = client.get(reverse("admin:index"))

    assert cards(response) == [("returns_waiting", 1), ("orders_with_note", 1)]
    assert listed(client, card_url(response, "returns_waiting")) == [return_work.number]
    assert listed(client, card_url(response, "orders_with_note")) == [noted.number]


def test_store_assistant_opens_with_the_skus_low_on_stock(client):
    low = SkuFactory(code="KT-LOW", stock=3, low_stock_threshold=10)
    SkuFactory(code="KT-FULL", stock=80, low_stock_threshold=10)
    client.force_login(StaffUserFactory(roles=["store_assistant"]))

    response = client.get(reverse("admin:index"))

    assert cards(response) == [("low_stock_skus", 1)]
    assert listed(client, card_url(response, "low_stock_skus")) == [low.code]


@pytest.mark.parametrize("role", ["store_manager", "superuser"])
def test_store_manager_and_superuser_see_every_queue(client, role, warehouse_work, return_work):
    SkuFactory(stock=3, low_stock_threshold=10)
    if role == "superuser":
        user = UserFactory(is_staff=True, is_superuser=True)
    else:
        user = StaffUserFactory(roles=[role])
    client.force_login(user)

    response = client.get(reverse("admin:index"))

    assert cards(response) == [
        ("orders_to_ship", 2),
        ("returns_waiting", 1),
        ("orders_with_note", 1),
        ("low_stock_skus", 1),
    ]


def test_a_role_without_queues_sees_no_work_panel(client, warehouse_work):
    client.force_login(StaffUserFactory(roles=["designer"]))

    response = client.get(reverse("admin:index"))

    assert response.context["todays_work"] == []
    assert 'class="todays-work"' not in response.content.decode()


def test_todays_work_takes_one_query_per_table(django_assert_num_queries, warehouse_work):
    manager = StaffUserFactory(roles=["store_manager"])
    manager = type(manager).objects.get(pk=manager.pk)

    # The roles, the permissions (user's and groups'), then orders, returns and SKUs.
    with django_assert_num_queries(6):
        todays_work(user=manager)


def test_orders_come_first_in_the_back_office(client):
    client.force_login(StaffUserFactory(roles=["store_manager"]))

    response = client.get(reverse("admin:index"))

    labels = [app["app_label"] for app in response.context["app_list"]]
    assert labels[:3] == ["orders", "aftersales", "payments"]


def test_the_header_names_the_shop_with_its_logo(client, settings):
    settings.SHOP_NAME = "家味电器"
    client.force_login(StaffUserFactory(roles=["warehouse"]))

    page = client.get(reverse("admin:index")).content.decode()

    assert "<title>" in page and "| 家味电器</title>" in page
    assert "img/logo-white.svg" in page
    assert 'rel="icon"' in page
    assert "css/admin.css" in page


def test_favicon_ico_leads_to_the_shops_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.svg"


def test_the_back_office_keeps_the_strict_content_security_policy(client):
    client.force_login(StaffUserFactory(roles=["store_manager"]))

    response = client.get(reverse("admin:index"))

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe" not in policy

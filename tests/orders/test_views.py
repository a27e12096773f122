import pytest
from django.core import mail
from django.urls import reverse

from apps.cart.models import CartLine
from apps.orders import services
from apps.orders.choices import FulfilmentStatus, PaymentStatus
from apps.orders.models import Order
from tests.catalog.factories import SkuFactory
from tests.members.factories import UserFactory
from tests.orders.factories import (
    OrderLineFactory,
    PickupPointFactory,
    paid_order,
    place_order,
)

pytestmark = pytest.mark.django_db
# The session comes from the cache; 2 more read the series tree for the header's category
# menu, once per catalog version (kept in the worker after that).
MY_ORDERS_QUERIES = 3 + 2

ADDRESS = {
    "email": "guest@example.com",
    "phone": "138 0013 8000",
    "recipient_name": "李四",
    "province": "310000",
    "city": "310100",
    "district": "310101",
    "street": "南京东路 1 号",
    "shipping_method": "courier",
    "payment_method": "online",
}


def add(client, sku, quantity=1):
    return client.post(reverse("cart:add"), {"sku": sku.pk, "quantity": quantity})


def test_guest_adds_changes_and_removes_cart_lines(client):
    kettle, pot = SkuFactory(stock=5), SkuFactory(stock=5)
    add(client, kettle)
    add(client, pot, 2)

    client.post(reverse("cart:update"), {"sku": kettle.pk, "quantity": 3})
    client.post(reverse("cart:remove"), {"sku": pot.pk})

    pricing = client.get(reverse("cart:detail")).context["pricing"]
    assert [(line.sku, line.quantity) for line in pricing.lines] == [(kettle, 3)]
    assert client.session["cart_count"] == 3


def test_cart_never_holds_more_than_the_stock(client):
    sku = SkuFactory(stock=2)

    add(client, sku, 5)

    assert CartLine.objects.get().quantity == 2


def test_sold_out_sku_cannot_be_added(client):
    sku = SkuFactory(stock=0)

    add(client, sku)

    assert CartLine.objects.count() == 0


def test_bad_quantity_gives_a_message_not_an_error(client):
    sku = SkuFactory(stock=2)
    add(client, sku)

    response = client.post(reverse("cart:update"), {"sku": sku.pk, "quantity": "lots"}, follow=True)

    assert response.status_code == 200
    assert CartLine.objects.get().quantity == 1


def test_empty_the_cart(client):
    add(client, SkuFactory(stock=2))

    client.post(reverse("cart:clear"))

    assert CartLine.objects.count() == 0


def test_guest_checkout_with_the_simulated_gateway(client, django_capture_on_commit_callbacks):
    sku = SkuFactory(stock=5)
    add(client, sku, 2)

    assert client.post(reverse("orders:checkout"), ADDRESS).status_code == 302
    review = client.get(reverse("orders:review"))
    key = review.context["form"].initial["idempotency_key"]
    with django_capture_on_commit_callbacks(execute=True):
        placed = client.post(reverse("orders:place"), {"idempotency_key": key})
        order = Order.objects.get()
        chosen = client.post(placed["Location"], {"gateway": "simulator"})
        paid = client.post(chosen["Location"], {"outcome": "paid"}, follow=True)

    assert (order.phone, order.district, order.region_code) == ("13800138000", "黄浦区", "310101")
    assert paid.status_code == 200
    assert Order.objects.get().payment_status == PaymentStatus.PAID
    assert len(mail.outbox) == 2


def test_checkout_with_a_bad_mobile_number_says_why(client):
    add(client, SkuFactory(stock=5))

    response = client.post(reverse("orders:checkout"), {**ADDRESS, "phone": "12345"})

    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert Order.objects.count() == 0


def test_checkout_refuses_a_district_outside_the_city(client):
    add(client, SkuFactory(stock=5))

    response = client.post(reverse("orders:checkout"), {**ADDRESS, "district": "110101"})

    assert "district" in response.context["form"].errors


def test_another_visitor_cannot_see_a_guest_order(client):
    order = place_order()

    assert client.get(order.get_absolute_url()).status_code == 404


def test_lookup_by_number_and_phone_shows_status(client):
    order = place_order()

    response = client.post(
        reverse("orders:lookup"), {"number": order.number, "contact": "13800138000"}
    )

    assert response.context["order"] == order
    assert "南京东路" not in response.content.decode()


def test_lookup_with_wrong_contact_says_the_same_as_no_such_order(client):
    order = place_order()

    wrong = client.post(reverse("orders:lookup"), {"number": order.number, "contact": "x@y.z"})
    missing = client.post(
        reverse("orders:lookup"), {"number": "2026010112345678", "contact": "x@y.z"}
    )

    assert wrong.context["form"].non_field_errors() == missing.context["form"].non_field_errors()
    assert "order" not in wrong.context


def test_lookup_is_rate_limited(client):
    for _ in range(10):
        client.post(reverse("orders:lookup"), {"number": "1", "contact": "x"})

    response = client.post(reverse("orders:lookup"), {"number": "1", "contact": "x"})

    assert response.status_code == 429


def test_member_sees_only_their_orders(client, django_user_model):
    alice = django_user_model.objects.create_user(email="alice@example.com", password="pw-123456x")
    bob = django_user_model.objects.create_user(email="bob@example.com", password="pw-123456x")
    mine = place_order(member=alice)
    theirs = place_order(member=bob)
    client.force_login(alice)

    listing = client.get(reverse("orders:mine"))

    assert list(listing.context["page"].object_list) == [mine]
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(mine.get_absolute_url()).status_code == 200


def test_guest_cart_merges_into_member_cart_at_login(client, django_user_model):
    sku = SkuFactory(stock=3)
    member = django_user_model.objects.create_user(email="m@example.com", password="pw-123456x")
    client.force_login(member)
    add(client, sku, 2)
    client.logout()
    add(client, sku, 2)

    client.force_login(member)

    assert CartLine.objects.get().quantity == 3


def test_pickup_checkout_needs_no_address(client):
    add(client, SkuFactory(stock=5))
    point = PickupPointFactory()
    pickup = {
        "email": "guest@example.com",
        "phone": "13800138000",
        "recipient_name": "王五",
        "shipping_method": "pickup",
        "pickup_point": point.pk,
        "payment_method": "cod",
    }

    response = client.post(reverse("orders:checkout"), pickup)

    assert response.status_code == 302
    assert client.session["checkout"]["delivery"] == {
        "recipient_name": "王五",
        "phone": "13800138000",
        "pickup_point_id": point.pk,
    }


def test_lookup_shows_the_goods_and_the_payment_status_apart(client):
    order = paid_order()

    response = client.post(
        reverse("orders:lookup"), {"number": order.number, "contact": "13800138000"}
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert f'<dd data-testid="order-status">{FulfilmentStatus.TO_PICK.label}</dd>' in content
    assert f'<span data-testid="payment-status">{PaymentStatus.PAID.label}</span>' in content


def test_my_orders_shows_a_partly_refunded_order_still_to_be_packed(client):
    member = UserFactory()
    order = paid_order(items=[(SkuFactory(stock=5), 2)], member=member)
    services.order_refund(order=order, lines={order.lines.get().pk: 1})
    client.force_login(member)

    response = client.get(reverse("orders:mine"))

    labels = f"{FulfilmentStatus.TO_PICK.label} · {PaymentStatus.PARTLY_REFUNDED.label}"
    assert response.status_code == 200
    assert f">{labels}</td>" in response.content.decode()


def test_my_orders_takes_a_fixed_number_of_queries_however_many_orders(
    client, django_assert_num_queries
):
    member = UserFactory()
    OrderLineFactory.create_batch(4, order__member=member)
    client.force_login(member)

    # Session, member, the count and the page of orders (with item counts): none per order.
    with django_assert_num_queries(MY_ORDERS_QUERIES):
        response = client.get(reverse("orders:mine"))

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 4

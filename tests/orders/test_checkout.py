"""Checkout's delivery choices: a member's saved addresses (the default one preselected, a new
one only when asked for) and in-store pickup at a point managed in the back office."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from apps.core.choices import ShippingMethod
from apps.orders import services
from apps.orders.demo import load_pickup_points
from apps.orders.models import Order, PickupPoint
from tests.catalog.factories import SkuFactory
from tests.members.factories import AddressFactory, UserFactory
from tests.orders.factories import PickupPointFactory, place_order
from tests.staff.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

NEW_ADDRESS = {
    "recipient_name": "李四",
    "phone": "138 0013 8000",
    "province": "310000",
    "city": "310100",
    "district": "310101",
    "street": "南京东路 1 号",
}


@pytest.fixture
def member():
    return UserFactory(phone="13900139000")


@pytest.fixture
def default_address(member):
    AddressFactory(member=member, street="科技园路 9 号")
    return AddressFactory(member=member, is_default=True, recipient_name="张伟")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    client.post(reverse("cart:add"), {"sku": SkuFactory(stock=5).pk, "quantity": 1})
    return client


@pytest.fixture
def guest_client(client):
    client.post(reverse("cart:add"), {"sku": SkuFactory(stock=5).pk, "quantity": 1})
    return client


def checkout(client, **fields):
    data = {"email": "buyer@example.com", "shipping_method": "courier", "payment_method": "cod"}
    return client.post(reverse("orders:checkout"), {**data, **fields})


def place(client):
    review = client.get(reverse("orders:review"))
    key = review.context["form"].initial["idempotency_key"]
    client.post(reverse("orders:place"), {"idempotency_key": key})
    return Order.objects.get()


def test_member_checkout_shows_the_default_address_as_the_chosen_card(
    member_client, default_address
):
    response = member_client.get(reverse("orders:checkout"))

    content = response.content.decode()
    chosen = re.search(r'<input [^>]*name="saved_address" value="(\w+)"[^>]* checked', content)
    assert chosen.group(1) == str(default_address.pk)
    assert "张伟" in content
    assert 'name="saved_address" value="new"' in content


def test_member_with_a_default_address_checks_out_without_typing_one(
    member_client, default_address
):
    response = checkout(member_client, saved_address=default_address.pk)
    order = place(member_client)

    assert response.status_code == 302
    assert (order.recipient_name, order.phone, order.district, order.street) == (
        "张伟",
        default_address.mobile,
        "南山区",
        default_address.street,
    )
    assert order.region_code == "440305"


def test_a_saved_address_ignores_what_was_typed_in_the_hidden_fields(
    member_client, default_address
):
    response = checkout(
        member_client,
        saved_address=default_address.pk,
        recipient_name="",
        phone="12345",
        postal_code="abc",
        district="110101",
    )

    assert response.status_code == 302
    assert member_client.session["checkout"]["delivery"]["street"] == default_address.street


def test_choosing_a_new_address_requires_its_fields(member_client, default_address):
    response = checkout(member_client, saved_address="new")

    errors = response.context["form"].errors
    assert response.status_code == 200
    assert {"recipient_name", "phone", "province", "city", "district", "street"} <= set(errors)
    assert "checkout" not in member_client.session


def test_a_new_address_is_what_the_order_keeps(member_client, default_address):
    checkout(member_client, saved_address="new", **NEW_ADDRESS)
    order = place(member_client)

    assert (order.recipient_name, order.phone, order.district, order.street) == (
        "李四",
        "13800138000",
        "黄浦区",
        "南京东路 1 号",
    )


def test_another_members_address_is_refused_with_a_message(member_client, default_address):
    stranger = AddressFactory(street="别人家 1 号")

    response = checkout(member_client, saved_address=stranger.pk)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["saved_address"] == [
        str(form.fields["saved_address"].error_messages["invalid_choice"])
    ]
    assert "别人家" not in response.content.decode()
    assert "checkout" not in member_client.session


def test_guest_sees_the_plain_address_form(guest_client):
    PickupPointFactory()

    response = guest_client.get(reverse("orders:checkout"))

    content = response.content.decode()
    assert "saved_address" not in response.context["form"].fields
    assert 'name="saved_address"' not in content
    for name in ("recipient_name", "phone", "province", "street"):
        assert f'name="{name}"' in content


def test_guest_courier_checkout_is_unchanged(guest_client):
    response = checkout(guest_client, **NEW_ADDRESS)
    order = place(guest_client)

    assert response.status_code == 302
    assert (order.recipient_name, order.phone, order.street, order.pickup_point) == (
        "李四",
        "13800138000",
        "南京东路 1 号",
        None,
    )


def test_pickup_lists_the_active_points_with_their_hours(guest_client):
    PickupPointFactory(name_zh_hans="南京东路体验店", opening_hours_zh_hans="每天 10:00–22:00")
    PickupPointFactory(name_zh_hans="已关闭的门店", is_active=False)

    content = guest_client.get(reverse("orders:checkout")).content.decode()

    assert "南京东路体验店" in content
    assert "每天 10:00–22:00" in content
    assert "已关闭的门店" not in content


def test_pickup_is_not_offered_without_a_point(guest_client):
    response = guest_client.get(reverse("orders:checkout"))

    choices = dict(response.context["form"].fields["shipping_method"].choices)
    assert ShippingMethod.PICKUP not in choices


def test_pickup_requires_a_point(guest_client):
    PickupPointFactory()

    response = checkout(
        guest_client, shipping_method="pickup", recipient_name="王五", phone="13800138000"
    )

    form = response.context["form"]
    assert form.errors["pickup_point"] == [
        str(form.fields["pickup_point"].error_messages["required"])
    ]
    assert "checkout" not in guest_client.session


def test_a_retired_pickup_point_is_refused(guest_client):
    PickupPointFactory()
    point = PickupPointFactory(is_active=False)

    response = checkout(
        guest_client,
        shipping_method="pickup",
        pickup_point=point.pk,
        recipient_name="王五",
        phone="13800138000",
    )

    assert "pickup_point" in response.context["form"].errors
    assert "checkout" not in guest_client.session


def test_pickup_needs_no_courier_address_even_from_a_member(member_client, default_address):
    point = PickupPointFactory()

    response = checkout(
        member_client,
        shipping_method="pickup",
        pickup_point=point.pk,
        saved_address=default_address.pk,
        recipient_name="王五",
        phone="13800138000",
    )
    order = place(member_client)

    assert response.status_code == 302
    assert (order.shipping_method, order.recipient_name, order.street) == ("pickup", "王五", "")


def test_pickup_order_keeps_the_point_as_it_was_when_placed(guest_client):
    point = PickupPointFactory(
        name_zh_hans="南京东路体验店",
        address_zh_hans="上海市黄浦区南京东路 299 号",
        opening_hours_zh_hans="每天 10:00–22:00",
        phone="021-6322 8899",
    )
    checkout(
        guest_client,
        shipping_method="pickup",
        pickup_point=point.pk,
        recipient_name="王五",
        phone="13800138000",
    )
    order = place(guest_client)

    point.name_zh_hans = "南京东路旗舰店"
    point.opening_hours_zh_hans = "每天 09:00–21:00"
    point.save()
    order.refresh_from_db()

    assert order.pickup_point == point
    assert (order.pickup_name, order.pickup_address, order.pickup_hours, order.pickup_phone) == (
        "南京东路体验店",
        "上海市黄浦区南京东路 299 号",
        "每天 10:00–22:00",
        "021-6322 8899",
    )


def test_pickup_order_keeps_its_copy_when_the_point_is_deleted():
    order = place_order(shipping_method="pickup", payment_method="cod")
    name = order.pickup_name

    PickupPoint.objects.all().delete()
    order.refresh_from_db()

    assert (order.pickup_point, order.pickup_name) == (None, name)


def test_pickup_details_are_copied_in_the_order_language():
    point = PickupPointFactory(name_zh_hans="南京东路体验店", name_en="East Nanjing Road store")

    order = place_order(
        shipping_method="pickup", payment_method="cod", pickup_point_id=point.pk, language="en"
    )

    assert order.pickup_name == "East Nanjing Road store"


def test_order_place_refuses_a_point_retired_after_checkout():
    point = PickupPointFactory(is_active=False)

    with pytest.raises(services.OrderError):
        place_order(shipping_method="pickup", payment_method="cod", pickup_point_id=point.pk)

    assert Order.objects.count() == 0


def test_review_and_order_page_show_the_pickup_point(guest_client):
    point = PickupPointFactory(
        name_zh_hans="南京东路体验店", opening_hours_zh_hans="每天 10:00–22:00"
    )
    checkout(
        guest_client,
        shipping_method="pickup",
        pickup_point=point.pk,
        recipient_name="王五",
        phone="13800138000",
    )

    review = guest_client.get(reverse("orders:review")).content.decode()
    order = place(guest_client)
    detail = guest_client.get(order.get_absolute_url()).content.decode()

    for page in (review, detail):
        assert "南京东路体验店" in page
        assert "每天 10:00–22:00" in page


def test_review_sends_back_to_checkout_when_the_point_was_retired(guest_client):
    point = PickupPointFactory()
    checkout(
        guest_client,
        shipping_method="pickup",
        pickup_point=point.pk,
        recipient_name="王五",
        phone="13800138000",
    )
    point.is_active = False
    point.save()

    response = guest_client.get(reverse("orders:review"))

    assert response.status_code == 302
    assert response["Location"] == reverse("orders:checkout")


def test_lookup_shows_where_to_collect_the_order(client):
    order = place_order(shipping_method="pickup", payment_method="cod")

    response = client.post(
        reverse("orders:lookup"), {"number": order.number, "contact": "13800138000"}
    )

    content = response.content.decode()
    assert order.pickup_name in content
    assert order.pickup_hours in content


def test_admin_pickup_point_list_loads(client):
    PickupPointFactory(name_zh_hans="南京东路体验店")
    client.force_login(StaffUserFactory(roles=["store_manager"]))

    response = client.get(reverse("admin:orders_pickuppoint_changelist"))

    assert response.status_code == 200
    assert "南京东路体验店" in response.content.decode()


def test_admin_adds_a_pickup_point_in_both_languages(client):
    client.force_login(StaffUserFactory(roles=["store_manager"]))

    response = client.post(
        reverse("admin:orders_pickuppoint_add"),
        {
            "name_zh_hans": "徐家汇服务中心",
            "name_en": "Xujiahui service centre",
            "address_zh_hans": "上海市徐汇区漕溪北路 88 号",
            "address_en": "88 North Caoxi Road, Xuhui, Shanghai",
            "opening_hours_zh_hans": "周一至周六 10:00–20:00",
            "opening_hours_en": "Mon–Sat 10:00–20:00",
            "phone": "021-6468 1200",
            "map_url": "",
            "is_active": "on",
            "sort_order": "10",
        },
    )

    point = PickupPoint.objects.get()
    assert response.status_code == 302
    with translation.override("en"):
        assert point.name == "Xujiahui service centre"


def test_admin_order_page_shows_the_pickup_point(client):
    order = place_order(shipping_method="pickup", payment_method="cod")
    client.force_login(StaffUserFactory(roles=["warehouse"]))

    response = client.get(reverse("admin:orders_order_change", args=[order.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert order.pickup_name in content
    assert order.pickup_address in content


def test_demo_shop_has_two_pickup_points_in_shanghai():
    load_pickup_points()
    load_pickup_points()

    points = list(PickupPoint.objects.all())
    assert len(points) == 2
    assert all(point.address_zh_hans.startswith("上海市") for point in points)
    assert all(point.name_en for point in points)


# Session and cart, the member again, cart lines, pictures, the address book, the member's
# points balance (for "use points"), and the active pickup points (one small query) once the
# header's menu has been read. The signed-in member's row comes from the cache.
CHECKOUT_QUERIES = 7
# A pickup order's review also reads its point, to show it and to catch a retired one.
REVIEW_QUERIES = {"courier": 4, "pickup": 5}


def test_checkout_takes_a_fixed_number_of_queries(
    member_client, default_address, django_assert_num_queries
):
    PickupPointFactory.create_batch(3)
    AddressFactory.create_batch(3, member=default_address.member)
    member_client.get(reverse("orders:checkout"))

    with django_assert_num_queries(CHECKOUT_QUERIES):
        response = member_client.get(reverse("orders:checkout"))

    assert response.status_code == 200


@pytest.mark.parametrize("method", ["courier", "pickup"])
def test_review_takes_a_fixed_number_of_queries(
    member_client, default_address, django_assert_num_queries, method
):
    point = PickupPointFactory()
    checkout(
        member_client,
        shipping_method=method,
        saved_address=default_address.pk,
        pickup_point=point.pk,
        recipient_name="王五",
        phone="13800138000",
    )
    member_client.get(reverse("orders:review"))

    with django_assert_num_queries(REVIEW_QUERIES[method]):
        response = member_client.get(reverse("orders:review"))

    assert response.status_code == 200

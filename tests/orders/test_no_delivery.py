"""Orders of things that are never shipped (a paid membership): checkout asks for no address,
shipping method or pickup point and offers no cash on delivery; the order keeps no address
and pays no fee, is completed once paid, and never reaches the warehouse. Mixed carts are
delivered as usual. Only members buy memberships."""

import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.cart.models import CartLine
from apps.cart.services import AccountNeeded
from apps.core.choices import PaymentMethod, ShippingMethod
from apps.members.models import Membership
from apps.orders import services
from apps.orders.choices import FulfilmentStatus, PaymentStatus
from apps.orders.emails import order_email
from apps.orders.models import Order
from apps.payments import services as payment_services
from tests.cart.factories import CartFactory, CartLineFactory
from tests.catalog.factories import SkuFactory
from tests.members.factories import AddressFactory, MembershipPlanFactory, UserFactory
from tests.orders.factories import (
    OrderFactory,
    OrderLineFactory,
    PickupPointFactory,
    checkout_details,
    paid_order,
    place_order,
)
from tests.orders.test_checkout import CHECKOUT_QUERIES, REVIEW_QUERIES
from tests.staff.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

CONTACT = {
    "email": "buyer@example.com",
    "recipient_name": "王五",
    "phone": "139 0013 9000",
    "payment_method": "online",
}


@pytest.fixture
def plan():
    return MembershipPlanFactory()


@pytest.fixture
def member():
    return UserFactory(phone="13900139000")


@pytest.fixture
def member_client(client, member, plan):
    """A member with the membership alone in the cart."""
    client.force_login(member)
    client.post(reverse("cart:add"), {"sku": plan.sku.pk, "quantity": 1})
    return client


def checkout(client, **fields):
    return client.post(reverse("orders:checkout"), {**CONTACT, **fields})


def place(client):
    review = client.get(reverse("orders:review"))
    key = review.context["form"].initial["idempotency_key"]
    return client.post(reverse("orders:place"), {"idempotency_key": key})


# --- Checkout -------------------------------------------------------------------------------


def test_checkout_of_a_membership_asks_for_no_address_method_or_pickup_point(member_client, member):
    PickupPointFactory()
    AddressFactory(member=member, is_default=True)

    response = member_client.get(reverse("orders:checkout"))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="no-delivery"' in content
    for name in ("shipping_method", "saved_address", "pickup_point", "province", "street"):
        assert f'name="{name}"' not in content
    assert 'name="recipient_name"' in content and 'name="phone"' in content


def test_checkout_of_a_membership_offers_no_cash_on_delivery(member_client):
    response = member_client.get(reverse("orders:checkout"))

    payment_values = re.findall(r'name="payment_method" value="(\w+)"', response.content.decode())
    assert "cod" not in payment_values
    assert payment_values == ["online", "bank_transfer"]


def test_cash_on_delivery_posted_for_a_membership_is_refused(member_client):
    response = checkout(member_client, payment_method="cod")

    assert response.status_code == 200
    assert "payment_method" in response.context["form"].errors
    assert "checkout" not in member_client.session


def test_checkout_of_a_membership_needs_no_address(member_client):
    response = checkout(member_client)

    assert response.status_code == 302
    assert member_client.session["checkout"]["shipping_method"] == ShippingMethod.NONE
    assert member_client.session["checkout"]["delivery"] == {
        "recipient_name": "王五",
        "phone": "13900139000",
    }


def test_checkout_of_a_membership_still_needs_the_buyers_mobile_number(member_client):
    response = checkout(member_client, phone="")

    assert "phone" in response.context["form"].errors
    assert "checkout" not in member_client.session


def test_review_of_a_membership_says_nothing_to_deliver_and_charges_no_fee(member_client):
    checkout(member_client)

    response = member_client.get(reverse("orders:review"))

    assert 'data-testid="no-delivery"' in response.content.decode()
    assert response.context["pricing"].shipping_fee == Decimal("0.00")
    assert response.context["pricing"].total == Decimal("168.00")


def test_member_orders_a_membership_without_an_address_and_pays_no_fee(member_client, member):
    checkout(member_client)

    response = place(member_client)

    order = Order.objects.get(member=member)
    assert response["Location"] == reverse("payments:pay", kwargs={"number": order.number})
    assert (order.shipping_method, order.shipping_amount, order.total_amount) == (
        ShippingMethod.NONE,
        Decimal("0.00"),
        Decimal("168.00"),
    )
    assert (order.province, order.city, order.district, order.street, order.region_code) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert (order.recipient_name, order.phone) == ("王五", "13900139000")


def test_member_pays_a_membership_with_the_simulator_and_it_is_completed_and_granted(
    member_client, member, plan, django_capture_on_commit_callbacks
):
    checkout(member_client)
    place(member_client)
    order = Order.objects.get(member=member)

    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(
            reverse("payments:simulator", kwargs={"number": order.number}), {"outcome": "paid"}
        )

    order.refresh_from_db()
    assert (order.payment_status, order.fulfilment_status) == (
        PaymentStatus.PAID,
        FulfilmentStatus.COMPLETED,
    )
    membership = Membership.objects.get(member=member)
    assert (membership.plan, membership.order) == (plan, order)
    assert order.events.filter(to_status=FulfilmentStatus.COMPLETED).count() == 1


def test_a_membership_paid_by_bank_transfer_is_completed_once_staff_confirm_it(
    member, plan, django_capture_on_commit_callbacks
):
    order = place_order(
        member=member, items=[(plan.sku, 1)], payment_method=PaymentMethod.BANK_TRANSFER
    )
    assert order.fulfilment_status == FulfilmentStatus.AWAITING_PAYMENT

    with django_capture_on_commit_callbacks(execute=True):
        payment_services.payment_confirm_bank_transfer(order=order, actor=StaffUserFactory())

    order.refresh_from_db()
    assert order.fulfilment_status == FulfilmentStatus.COMPLETED
    assert Membership.objects.filter(member=member, order=order).count() == 1


def test_order_place_refuses_cash_on_delivery_for_nothing_to_deliver(member, plan):
    cart = CartFactory(member=member)
    CartLineFactory(cart=cart, sku=plan.sku)
    details = checkout_details(
        shipping_method=ShippingMethod.NONE, payment_method=PaymentMethod.CASH_ON_DELIVERY
    )

    with pytest.raises(services.OrderError):
        services.order_place(cart=cart, details=details, idempotency_key="k" * 20, member=member)

    assert not Order.objects.exists()
    assert CartLine.objects.filter(cart=cart).count() == 1


def test_order_place_refuses_a_courier_address_for_nothing_to_deliver(member, plan):
    cart = CartFactory(member=member)
    CartLineFactory(cart=cart, sku=plan.sku)

    with pytest.raises(services.OrderError):
        services.order_place(
            cart=cart, details=checkout_details(), idempotency_key="k" * 20, member=member
        )

    assert not Order.objects.exists()


def test_order_place_refuses_no_delivery_for_goods_to_deliver(member):
    cart = CartFactory(member=member)
    kettle = CartLineFactory(cart=cart, sku=SkuFactory(stock=5)).sku
    details = checkout_details(shipping_method=ShippingMethod.NONE)

    with pytest.raises(services.OrderError):
        services.order_place(cart=cart, details=details, idempotency_key="k" * 20, member=member)

    assert not Order.objects.exists()
    kettle.refresh_from_db()
    assert kettle.stock == 5


def test_review_sends_back_to_checkout_when_goods_to_deliver_joined_the_cart(member_client, member):
    checkout(member_client)
    member_client.post(reverse("cart:add"), {"sku": SkuFactory(stock=5).pk, "quantity": 1})

    response = member_client.get(reverse("orders:review"))

    assert response["Location"] == reverse("orders:checkout")
    assert [str(message) for message in get_messages(response.wsgi_request)][-1] == _(
        "Your cart now holds goods to deliver. Please choose the delivery again."
    )


# --- Mixed carts ----------------------------------------------------------------------------


def test_a_mixed_cart_still_asks_for_the_address_and_pays_the_fee(member_client, member):
    member_client.post(
        reverse("cart:add"), {"sku": SkuFactory(price=Decimal("100.00"), stock=5).pk}
    )

    page = member_client.get(reverse("orders:checkout"))
    checkout(
        member_client,
        shipping_method="courier",
        province="310000",
        city="310100",
        district="310101",
        street="南京东路 1 号",
    )
    place(member_client)

    order = Order.objects.get(member=member)
    assert 'name="shipping_method"' in page.content.decode()
    assert (order.shipping_method, order.street) == (ShippingMethod.COURIER, "南京东路 1 号")
    assert (order.shipping_amount, order.total_amount) == (Decimal("12.00"), Decimal("280.00"))


# --- Guests -------------------------------------------------------------------------------------


def test_a_guest_cart_holding_a_membership_is_sent_to_log_in_at_checkout(client, plan):
    cart = CartFactory()
    CartLineFactory(cart=cart, sku=plan.sku)
    session = client.session
    session["cart_id"] = cart.pk
    session.save()

    response = client.get(reverse("orders:checkout"))

    location = urlsplit(response["Location"])
    assert (location.path, parse_qs(location.query)["next"]) == (
        reverse("account_login"),
        [reverse("orders:checkout")],
    )
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        _("Log in or sign up to buy a membership.")
    ]
    assert not Order.objects.exists()


def test_order_place_refuses_a_guest_cart_holding_a_membership(plan):
    cart = CartFactory()
    CartLineFactory(cart=cart, sku=plan.sku)
    details = checkout_details(shipping_method=ShippingMethod.NONE)

    with pytest.raises(AccountNeeded):
        services.order_place(cart=cart, details=details, idempotency_key="k" * 20)

    assert not Order.objects.exists()
    assert CartLine.objects.filter(cart=cart).count() == 1


# --- The warehouse ----------------------------------------------------------------------------


def test_pick_list_leaves_out_lines_that_are_never_shipped(client, member, plan):
    kettle = SkuFactory(code="KT-1", stock=20)
    paid_order(member=member, items=[(plan.sku, 1), (kettle, 2)])
    client.force_login(StaffUserFactory(roles=["warehouse"]))

    response = client.get(
        reverse("admin:orders_order_pick_list"), {"day": timezone.localdate().isoformat()}
    )

    assert [(row["sku_code"], row["quantity"]) for row in response.context["skus"]] == [("KT-1", 2)]
    assert len(response.context["orders"]) == 1


def test_pick_list_leaves_out_an_order_of_memberships_only(client, plan):
    # An order from before memberships needed no delivery: courier, waiting to be packed.
    order = OrderFactory(
        payment_status=PaymentStatus.PAID, fulfilment_status=FulfilmentStatus.TO_PICK
    )
    OrderLineFactory(order=order, sku=plan.sku)
    client.force_login(StaffUserFactory(roles=["warehouse"]))

    response = client.get(
        reverse("admin:orders_order_pick_list"), {"day": timezone.localdate().isoformat()}
    )

    assert (response.context["skus"], response.context["orders"]) == ([], [])


def test_packing_slips_leave_out_memberships(client, member, plan):
    mixed = paid_order(member=member, items=[(plan.sku, 1), (SkuFactory(code="KT-1"), 1)])
    client.force_login(StaffUserFactory(roles=["warehouse"]))

    response = client.post(
        reverse("admin:orders_order_changelist"),
        {"action": "print_packing_slips", "_selected_action": [mixed.pk]},
    )

    content = response.content.decode()
    assert "KT-1" in content
    assert plan.sku.code not in content


def test_an_order_with_nothing_to_deliver_gets_no_packing_slip(
    client, member, plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = paid_order(member=member, items=[(plan.sku, 1)])
    client.force_login(StaffUserFactory(roles=["warehouse"]))

    response = client.post(
        reverse("admin:orders_order_changelist"),
        {"action": "print_packing_slips", "_selected_action": [order.pk]},
    )

    assert list(response.context["orders"]) == []


def test_an_order_with_nothing_to_deliver_cannot_be_marked_shipped(member, plan):
    order = OrderFactory(
        member=member,
        shipping_method=ShippingMethod.NONE,
        payment_status=PaymentStatus.PAID,
        fulfilment_status=FulfilmentStatus.TO_PICK,
    )

    with pytest.raises(services.OrderError):
        services.order_mark_shipped(order=order, carrier="顺丰速运", tracking_number="SF1")

    order.refresh_from_db()
    assert (order.fulfilment_status, order.tracking_number) == (FulfilmentStatus.TO_PICK, "")


def test_admin_order_page_of_nothing_to_deliver_shows_no_address(client, member, plan):
    order = paid_order(member=member, items=[(plan.sku, 1)])
    client.force_login(StaffUserFactory(roles=["store_manager"]))

    response = client.get(reverse("admin:orders_order_change", args=[order.pk]))

    fields = [
        name
        for _name, options in response.context["adminform"].fieldsets
        for name in options["fields"]
    ]
    assert response.status_code == 200
    assert "shipping_method" in fields
    assert not {"street", "carrier", "tracking_number", "shipped_at"} & set(fields)


# --- The order page and emails -------------------------------------------------------------


def test_order_page_says_nothing_to_deliver_and_shows_no_shipping_fee(client, member, plan):
    order = place_order(member=member, items=[(plan.sku, 1)])
    client.force_login(member)

    response = client.get(order.get_absolute_url())

    content = response.content.decode()
    assert 'data-testid="no-delivery"' in content
    assert f'<th scope="row" colspan="3">{_("Shipping fee")}</th>' not in content


def test_payment_email_of_nothing_to_deliver_says_the_order_is_complete(
    member, plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = paid_order(member=member, items=[(plan.sku, 1)], language="en")

    email = order_email(order=order, kind="paid")

    assert "Nothing needs to be delivered: your order is complete." in email.body
    assert "will ship within 48 hours" not in email.body


def test_payment_email_of_nothing_to_deliver_has_no_address_or_shipping_fee(
    member, plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = paid_order(member=member, items=[(plan.sku, 1)], language="en")

    email = order_email(order=order, kind="paid")

    assert "Nothing to deliver" in email.body
    assert "Delivery address" not in email.body
    assert "Shipping fee" not in email.body


# --- Query counts ---------------------------------------------------------------------------


def test_checkout_of_a_membership_takes_no_more_queries_than_a_delivery(
    member_client, django_assert_max_num_queries
):
    member_client.get(reverse("orders:checkout"))

    with django_assert_max_num_queries(CHECKOUT_QUERIES):
        response = member_client.get(reverse("orders:checkout"))

    assert response.status_code == 200


def test_review_of_a_membership_takes_no_more_queries_than_a_courier_order(
    member_client, django_assert_max_num_queries
):
    checkout(member_client)
    member_client.get(reverse("orders:review"))

    with django_assert_max_num_queries(REVIEW_QUERIES["courier"]):
        response = member_client.get(reverse("orders:review"))

    assert response.status_code == 200

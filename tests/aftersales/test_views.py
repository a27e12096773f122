"""Returns and exchanges on the storefront (shopper's own orders only) and in the after-sales
queue of the back office (after-sales staff only)."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import avoid_wrapping
from django.utils.translation import gettext, ngettext

from apps.aftersales import services
from apps.aftersales.models import (
    ReturnKind,
    ReturnReason,
    ReturnRequest,
    ReturnStatus,
)
from apps.orders.models import Order
from tests.catalog.factories import SkuFactory
from tests.members.factories import UserFactory
from tests.orders.factories import delivered_order, image_upload, place_order, request_return
from tests.staff.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

RETURN_ADDRESS = "退货组 张师傅 13900001111 上海市黄浦区 南京东路 100 号"


def new_return_url(order) -> str:
    return reverse("aftersales:return_new", args=[order.number])


def form_data(order, **overrides) -> dict:
    line = order.lines.get()
    data = {
        f"line_{line.pk}": 1,
        "kind": ReturnKind.RETURN,
        "reason": ReturnReason.QUALITY,
        "description": "开机后有异味。",
    }
    data.update(overrides)
    return data


def as_guest_who_placed(client, order):
    session = client.session
    session["placed_orders"] = [order.number]
    session.save()


# Storefront -----------------------------------------------------------------------------------


def test_the_order_page_offers_a_return_once_delivered(client):
    member = UserFactory()
    order = delivered_order(member=member)
    client.force_login(member)

    response = client.get(order.get_absolute_url())

    assert new_return_url(order) in response.content.decode()


def test_the_order_page_offers_no_return_before_delivery(client):
    member = UserFactory()
    order = place_order(member=member)
    client.force_login(member)

    response = client.get(order.get_absolute_url())

    assert new_return_url(order) not in response.content.decode()


def test_the_return_form_of_an_undelivered_order_sends_the_shopper_back(client):
    member = UserFactory()
    order = place_order(member=member)
    client.force_login(member)

    response = client.post(new_return_url(order), form_data(order))

    assert response.status_code == 302
    assert response["Location"] == order.get_absolute_url()
    assert ReturnRequest.objects.count() == 0


def test_member_asks_for_a_return_with_a_photo(client, django_capture_on_commit_callbacks):
    member = UserFactory()
    order = delivered_order(member=member)
    client.force_login(member)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            new_return_url(order), {**form_data(order), "photos": [image_upload()]}
        )

    return_request = ReturnRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == return_request.get_absolute_url()
    assert (return_request.order, return_request.status, return_request.photos.count()) == (
        order,
        ReturnStatus.REQUESTED,
        1,
    )
    assert [line.quantity for line in return_request.lines.all()] == [1]
    assert len(mail.outbox) == 1


def test_the_guest_session_that_placed_the_order_asks_for_a_return(client):
    order = delivered_order()
    as_guest_who_placed(client, order)

    response = client.post(new_return_url(order), form_data(order))

    assert response.status_code == 302
    assert ReturnRequest.objects.get().order == order


def test_a_file_that_is_not_an_image_is_a_form_error_and_nothing_is_saved(client):
    member = UserFactory()
    order = delivered_order(member=member)
    client.force_login(member)
    fake = SimpleUploadedFile("invoice.jpg", b"%PDF-1.4 not an image", "image/jpeg")

    response = client.post(new_return_url(order), {**form_data(order), "photos": [fake]})

    assert response.status_code == 400
    assert response.context["form"].errors["photos"] == [
        gettext("%(name)s: %(problem)s")
        % {"name": "invoice.jpg", "problem": gettext("This file is not an image we can read.")}
    ]
    assert ReturnRequest.objects.count() == 0


def test_an_image_with_too_many_pixels_is_a_form_error(client, monkeypatch):
    monkeypatch.setattr("apps.core.images.MAX_IMAGE_PIXELS", 1000)
    member = UserFactory()
    order = delivered_order(member=member)
    client.force_login(member)

    response = client.post(
        new_return_url(order), {**form_data(order), "photos": [image_upload("big.png")]}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["photos"] == [
        gettext("%(name)s: %(problem)s")
        % {"name": "big.png", "problem": gettext("The image has too many pixels.")}
    ]
    assert ReturnRequest.objects.count() == 0


def test_asking_for_more_than_bought_is_a_form_error(client):
    member = UserFactory()
    order = delivered_order(member=member, items=[(SkuFactory(), 2)])
    line = order.lines.get()
    client.force_login(member)

    response = client.post(new_return_url(order), form_data(order, **{f"line_{line.pk}": 3}))

    assert response.status_code == 400
    assert f"line_{line.pk}" in response.context["form"].errors
    assert ReturnRequest.objects.count() == 0


def test_asking_for_no_item_is_a_form_error(client):
    member = UserFactory()
    order = delivered_order(member=member)
    line = order.lines.get()
    client.force_login(member)

    response = client.post(new_return_url(order), form_data(order, **{f"line_{line.pk}": 0}))

    assert response.context["form"].non_field_errors() == [
        gettext("Choose at least one item and how many.")
    ]
    assert ReturnRequest.objects.count() == 0


def test_another_member_cannot_open_the_return_form_of_someone_elses_order(client):
    order = delivered_order(member=UserFactory())
    client.force_login(UserFactory())

    assert client.get(new_return_url(order)).status_code == 404


def test_another_member_cannot_ask_for_a_return_on_someone_elses_order(client):
    order = delivered_order(member=UserFactory())
    client.force_login(UserFactory())

    response = client.post(new_return_url(order), form_data(order))

    assert response.status_code == 404
    assert ReturnRequest.objects.count() == 0


def test_another_visitor_cannot_ask_for_a_return_on_a_guest_order(client):
    order = delivered_order()

    response = client.post(new_return_url(order), form_data(order))

    assert response.status_code == 404
    assert ReturnRequest.objects.count() == 0


def test_another_visitor_cannot_see_a_return_or_its_photos(client):
    order = delivered_order(member=UserFactory())
    return_request = request_return(order=order, photos=[image_upload()])
    photo = return_request.photos.get()
    client.force_login(UserFactory())

    page = client.get(return_request.get_absolute_url())
    picture = client.get(
        reverse("aftersales:return_photo", args=[order.number, return_request.number, photo.pk])
    )

    assert (page.status_code, picture.status_code) == (404, 404)


def test_the_shopper_sees_their_photo_as_a_jpeg(client):
    member = UserFactory()
    order = delivered_order(member=member)
    return_request = request_return(order=order, photos=[image_upload()])
    photo = return_request.photos.get()
    client.force_login(member)

    response = client.get(
        reverse("aftersales:return_photo", args=[order.number, return_request.number, photo.pk])
    )

    assert response.status_code == 200
    assert (response["Content-Type"], response["X-Content-Type-Options"]) == (
        "image/jpeg",
        "nosniff",
    )
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"


def test_the_request_page_shows_who_pays_shipping(client):
    member = UserFactory()
    order = delivered_order(member=member, items=[(SkuFactory(price=Decimal("50.00")), 1)])
    return_request = request_return(order=order, reason=ReturnReason.NOT_QUALITY)
    client.force_login(member)

    response = client.get(return_request.get_absolute_url())

    content = response.content.decode()
    assert gettext("The buyer pays shipping both ways") in content
    terms = (
        "Not a quality problem: you pay the postage to send the goods back, and the delivery"
        " fee of the order is not refunded."
    )
    assert gettext(terms) in content


def test_the_request_page_shows_the_return_address_once_approved(client):
    member = UserFactory()
    order = delivered_order(member=member)
    return_request = request_return(order=order)
    client.force_login(member)
    before = client.get(return_request.get_absolute_url()).content.decode()

    services.return_approve(
        return_request=return_request, return_address=RETURN_ADDRESS, actor=None
    )
    after = client.get(return_request.get_absolute_url()).content.decode()

    assert RETURN_ADDRESS not in before
    assert RETURN_ADDRESS in after


def test_the_shopper_withdraws_their_request(client):
    member = UserFactory()
    return_request = request_return(order=delivered_order(member=member))
    client.force_login(member)

    response = client.post(
        reverse(
            "aftersales:return_withdraw", args=[return_request.order.number, return_request.number]
        )
    )

    assert response.status_code == 302
    assert ReturnRequest.objects.get().status == ReturnStatus.CLOSED


def test_another_visitor_cannot_withdraw_a_request(client):
    return_request = request_return(order=delivered_order(member=UserFactory()))
    client.force_login(UserFactory())

    response = client.post(
        reverse(
            "aftersales:return_withdraw", args=[return_request.order.number, return_request.number]
        )
    )

    assert response.status_code == 404
    assert ReturnRequest.objects.get().status == ReturnStatus.REQUESTED


# After-sales queue ----------------------------------------------------------------------------


def test_after_sales_staff_approve_a_request_with_the_return_address(
    client, django_capture_on_commit_callbacks
):
    return_request = request_return(order=delivered_order())
    agent = StaffUserFactory(roles=["aftersales_service"])
    client.force_login(agent)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:aftersales_returnrequest_approve", args=[return_request.pk]),
            {"return_address": RETURN_ADDRESS, "note": ""},
        )

    return_request.refresh_from_db()
    assert response.status_code == 302
    assert (return_request.status, return_request.return_address) == (
        ReturnStatus.APPROVED,
        RETURN_ADDRESS,
    )
    assert return_request.events.last().actor == agent
    assert len(mail.outbox) == 1


def test_staff_without_after_sales_permission_cannot_approve(client):
    return_request = request_return(order=delivered_order())
    client.force_login(StaffUserFactory(roles=["warehouse"]))

    response = client.post(
        reverse("admin:aftersales_returnrequest_approve", args=[return_request.pk]),
        {"return_address": RETURN_ADDRESS},
    )

    return_request.refresh_from_db()
    assert response.status_code == 403
    assert (return_request.status, return_request.return_address) == (ReturnStatus.REQUESTED, "")


def test_staff_without_after_sales_permission_cannot_open_the_queue(client):
    request_return(order=delivered_order())
    client.force_login(StaffUserFactory(roles=["warehouse"]))

    response = client.get(reverse("admin:aftersales_returnrequest_changelist"))

    assert response.status_code == 403


def test_after_sales_staff_take_a_return_to_its_refund(client):
    order = delivered_order(items=[(SkuFactory(price=Decimal("50.00")), 2)])
    line = order.lines.get()
    return_request = request_return(order=order, lines={line.pk: 1})
    client.force_login(StaffUserFactory(roles=["aftersales_service"]))

    client.post(
        reverse("admin:aftersales_returnrequest_approve", args=[return_request.pk]),
        {"return_address": RETURN_ADDRESS},
    )
    client.post(reverse("admin:aftersales_returnrequest_receive", args=[return_request.pk]), {})
    quote = client.get(reverse("admin:aftersales_returnrequest_refund", args=[return_request.pk]))
    client.post(reverse("admin:aftersales_returnrequest_refund", args=[return_request.pk]), {})

    return_request.refresh_from_db()
    assert quote.context["refund_quote"] == Decimal("50.00")
    assert (return_request.status, return_request.refund_amount) == (
        ReturnStatus.REFUNDED,
        Decimal("50.00"),
    )
    assert Order.objects.get().refunded_amount == Decimal("50.00")


def test_after_sales_staff_ship_an_exchange(client):
    sku = SkuFactory(stock=4)
    return_request = request_return(
        order=delivered_order(items=[(sku, 1)]), kind=ReturnKind.EXCHANGE
    )
    services.return_approve(
        return_request=return_request, return_address=RETURN_ADDRESS, actor=None
    )
    services.return_mark_received(return_request=return_request, actor=None)
    client.force_login(StaffUserFactory(roles=["aftersales_service"]))

    response = client.post(
        reverse("admin:aftersales_returnrequest_ship", args=[return_request.pk]),
        {"carrier": "顺丰速运", "tracking_number": "SF9000"},
    )

    return_request.refresh_from_db()
    sku.refresh_from_db()
    assert response.status_code == 302
    assert (return_request.status, return_request.tracking_number) == (
        ReturnStatus.EXCHANGE_SHIPPED,
        "SF9000",
    )
    assert sku.stock == 3  # the returned unit is back, the replacement went out


def test_a_rejection_without_a_reason_is_a_form_error_and_changes_nothing(client):
    return_request = request_return(order=delivered_order())
    client.force_login(StaffUserFactory(roles=["aftersales_service"]))

    response = client.post(
        reverse("admin:aftersales_returnrequest_reject", args=[return_request.pk]), {"reason": ""}
    )

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert ReturnRequest.objects.get().status == ReturnStatus.REQUESTED


def test_a_step_the_state_machine_refuses_is_a_form_error(client):
    return_request = request_return(order=delivered_order())
    client.force_login(StaffUserFactory(roles=["aftersales_service"]))

    response = client.post(
        reverse("admin:aftersales_returnrequest_receive", args=[return_request.pk]), {}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        gettext("A return that is “%(from)s” cannot become “%(to)s”.")
        % {"from": ReturnStatus.REQUESTED.label, "to": ReturnStatus.RECEIVED.label}
    ]
    assert ReturnRequest.objects.get().status == ReturnStatus.REQUESTED


def test_the_queue_shows_the_age_of_each_request(client):
    return_request = request_return(order=delivered_order())
    ReturnRequest.objects.filter(pk=return_request.pk).update(
        created_at=timezone.now() - timedelta(days=3, hours=2)
    )
    client.force_login(StaffUserFactory(roles=["aftersales_service"]))
    # Django's own wording of a duration ("3 days"), in the back office's language.
    three_days = avoid_wrapping(ngettext("%(num)d day", "%(num)d days", 3) % {"num": 3})

    response = client.get(reverse("admin:aftersales_returnrequest_changelist"))

    assert response.status_code == 200
    assert f'<td class="field-age">{three_days}</td>' in response.content.decode()


def test_the_queue_filters_open_requests(client):
    still_open = request_return(order=delivered_order())
    closed = request_return(order=delivered_order())
    services.return_close(return_request=closed, actor=None, note="Duplicate.")
    client.force_login(StaffUserFactory(roles=["aftersales_service"]))

    response = client.get(reverse("admin:aftersales_returnrequest_changelist"), {"state": "open"})

    assert list(response.context["cl"].result_list) == [still_open]


def test_the_queue_filters_by_kind(client):
    request_return(order=delivered_order())
    exchange = request_return(order=delivered_order(), kind=ReturnKind.EXCHANGE)
    client.force_login(StaffUserFactory(roles=["aftersales_service"]))

    response = client.get(
        reverse("admin:aftersales_returnrequest_changelist"), {"kind__exact": ReturnKind.EXCHANGE}
    )

    assert list(response.context["cl"].result_list) == [exchange]


def test_the_queue_finds_a_request_by_order_number(client):
    wanted = request_return(order=delivered_order())
    request_return(order=delivered_order())
    client.force_login(StaffUserFactory(roles=["aftersales_service"]))

    response = client.get(
        reverse("admin:aftersales_returnrequest_changelist"), {"q": wanted.order.number}
    )

    assert list(response.context["cl"].result_list) == [wanted]


def test_the_request_page_in_the_back_office_offers_the_next_steps(client):
    return_request = request_return(order=delivered_order())
    client.force_login(StaffUserFactory(roles=["aftersales_service"]))

    response = client.get(
        reverse("admin:aftersales_returnrequest_change", args=[return_request.pk])
    )

    assert [label for _url, label in response.context["return_tools"]] == [
        gettext("Approve (give the return address)"),
        gettext("Reject with a reason"),
        gettext("Close"),
    ]


def test_after_sales_staff_see_a_return_photo(client):
    return_request = request_return(order=delivered_order(), photos=[image_upload()])
    photo = return_request.photos.get()
    client.force_login(StaffUserFactory(roles=["aftersales_service"]))

    response = client.get(
        reverse("admin:aftersales_returnrequest_photo", args=[return_request.pk, photo.pk])
    )

    assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg")


def test_return_photos_are_stored_outside_the_public_media_folder():
    order = delivered_order(member=UserFactory())
    return_request = request_return(order=order, photos=[image_upload()])

    path = Path(return_request.photos.get().image.path).resolve()

    assert Path(settings.PRIVATE_MEDIA_ROOT).resolve() in path.parents
    assert Path(settings.MEDIA_ROOT).resolve() not in path.parents


def test_a_guest_who_looked_the_order_up_can_ask_for_a_return(client):
    order = delivered_order()

    found = client.post(
        reverse("orders:lookup"), {"number": order.number, "contact": "13800138000"}
    )
    response = client.post(new_return_url(order), form_data(order))

    assert new_return_url(order) in found.content.decode()
    assert response.status_code == 302
    assert ReturnRequest.objects.get().order == order


def test_looking_an_order_up_does_not_open_its_full_page(client):
    order = delivered_order()

    client.post(reverse("orders:lookup"), {"number": order.number, "contact": "13800138000"})

    assert client.get(order.get_absolute_url()).status_code == 404

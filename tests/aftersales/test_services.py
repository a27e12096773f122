"""Returns and exchanges: who pays shipping, the 7-day window, quantities, the state machine,
refunds and replacements, photos and the shopper's emails."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext
from PIL import Image

from apps.aftersales import services
from apps.aftersales.models import (
    ReturnEvent,
    ReturnKind,
    ReturnReason,
    ReturnRequest,
    ReturnStatus,
    ShippingPayer,
)
from apps.core.choices import PaymentMethod, ShippingMethod
from apps.orders import services as order_services
from apps.orders.choices import FulfilmentStatus, PaymentStatus
from apps.orders.models import Order
from apps.payments import services as payment_services
from tests.catalog.factories import SkuFactory
from tests.members.factories import UserFactory
from tests.orders.factories import delivered_order, image_upload, place_order, request_return
from tests.staff.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

RETURN_ADDRESS = "退货组 张师傅 13900001111 上海市黄浦区 南京东路 100 号"


def stock_of(sku) -> int:
    sku.refresh_from_db()
    return sku.stock


def received(return_request, agent=None):
    """The request approved and its goods arrived at the shop."""
    services.return_approve(
        return_request=return_request, return_address=RETURN_ADDRESS, actor=agent
    )
    return services.return_mark_received(return_request=return_request, actor=agent)


def stored_return_photos() -> list:
    folder = settings.MEDIA_ROOT / "returns"
    return sorted(folder.iterdir()) if folder.exists() else []


# Who pays shipping -----------------------------------------------------------------------------


def test_quality_return_is_shipped_at_shop_cost():
    order = delivered_order(items=[(SkuFactory(price=Decimal("50.00")), 1)])

    return_request = request_return(order=order, reason=ReturnReason.QUALITY)

    assert return_request.shipping_payer == ShippingPayer.SHOP


def test_return_without_quality_problem_costs_the_buyer_shipping_both_ways():
    order = delivered_order(items=[(SkuFactory(price=Decimal("50.00")), 1)])
    assert order.shipping_amount == Decimal("12.00")

    return_request = request_return(order=order, reason=ReturnReason.NOT_QUALITY)

    assert return_request.shipping_payer == ShippingPayer.BUYER_BOTH_LEGS


def test_return_of_an_order_shipped_free_costs_the_buyer_only_the_return_leg():
    order = delivered_order(items=[(SkuFactory(price=Decimal("199.00")), 1)])
    assert order.shipping_amount == Decimal("0.00")

    return_request = request_return(order=order, reason=ReturnReason.NOT_QUALITY)

    assert return_request.shipping_payer == ShippingPayer.BUYER_RETURN_LEG


def test_return_of_a_pickup_order_costs_the_buyer_only_the_return_leg():
    order = delivered_order(
        items=[(SkuFactory(price=Decimal("50.00")), 1)], shipping_method=ShippingMethod.PICKUP
    )

    return_request = request_return(order=order, reason=ReturnReason.NOT_QUALITY)

    assert return_request.shipping_payer == ShippingPayer.BUYER_RETURN_LEG


# Who may ask, for what ------------------------------------------------------------------------


def test_request_on_the_seventh_day_after_delivery_is_accepted():
    order = delivered_order()

    return_request = request_return(order=order, now=order.delivered_at + timedelta(days=7))

    assert return_request.status == ReturnStatus.REQUESTED


def test_request_on_the_eighth_day_after_delivery_is_refused_and_nothing_is_saved():
    order = delivered_order()
    mail.outbox.clear()

    with pytest.raises(services.ReturnError):
        request_return(order=order, now=order.delivered_at + timedelta(days=8))

    assert ReturnRequest.objects.count() == 0
    assert mail.outbox == []


def test_request_for_an_order_not_yet_delivered_is_refused():
    order = place_order()
    payment_services.payment_record(
        order=order, provider="simulator", provider_event_id="e-1", amount=order.total_amount
    )
    order_services.order_mark_shipped(
        order=Order.objects.get(pk=order.pk), carrier="顺丰速运", tracking_number="SF1"
    )

    with pytest.raises(services.ReturnError):
        request_return(order=Order.objects.get(pk=order.pk))

    assert ReturnRequest.objects.count() == 0


def test_more_than_was_bought_is_refused():
    order = delivered_order(items=[(SkuFactory(), 2)])
    line = order.lines.get()

    with pytest.raises(services.ReturnError):
        request_return(order=order, lines={line.pk: 3})

    assert ReturnRequest.objects.count() == 0


def test_units_already_refunded_cannot_be_returned():
    order = delivered_order(items=[(SkuFactory(price=Decimal("50.00")), 2)])
    line = order.lines.get()
    order_services.order_refund(order=order, lines={line.pk: 1})

    with pytest.raises(services.ReturnError):
        request_return(order=order, lines={line.pk: 2})

    assert ReturnRequest.objects.count() == 0


def test_a_line_in_an_open_request_cannot_be_asked_for_again():
    order = delivered_order(items=[(SkuFactory(), 2)])
    line = order.lines.get()
    request_return(order=order, lines={line.pk: 1})

    with pytest.raises(services.ReturnError):
        request_return(order=order, lines={line.pk: 1})

    assert ReturnRequest.objects.count() == 1


def test_a_line_can_be_asked_for_again_once_its_request_is_closed():
    order = delivered_order(items=[(SkuFactory(), 2)])
    line = order.lines.get()
    first = request_return(order=order, lines={line.pk: 1})
    services.return_close(return_request=first, actor=None, note="Sent by mistake.")

    second = request_return(order=order, lines={line.pk: 2})

    assert second.status == ReturnStatus.REQUESTED


def test_an_exchange_for_an_option_at_another_price_is_refused():
    bought = SkuFactory(price=Decimal("199.00"))
    dearer = SkuFactory(product=bought.product, price=Decimal("299.00"), options_en="Black")
    order = delivered_order(items=[(bought, 1)])
    line = order.lines.get()

    with pytest.raises(services.ReturnError):
        request_return(order=order, kind=ReturnKind.EXCHANGE, replacements={line.pk: dearer.pk})

    assert ReturnRequest.objects.count() == 0


# The state machine ----------------------------------------------------------------------------


def test_goods_cannot_be_received_before_the_request_is_approved():
    return_request = request_return(order=delivered_order())

    with pytest.raises(services.InvalidTransition):
        services.return_mark_received(return_request=return_request, actor=None)

    assert ReturnRequest.objects.get().status == ReturnStatus.REQUESTED


def test_approval_needs_a_return_address():
    return_request = request_return(order=delivered_order())

    with pytest.raises(services.ReturnError):
        services.return_approve(return_request=return_request, return_address=" ", actor=None)

    assert ReturnRequest.objects.get().status == ReturnStatus.REQUESTED


def test_every_step_is_an_event_with_who_and_when():
    shopper = UserFactory()
    agent = StaffUserFactory()
    order = delivered_order(member=shopper)
    return_request = request_return(order=order, actor=shopper)

    received(return_request, agent)

    events = list(ReturnEvent.objects.filter(request=return_request))
    assert [(e.from_status, e.to_status, e.actor) for e in events] == [
        ("", ReturnStatus.REQUESTED, shopper),
        (ReturnStatus.REQUESTED, ReturnStatus.APPROVED, agent),
        (ReturnStatus.APPROVED, ReturnStatus.RECEIVED, agent),
    ]
    assert all(event.created_at is not None for event in events)


def test_return_refunds_the_paid_amount_of_the_returned_lines():
    cheap = SkuFactory(price=Decimal("50.00"))
    dear = SkuFactory(price=Decimal("150.00"))
    order = delivered_order(items=[(cheap, 3), (dear, 1)])
    cheap_line = order.lines.get(sku=cheap)
    return_request = request_return(order=order, lines={cheap_line.pk: 2})
    received(return_request)

    refunded = services.return_refund(return_request=return_request, actor=None)

    order.refresh_from_db()
    cheap_line.refresh_from_db()
    assert (refunded.status, refunded.refund_amount) == (ReturnStatus.REFUNDED, Decimal("100.00"))
    assert (order.payment_status, order.refunded_amount) == (
        PaymentStatus.PARTLY_REFUNDED,
        Decimal("100.00"),
    )
    assert (cheap_line.refunded_quantity, cheap_line.refunded_amount) == (2, Decimal("100.00"))


def test_a_second_return_after_a_partial_refund_is_refunded_too():
    order = delivered_order(items=[(SkuFactory(price=Decimal("50.00")), 2)])
    line = order.lines.get()
    first = request_return(order=order, lines={line.pk: 1})
    received(first)
    services.return_refund(return_request=first, actor=None)
    second = request_return(order=Order.objects.get(pk=order.pk), lines={line.pk: 1})
    received(second)

    refunded = services.return_refund(return_request=second, actor=None)

    order.refresh_from_db()
    # The last unit completes a quality return of the whole order: the delivery fee comes back.
    assert refunded.refund_amount == Decimal("62.00")
    assert (order.payment_status, order.refunded_amount) == (
        PaymentStatus.REFUNDED,
        Decimal("112.00"),
    )


def test_whole_order_returned_without_quality_problem_keeps_the_delivery_fee():
    order = delivered_order(items=[(SkuFactory(price=Decimal("50.00")), 1)])
    assert order.total_amount == Decimal("62.00")
    return_request = request_return(order=order, reason=ReturnReason.NOT_QUALITY)
    received(return_request)

    refunded = services.return_refund(return_request=return_request, actor=None)

    order.refresh_from_db()
    assert refunded.refund_amount == Decimal("50.00")
    assert (order.payment_status, order.refunded_amount) == (
        PaymentStatus.REFUNDED,
        Decimal("50.00"),
    )


def test_whole_order_returned_for_a_quality_problem_refunds_the_delivery_fee_too():
    order = delivered_order(items=[(SkuFactory(price=Decimal("50.00")), 1)])
    return_request = request_return(order=order, reason=ReturnReason.QUALITY)
    received(return_request)

    refunded = services.return_refund(return_request=return_request, actor=None)

    order.refresh_from_db()
    assert refunded.refund_amount == Decimal("62.00")
    assert order.refunded_amount == order.total_amount


def test_refund_is_refused_when_the_units_were_refunded_meanwhile_and_nothing_changes():
    order = delivered_order(items=[(SkuFactory(price=Decimal("50.00")), 2)])
    line = order.lines.get()
    return_request = request_return(order=order, lines={line.pk: 2})
    received(return_request)
    order_services.order_refund(order=order, lines={line.pk: 2})

    with pytest.raises(services.OrderError):
        services.return_refund(return_request=return_request, actor=None)

    order.refresh_from_db()
    return_request.refresh_from_db()
    assert order.refunded_amount == Decimal("112.00")
    assert (return_request.status, return_request.refund_amount) == (
        ReturnStatus.RECEIVED,
        Decimal("0.00"),
    )


def test_an_exchange_cannot_be_refunded():
    return_request = request_return(order=delivered_order(), kind=ReturnKind.EXCHANGE)
    received(return_request)

    with pytest.raises(services.InvalidTransition):
        services.return_refund(return_request=return_request, actor=None)

    assert Order.objects.get().refunded_amount == 0
    assert ReturnRequest.objects.get().status == ReturnStatus.RECEIVED


def test_shipping_an_exchange_takes_the_replacement_and_restocks_the_intact_unit():
    sku = SkuFactory(stock=5)
    order = delivered_order(items=[(sku, 1)])
    return_request = request_return(order=order, kind=ReturnKind.EXCHANGE)
    received(return_request)

    shipped = services.return_ship_exchange(
        return_request=return_request, carrier="顺丰速运", tracking_number="SF2000", actor=None
    )

    assert (shipped.status, shipped.tracking_number) == (ReturnStatus.EXCHANGE_SHIPPED, "SF2000")
    # 5 − 1 bought − 1 replacement + 1 returned intact.
    assert stock_of(sku) == 4
    assert Order.objects.get().refunded_amount == 0


def test_an_exchange_for_another_option_at_the_same_price_takes_that_option_from_stock():
    white = SkuFactory(price=Decimal("199.00"), stock=5)
    black = SkuFactory(product=white.product, price=Decimal("199.00"), stock=5)
    order = delivered_order(items=[(white, 1)])
    line = order.lines.get()
    return_request = request_return(
        order=order, kind=ReturnKind.EXCHANGE, replacements={line.pk: black.pk}
    )
    received(return_request)

    services.return_ship_exchange(
        return_request=return_request, carrier="顺丰速运", tracking_number="SF2001", actor=None
    )

    # The white one came back intact; the black one went out instead.
    assert (stock_of(white), stock_of(black)) == (5, 4)


def test_an_exchange_without_stock_is_refused_and_nothing_changes():
    sku = SkuFactory(stock=1)
    order = delivered_order(items=[(sku, 1)])
    return_request = request_return(order=order, kind=ReturnKind.EXCHANGE)
    received(return_request)

    with pytest.raises(services.OutOfStock):
        services.return_ship_exchange(
            return_request=return_request, carrier="顺丰速运", tracking_number="SF3", actor=None
        )

    return_request.refresh_from_db()
    assert stock_of(sku) == 0
    assert (return_request.status, return_request.tracking_number) == (ReturnStatus.RECEIVED, "")


def test_goods_damaged_by_the_buyer_are_rejected_with_the_reason_and_nothing_is_refunded():
    order = delivered_order(items=[(SkuFactory(price=Decimal("50.00")), 1)])
    return_request = request_return(order=order)
    received(return_request)

    rejected = services.return_reject(
        return_request=return_request, reason="外壳有摔痕，非质量问题。", actor=None
    )

    order.refresh_from_db()
    assert (rejected.status, rejected.rejection_reason, rejected.refund_amount) == (
        ReturnStatus.REJECTED,
        "外壳有摔痕，非质量问题。",
        Decimal("0.00"),
    )
    assert (order.fulfilment_status, order.refunded_amount) == (
        FulfilmentStatus.DELIVERED,
        Decimal("0.00"),
    )


def test_a_request_outside_the_rules_is_rejected_straight_away():
    return_request = request_return(order=delivered_order())

    rejected = services.return_reject(
        return_request=return_request, reason="Opened food is not returnable.", actor=None
    )

    assert rejected.status == ReturnStatus.REJECTED


def test_a_rejection_needs_a_reason():
    return_request = request_return(order=delivered_order())

    with pytest.raises(services.ReturnError):
        services.return_reject(return_request=return_request, reason="", actor=None)

    assert ReturnRequest.objects.get().status == ReturnStatus.REQUESTED


def test_a_rejected_request_cannot_be_refunded():
    return_request = request_return(order=delivered_order())
    services.return_reject(return_request=return_request, reason="Outside the rules.", actor=None)

    with pytest.raises(services.InvalidTransition):
        services.return_refund(return_request=return_request, actor=None)

    assert Order.objects.get().refunded_amount == 0


def test_the_shopper_withdraws_a_request_before_sending_the_goods():
    return_request = request_return(order=delivered_order())

    closed = services.return_withdraw(return_request=return_request)

    assert closed.status == ReturnStatus.CLOSED


def test_the_shopper_cannot_withdraw_once_the_goods_arrived():
    return_request = request_return(order=delivered_order())
    received(return_request)

    with pytest.raises(services.InvalidTransition):
        services.return_withdraw(return_request=return_request)

    assert ReturnRequest.objects.get().status == ReturnStatus.RECEIVED


# Emails ---------------------------------------------------------------------------------------


def test_every_step_emails_the_shopper(django_capture_on_commit_callbacks):
    order = delivered_order(items=[(SkuFactory(price=Decimal("50.00")), 1)])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        return_request = request_return(order=order)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_approve(
            return_request=return_request, return_address=RETURN_ADDRESS, actor=None
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.return_mark_received(return_request=return_request, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_refund(return_request=return_request, actor=None)

    number = return_request.number
    assert [message.subject for message in mail.outbox] == [
        gettext(subject) % {"number": number}
        for subject in (
            "We received your request %(number)s",
            "Request %(number)s approved: where to send the goods",
            "The goods for request %(number)s have arrived",
            "Request %(number)s: refund made",
        )
    ]
    assert {tuple(message.to) for message in mail.outbox} == {(order.email,)}
    assert RETURN_ADDRESS in mail.outbox[1].body
    assert RETURN_ADDRESS in mail.outbox[1].alternatives[0][0]
    assert "¥62.00" in mail.outbox[3].body


def test_a_refused_step_sends_no_email(django_capture_on_commit_callbacks):
    return_request = request_return(order=delivered_order())
    mail.outbox.clear()

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(services.InvalidTransition),
    ):
        services.return_mark_received(return_request=return_request, actor=None)

    assert mail.outbox == []


def test_the_exchange_email_gives_the_replacement_tracking_number(
    django_capture_on_commit_callbacks,
):
    return_request = request_return(order=delivered_order(), kind=ReturnKind.EXCHANGE)
    received(return_request)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.return_ship_exchange(
            return_request=return_request, carrier="顺丰速运", tracking_number="SF4000", actor=None
        )

    assert "SF4000" in mail.outbox[0].body


def test_the_rejection_email_gives_the_reason(django_capture_on_commit_callbacks):
    return_request = request_return(order=delivered_order())
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.return_reject(
            return_request=return_request, reason="Bought 30 days ago.", actor=None
        )

    assert "Bought 30 days ago." in mail.outbox[0].body


# Photos ---------------------------------------------------------------------------------------


def test_photos_are_stored_as_jpeg_under_random_names():
    order = delivered_order()

    return_request = request_return(order=order, photos=[image_upload("我的照片.png", "PNG")])

    photo = return_request.photos.get()
    assert photo.image.name.startswith("returns/")
    assert photo.image.name.endswith(".jpg")
    assert "我的照片" not in photo.image.name
    with photo.image.open("rb") as stored, Image.open(stored) as image:
        assert (image.format, image.size) == ("JPEG", (40, 30))


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_saved():
    order = delivered_order()
    before = stored_return_photos()
    script = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>", "image/jpeg")

    with pytest.raises(services.ReturnPhotoError):
        request_return(order=order, photos=[image_upload(), script])

    assert ReturnRequest.objects.count() == 0
    assert stored_return_photos() == before


def test_an_image_with_too_many_pixels_is_refused(monkeypatch):
    monkeypatch.setattr("apps.core.images.MAX_IMAGE_PIXELS", 1000)
    order = delivered_order()

    with pytest.raises(
        services.ReturnPhotoError, match=re.escape(gettext("The image has too many pixels."))
    ):
        request_return(order=order, photos=[image_upload(size=(40, 30))])

    assert ReturnRequest.objects.count() == 0


def test_a_photo_over_5_mb_is_refused():
    order = delivered_order()
    big = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024), "image/png")

    with pytest.raises(services.ReturnPhotoError, match="5 MB"):
        request_return(order=order, photos=[big])

    assert ReturnRequest.objects.count() == 0


def test_more_than_five_photos_are_refused():
    order = delivered_order()

    with pytest.raises(services.ReturnPhotoError):
        request_return(order=order, photos=[image_upload() for _ in range(6)])

    assert ReturnRequest.objects.count() == 0


def test_cash_on_delivery_orders_can_be_returned_after_delivery():
    order = place_order(payment_method=PaymentMethod.CASH_ON_DELIVERY)
    order_services.order_mark_shipped(order=order, carrier="顺丰速运", tracking_number="SF5")
    order = order_services.order_mark_delivered(order=Order.objects.get(pk=order.pk))

    return_request = request_return(order=order)

    assert return_request.status == ReturnStatus.REQUESTED


def test_an_intact_return_goes_back_into_stock_and_is_logged():
    sku = SkuFactory(stock=5)
    order = delivered_order(items=[(sku, 2)])
    return_request = request_return(order=order)
    received(return_request)

    services.return_refund(return_request=return_request, actor=None)

    assert stock_of(sku) == 5
    restocked = ReturnEvent.objects.get(
        request=return_request, from_status=ReturnStatus.RECEIVED, to_status=ReturnStatus.RECEIVED
    )
    assert restocked.note == gettext("Back in stock: %(items)s.") % {"items": f"{sku.code} × 2"}


def test_goods_damaged_by_the_buyer_do_not_go_back_into_stock():
    sku = SkuFactory(stock=5)
    order = delivered_order(items=[(sku, 2)])
    return_request = request_return(order=order)
    received(return_request)

    services.return_reject(
        return_request=return_request, reason="Dropped: the lid is cracked.", actor=None
    )

    assert stock_of(sku) == 3

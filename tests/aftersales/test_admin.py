"""How the after-sales queue reads: its steps as sentences, refunds in yuan, no "Save"
button on a request (its changes are the step buttons)."""

import pytest
from django.urls import reverse
from django.utils import translation

from apps.aftersales import services
from tests.orders.factories import delivered_order, request_return
from tests.staff.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

RETURN_ADDRESS = "上海市黄浦区 南京东路 1 号"


@pytest.fixture
def approved_return():
    return_request = request_return(order=delivered_order())
    return services.return_approve(
        return_request=return_request, return_address=RETURN_ADDRESS, actor=None
    )


def test_return_events_read_as_sentences_with_status_names(approved_return):
    with translation.override("en"):
        sentences = [str(event) for event in approved_return.events.all()]

    assert sentences == [
        "Status set to Requested",
        "Status changed from Requested to Approved: send the goods back",
    ]


def test_return_events_name_statuses_in_chinese_too(approved_return):
    first = approved_return.events.first()

    sentence = str(first)

    assert "已申请" in sentence
    assert "requested" not in sentence


def test_a_return_request_page_offers_no_save_button(client, approved_return):
    client.force_login(StaffUserFactory(roles=["aftersales_service"]))

    page = client.get(
        reverse("admin:aftersales_returnrequest_change", args=[approved_return.pk])
    ).content.decode()

    assert 'name="_save"' not in page
    assert reverse("admin:aftersales_returnrequest_receive", args=[approved_return.pk]) in page


def test_the_return_list_shows_refunds_in_yuan(client, approved_return):
    services.return_mark_received(return_request=approved_return, actor=None)
    refunded = services.return_refund(return_request=approved_return, actor=None)
    client.force_login(StaffUserFactory(roles=["aftersales_service"]))

    page = client.get(reverse("admin:aftersales_returnrequest_changelist")).content.decode()

    assert refunded.refund_amount > 0
    assert f'<td class="field-refund_display">¥{refunded.refund_amount:,.2f}</td>' in page

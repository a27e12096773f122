from datetime import timedelta

import pytest
from django.core import mail

from apps.core.models import OutboxTask
from apps.core.outbox import outbox_flush
from apps.orders.tasks import order_email_send
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db


def test_an_order_email_is_written_to_the_outbox_and_marked_done_once_sent(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order()

    entry = OutboxTask.objects.get()
    assert (entry.task_name, entry.arguments) == (
        "apps.orders.tasks.order_email_send",
        {"order_id": order.pk, "kind": "placed"},
    )
    assert entry.done_at is not None
    assert len(mail.outbox) == 1


def test_a_task_handed_over_twice_sends_its_email_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order()
    entry = OutboxTask.objects.get()

    order_email_send.apply(kwargs={"order_id": order.pk, "kind": "placed", "outbox_id": entry.pk})

    assert len(mail.outbox) == 1


def test_flush_sends_what_was_never_handed_over_and_only_that(
    django_capture_on_commit_callbacks,
):
    # The commit callbacks never run: as if the broker was down when the order was placed.
    with django_capture_on_commit_callbacks(execute=False):
        order = place_order()
    entry = OutboxTask.objects.get()
    assert mail.outbox == []

    handed = outbox_flush(now=entry.created_at)
    assert handed == 0  # too fresh: its own hand-over may still be under way

    handed = outbox_flush(now=entry.created_at + timedelta(minutes=1))
    again = outbox_flush(now=entry.created_at + timedelta(minutes=2))

    assert (handed, again) == (1, 0)
    assert [message.to for message in mail.outbox] == [[order.email]]
    assert OutboxTask.objects.get().done_at is not None

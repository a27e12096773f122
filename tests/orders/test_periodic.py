"""The periodic order jobs run the same way from Celery beat and from cron (manage.py)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from apps.catalog.models import Sku
from apps.orders import tasks
from apps.orders.choices import FulfilmentStatus, PaymentStatus
from apps.orders.models import Order
from tests.catalog.factories import SkuFactory
from tests.orders.factories import OrderFactory, place_order

pytestmark = pytest.mark.django_db


def an_order_past_its_payment_window(sku):
    order = place_order(items=[(sku, 1)])
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    return order


def an_order_delivered_days_ago(days: int):
    return OrderFactory(
        payment_status=PaymentStatus.PAID,
        fulfilment_status=FulfilmentStatus.DELIVERED,
        delivered_at=timezone.now() - timedelta(days=days),
    )


def test_expiry_command_cancels_the_unpaid_order_and_releases_its_stock():
    sku = SkuFactory(stock=3)
    order = an_order_past_its_payment_window(sku)
    output = StringIO()

    call_command("expire_unpaid_orders", stdout=output)

    assert output.getvalue() == "expired: 1\n"
    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.CANCELLED
    assert Sku.objects.get(pk=sku.pk).stock == 3


def test_expiry_task_cancels_the_unpaid_order_once():
    sku = SkuFactory(stock=3)
    order = an_order_past_its_payment_window(sku)

    first = tasks.orders_expire_unpaid.delay().get()
    again = tasks.orders_expire_unpaid.delay().get()

    assert (first, again) == (1, 0)
    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.CANCELLED
    assert Sku.objects.get(pk=sku.pk).stock == 3


def test_completion_command_completes_orders_past_the_return_window():
    due = an_order_delivered_days_ago(settings.SHOP_RETURN_DAYS + 1)
    recent = an_order_delivered_days_ago(1)
    output = StringIO()

    call_command("complete_orders", stdout=output)

    assert output.getvalue() == "completed: 1\n"
    assert Order.objects.get(pk=due.pk).fulfilment_status == FulfilmentStatus.COMPLETED
    assert Order.objects.get(pk=recent.pk).fulfilment_status == FulfilmentStatus.DELIVERED


def test_completion_task_is_idempotent():
    due = an_order_delivered_days_ago(settings.SHOP_RETURN_DAYS + 1)

    first = tasks.orders_complete_delivered.delay().get()
    again = tasks.orders_complete_delivered.delay().get()

    assert (first, again) == (1, 0)
    assert due.events.filter(to_status=FulfilmentStatus.COMPLETED).count() == 1


def test_completion_runs_nightly_from_celery_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["complete-delivered-orders"]

    assert entry["task"] == "apps.orders.tasks.orders_complete_delivered"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {30})

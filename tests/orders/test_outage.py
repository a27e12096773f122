"""Redis really stopped (a throwaway redis-server, also the Celery broker) while a member
logs in and a guest checks out: nothing fails, the order shows, its email waits in the
outbox and reaches the broker once Redis is back."""

import time

import pytest
import redis
from celery import current_app
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse
from kombu import pools

from apps.core import outbox
from apps.core.models import OutboxTask
from apps.core.outbox import outbox_flush
from apps.orders.models import Order
from tests.catalog.factories import SkuFactory
from tests.members.factories import PASSWORD, UserFactory
from tests.orders.test_views import ADDRESS as CHECKOUT_FORM

pytestmark = pytest.mark.django_db

# The guest's checkout form, paying by bank transfer (no payment page in between).
ADDRESS = {**CHECKOUT_FORM, "payment_method": "bank_transfer"}


def _reset_broker_connections():
    pools.reset()
    current_app._pool = None
    current_app.amqp._producer_pool = None


@pytest.fixture
def redis_for_everything(cache_on_throwaway_redis):
    """Cache and Celery broker both on the throwaway server, tasks queued (not eager)."""
    conf = current_app.conf
    saved = conf.broker_url, conf.task_always_eager
    conf.broker_url, conf.task_always_eager = cache_on_throwaway_redis.url, False
    _reset_broker_connections()
    yield cache_on_throwaway_redis
    conf.broker_url, conf.task_always_eager = saved
    _reset_broker_connections()
    outbox._broker_down_until = 0.0  # the pause this outage started must not outlive it


# A real worker thread reads what the test wrote: the rows must be committed.
@pytest.mark.django_db(transaction=True)
def test_login_and_checkout_work_with_redis_stopped_and_the_email_follows_later(
    client, redis_for_everything, django_capture_on_commit_callbacks
):
    member = UserFactory()
    sku = SkuFactory(stock=3)
    redis_for_everything.stop()

    login = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    client.post(reverse("account_logout"))
    client.post(reverse("cart:add"), {"sku": sku.pk, "quantity": 1})
    client.post(reverse("orders:checkout"), ADDRESS)
    key = client.get(reverse("orders:review")).context["form"].initial["idempotency_key"]
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        placed = client.post(reverse("orders:place"), {"idempotency_key": key})
    took = time.monotonic() - started
    confirmation = client.get(placed["Location"])

    order = Order.objects.get()
    assert login.status_code == 302
    assert (placed.status_code, confirmation.status_code) == (302, 200)
    assert order.number in confirmation.content.decode()
    # One refused hand-over (redis-py retries a refused connect for about 2 s), then none:
    # the outbox pauses hand-overs, so later orders in the outage cost nothing.
    assert took < 3
    assert OutboxTask.objects.get().done_at is None
    assert mail.outbox == []

    redis_for_everything.start()
    handed = outbox_flush(now=OutboxTask.objects.get().created_at.replace(year=2099))
    queued = redis.Redis.from_url(redis_for_everything.url).llen("celery")
    with start_worker(current_app, perform_ping_check=False, shutdown_timeout=10):
        deadline = time.monotonic() + 15
        while not mail.outbox and time.monotonic() < deadline:
            time.sleep(0.1)

    assert (handed, queued) == (1, 1)
    assert [message.to for message in mail.outbox] == [[ADDRESS["email"]]]
    assert OutboxTask.objects.get().done_at is not None


def test_checkout_with_redis_hung_answers_within_seconds_not_minutes(
    client, redis_for_everything, django_capture_on_commit_callbacks
):
    sku = SkuFactory(stock=3)
    client.post(reverse("cart:add"), {"sku": sku.pk, "quantity": 1})
    client.post(reverse("orders:checkout"), ADDRESS)
    key = client.get(reverse("orders:review")).context["form"].initial["idempotency_key"]
    redis_for_everything.pause()

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        placed = client.post(reverse("orders:place"), {"idempotency_key": key})
    confirmation = client.get(placed["Location"])
    took = time.monotonic() - started

    assert confirmation.status_code == 200
    assert Order.objects.get().number in confirmation.content.decode()
    assert OutboxTask.objects.get().done_at is None
    assert took < 5

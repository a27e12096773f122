"""The data migration that splits the old single order status maps every old status to the
right payment and fulfilment status (on SQLite and PostgreSQL alike)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("orders", "0005_online_payment_label")]
AFTER = [("orders", "0008_remove_order_single_status")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def latest_schema_afterwards():
    """Later tests (and later migrations of this app) find the schema complete again."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def old_orders():
    """Orders and events as the single-status schema stored them."""
    apps = migrate(BEFORE)
    order_model = apps.get_model("orders", "Order")
    event_model = apps.get_model("orders", "OrderEvent")
    now = timezone.now()

    def old_order(number, status, payment_method="online", refunded="0", **dates):
        return order_model.objects.create(
            number=number,
            idempotency_key=f"key-{number}",
            email="buyer@example.com",
            phone="13800138000",
            recipient_name="张三",
            shipping_method="courier",
            payment_method=payment_method,
            status=status,
            subtotal_amount=Decimal("300.00"),
            total_amount=Decimal("300.00"),
            refunded_amount=Decimal(refunded),
            **dates,
        )

    orders = {
        "unpaid": old_order("1", "pending_payment"),
        "cod": old_order("2", "pending_payment", payment_method="cod"),
        "paid": old_order("3", "paid", paid_at=now),
        "partly_before_shipping": old_order("4", "partially_refunded", refunded="100", paid_at=now),
        "partly_after_delivery": old_order(
            "5", "partially_refunded", refunded="100", paid_at=now, shipped_at=now, delivered_at=now
        ),
        "refunded_before_shipping": old_order("6", "refunded", refunded="300", paid_at=now),
        "cancelled_unpaid": old_order("7", "cancelled"),
        "completed": old_order("8", "completed", paid_at=now, shipped_at=now, delivered_at=now),
    }
    for from_status, to_status in [
        ("", "pending_payment"),
        ("pending_payment", "paid"),
        ("paid", "picking"),
        ("picking", "partially_refunded"),
    ]:
        event_model.objects.create(
            order=orders["paid"], kind="status", from_status=from_status, to_status=to_status
        )
    yield {key: order.pk for key, order in orders.items()}
    migrate(AFTER)


def test_old_statuses_become_a_payment_and_a_fulfilment_status(old_orders):
    apps = migrate(AFTER)
    order_model = apps.get_model("orders", "Order")

    split = {
        key: tuple(
            order_model.objects.filter(pk=pk).values_list("payment_status", "fulfilment_status")[0]
        )
        for key, pk in old_orders.items()
    }

    assert split == {
        "unpaid": ("unpaid", "awaiting_payment"),
        "cod": ("unpaid", "to_pick"),
        "paid": ("paid", "to_pick"),
        "partly_before_shipping": ("partly_refunded", "to_pick"),
        "partly_after_delivery": ("partly_refunded", "delivered"),
        "refunded_before_shipping": ("refunded", "cancelled"),
        "cancelled_unpaid": ("unpaid", "cancelled"),
        "completed": ("paid", "completed"),
    }


def test_old_status_events_name_their_machine(old_orders):
    apps = migrate(AFTER)
    event_model = apps.get_model("orders", "OrderEvent")

    events = list(
        event_model.objects.order_by("pk").values_list("machine", "from_status", "to_status")
    )

    assert events == [
        ("fulfilment", "", "awaiting_payment"),
        ("payment", "unpaid", "paid"),
        ("fulfilment", "to_pick", "picking"),
        ("payment", "paid", "partly_refunded"),
    ]

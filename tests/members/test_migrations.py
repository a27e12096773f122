"""The data migration that marks the products of membership plans sold so far as needing no
delivery, leaving every other product as it was."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("members", "0004_paid_memberships"), ("catalog", "0009_product_requires_delivery")]
AFTER = [("members", "0005_membership_products_need_no_delivery")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def latest_schema_afterwards():
    """Later tests find the schema complete again."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_membership_products_need_no_delivery_and_other_products_are_untouched():
    apps = migrate(BEFORE)
    series = apps.get_model("catalog", "Series").objects.create(name="会员", slug="membership")
    category = apps.get_model("catalog", "Category").objects.create(
        series=series, name="会员卡", slug="membership-cards"
    )
    product_model = apps.get_model("catalog", "Product")
    sku_model = apps.get_model("catalog", "Sku")
    card = product_model.objects.create(
        series=series, category=category, name="年度会员", slug="annual-membership"
    )
    kettle = product_model.objects.create(
        series=series, category=category, name="电水壶", slug="kettle"
    )
    plan_sku = sku_model.objects.create(
        product=card, code="VIP-GOLD-1Y", options="12 个月", price=Decimal("168.00")
    )
    sku_model.objects.create(product=kettle, code="KT-1", options="白色", price=Decimal("199.00"))
    tier = apps.get_model("members", "Tier").objects.create(
        name="金卡", threshold_amount=Decimal("2000.00"), discount_percent=Decimal("5.00")
    )
    apps.get_model("members", "MembershipPlan").objects.create(sku=plan_sku, tier=tier)

    apps = migrate(AFTER)

    needs = dict(
        apps.get_model("catalog", "Product").objects.values_list("slug", "requires_delivery")
    )
    assert needs == {"annual-membership": False, "kettle": True}

"""Group buys: reserved stock, joining at the deal price, paid orders held off the pick list
until success, and settlement at the deadline exactly once (success, failure with refunds,
the deadline edge, run twice)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.catalog.models import Product, Sku
from apps.core import pagecache
from apps.orders import selectors as order_selectors
from apps.orders import services as order_services
from apps.orders.choices import FulfilmentStatus, PaymentStatus
from apps.orders.models import Order
from apps.payments.models import Refund
from apps.promotions import services
from apps.promotions.models import GroupBuy, GroupBuyOrder
from tests.catalog.factories import SkuFactory
from tests.orders.factories import place_order
from tests.promotions.factories import CampaignFactory, group_buy, join, pay

pytestmark = pytest.mark.django_db


def stock(sku) -> int:
    return Sku.objects.get(pk=sku.pk).stock


def fresh(deal) -> GroupBuy:
    return GroupBuy.objects.get(pk=deal.pk)


# --- opening and joining -------------------------------------------------------------------


def test_opening_a_group_buy_reserves_its_units_from_stock_without_selling_them():
    sku = SkuFactory(price=Decimal("399.00"), stock=50)

    deal = group_buy(sku=sku, reserved_quantity=10)

    product = Product.objects.get(pk=sku.product_id)
    assert (stock(sku), deal.reserved_left, product.sales_count) == (40, 10, 0)


def test_a_deal_price_under_the_floor_is_refused_outside_a_festival_and_nothing_is_reserved():
    sku = SkuFactory(price=Decimal("399.00"), stock=50)

    with pytest.raises(services.PromotionError) as refused:
        group_buy(sku=sku, price=Decimal("199.00"))

    assert sku.code in str(refused.value)
    assert (stock(sku), GroupBuy.objects.count()) == (50, 0)


def test_a_major_festival_campaign_may_open_a_deal_under_the_floor():
    deal = group_buy(price=Decimal("199.00"), campaign=CampaignFactory(is_major_festival=True))

    assert deal.price == Decimal("199.00")


def test_joining_pays_the_deal_price_and_draws_on_the_reserve_not_on_stock():
    deal = group_buy()

    order = join(deal)

    link = GroupBuyOrder.objects.get()
    assert order.lines.get().unit_price == Decimal("299.00")
    assert (link.order, link.group_buy, link.quantity) == (order, deal, 1)
    assert (fresh(deal).reserved_left, fresh(deal).buyers_count, stock(deal.sku)) == (9, 1, 40)


def test_buying_the_sku_without_joining_pays_the_normal_price():
    deal = group_buy()

    order = place_order(items=[(deal.sku, 1)])

    assert order.lines.get().unit_price == Decimal("399.00")
    assert fresh(deal).reserved_left == 10


def test_a_group_buy_order_with_other_items_is_refused_and_nothing_changes():
    deal = group_buy()
    other = SkuFactory(stock=5)

    with pytest.raises(order_services.OrderError):
        join(deal, extra_sku=other)

    assert (Order.objects.count(), fresh(deal).reserved_left, stock(other)) == (0, 10, 5)


def test_cancelling_before_the_deadline_puts_the_units_back_into_the_reserve():
    deal = group_buy()
    order = join(deal)

    order_services.order_cancel(order=order)

    assert (fresh(deal).reserved_left, fresh(deal).buyers_count, stock(deal.sku)) == (10, 0, 40)


def test_a_paid_order_of_an_open_group_buy_stays_off_the_pick_list():
    deal = group_buy()
    order = pay(join(deal))

    picked = order_selectors.pick_list_for_day(day=timezone.localdate())["orders"]

    assert order.fulfilment_status == FulfilmentStatus.TO_PICK
    assert order not in picked


# --- settlement ----------------------------------------------------------------------------


def test_enough_paid_buyers_make_it_succeed_and_their_orders_reach_the_pick_list():
    deal = group_buy(target_buyers=3)
    orders = [pay(join(deal, email=f"b{n}@example.com")) for n in range(3)]

    settled = services.group_buy_settle(group_buy_id=deal.pk, now=deal.deadline)

    picked = order_selectors.pick_list_for_day(day=timezone.localdate())["orders"]
    assert settled is True
    assert fresh(deal).status == GroupBuy.Status.SUCCEEDED
    assert set(picked) == set(orders)
    assert stock(deal.sku) == 47  # 50 − 3 sold; the 7 units left in reserve are back


def test_unpaid_orders_of_a_group_buy_that_succeeds_are_cancelled():
    deal = group_buy(target_buyers=2)
    [pay(join(deal, email=f"b{n}@example.com")) for n in range(2)]
    unpaid = join(deal, email="late@example.com")

    services.group_buy_settle(group_buy_id=deal.pk, now=deal.deadline)

    assert Order.objects.get(pk=unpaid.pk).fulfilment_status == FulfilmentStatus.CANCELLED
    assert stock(deal.sku) == 48


def test_too_few_paid_buyers_make_it_fail_and_every_order_is_cancelled_and_refunded(
    django_capture_on_commit_callbacks,
):
    deal = group_buy(target_buyers=3)
    paid = [pay(join(deal, email=f"b{n}@example.com")) for n in range(2)]
    unpaid = join(deal, email="c@example.com")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.group_buy_settle(group_buy_id=deal.pk, now=deal.deadline)

    orders = Order.objects.filter(pk__in=[order.pk for order in [*paid, unpaid]])
    assert fresh(deal).status == GroupBuy.Status.FAILED
    assert {order.fulfilment_status for order in orders} == {FulfilmentStatus.CANCELLED}
    assert [order.payment_status for order in orders.filter(pk__in=[o.pk for o in paid])] == [
        PaymentStatus.REFUNDED,
        PaymentStatus.REFUNDED,
    ]
    refunds = Refund.objects.order_by("order_id")
    assert [(refund.order_id, refund.amount, refund.provider) for refund in refunds] == [
        (order.pk, order.total_amount, "simulator") for order in paid
    ]
    assert stock(deal.sku) == 50
    with translation.override("zh-hans"):
        subject = _("The group buy for %(product)s did not succeed") % {
            "product": deal.sku.product.name
        }
    failed = [m for m in mail.outbox if m.subject == subject]
    assert sorted(m.to[0] for m in failed) == ["b0@example.com", "b1@example.com", "c@example.com"]


def test_before_the_deadline_nothing_is_settled():
    deal = group_buy()
    pay(join(deal))

    settled = services.group_buy_settle(
        group_buy_id=deal.pk, now=deal.deadline - timedelta(microseconds=1)
    )

    assert (settled, fresh(deal).status, fresh(deal).reserved_left) == (
        False,
        GroupBuy.Status.OPEN,
        9,
    )


def test_a_payment_at_the_deadline_itself_comes_too_late():
    deal = group_buy(target_buyers=2)
    pay(join(deal, email="a@example.com"), at=deal.deadline - timedelta(seconds=1))
    pay(join(deal, email="b@example.com"), at=deal.deadline)

    services.group_buy_settle(group_buy_id=deal.pk, now=deal.deadline)

    assert fresh(deal).status == GroupBuy.Status.FAILED


def test_joining_at_the_deadline_is_refused():
    deal = group_buy()
    GroupBuy.objects.filter(pk=deal.pk).update(deadline=timezone.now())
    pagecache.bump_version("catalog")

    order = join(deal)  # the deal price no longer applies: a normal order

    assert order.lines.get().unit_price == Decimal("399.00")
    assert GroupBuyOrder.objects.count() == 0


def test_settling_twice_gives_the_same_result():
    deal = group_buy(target_buyers=3)
    pay(join(deal))
    services.group_buy_settle(group_buy_id=deal.pk, now=deal.deadline)
    first = (fresh(deal).status, fresh(deal).settled_at, stock(deal.sku), Refund.objects.count())

    again = services.group_buy_settle(
        group_buy_id=deal.pk, now=deal.deadline + timedelta(minutes=1)
    )

    second = (fresh(deal).status, fresh(deal).settled_at, stock(deal.sku), Refund.objects.count())
    assert again is False
    assert first == second == (GroupBuy.Status.FAILED, deal.deadline, 50, 1)


def test_settling_the_due_group_buys_leaves_open_ones_alone():
    due = group_buy()
    later = group_buy()
    GroupBuy.objects.filter(pk=due.pk).update(deadline=timezone.now() - timedelta(minutes=1))

    settled = services.group_buys_settle_due()

    assert settled == 1
    assert (fresh(due).status, fresh(later).status) == (
        GroupBuy.Status.FAILED,
        GroupBuy.Status.OPEN,
    )
    assert services.group_buys_settle_due() == 0

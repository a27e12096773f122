"""The points ledger: earning, refunds, redeeming, giving back, expiry and staff changes."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.catalog.models import Sku
from apps.orders import services as order_services
from apps.orders.models import Order
from apps.points import services
from apps.points.models import PointsAccount, PointsEntry
from tests.catalog.factories import SkuFactory
from tests.members.factories import TierFactory, UserFactory
from tests.orders.factories import paid_order, place_order
from tests.points.factories import PointsTierRateFactory, give_points, place_with_points

pytestmark = pytest.mark.django_db

Kind = PointsEntry.Kind


def balance(member) -> int:
    return PointsAccount.objects.get(member=member).balance


def kinds(member) -> list[tuple[str, int]]:
    return list(
        PointsEntry.objects.filter(member=member).order_by("id").values_list("kind", "points")
    )


def test_a_paid_order_earns_a_point_per_yuan_of_goods(django_capture_on_commit_callbacks):
    member = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        order = paid_order(member=member, items=[(SkuFactory(price=Decimal("100.00")), 1)])

    # ¥112 paid, of which ¥12 delivery: 100 points.
    assert order.total_amount == Decimal("112.00")
    assert kinds(member) == [(Kind.EARNED, 100)]
    assert balance(member) == 100


def test_a_tier_with_a_multiplier_earns_more(django_capture_on_commit_callbacks):
    gold = TierFactory(threshold_amount=Decimal("0.00"))
    PointsTierRateFactory(tier=gold, multiplier=Decimal("1.50"))
    member = UserFactory(tier=gold)

    with django_capture_on_commit_callbacks(execute=True):
        paid_order(member=member, items=[(SkuFactory(price=Decimal("100.00")), 1)])

    assert balance(member) == 150


def test_an_order_earns_once_however_often_it_is_synced(django_capture_on_commit_callbacks):
    member = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        order = paid_order(member=member, items=[(SkuFactory(price=Decimal("100.00")), 1)])

    again = services.points_sync_for_order(order_id=order.pk)

    assert again == []
    assert kinds(member) == [(Kind.EARNED, 100)]


def test_a_guest_order_earns_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        paid_order(items=[(SkuFactory(price=Decimal("100.00")), 1)])

    assert PointsEntry.objects.count() == 0


def test_a_full_refund_takes_back_the_points_earned(django_capture_on_commit_callbacks):
    member = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        order = paid_order(member=member, items=[(SkuFactory(price=Decimal("100.00")), 1)])

    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_refund(order=order)

    assert kinds(member) == [(Kind.EARNED, 100), (Kind.REFUND_REVERSAL, -100)]
    assert balance(member) == 0


def test_a_partial_refund_takes_back_the_same_share(django_capture_on_commit_callbacks):
    member = UserFactory()
    sku = SkuFactory(price=Decimal("100.00"))
    with django_capture_on_commit_callbacks(execute=True):
        order = paid_order(member=member, items=[(sku, 2)])
    line = order.lines.get()

    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_refund(order=order, lines={line.pk: 1})

    # ¥100 of ¥200 paid came back: half of the 200 points earned go.
    assert kinds(member) == [(Kind.EARNED, 200), (Kind.REFUND_REVERSAL, -100)]
    assert balance(member) == 100


def test_a_refund_after_the_points_were_spent_takes_what_is_left(
    django_capture_on_commit_callbacks,
):
    member = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        order = paid_order(member=member, items=[(SkuFactory(price=Decimal("100.00")), 1)])
    services.points_adjust(member=member, points=-70, reason="兑换礼品", actor=UserFactory())

    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_refund(order=order)

    reversal = PointsEntry.objects.get(member=member, kind=Kind.REFUND_REVERSAL)
    assert (reversal.points, reversal.shortfall) == (-30, 70)
    assert balance(member) == 0


def test_redeeming_at_checkout_takes_the_points_with_the_order():
    member = UserFactory()
    give_points(member, 5000)

    order = place_with_points(member=member, points=1200)

    spent = PointsEntry.objects.get(member=member, kind=Kind.SPENT)
    assert (spent.points, spent.order) == (-1200, order)
    assert balance(member) == 3800
    # ¥199.00 less ¥12.00 of points is ¥187.00 of goods, under free delivery: +¥12.00.
    assert (order.discount_amount, order.shipping_amount, order.total_amount) == (
        Decimal("12.00"),
        Decimal("12.00"),
        Decimal("199.00"),
    )


def test_an_order_that_fails_leaves_the_points_as_they_were():
    member = UserFactory()
    give_points(member, 5000)
    sold_out = SkuFactory(stock=1)

    with pytest.raises(order_services.OutOfStock):
        place_with_points(member=member, points=1200, items=[(sold_out, 2)])

    assert balance(member) == 5000
    assert PointsEntry.objects.filter(kind=Kind.SPENT).count() == 0
    assert Order.objects.count() == 0
    assert Sku.objects.get(pk=sold_out.pk).stock == 1


def test_asking_for_more_points_than_the_balance_refuses_the_order():
    member = UserFactory()
    give_points(member, 500)

    with pytest.raises(order_services.OrderError):
        place_with_points(member=member, points=1200)

    assert balance(member) == 500
    assert Order.objects.count() == 0


def test_redeeming_more_than_the_balance_is_refused():
    member = UserFactory()
    give_points(member, 500)
    order = place_order(member=member)

    with pytest.raises(services.NotEnoughPoints):
        services.points_redeem(member=member, order=order, points=501)

    assert balance(member) == 500
    assert PointsEntry.objects.filter(kind=Kind.SPENT).count() == 0


def test_cancelling_an_unpaid_order_gives_the_points_back():
    member = UserFactory()
    give_points(member, 5000)
    order = place_with_points(member=member, points=1200)

    order_services.order_cancel(order=order)

    restored = PointsEntry.objects.get(member=member, kind=Kind.RESTORED)
    assert (restored.points, restored.order) == (1200, order)
    assert balance(member) == 5000


def test_an_expired_unpaid_order_gives_the_points_back():
    member = UserFactory()
    give_points(member, 5000)
    order = place_with_points(member=member, points=1200)

    order_services.orders_expire_unpaid(now=timezone.now() + timedelta(hours=1))

    assert Order.objects.get(pk=order.pk).fulfilment_status == "cancelled"
    assert balance(member) == 5000


def test_points_given_back_keep_their_expiry():
    member = UserFactory()
    start = timezone.now() - timedelta(days=100)
    credit = give_points(member, 5000, now=start)
    order = place_with_points(member=member, points=1200)

    order_services.order_cancel(order=order)

    restored = PointsEntry.objects.get(member=member, kind=Kind.RESTORED)
    assert restored.expires_at == credit.expires_at


def test_refunding_a_paid_order_gives_back_the_points_it_was_paid_with(
    django_capture_on_commit_callbacks,
):
    member = UserFactory()
    give_points(member, 5000)
    order = place_with_points(member=member, points=1200)
    with django_capture_on_commit_callbacks(execute=True):
        from apps.payments import services as payment_services

        payment_services.payment_record(
            order=order,
            provider="simulator",
            provider_event_id=f"paid-{order.number}",
            amount=order.total_amount,
        )

    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_refund(order=Order.objects.get(pk=order.pk))

    # Earned 187 on ¥187 paid for goods, all taken back; the 1,200 points paid with come back.
    assert kinds(member)[1:] == [
        (Kind.SPENT, -1200),
        (Kind.EARNED, 187),
        (Kind.REFUND_REVERSAL, -187),
        (Kind.RESTORED, 1200),
    ]
    assert balance(member) == 5000


def test_points_expire_after_the_configured_days(settings):
    settings.SHOP_POINTS_EXPIRY_DAYS = 30
    member = UserFactory()
    now = timezone.now()
    give_points(member, 300, now=now - timedelta(days=31))
    give_points(member, 200, now=now - timedelta(days=5))

    expired = services.points_expire(now=now)

    assert expired == 1
    assert kinds(member)[-1] == (Kind.EXPIRED, -300)
    assert balance(member) == 200


def test_expiring_twice_expires_nothing_more(settings):
    settings.SHOP_POINTS_EXPIRY_DAYS = 30
    member = UserFactory()
    now = timezone.now()
    give_points(member, 300, now=now - timedelta(days=31))
    services.points_expire(now=now)

    again = services.points_expire(now=now)

    assert again == 0
    assert PointsEntry.objects.filter(kind=Kind.EXPIRED).count() == 1
    assert balance(member) == 0


def test_spending_draws_on_the_points_that_expire_first(settings):
    settings.SHOP_POINTS_EXPIRY_DAYS = 30
    member = UserFactory()
    now = timezone.now()
    older = give_points(member, 300, now=now - timedelta(days=20))
    newer = give_points(member, 5000, now=now - timedelta(days=1))
    place_with_points(member=member, points=500)

    services.points_expire(now=now + timedelta(days=11))

    # The 300 older points were spent first, so nothing of them is left to expire.
    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.remaining, newer.remaining) == (0, 4800)
    assert PointsEntry.objects.filter(kind=Kind.EXPIRED).count() == 0


def test_the_expire_points_command_expires_due_points(settings):
    settings.SHOP_POINTS_EXPIRY_DAYS = 30
    member = UserFactory()
    give_points(member, 300, now=timezone.now() - timedelta(days=31))

    call_command("expire_points", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert balance(member) == 0


def test_staff_adjust_points_with_a_reason_and_are_recorded():
    member, staff = UserFactory(), UserFactory(is_staff=True)

    entry = services.points_adjust(member=member, points=250, reason="投诉补偿", actor=staff)

    assert (entry.kind, entry.points, entry.reason, entry.actor) == (
        Kind.ADJUSTED,
        250,
        "投诉补偿",
        staff,
    )
    assert balance(member) == 250


def test_an_adjustment_without_a_reason_is_refused():
    member = UserFactory()
    give_points(member, 100)

    with pytest.raises(services.PointsError):
        services.points_adjust(member=member, points=50, reason="  ", actor=UserFactory())

    assert balance(member) == 100
    assert PointsEntry.objects.filter(member=member).count() == 1


def test_staff_cannot_take_more_points_than_the_member_has():
    member = UserFactory()
    give_points(member, 100)

    with pytest.raises(services.NotEnoughPoints):
        services.points_adjust(member=member, points=-101, reason="误发", actor=UserFactory())

    assert balance(member) == 100
    assert PointsEntry.objects.filter(member=member).count() == 1

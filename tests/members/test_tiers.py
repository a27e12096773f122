"""VIP tiers: the member's tier follows their paid spend over the last 12 months, less
refunds; each change is an event with its cause; the nightly recount is idempotent."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.aftersales import services as aftersales_services
from apps.members import selectors, services
from apps.members.models import TierEvent, User
from apps.orders import services as order_services
from apps.orders.choices import PaymentStatus
from tests.catalog.factories import SkuFactory
from tests.members.factories import UserFactory, demo_tiers
from tests.orders.factories import OrderFactory, delivered_order, paid_order, request_return

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _paid(member, total, *, days_ago=1, refunded="0.00", status=PaymentStatus.PAID):
    return OrderFactory(
        member=member,
        payment_status=status,
        total_amount=Decimal(total),
        subtotal_amount=Decimal(total),
        refunded_amount=Decimal(refunded),
        paid_at=NOW - timedelta(days=days_ago),
    )


# (payments as (total, days ago, refunded), tier reached)
CASES = [
    ([], "Member"),
    ([("499.99", 1, "0.00")], "Member"),
    ([("500.00", 1, "0.00")], "Silver"),
    ([("300.00", 10, "0.00"), ("200.00", 200, "0.00")], "Silver"),
    ([("2500.00", 1, "600.00")], "Silver"),
    ([("2000.00", 1, "0.00")], "Gold"),
    ([("2000.00", 364, "0.00")], "Gold"),
    ([("2000.00", 366, "0.00"), ("100.00", 1, "0.00")], "Member"),
    ([("6000.00", 30, "0.00")], "Diamond"),
    ([("6000.00", 30, "6000.00")], "Member"),
]


@pytest.mark.parametrize(("payments", "expected"), CASES)
def test_tier_follows_twelve_month_spend_less_refunds(payments, expected):
    tiers = demo_tiers()
    member = UserFactory()
    for total, days_ago, refunded in payments:
        _paid(member, total, days_ago=days_ago, refunded=refunded)

    services.member_recompute_tier(member=member, cause=TierEvent.Cause.STAFF, now=NOW)

    assert User.objects.get(pk=member.pk).tier == tiers[expected]


def test_unpaid_orders_and_other_members_spend_do_not_count():
    tiers = demo_tiers()
    member = UserFactory()
    OrderFactory(member=member, total_amount=Decimal("3000.00"))
    _paid(UserFactory(), "3000.00")

    services.member_recompute_tier(member=member, cause=TierEvent.Cause.STAFF, now=NOW)

    assert User.objects.get(pk=member.pk).tier == tiers["Member"]


def test_a_change_is_an_event_with_its_cause_and_spend():
    tiers = demo_tiers()
    member = UserFactory()
    order = _paid(member, "520.00")

    event = services.member_recompute_tier(
        member=member, cause=TierEvent.Cause.ORDER_PAID, order=order, now=NOW
    )

    assert (event.from_tier, event.to_tier, event.cause, event.order, event.spend_amount) == (
        None,
        tiers["Silver"],
        TierEvent.Cause.ORDER_PAID,
        order,
        Decimal("520.00"),
    )


def test_recounting_without_a_change_writes_no_event():
    demo_tiers()
    member = UserFactory()
    _paid(member, "520.00")
    services.member_recompute_tier(member=member, cause=TierEvent.Cause.STAFF, now=NOW)

    again = services.member_recompute_tier(member=member, cause=TierEvent.Cause.STAFF, now=NOW)

    assert again is None
    assert TierEvent.objects.filter(member=member).count() == 1


def test_paying_an_order_moves_the_member_up(django_capture_on_commit_callbacks):
    tiers = demo_tiers()
    member = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        order = paid_order(member=member, items=[(SkuFactory(price=Decimal("520.00")), 1)])

    event = TierEvent.objects.get(member=member)
    assert (event.to_tier, event.cause, event.order) == (
        tiers["Silver"],
        TierEvent.Cause.ORDER_PAID,
        order,
    )
    assert User.objects.get(pk=member.pk).tier == tiers["Silver"]


def test_refunding_an_order_moves_the_member_down(django_capture_on_commit_callbacks):
    tiers = demo_tiers()
    member = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        order = paid_order(member=member, items=[(SkuFactory(price=Decimal("520.00")), 1)])

    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_refund(order=order)

    latest = TierEvent.objects.filter(member=member).first()
    assert (latest.from_tier, latest.to_tier, latest.cause) == (
        tiers["Silver"],
        tiers["Member"],
        TierEvent.Cause.ORDER_REFUNDED,
    )


def test_nightly_recount_drops_spend_older_than_twelve_months():
    tiers = demo_tiers()
    member = UserFactory()
    _paid(member, "2100.00", days_ago=300)
    services.member_recompute_tier(member=member, cause=TierEvent.Cause.STAFF, now=NOW)

    changed = services.members_recompute_tiers(now=NOW + timedelta(days=70))

    assert changed == 1
    latest = TierEvent.objects.filter(member=member).first()
    assert (latest.from_tier, latest.to_tier, latest.cause) == (
        tiers["Gold"],
        tiers["Member"],
        TierEvent.Cause.NIGHTLY,
    )


def test_nightly_recount_run_twice_changes_nothing_the_second_time():
    demo_tiers()
    for total in ("100.00", "600.00", "2500.00"):
        _paid(UserFactory(), total)
    UserFactory()  # never bought anything

    first = services.members_recompute_tiers(now=NOW)
    events = list(TierEvent.objects.values_list("pk", flat=True))
    second = services.members_recompute_tiers(now=NOW)

    assert (first, second) == (3, 0)
    assert list(TierEvent.objects.values_list("pk", flat=True)) == events


def test_recompute_tiers_command_reports_changes():
    demo_tiers()
    _paid(UserFactory(), "600.00")

    out = StringIO()
    call_command("recompute_tiers", stdout=out)
    call_command("recompute_tiers", stdout=out)

    assert out.getvalue() == "tiers changed: 1\ntiers changed: 0\n"


def test_progress_says_how_much_more_and_by_when():
    tiers = demo_tiers()
    member = UserFactory()
    oldest = _paid(member, "1500.00", days_ago=100)
    _paid(member, "270.00", days_ago=5)
    services.member_recompute_tier(member=member, cause=TierEvent.Cause.STAFF, now=NOW)
    member.refresh_from_db()

    progress = selectors.member_tier_progress(member=member, now=NOW)

    assert (progress.tier, progress.spend, progress.next_tier, progress.needed) == (
        tiers["Silver"],
        Decimal("1770.00"),
        tiers["Gold"],
        Decimal("230.00"),
    )
    assert progress.reach_by == timezone.localdate(oldest.paid_at + timedelta(days=364))


def test_a_return_moving_the_member_down_is_recorded_as_a_return(
    django_capture_on_commit_callbacks,
):
    tiers = demo_tiers()
    member = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        order = delivered_order(member=member, items=[(SkuFactory(price=Decimal("260.00")), 2)])
    return_request = request_return(order=order, lines={order.lines.get().pk: 1})
    aftersales_services.return_approve(
        return_request=return_request, return_address="上海市黄浦区南京东路 1 号", actor=None
    )
    aftersales_services.return_mark_received(return_request=return_request, actor=None)

    with django_capture_on_commit_callbacks(execute=True):
        aftersales_services.return_refund(return_request=return_request, actor=None)

    latest = TierEvent.objects.filter(member=member).first()
    assert (latest.from_tier, latest.to_tier, latest.cause, latest.order) == (
        tiers["Silver"],
        tiers["Member"],
        TierEvent.Cause.ORDER_RETURNED,
        order,
    )
    assert TierEvent.objects.filter(member=member).count() == 2

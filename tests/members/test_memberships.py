"""Paid memberships: a plan sold through the normal checkout grants its tier while a paid
period runs; the tier is the higher of the spend tier and any running membership's; renewals
extend, refunds revoke, lapsed memberships fall back to the spend tier, and each period's
renewal is reminded once."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from apps.cart.models import Cart
from apps.cart.services import AccountNeeded
from apps.members import selectors, services
from apps.members.models import Membership, MembershipPlan, TierEvent, User
from apps.orders import services as order_services
from apps.orders.choices import FulfilmentStatus, PaymentStatus
from apps.orders.models import Order
from tests.catalog.factories import SkuFactory
from tests.members.factories import (
    MembershipFactory,
    MembershipPlanFactory,
    UserFactory,
    demo_tiers,
)
from tests.orders.factories import OrderFactory, OrderLineFactory, paid_order, place_order

pytestmark = pytest.mark.django_db

NOW = timezone.now()
YEAR = timedelta(days=365)


@pytest.fixture
def tiers():
    return demo_tiers()


@pytest.fixture
def plan(tiers):
    """年度会员: ¥168 for a Gold year."""
    return MembershipPlanFactory(tier=tiers["Gold"])


def _paid(member, total, *, days_ago=1, refunded="0.00"):
    return OrderFactory(
        member=member,
        payment_status=PaymentStatus.PAID,
        total_amount=Decimal(total),
        subtotal_amount=Decimal(total),
        refunded_amount=Decimal(refunded),
        paid_at=NOW - timedelta(days=days_ago),
    )


def _buy(member, plan, quantity=1, capture=None):
    """The plan bought through the real checkout and paid through the simulator, with the
    after-commit steps run."""
    Cart.objects.filter(member=member).delete()  # a member keeps one cart; start afresh
    with capture(execute=True):
        return paid_order(member=member, items=[(plan.sku, quantity)])


# --- The tier rule, as a table ------------------------------------------------------------

# (payments as (total, refunded), membership as (starts in days, ends in days, revoked) or
# None, tier reached)
CASES = [
    pytest.param([("520.00", "0.00")], None, "Silver", id="spend alone"),
    pytest.param([("2500.00", "600.00")], None, "Silver", id="spend less refunds"),
    pytest.param([], (-10, 355, False), "Gold", id="membership alone"),
    pytest.param([("520.00", "0.00")], (-10, 355, False), "Gold", id="membership above spend"),
    pytest.param([("6000.00", "0.00")], (-10, 355, False), "Diamond", id="spend above membership"),
    pytest.param([("520.00", "0.00")], (-366, -1, False), "Silver", id="lapsed: spend tier"),
    pytest.param([("520.00", "0.00")], (-10, 355, True), "Silver", id="revoked: spend tier"),
    pytest.param([], (2, 367, False), "Member", id="not started yet"),
]


@pytest.mark.parametrize(("payments", "membership", "expected"), CASES)
def test_tier_is_the_higher_of_spend_and_a_running_membership(
    tiers, plan, payments, membership, expected
):
    member = UserFactory()
    for total, refunded in payments:
        _paid(member, total, refunded=refunded)
    if membership is not None:
        starts, ends, revoked = membership
        MembershipFactory(
            member=member,
            plan=plan,
            starts_at=NOW + timedelta(days=starts),
            ends_at=NOW + timedelta(days=ends),
            revoked_at=NOW if revoked else None,
        )

    services.member_recompute_tier(member=member, cause=TierEvent.Cause.STAFF, now=NOW)

    assert User.objects.get(pk=member.pk).tier == tiers[expected]


# --- Buying, renewing, refunding ----------------------------------------------------------


def test_paying_for_the_plan_grants_its_tier_for_a_year(
    tiers, plan, django_capture_on_commit_callbacks
):
    member = UserFactory()

    order = _buy(member, plan, capture=django_capture_on_commit_callbacks)

    membership = Membership.objects.get(member=member)
    assert (membership.order, membership.tier, membership.revoked_at) == (
        order,
        tiers["Gold"],
        None,
    )
    assert membership.ends_at - membership.starts_at == YEAR
    assert membership.starts_at <= timezone.now()
    assert User.objects.get(pk=member.pk).tier == tiers["Gold"]
    event = TierEvent.objects.filter(member=member).first()
    assert (event.to_tier, event.cause, event.order) == (
        tiers["Gold"],
        TierEvent.Cause.PAID_MEMBERSHIP,
        order,
    )


def test_two_units_buy_two_years(plan, django_capture_on_commit_callbacks):
    member = UserFactory()

    _buy(member, plan, quantity=2, capture=django_capture_on_commit_callbacks)

    membership = Membership.objects.get(member=member)
    assert membership.ends_at - membership.starts_at == 2 * YEAR


def test_the_same_paid_order_synced_again_makes_no_second_period(
    plan, django_capture_on_commit_callbacks
):
    member = UserFactory()
    order = _buy(member, plan, capture=django_capture_on_commit_callbacks)
    before = list(Membership.objects.values())

    again = services.order_memberships_sync(order_id=order.pk)

    assert again == []
    assert list(Membership.objects.values()) == before


def test_renewal_extends_from_the_end_of_the_running_period(
    plan, django_capture_on_commit_callbacks
):
    member = UserFactory()
    _buy(member, plan, capture=django_capture_on_commit_callbacks)
    first = Membership.objects.get(member=member)

    renewal_order = _buy(member, plan, capture=django_capture_on_commit_callbacks)

    renewal = Membership.objects.get(order=renewal_order)
    assert (renewal.starts_at, renewal.ends_at) == (first.ends_at, first.ends_at + YEAR)
    status = selectors.member_membership_status(member=member)
    assert status.valid_until == first.ends_at + YEAR


def test_renewal_after_a_lapse_starts_now(plan, django_capture_on_commit_callbacks):
    member = UserFactory()
    MembershipFactory(member=member, plan=plan, starts_at=NOW - YEAR - YEAR, ends_at=NOW - YEAR)

    order = _buy(member, plan, capture=django_capture_on_commit_callbacks)

    renewal = Membership.objects.get(order=order)
    assert renewal.starts_at > NOW
    assert renewal.ends_at - renewal.starts_at == YEAR


def test_refund_revokes_the_period_and_the_tier_falls_back(
    tiers, plan, django_capture_on_commit_callbacks
):
    member = UserFactory()
    order = _buy(member, plan, capture=django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_refund(order=order)

    membership = Membership.objects.get(order=order)
    assert membership.revoked_at is not None
    assert User.objects.get(pk=member.pk).tier == tiers["Member"]
    latest = TierEvent.objects.filter(member=member).first()
    assert (latest.from_tier, latest.to_tier, latest.cause) == (
        tiers["Gold"],
        tiers["Member"],
        TierEvent.Cause.ORDER_REFUNDED,
    )


def test_refunding_one_of_two_years_shortens_the_period(
    tiers, plan, django_capture_on_commit_callbacks
):
    member = UserFactory()
    order = _buy(member, plan, quantity=2, capture=django_capture_on_commit_callbacks)
    line = order.lines.get()

    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_refund(order=order, lines={line.pk: 1})

    membership = Membership.objects.get(order=order)
    assert (membership.revoked_at, membership.ends_at - membership.starts_at) == (None, YEAR)
    assert User.objects.get(pk=member.pk).tier == tiers["Gold"]


def test_an_order_of_memberships_only_is_completed_once_paid(
    plan, django_capture_on_commit_callbacks
):
    order = _buy(UserFactory(), plan, capture=django_capture_on_commit_callbacks)

    order = Order.objects.get(pk=order.pk)
    assert order.fulfilment_status == FulfilmentStatus.COMPLETED
    assert order.events.filter(to_status=FulfilmentStatus.COMPLETED).count() == 1


def test_an_order_with_goods_besides_the_membership_still_goes_to_the_warehouse(
    plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = paid_order(member=UserFactory(), items=[(plan.sku, 1), (SkuFactory(), 1)])

    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.TO_PICK
    assert Membership.objects.filter(order=order).count() == 1


def test_an_unpaid_order_for_the_plan_grants_nothing(
    tiers, plan, django_capture_on_commit_callbacks
):
    member = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(member=member, items=[(plan.sku, 1)])

    assert not Membership.objects.exists()
    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.AWAITING_PAYMENT
    assert User.objects.get(pk=member.pk).tier is None


def test_a_guest_cannot_order_the_plan(plan):
    with pytest.raises(AccountNeeded):
        place_order(items=[(plan.sku, 1)])

    assert not Order.objects.exists()
    assert not Membership.objects.exists()


def test_a_guests_paid_order_for_the_plan_from_before_the_rule_grants_nothing(plan):
    order = OrderFactory(member=None, payment_status=PaymentStatus.PAID)
    OrderLineFactory(order=order, sku=plan.sku, unit_price=Decimal("168.00"))

    changed = services.order_memberships_sync(order_id=order.pk)

    assert changed == []
    assert not Membership.objects.exists()


def test_only_plan_skus_need_an_account(plan):
    goods = SkuFactory()

    assert selectors.skus_needing_account([plan.sku.pk, goods.pk]) == {plan.sku.pk}
    assert selectors.skus_needing_account([]) == set()


def test_an_ordinary_order_makes_no_membership(tiers, plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        paid_order(member=UserFactory(), items=[(SkuFactory(), 1)])

    assert not Membership.objects.exists()


# --- The nightly recount ------------------------------------------------------------------


def test_nightly_recount_drops_a_lapsed_membership_to_the_spend_tier(tiers, plan):
    member = UserFactory()
    _paid(member, "520.00", days_ago=30)
    MembershipFactory(member=member, plan=plan, starts_at=NOW - YEAR, ends_at=NOW + YEAR)
    services.member_recompute_tier(member=member, cause=TierEvent.Cause.STAFF, now=NOW)
    assert User.objects.get(pk=member.pk).tier == tiers["Gold"]

    changed = services.members_recompute_tiers(now=NOW + YEAR + timedelta(hours=1))

    assert changed == 1
    latest = TierEvent.objects.filter(member=member).first()
    assert (latest.from_tier, latest.to_tier, latest.cause) == (
        tiers["Gold"],
        tiers["Member"],
        TierEvent.Cause.PAID_MEMBERSHIP,
    )


def test_nightly_recount_keeps_a_renewed_member_in_the_tier(tiers, plan):
    member = UserFactory()
    first = MembershipFactory(member=member, plan=plan, starts_at=NOW - YEAR, ends_at=NOW)
    MembershipFactory(member=member, plan=plan, starts_at=first.ends_at, ends_at=NOW + YEAR)
    services.member_recompute_tier(
        member=member, cause=TierEvent.Cause.STAFF, now=NOW - timedelta(days=1)
    )

    changed = services.members_recompute_tiers(now=NOW + timedelta(hours=1))

    assert changed == 0
    assert User.objects.get(pk=member.pk).tier == tiers["Gold"]


def test_nightly_recount_raises_a_member_whose_membership_has_begun(tiers, plan):
    member = UserFactory()
    MembershipFactory(member=member, plan=plan, starts_at=NOW + timedelta(days=1))

    changed = services.members_recompute_tiers(now=NOW + timedelta(days=2))

    assert changed == 1
    assert User.objects.get(pk=member.pk).tier == tiers["Gold"]


def test_nightly_recount_twice_changes_nothing_more(tiers, plan):
    member = UserFactory()
    MembershipFactory(member=member, plan=plan, starts_at=NOW - YEAR, ends_at=NOW)
    User.objects.filter(pk=member.pk).update(tier=tiers["Gold"])
    services.members_recompute_tiers(now=NOW + timedelta(hours=1))
    events = TierEvent.objects.count()

    changed = services.members_recompute_tiers(now=NOW + timedelta(hours=1))

    assert changed == 0
    assert TierEvent.objects.count() == events


def test_nightly_recount_reads_unchanged_members_in_grouped_queries(
    tiers, plan, django_assert_num_queries
):
    for _ in range(10):
        member = UserFactory()
        _paid(member, "520.00")
        MembershipFactory(member=member, plan=plan, starts_at=NOW - timedelta(days=1))
        User.objects.filter(pk=member.pk).update(tier=tiers["Gold"])

    # missed periods, spend by member, tiers, running memberships, lapsed memberships, and
    # the candidates: none per member.
    with django_assert_num_queries(6):
        changed = services.members_recompute_tiers(now=NOW)

    assert changed == 0


def test_nightly_recount_catches_up_a_paid_order_whose_period_is_missing(tiers, plan):
    member = UserFactory()
    # Paid without running the after-commit steps, as if the worker died there.
    order = paid_order(member=member, items=[(plan.sku, 1)])
    assert not Membership.objects.exists()

    services.members_recompute_tiers()

    assert Membership.objects.get().order == order
    assert User.objects.get(pk=member.pk).tier == tiers["Gold"]


# --- Renewal reminders ----------------------------------------------------------------------


def _ending_in(days, **fields):
    ends_at = timezone.now() + timedelta(days=days)
    return MembershipFactory(starts_at=ends_at - YEAR, ends_at=ends_at, **fields)


def test_reminder_is_sent_once_however_often_the_command_runs(plan):
    membership = _ending_in(6, plan=plan)

    call_command("remind_membership_renewals", stdout=StringIO())
    call_command("remind_membership_renewals", stdout=StringIO())

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [membership.member.email]
    assert plan.sku.product.get_absolute_url() in message.body
    assert membership.ends_at.strftime("%Y") in message.subject
    membership.refresh_from_db()
    assert membership.reminded_at is not None


def test_reminder_message_id_is_the_same_for_the_same_period(plan):
    from apps.members.emails import membership_renewal_email

    membership = _ending_in(6, plan=plan)

    first = membership_renewal_email(membership=membership)
    second = membership_renewal_email(membership=membership)

    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
    assert first.extra_headers["Message-ID"].startswith(f"<membership-{membership.pk}-renewal-")


def test_no_reminder_more_than_seven_days_before_the_end(plan):
    membership = _ending_in(8, plan=plan)

    sent = services.memberships_remind_renewal()

    assert sent == 0
    assert mail.outbox == []
    membership.refresh_from_db()
    assert membership.reminded_at is None


def test_no_reminder_once_the_member_has_renewed(plan):
    membership = _ending_in(5, plan=plan)
    MembershipFactory(
        member=membership.member,
        plan=plan,
        starts_at=membership.ends_at,
        ends_at=membership.ends_at + YEAR,
    )

    sent = services.memberships_remind_renewal()

    assert sent == 0
    assert mail.outbox == []


def test_no_reminder_for_a_refunded_period(plan):
    _ending_in(5, plan=plan, revoked_at=timezone.now())

    assert services.memberships_remind_renewal() == 0
    assert mail.outbox == []


def test_no_reminder_for_a_plan_no_longer_sold(plan):
    plan.is_active = False
    plan.save()
    _ending_in(5, plan=plan)

    assert services.memberships_remind_renewal() == 0
    assert mail.outbox == []


def test_each_period_gets_its_own_reminder(plan):
    renewed_at = timezone.now() - YEAR + timedelta(days=3)
    first = MembershipFactory(
        plan=plan, starts_at=renewed_at - YEAR, ends_at=renewed_at, reminded_at=renewed_at
    )
    second = MembershipFactory(
        member=first.member, plan=plan, starts_at=renewed_at, ends_at=renewed_at + YEAR
    )

    sent = services.memberships_remind_renewal()

    assert sent == 1
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<membership-{second.pk}-")


def test_reminder_speaks_the_language_of_the_order(plan):
    _ending_in(6, plan=plan, order__language="en")

    services.memberships_remind_renewal()

    assert "/en/" in mail.outbox[0].body
    assert "Renew my membership" in mail.outbox[0].body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_reminder_runs_send_one_email_per_period(plan):
    import threading

    from django.db import connection

    memberships = [_ending_in(6, plan=plan) for _ in range(3)]
    barrier = threading.Barrier(4)
    failures = []

    def run():
        try:
            barrier.wait()
            services.memberships_remind_renewal()
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        membership.member.email for membership in memberships
    )
    assert Membership.objects.filter(reminded_at__isnull=True).count() == 0


# --- The demo shop ----------------------------------------------------------------------------


def test_demo_shop_sells_a_gold_year_once_however_often_it_loads():
    call_command("load_demo_shop", "--no-images", stdout=StringIO())
    call_command("load_demo_shop", "--no-images", stdout=StringIO())

    plan = MembershipPlan.objects.select_related("sku__product", "tier").get()
    assert (plan.tier.name_en, plan.duration_days, plan.sku.price) == (
        "Gold",
        365,
        Decimal("168.00"),
    )
    assert plan.sku.product.is_published
    assert plan.sku.product.requires_delivery is False
    assert plan.sku.product.series.slug == "membership"

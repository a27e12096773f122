"""Who each segment rule picks, shown on a table of members and their orders."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.orders.choices import PaymentStatus
from apps.segments.models import SegmentKind
from apps.segments.selectors import (
    member_customer_profile,
    segment_count,
    segment_members,
    twelve_months_before,
)
from tests.catalog.factories import CategoryFactory, SeriesFactory
from tests.members.factories import (
    MembershipFactory,
    MembershipPlanFactory,
    TierFactory,
    UserFactory,
    demo_tiers,
)
from tests.orders.factories import OrderFactory, delivered_order, paid_order, request_return
from tests.segments.factories import SegmentFactory, member_order, sku_in

pytestmark = pytest.mark.django_db

PAID = PaymentStatus.PAID
UNPAID = PaymentStatus.UNPAID
PARTLY_REFUNDED = PaymentStatus.PARTLY_REFUNDED
REFUNDED = PaymentStatus.REFUNDED


def given_members(table: dict[str, list[dict]]) -> None:
    """One member per entry: their email, and their orders (member_order's arguments)."""
    for email, orders in table.items():
        member = UserFactory(email=email)
        for order in orders:
            member_order(member, **order)


def emails(segment) -> set[str]:
    return {member.email for member in segment_members(segment)}


def test_loyal_customers_have_enough_paid_orders_and_spend_in_12_months():
    given_members(
        {
            "three-orders-1200@example.com": [{"total": "400.00"}] * 3,
            "exactly-at-the-bar@example.com": [
                {"total": "300.00"},
                {"total": "300.00"},
                {"total": "400.00"},
            ],
            "spend-short@example.com": [{"total": "300.00"}] * 3,
            "orders-short@example.com": [{"total": "600.00"}] * 2,
            "one-order-unpaid@example.com": [
                {"total": "500.00"},
                {"total": "500.00"},
                {"total": "500.00", "status": UNPAID},
            ],
            "one-order-fully-refunded@example.com": [
                {"total": "500.00"},
                {"total": "500.00"},
                {"total": "500.00", "status": REFUNDED, "refunded": "500.00"},
            ],
            "refund-takes-spend-below@example.com": [
                {"total": "400.00"},
                {"total": "400.00"},
                {"total": "400.00", "status": PARTLY_REFUNDED, "refunded": "300.00"},
            ],
            "partly-refunded-still-counts@example.com": [
                {"total": "500.00"},
                {"total": "500.00"},
                {"total": "500.00", "status": PARTLY_REFUNDED, "refunded": "100.00"},
            ],
            "one-order-13-months-ago@example.com": [
                {"total": "500.00"},
                {"total": "500.00"},
                {"total": "500.00", "days_ago": 400},
            ],
            "no-orders@example.com": [],
        }
    )
    segment = SegmentFactory(
        kind=SegmentKind.LOYAL, min_paid_orders=3, min_spend_amount=Decimal("1000.00")
    )

    assert emails(segment) == {
        "three-orders-1200@example.com",
        "exactly-at-the-bar@example.com",
        "partly-refunded-still-counts@example.com",
    }


def test_loyal_thresholds_are_the_segments_own():
    given_members(
        {
            "two-small@example.com": [{"total": "50.00"}] * 2,
            "one-big@example.com": [{"total": "5000.00"}],
        }
    )
    segment = SegmentFactory(
        kind=SegmentKind.LOYAL, min_paid_orders=2, min_spend_amount=Decimal("100.00")
    )

    assert emails(segment) == {"two-small@example.com"}


def test_general_customers_paid_once_and_are_not_loyal_by_the_default_rule():
    given_members(
        {
            "loyal@example.com": [{"total": "400.00"}] * 3,
            "one-order@example.com": [{"total": "99.00"}],
            "bought-two-years-ago@example.com": [{"total": "2000.00", "days_ago": 730}],
            "many-small-orders@example.com": [{"total": "10.00"}] * 5,
            "only-unpaid@example.com": [{"status": UNPAID}],
            "only-refunded@example.com": [{"status": REFUNDED, "refunded": "100.00"}],
            "no-orders@example.com": [],
        }
    )
    inactive = UserFactory(email="closed-account@example.com", is_active=False)
    member_order(inactive)
    segment = SegmentFactory(kind=SegmentKind.GENERAL, min_paid_orders=None, min_spend_amount=None)

    assert emails(segment) == {
        "one-order@example.com",
        "bought-two-years-ago@example.com",
        "many-small-orders@example.com",
    }


def test_general_customers_exclude_the_loyal_rule_given_on_the_segment():
    given_members(
        {
            "two-orders-300@example.com": [{"total": "150.00"}] * 2,
            "one-order@example.com": [{"total": "150.00"}],
        }
    )
    segment = SegmentFactory(
        kind=SegmentKind.GENERAL, min_paid_orders=2, min_spend_amount=Decimal("200.00")
    )

    assert emails(segment) == {"one-order@example.com"}


def test_silent_customers_bought_before_but_not_in_the_last_n_days():
    given_members(
        {
            "last-bought-100-days-ago@example.com": [{"days_ago": 100}],
            "came-back-10-days-ago@example.com": [{"days_ago": 100}, {"days_ago": 10}],
            "unpaid-order-does-not-wake@example.com": [
                {"days_ago": 100},
                {"days_ago": 10, "status": UNPAID},
            ],
            "bought-89-days-ago@example.com": [{"days_ago": 89}],
            "only-unpaid-long-ago@example.com": [{"days_ago": 100, "status": UNPAID}],
            "only-refunded-long-ago@example.com": [
                {"days_ago": 100, "status": REFUNDED, "refunded": "100.00"}
            ],
            "never-ordered@example.com": [],
        }
    )
    segment = SegmentFactory(
        kind=SegmentKind.SILENT, silent_days=90, min_paid_orders=None, min_spend_amount=None
    )

    assert emails(segment) == {
        "last-bought-100-days-ago@example.com",
        "unpaid-order-does-not-wake@example.com",
    }


def test_buyers_of_a_category_include_its_sub_categories():
    kettles = CategoryFactory()
    travel_kettles = CategoryFactory(series=kettles.series, parent=kettles)
    woks = CategoryFactory(series=kettles.series)
    given_members(
        {
            "kettle@example.com": [{"sku": sku_in(kettles)}],
            "travel-kettle@example.com": [{"sku": sku_in(travel_kettles)}, {"days_ago": 900}],
            "wok@example.com": [{"sku": sku_in(woks)}],
            "kettle-unpaid@example.com": [{"sku": sku_in(kettles), "status": UNPAID}],
            "kettle-refunded@example.com": [
                {
                    "sku": sku_in(kettles),
                    "status": REFUNDED,
                    "refunded": "100.00",
                    "line_refunded": True,
                }
            ],
            "kettle-line-refunded@example.com": [
                {
                    "sku": sku_in(kettles),
                    "status": PARTLY_REFUNDED,
                    "refunded": "100.00",
                    "line_refunded": True,
                }
            ],
            "kettle-two-years-ago@example.com": [{"sku": sku_in(kettles), "days_ago": 730}],
        }
    )
    segment = SegmentFactory(
        kind=SegmentKind.BOUGHT_CATEGORY,
        category=kettles,
        min_paid_orders=None,
        min_spend_amount=None,
    )

    assert emails(segment) == {
        "kettle@example.com",
        "travel-kettle@example.com",
        "kettle-two-years-ago@example.com",
    }


def test_buyers_of_a_series():
    appliances = CategoryFactory(series=SeriesFactory())
    kitchenware = CategoryFactory(series=SeriesFactory())
    given_members(
        {
            "appliance@example.com": [{"sku": sku_in(appliances)}],
            "kitchenware@example.com": [{"sku": sku_in(kitchenware)}],
            "appliance-unpaid@example.com": [{"sku": sku_in(appliances), "status": UNPAID}],
        }
    )
    segment = SegmentFactory(
        kind=SegmentKind.BOUGHT_SERIES,
        series=appliances.series,
        min_paid_orders=None,
        min_spend_amount=None,
    )

    assert emails(segment) == {"appliance@example.com"}


def test_an_order_paid_through_checkout_counts_for_its_member():
    member = UserFactory()
    paid_order(member=member)
    segment = SegmentFactory(
        kind=SegmentKind.LOYAL, min_paid_orders=1, min_spend_amount=Decimal("1.00")
    )

    assert list(segment_members(segment)) == [member]


def test_guest_orders_belong_to_no_member():
    OrderFactory(member=None, payment_status=PAID, paid_at=timezone.now())
    segment = SegmentFactory(kind=SegmentKind.GENERAL, min_paid_orders=None, min_spend_amount=None)

    assert segment_count(segment) == 0


def test_members_carry_their_figures_biggest_spender_first():
    given_members(
        {
            "small@example.com": [{"total": "100.00", "days_ago": 30}],
            "big@example.com": [
                {"total": "800.00", "days_ago": 20},
                {"total": "700.00", "days_ago": 5, "status": PARTLY_REFUNDED, "refunded": "50"},
                {"total": "999.00", "days_ago": 400},
            ],
        }
    )
    segment = SegmentFactory(kind=SegmentKind.GENERAL, min_paid_orders=9, min_spend_amount=None)

    rows = [
        (member.email, member.paid_orders_12m, member.spend_12m)
        for member in segment_members(segment)
    ]

    assert rows == [
        ("big@example.com", 2, Decimal("1450.00")),
        ("small@example.com", 1, Decimal("100.00")),
    ]


@pytest.mark.parametrize(
    "kind, parameters",
    [
        (SegmentKind.LOYAL, {}),
        (SegmentKind.GENERAL, {}),
        (SegmentKind.SILENT, {"silent_days": 90}),
        (SegmentKind.BOUGHT_CATEGORY, {"category": "category"}),
        (SegmentKind.BOUGHT_SERIES, {"series": "series"}),
        (SegmentKind.TIER, {"tier": "tier"}),
    ],
)
def test_each_rule_reads_its_members_in_one_query(django_assert_num_queries, kind, parameters):
    category = CategoryFactory()
    objects = {"category": category, "series": category.series, "tier": TierFactory()}
    for number in range(5):
        member = UserFactory()
        for _order in range(number):
            member_order(member, total="400.00", sku=sku_in(category), days_ago=100)
    segment = SegmentFactory(
        kind=kind, **{name: objects.get(value, value) for name, value in parameters.items()}
    )

    with django_assert_num_queries(1):
        members = list(segment_members(segment))
    with django_assert_num_queries(1):
        count = segment_count(segment)

    assert count == len(members)
    assert count > 0


def test_twelve_months_before_a_leap_day_is_the_28th_of_february():
    moment = timezone.make_aware(datetime(2028, 2, 29, 12, 0))

    assert twelve_months_before(moment) == timezone.make_aware(datetime(2027, 2, 28, 12, 0))


def test_member_profile_lists_segments_figures_and_returns_in_two_queries(
    django_assert_num_queries,
):
    member = UserFactory()
    order = delivered_order(member=member)
    request_return(order=order)
    member_order(member, total="900.00", days_ago=200)
    member_order(member, total="100.00", days_ago=100)
    loyal = SegmentFactory(kind=SegmentKind.LOYAL)
    general = SegmentFactory(kind=SegmentKind.GENERAL, min_paid_orders=None, min_spend_amount=None)
    SegmentFactory(kind=SegmentKind.SILENT, silent_days=30, min_paid_orders=None)
    SegmentFactory(kind=SegmentKind.BOUGHT_CATEGORY, category=CategoryFactory())

    with django_assert_num_queries(2):
        profile = member_customer_profile(member)

    assert profile.segments == [loyal]
    assert profile.paid_orders_12m == 3
    assert profile.spend_12m == Decimal("1000.00") + order.total_amount
    assert profile.returns_count == 1
    assert general not in profile.segments


# --- Tier ---------------------------------------------------------------------------------


def test_tier_segment_holds_members_of_that_tier_by_spend_or_by_membership():
    tiers = demo_tiers()
    UserFactory(email="spent@example.com", tier=tiers["Gold"])
    paid_member = UserFactory(email="paid@example.com")
    MembershipFactory(member=paid_member, plan=MembershipPlanFactory(tier=tiers["Gold"]))
    paid_member.tier = tiers["Gold"]
    paid_member.save(update_fields=["tier"])
    UserFactory(email="silver@example.com", tier=tiers["Silver"])
    UserFactory(email="new@example.com")

    segment = SegmentFactory(kind=SegmentKind.TIER, tier=tiers["Gold"])

    assert emails(segment) == {"spent@example.com", "paid@example.com"}


def test_entry_tier_segment_counts_members_not_yet_placed_in_a_tier():
    tiers = demo_tiers()
    UserFactory(email="placed@example.com", tier=tiers["Member"])
    UserFactory(email="new@example.com")
    UserFactory(email="silver@example.com", tier=tiers["Silver"])

    segment = SegmentFactory(kind=SegmentKind.TIER, tier=tiers["Member"])

    assert emails(segment) == {"placed@example.com", "new@example.com"}

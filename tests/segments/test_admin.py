"""Segments in the back office: the list with counts, the change page with members, the rule
form's messages, the CSV export, who may do what, and the member's customer panel."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from apps.orders.choices import PaymentStatus
from apps.segments.exports import csv_safe
from apps.segments.models import Segment, SegmentKind
from tests.catalog.factories import CategoryFactory
from tests.members.factories import UserFactory, demo_tiers
from tests.orders.factories import delivered_order, request_return
from tests.segments.factories import SegmentFactory, member_order
from tests.staff.admin_forms import staff_client
from tests.staff.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:segments_segment_changelist"


def change_url(segment) -> str:
    return reverse("admin:segments_segment_change", args=[segment.pk])


def export_url(segment) -> str:
    return reverse("admin:segments_segment_export", args=[segment.pk])


def loyal_member(email: str, **names):
    member = UserFactory(email=email, **names)
    for days_ago in (40, 20, 5):
        member_order(member, total="400.00", days_ago=days_ago)
    return member


def read_csv(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


@pytest.fixture
def manager(client):
    return staff_client(client, StaffUserFactory(roles=["store_manager"]))


@pytest.fixture
def specialist(client):
    return staff_client(client, StaffUserFactory(roles=["promotion_specialist"]))


def test_segment_list_shows_each_segments_member_count(manager):
    loyal_member("a@example.com")
    loyal_member("b@example.com")
    member_order(UserFactory(), total="50.00")
    segment = SegmentFactory(kind=SegmentKind.LOYAL)

    response = manager.get(reverse(CHANGELIST))

    assert response.status_code == 200
    assert '<td class="field-member_count">2</td>' in response.content.decode()
    assert segment.rule_text in response.content.decode()


def test_segment_list_costs_one_query_per_segment_shown(manager):
    loyal_member("a@example.com")
    SegmentFactory()
    with CaptureQueriesContext(connection) as one_segment:
        manager.get(reverse(CHANGELIST))
    SegmentFactory.create_batch(3, kind=SegmentKind.SILENT, silent_days=30)

    with CaptureQueriesContext(connection) as four_segments:
        manager.get(reverse(CHANGELIST))

    assert len(four_segments) - len(one_segment) == 3


def test_change_page_lists_members_with_their_figures(manager):
    loyal_member("loyal@example.com")
    member_order(UserFactory(email="general@example.com"), total="99.00")
    segment = SegmentFactory(kind=SegmentKind.LOYAL)

    response = manager.get(change_url(segment))

    assert response.status_code == 200
    assert [row["email"] for row in response.context["segment_members"]] == ["loyal@example.com"]
    page = response.content.decode()
    assert "loyal@example.com" in page
    assert "¥1,200.00" in page
    assert "general@example.com" not in page
    assert export_url(segment) in page


def test_change_page_lists_the_first_100_and_counts_them_all(manager):
    for number in range(101):
        member_order(UserFactory(email=f"buyer{number:03d}@example.com"), total="10.00")
    segment = SegmentFactory(kind=SegmentKind.GENERAL, min_paid_orders=None, min_spend_amount=None)

    response = manager.get(change_url(segment))

    assert len(response.context["segment_members"]) == 100
    assert response.context["segment_member_total"] == 101


def test_a_loyal_segment_needs_its_thresholds(manager):
    response = manager.post(
        reverse("admin:segments_segment_add"),
        {"name_zh_hans": "钢丝客户", "name_en": "Loyal customers", "kind": SegmentKind.LOYAL},
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["min_paid_orders"] == [
        gettext("Enter the least number of paid orders in 12 months.")
    ]
    assert errors["min_spend_amount"] == [gettext("Enter the least amount spent in 12 months.")]
    assert Segment.objects.count() == 0


@pytest.mark.parametrize(
    "kind, field, message",
    [
        (
            SegmentKind.SILENT,
            "silent_days",
            "Enter how many days without a paid order make a customer silent.",
        ),
        (
            SegmentKind.BOUGHT_CATEGORY,
            "category",
            "Choose the category whose buyers this segment holds.",
        ),
        (SegmentKind.BOUGHT_SERIES, "series", "Choose the series whose buyers this segment holds."),
        (SegmentKind.TIER, "tier", "Choose the VIP tier whose members this segment holds."),
    ],
)
def test_each_kind_asks_for_its_parameter(manager, kind, field, message):
    response = manager.post(
        reverse("admin:segments_segment_add"),
        {"name_zh_hans": "分组", "name_en": "Segment", "kind": kind},
    )

    assert response.context["adminform"].form.errors[field] == [gettext(message)]
    assert Segment.objects.count() == 0


def test_a_saved_segment_keeps_only_its_kinds_parameters(manager):
    category = CategoryFactory()

    response = manager.post(
        reverse("admin:segments_segment_add"),
        {
            "name_zh_hans": "沉睡客户",
            "name_en": "Silent customers",
            "kind": SegmentKind.SILENT,
            "silent_days": "90",
            "min_paid_orders": "3",
            "category": str(category.pk),
        },
    )

    assert response.status_code == 302
    segment = Segment.objects.get()
    assert (segment.silent_days, segment.min_paid_orders, segment.category) == (90, None, None)
    assert segment.name_en == "Silent customers"


def test_export_streams_every_member_with_their_figures(manager):
    loyal_member("zhang@example.com", last_name="张", first_name="伟", phone="13800138001")
    segment = SegmentFactory(kind=SegmentKind.LOYAL, name_zh_hans="钢丝客户")

    response = manager.get(export_url(segment))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="segment-{segment.pk}-'
    )
    rows = read_csv(response)
    assert rows[0] == [
        gettext("Segment"),
        gettext("Email"),
        gettext("Name"),
        gettext("Mobile number"),
        gettext("Paid orders in 12 months"),
        gettext("Spent in 12 months (¥)"),
        gettext("Last paid order"),
    ]
    assert rows[1][:6] == ["钢丝客户", "zhang@example.com", "张伟", "13800138001", "3", "1200.00"]
    assert len(rows) == 2


def test_export_neutralises_cells_a_spreadsheet_would_run_as_formulas(manager):
    loyal_member("formula@example.com", first_name='=HYPERLINK("http://evil")', last_name="")
    segment = SegmentFactory(kind=SegmentKind.LOYAL, name_zh_hans="@SUM(A1)")

    rows = read_csv(manager.get(export_url(segment)))

    assert rows[1][0] == "'@SUM(A1)"
    assert rows[1][2] == '\'=HYPERLINK("http://evil")'


@pytest.mark.parametrize(
    "value, safe",
    [
        ("=1+1", "'=1+1"),
        ("+8613800138000", "'+8613800138000"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("张伟", "张伟"),
        ("a=b", "a=b"),
        (None, ""),
    ],
)
def test_csv_cells_starting_like_a_formula_get_a_quote(value, safe):
    assert csv_safe(value) == safe


def test_export_action_streams_the_selected_segments(manager):
    loyal_member("loyal@example.com")
    member_order(UserFactory(email="silent@example.com"), days_ago=200)
    loyal = SegmentFactory(kind=SegmentKind.LOYAL, name_zh_hans="钢丝客户")
    silent = SegmentFactory(kind=SegmentKind.SILENT, silent_days=90, name_zh_hans="沉睡客户")
    SegmentFactory(kind=SegmentKind.GENERAL, name_zh_hans="普通客户")

    response = manager.post(
        reverse(CHANGELIST),
        {"action": "export_members_csv", "_selected_action": [loyal.pk, silent.pk]},
    )

    assert [row[:2] for row in read_csv(response)[1:]] == [
        ["钢丝客户", "loyal@example.com"],
        ["沉睡客户", "silent@example.com"],
    ]


def test_promotion_specialist_reads_and_exports_segments_but_cannot_change_them(specialist):
    loyal_member("loyal@example.com")
    segment = SegmentFactory(kind=SegmentKind.LOYAL, min_paid_orders=3)

    assert specialist.get(reverse(CHANGELIST)).status_code == 200
    assert specialist.get(change_url(segment)).status_code == 200
    assert len(read_csv(specialist.get(export_url(segment)))) == 2
    response = specialist.post(
        change_url(segment),
        {"name_zh_hans": "改名", "name_en": "Renamed", "kind": SegmentKind.LOYAL},
    )
    assert response.status_code == 403
    assert specialist.get(reverse("admin:segments_segment_add")).status_code == 403
    segment.refresh_from_db()
    assert segment.min_paid_orders == 3


@pytest.mark.parametrize("role", ["warehouse", "store_assistant", "aftersales_service"])
def test_other_roles_cannot_see_or_export_segments(client, role):
    staff_client(client, StaffUserFactory(roles=[role]))
    segment = SegmentFactory()

    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert client.get(change_url(segment)).status_code == 403
    assert client.get(export_url(segment)).status_code == 403


def test_member_page_shows_segments_spend_orders_and_returns(manager):
    member = loyal_member("loyal@example.com")
    order = delivered_order(member=member)
    request_return(order=order)
    member_order(member, status=PaymentStatus.UNPAID, total="999.00")
    SegmentFactory(kind=SegmentKind.LOYAL, name_zh_hans="钢丝客户")
    SegmentFactory(kind=SegmentKind.SILENT, silent_days=90, name_zh_hans="沉睡客户")

    response = manager.get(reverse("admin:members_user_change", args=[member.pk]))

    page = response.content.decode()
    spend = Decimal("1200.00") + order.total_amount
    assert response.status_code == 200
    assert '<div class="readonly">钢丝客户</div>' in page
    assert "沉睡客户" not in page
    assert f"¥{spend:,.2f}" in page
    assert '<div class="readonly">4</div>' in page  # paid orders in 12 months
    assert '<div class="readonly">1</div>' in page  # return requests


def test_member_page_reads_the_same_number_of_queries_however_many_segments(manager):
    member = loyal_member("loyal@example.com")
    url = reverse("admin:members_user_change", args=[member.pk])
    SegmentFactory()
    with CaptureQueriesContext(connection) as one_segment:
        manager.get(url)
    SegmentFactory.create_batch(5, kind=SegmentKind.SILENT, silent_days=30)

    with CaptureQueriesContext(connection) as six_segments:
        manager.get(url)

    assert len(six_segments) == len(one_segment)


def test_member_page_of_someone_who_never_bought_says_so(manager):
    member = UserFactory()
    SegmentFactory()

    page = manager.get(reverse("admin:members_user_change", args=[member.pk])).content.decode()

    assert gettext("In no segment") in page
    assert "¥0.00" in page


def test_manager_defines_a_tier_segment_and_exports_its_members(manager):
    tiers = demo_tiers()
    UserFactory(email="gold@example.com", tier=tiers["Gold"])
    UserFactory(email="silver@example.com", tier=tiers["Silver"])

    created = manager.post(
        reverse("admin:segments_segment_add"),
        {
            "name_zh_hans": "金卡会员",
            "name_en": "Gold members",
            "kind": SegmentKind.TIER,
            "tier": str(tiers["Gold"].pk),
            "min_paid_orders": "3",
        },
    )
    segment = Segment.objects.get()
    rows = read_csv(manager.get(export_url(segment)))

    assert created.status_code == 302
    assert (segment.tier, segment.min_paid_orders) == (tiers["Gold"], None)
    assert segment.rule_text == gettext("Members of the tier %(name)s") % {"name": "金卡"}
    assert [row[:2] for row in rows[1:]] == [["金卡会员", "gold@example.com"]]

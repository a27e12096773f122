from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from apps.segments.demo import load_segments
from apps.segments.models import Segment, SegmentKind

pytestmark = pytest.mark.django_db


def test_demo_loads_the_loyal_and_silent_segments():
    assert load_segments() == 2

    rules = {
        (segment.name_zh_hans, segment.name_en): (
            segment.kind,
            segment.min_paid_orders,
            segment.min_spend_amount,
            segment.silent_days,
        )
        for segment in Segment.objects.all()
    }
    assert rules == {
        ("钢丝客户", "Loyal customers"): (SegmentKind.LOYAL, 3, Decimal("1000.00"), None),
        ("沉睡客户（90 天）", "Silent 90 days"): (SegmentKind.SILENT, None, None, 90),
    }


def test_demo_segments_load_once_and_keep_an_operators_changes():
    load_segments()
    Segment.objects.filter(kind=SegmentKind.LOYAL).update(min_paid_orders=5)

    assert load_segments() == 2
    assert Segment.objects.get(kind=SegmentKind.LOYAL).min_paid_orders == 5


def test_the_demo_shop_command_loads_the_segments():
    call_command("load_demo_shop", "--no-images", stdout=StringIO())

    assert set(Segment.objects.values_list("name_en", flat=True)) == {
        "Loyal customers",
        "Silent 90 days",
    }

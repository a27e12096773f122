"""Demo segments: loyal customers (钢丝客户) and customers silent for 90 days. Idempotent: a
segment already there (by its Chinese name) is left as an operator may have changed it."""

from decimal import Decimal

from django.db import transaction

from apps.segments.models import Segment, SegmentKind

SEGMENTS = [
    {
        "name_zh_hans": "钢丝客户",
        "name_en": "Loyal customers",
        "kind": SegmentKind.LOYAL,
        "min_paid_orders": 3,
        "min_spend_amount": Decimal("1000.00"),
    },
    {
        "name_zh_hans": "沉睡客户（90 天）",
        "name_en": "Silent 90 days",
        "kind": SegmentKind.SILENT,
        "silent_days": 90,
    },
]


@transaction.atomic
def load_segments() -> int:
    """Create the demo segments that are missing; returns how many segments there are."""
    for values in SEGMENTS:
        if not Segment.objects.filter(name_zh_hans=values["name_zh_hans"]).exists():
            segment = Segment(**values)
            segment.full_clean()
            segment.save()
    return Segment.objects.count()

"""Segment members as CSV, streamed row by row so a segment of any size downloads without
being held in memory. Every cell is made safe for spreadsheets: text that a spreadsheet
would read as a formula (starting with = + - @, or a tab or carriage return) gets a leading
apostrophe, so a member who names themselves "=HYPERLINK(...)" exports as plain text."""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.segments.models import Segment
from apps.segments.selectors import segment_members

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel opens a UTF-8 file as Chinese text only when it starts with a byte order mark.
BYTE_ORDER_MARK = "\ufeff"


def csv_safe(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Line:
    """A file-like object that hands back what csv.writer writes, one row at a time."""

    def write(self, value: str) -> str:
        return value


def segment_member_rows(segments: Iterable[Segment]) -> Iterator[list[str]]:
    """The header, then one row per member of each segment (a member in two of the
    segments is on two rows, one under each segment's name). The texts are read before the
    first row is sent: a streamed response outlives the request's language."""
    header = [
        _("Segment"),
        _("Email"),
        _("Name"),
        _("Mobile number"),
        _("Paid orders in 12 months"),
        _("Spent in 12 months (¥)"),
        _("Last paid order"),
    ]
    named = [(segment, segment.name) for segment in segments]

    def rows() -> Iterator[list[str]]:
        yield header
        for segment, name in named:
            for member in segment_members(segment).iterator(chunk_size=1000):
                last = member.last_paid_at
                yield [
                    name,
                    member.email,
                    member.get_full_name(),
                    member.phone,
                    str(member.paid_orders_12m),
                    f"{member.spend_12m:.2f}",
                    timezone.localtime(last).strftime("%Y-%m-%d") if last else "",
                ]

    return rows()


def segment_members_csv_response(segments: list[Segment], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Line())
    rows = segment_member_rows(segments)

    def content() -> Iterator[str]:
        yield BYTE_ORDER_MARK
        for row in rows:
            yield writer.writerow([csv_safe(cell) for cell in row])

    response = StreamingHttpResponse(content(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

"""Demo points: the demo members start with a few ledger lines (a welcome gift, points from
an earlier order, one spent), so the member centre and checkout show points at once.
Idempotent: a member who has any entry is left alone."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.members.models import User
from apps.points import services
from apps.points.models import PointsEntry

# email → (points given, days ago), for the welcome gift and an earlier order's points.
DEMO_POINTS = {
    "member1@example.com": [(2000, 200), (1580, 40)],
    "member2@example.com": [(2000, 360), (640, 12)],
    "member3@example.com": [(500, 3)],
}


def load_points() -> int:
    """Gives the demo members their points; returns how many members got some now."""
    now = timezone.now()
    loaded = 0
    for email, credits in DEMO_POINTS.items():
        member = User.objects.filter(email=email).first()
        if member is None or PointsEntry.objects.filter(member=member).exists():
            continue
        for index, (points, days_ago) in enumerate(credits):
            reason = _("Welcome gift") if index == 0 else _("Points from an earlier order")
            services.points_adjust(
                member=member,
                points=points,
                reason=reason,
                actor=None,
                now=now - timedelta(days=days_ago),
            )
        loaded += 1
    return loaded

"""The referral cookie: a first-party, signed cookie that remembers whose link a visitor
opened, which visit it was and when, for SHOP_REFERRAL_DAYS. Reading it costs no query."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings

COOKIE_NAME = "shop_ref"
COOKIE_SALT = "referrals.link"
CODE_SHAPE = re.compile(r"^[a-z0-9]{4,16}$")


@dataclass(frozen=True)
class ReferralClick:
    """Whose link (their share code), which recorded visit, and when it was opened."""

    code: str
    visit_id: int
    clicked_at: datetime


def max_age_seconds() -> int:
    return settings.SHOP_REFERRAL_DAYS * 24 * 3600


def click_from_request(request) -> ReferralClick | None:
    """The link this browser opened within SHOP_REFERRAL_DAYS, or None (no cookie, a forged
    or an expired one)."""
    value = request.get_signed_cookie(
        COOKIE_NAME, default=None, salt=COOKIE_SALT, max_age=max_age_seconds()
    )
    if not value:
        return None
    try:
        code, visit_id, opened = value.split(":")
        return ReferralClick(
            code=code,
            visit_id=int(visit_id),
            clicked_at=datetime.fromtimestamp(int(opened), tz=UTC),
        )
    except ValueError:
        return None


def remember_click(response, *, code: str, visit_id: int, clicked_at: datetime, secure: bool):
    response.set_signed_cookie(
        COOKIE_NAME,
        f"{code}:{visit_id}:{int(clicked_at.timestamp())}",
        salt=COOKIE_SALT,
        max_age=max_age_seconds(),
        httponly=True,
        samesite="Lax",
        secure=secure,
    )

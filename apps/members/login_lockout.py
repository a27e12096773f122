"""One lockout for every login, the shop's (allauth) and the back office's (Django admin),
kept by django-axes in the database so it holds while Redis is down.

Two locks, so that a stranger cannot lock a member out by typing wrong passwords for their
email address from elsewhere:

- an account from one IP address: LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_IP failures (the
  owner, from another address, still logs in with the right password);
- an IP address on its own: LOGIN_FAILURE_LIMIT_PER_IP failures over any accounts, higher,
  against credential stuffing from one machine.

Both last AXES_COOLOFF_TIME after the latest failure. A store manager unlocks by deleting the
attempt records in the back office (Axes → Access attempts).
"""

import hashlib
import logging

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.contrib import admin
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

logger = logging.getLogger(__name__)

# The login forms post the account under different names: allauth "login", Django's admin
# "username"; authenticate() receives "email" (allauth) or "username" (admin).
_ACCOUNT_FIELDS = ("email", "username", "login")


def login_account(request: HttpRequest, credentials: dict | None) -> str | None:
    """The account a login attempt is for, as the lockout counts it: the email address in
    lower case, whichever form it came from (AXES_USERNAME_CALLABLE)."""
    source = credentials if credentials else request.POST
    for field in _ACCOUNT_FIELDS:
        value = source.get(field)
        if value:
            return str(value).strip().lower()
    return None


def _failure_limit(parameter) -> int:
    if parameter == "ip_address":
        return settings.LOGIN_FAILURE_LIMIT_PER_IP
    return settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_IP


class LoginLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with one limit per lock (AXES_LOCKOUT_PARAMETERS)."""

    def get_failures(self, request, credentials=None) -> int:
        # Axes compares one number with one limit, AXES_FAILURE_LIMIT (the account-and-IP
        # limit). Each lock's failures are put on that scale: floor(f * A / L) >= A exactly
        # when f >= L, so each lock trips at its own limit L.
        account_limit = settings.AXES_FAILURE_LIMIT
        scaled = [0]
        for parameter, attempts in zip(
            settings.AXES_LOCKOUT_PARAMETERS,
            self.get_user_attempts(request, credentials),
            strict=True,
        ):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            scaled.append(failures * account_limit // _failure_limit(parameter))
        return max(scaled)


def _account_hash(account: str | None) -> str:
    # Logs name the account by a short hash, so they can be matched with the attempt records
    # without spreading email addresses through the log store.
    return hashlib.sha256((account or "").encode()).hexdigest()[:16]


def log_lockout(sender, request, username, ip_address, **kwargs) -> None:
    """Receiver of axes.signals.user_locked_out: one structured line per refused login."""
    logger.warning(
        "login.locked_out",
        extra={
            "account_hash": _account_hash(username),
            "ip": ip_address,
            "path": request.path if request is not None else "",
            "failures": getattr(request, "axes_failures_since_start", None),
        },
    )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The page a locked-out login gets (AXES_LOCKOUT_CALLABLE), status 429: the back
    office's login page with the reason, or a page in the shop's look."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith(reverse("admin:index")):
        return render(
            request,
            "admin/login_locked_out.html",
            {**admin.site.each_context(request), "minutes": minutes},
            status=status,
        )
    return render(request, "members/login_locked_out.jinja", {"minutes": minutes}, status=status)

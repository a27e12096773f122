"""The one rule every state machine of the shop shares: a status may only become one of the
statuses its table allows. Orders (payment, fulfilment) and returns each keep their own
table and transition function; this is only the check and the refusal."""

from collections.abc import Mapping

from django.utils.translation import gettext as _


class InvalidTransition(Exception):
    """A change of status that the machine's table does not allow."""


def allowed_next(table: Mapping[str, set[str]], current: str) -> set[str]:
    """The statuses `current` may become (none for a status missing from the table)."""
    return set(table.get(current, set()))


def transition_check(
    table: Mapping[str, set[str]],
    *,
    current: str,
    target: str,
    labels: Mapping[str, str],
    error: type[Exception] = InvalidTransition,
    message: str = "",
) -> None:
    """Raise `error` (InvalidTransition or the app's own subclass) unless the table lets
    `current` become `target`. `message` (already translated, with %(from)s and %(to)s) lets
    each machine word the refusal in its own terms; both statuses are named by label."""
    if target not in allowed_next(table, current):
        raise error(
            (message or _("“%(from)s” cannot become “%(to)s”."))
            % {"from": labels.get(current, current), "to": labels.get(target, target)}
        )

"""Tasks that must not be lost to a broker outage (order and return emails).

`outbox_enqueue` writes an OutboxTask row in the caller's transaction and, after commit, hands
the task to the broker without waiting or retrying: a down or hung broker costs the shopper
nothing (the failure is logged, and further hand-overs are skipped for a few seconds). The
task runs inside `outbox_claim`, which marks its row done once and skips a row already done,
so a task handed over twice does its work once. `outbox_flush` (Celery beat every minute, and
`manage.py flush_outbox`) hands over what is still pending.
"""

import logging
import time
from contextlib import contextmanager
from datetime import timedelta

from celery import current_app
from django.db import transaction
from django.utils import timezone

from apps.core.models import OutboxTask

logger = logging.getLogger(__name__)

# After the broker failed, hand-overs wait this long before trying again (rows stay pending).
BROKER_PAUSE_SECONDS = 30.0
# A row handed over this long ago and still not done was lost with its message: again.
LOST_AFTER = timedelta(hours=1)
# A row never handed over (the broker was down) is picked up after this delay.
PENDING_AFTER = timedelta(seconds=30)
_broker_down_until = 0.0


def outbox_enqueue(task, **arguments) -> OutboxTask:
    """Queue `task(**arguments)` to run once the current transaction commits, durably."""
    entry = OutboxTask.objects.create(task_name=task.name, arguments=arguments)
    transaction.on_commit(lambda: _hand_over(entry.pk, task.name, arguments))
    return entry


def _hand_over(entry_id: int, task_name: str, arguments: dict) -> bool:
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        logger.info("outbox.deferred", extra={"outbox_id": entry_id, "task": task_name})
        return False
    try:
        current_app.tasks[task_name].apply_async(
            kwargs={**arguments, "outbox_id": entry_id}, retry=False
        )
    except Exception:
        _broker_down_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning(
            "outbox.broker_unavailable",
            extra={"outbox_id": entry_id, "task": task_name},
            exc_info=True,
        )
        return False
    OutboxTask.objects.filter(pk=entry_id, done_at__isnull=True).update(enqueued_at=timezone.now())
    return True


@contextmanager
def outbox_claim(outbox_id: int | None):
    """Run a task's work at most once for its outbox row: yields False when the row is
    already done (or gone), and marks it done when the work finished without error."""
    if outbox_id is None:
        yield True
        return
    with transaction.atomic():
        entry = (
            OutboxTask.objects.select_for_update()
            .filter(pk=outbox_id, done_at__isnull=True)
            .first()
        )
        if entry is None:
            yield False
            return
        yield True
        OutboxTask.objects.filter(pk=entry.pk).update(done_at=timezone.now())


def outbox_flush(*, now=None) -> int:
    """Hand over every task whose hand-over failed or whose message was lost. Returns how
    many were handed over."""
    global _broker_down_until
    now = now or timezone.now()
    pending = OutboxTask.objects.filter(done_at__isnull=True, created_at__lte=now - PENDING_AFTER)
    due = pending.filter(enqueued_at__isnull=True) | pending.filter(
        enqueued_at__lte=now - LOST_AFTER
    )
    handed = 0
    _broker_down_until = 0.0
    for entry in due.order_by("pk").iterator(chunk_size=500):
        OutboxTask.objects.filter(pk=entry.pk).update(attempts=entry.attempts + 1)
        if not _hand_over(entry.pk, entry.task_name, entry.arguments):
            break
        handed += 1
    if handed:
        logger.info("outbox.flushed", extra={"count": handed})
    return handed

"""Background tasks of notifications (django-tasks): nothing is sent during a request.

`send_notifications` runs after each `notify`; `daily_notifications` once a day (`copil notify`, from cron):
it queues the reminders of actions due, sends the digests and retries what failed.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from . import sending
from .messages import action_reminders


@task()
def send_notifications() -> int:
    """Send the queued immediate notifications (and retry the failed ones)."""
    return sending.send_immediate()


@task()
def daily_notifications(day: str | None = None) -> dict[str, int]:
    """Queue the reminders of actions due on `day` (ISO date, default today), send them and the digests."""
    today = dt.date.fromisoformat(day) if day else timezone.localdate()
    reminded = action_reminders(today)
    from copil.signalements.actions import chase_overdue

    overdue = chase_overdue()
    return {
        "reminders": reminded,
        "signalements_chased": overdue["chased"],
        "signalements_escalated": overdue["escalated"],
        "sent": sending.send_immediate(),
        "digests": sending.send_digests(),
    }

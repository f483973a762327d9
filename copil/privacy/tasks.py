"""The daily data-protection task: purge what the retention table says is due, then warn and deactivate
inactive accounts. Enqueued once a day by cron with `copil retention --enqueue`, e.g.

    30 5 * * *  cd /srv/copil && .venv/bin/copil retention --enqueue

and executed by the worker of the configured django-tasks backend (`TASKS` in settings).
"""

import datetime as dt

from django.utils import timezone
from django_tasks import task

from .accounts import sweep_inactive_accounts
from .purge import purge


@task()
def daily_privacy(day: str | None = None) -> dict[str, int]:
    """Purge on `day` (ISO date, default today) and sweep the inactive accounts; returns the counts."""
    on = dt.date.fromisoformat(day) if day else timezone.localdate()
    steps = purge(on)
    sweep = sweep_inactive_accounts()
    counts = {f"{step.plan.slug if step.plan else '*'}:{step.kind}": step.count for step in steps}
    counts.update(warned=len(sweep.warned), deactivated=len(sweep.deactivated))
    return counts

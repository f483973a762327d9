"""The daily task of signalements: chase the overdue ones, escalate to the coordinators (run by `copil notify`)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from .actions import chase_overdue


@task()
def chase_overdue_signalements(now: str | None = None) -> dict[str, int]:
    """Chase and escalate the overdue signalements as of `now` (ISO date-time, default now)."""
    return chase_overdue(dt.datetime.fromisoformat(now) if now else None)

"""The daily early-warning task.

`daily_scan` runs the prospective scan and the emerging hot-spot analysis of every plan in progress for a day
(today by default); the scans of every plan run as one Dask job (local threads, or the Dask scheduler named by
`COPIL_DASK_SCHEDULER`). It is enqueued once a day, by cron or any scheduler, with `copil scan` (no `--plan`), e.g.

    0 6 * * *  cd /srv/copil && .venv/bin/copil scan

and executed by the worker of the configured django-tasks backend (`TASKS` in settings).
"""

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from copil.alerts.services import run_hot_spots, scan_plans
from copil.indicators.tasks import check_rollup
from copil.plans.models import Plan


def plans_in_progress(day: dt.date):
    """Plans started on or before `day` and not ended before it."""
    return Plan.objects.filter(started_on__lte=day).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))


@task()
def daily_scan(day: str | None = None, replicates: int = 999) -> dict[str, int]:
    """Check the roll-up (`copil.indicators.tasks.check_rollup`), then scan every plan in progress on `day` (ISO
    date, default today); returns the number of alerts per plan and, under "rollup_drifts", the drifts repaired."""
    on = dt.date.fromisoformat(day) if day else timezone.localdate()
    found = {"rollup_drifts": check_rollup()}
    plans = list(plans_in_progress(on))
    for slug, alerts in scan_plans(plans, on, replicates=replicates, scheduler=settings.COPIL_DASK_SCHEDULER).items():
        found[slug] = len(alerts)
    for plan in plans:
        found[plan.slug] += len(run_hot_spots(plan, on))
    return found

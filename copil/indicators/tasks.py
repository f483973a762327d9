"""The daily check of the roll-up, run by the daily task (`copil.alerts.tasks.daily_scan`)."""

import logging

from django_tasks import task

from . import rollup

logger = logging.getLogger(__name__)


def check_rollup() -> int:
    """Compare the roll-up with the record tables, repair it, log any drift as an error; the number of drifts."""
    drifts = rollup.verify(repair=True)
    for drift in drifts:
        logger.error("roll-up drift repaired: %s", rollup.describe(drift))
    return len(drifts)


@task()
def verify_rollup() -> int:
    """`check_rollup` as a background task."""
    return check_rollup()

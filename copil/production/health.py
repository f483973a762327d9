"""What `/sante/` checks: the database answers, and a background worker beat recently (when tasks wait in the
database). Nothing else is revealed: a monitor needs only the status code."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from .heartbeat import last_heartbeat

DATABASE_TASKS_BACKEND = "django_tasks_db.DatabaseBackend"


@dataclass(frozen=True)
class Health:
    database: bool
    worker: bool

    @property
    def healthy(self) -> bool:
        return self.database and self.worker


def worker_expected() -> bool:
    """Tasks wait in the database only with its backend; the immediate backend runs them in the request."""
    return settings.TASKS["default"]["BACKEND"] == DATABASE_TASKS_BACKEND


def check_health() -> Health:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return Health(database=False, worker=False)
    if not worker_expected():
        return Health(database=True, worker=True)
    try:
        beat = last_heartbeat()
    except DatabaseError:  # tables not migrated yet
        return Health(database=True, worker=False)
    limit = timedelta(seconds=settings.COPIL_WORKER_HEARTBEAT_LIMIT)
    return Health(database=True, worker=beat is not None and timezone.now() - beat <= limit)

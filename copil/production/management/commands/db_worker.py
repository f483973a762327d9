"""`copil db_worker`: django-tasks' database worker, plus a heartbeat the health check (`/sante/`) reads."""

from django_tasks_db.management.commands import db_worker

from copil.production.heartbeat import HeartbeatThread


class Command(db_worker.Command):
    help = "Run the background tasks (imports, daily scan), recording a heartbeat for /sante/."

    def handle(self, *args, worker_id: str, **options) -> None:
        heartbeat = HeartbeatThread(worker_id)
        heartbeat.beat()  # alive before the first task, however long it runs
        heartbeat.start()
        try:
            super().handle(*args, worker_id=worker_id, **options)
        finally:
            heartbeat.stop()

"""`copil serve`: serve the app on 127.0.0.1:8000 (development server, static files included), with a worker
for the background tasks (large imports, the daily scan) when they wait in the database."""

import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


class Command(BaseCommand):
    help = "Serve Copil on 127.0.0.1:8000 (or the given address), with a background-task worker."

    def add_arguments(self, parser):
        parser.add_argument("address", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-worker", action="store_true", help="do not start `copil db_worker` next to the server"
        )

    def handle(self, *args, address, no_worker, **options):
        signal.signal(signal.SIGTERM, _exit)  # `finally` below then stops the worker too
        worker = None
        if not no_worker and settings.TASKS["default"]["BACKEND"] == DATABASE_BACKEND:
            # A process of its own: a long import must not hold the web server's threads or connections.
            worker = subprocess.Popen([sys.executable, "-m", "copil", "db_worker", "--no-startup-delay"])
            self.stdout.write("Tâches en arrière-plan : copil db_worker démarré à côté du serveur.")
        try:
            call_command("runserver", address, "--insecure", "--noreload", use_threading=True)
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()


def _exit(signum, frame) -> None:
    sys.exit(0)

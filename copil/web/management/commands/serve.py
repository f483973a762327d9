"""`copil serve`: serve the app on 127.0.0.1:8000 (development server, static files included), with a worker
for the background tasks (large imports, the daily scan) when they wait in the database.

`copil serve --production` serves it with gunicorn instead (settings from the environment: copil/gunicorn_conf.py),
static files collected and served by WhiteNoise; in a real deployment the worker is its own service
(docs/deploy.md), so `--no-worker` is then usual."""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"
WHITENOISE = "whitenoise.middleware.WhiteNoiseMiddleware"


class Command(BaseCommand):
    help = "Serve Copil on 127.0.0.1:8000 (or the given address), with a background-task worker."

    def add_arguments(self, parser):
        parser.add_argument("address", nargs="?", default=None)
        parser.add_argument(
            "--no-worker", action="store_true", help="do not start `copil db_worker` next to the server"
        )
        parser.add_argument(
            "--production",
            action="store_true",
            help="serve with gunicorn (COPIL_WEB_WORKERS, COPIL_WEB_THREADS) and WhiteNoise instead of the "
            "development server",
        )

    def handle(self, *args, address, no_worker, production, **options):
        if production and WHITENOISE not in settings.MIDDLEWARE:
            raise CommandError(
                "copil serve --production demande les réglages de production : "
                "DJANGO_SETTINGS_MODULE=copil.settings_production, avec SECRET_KEY et COPIL_PSEUDONYM_KEY "
                "(docs/deploy.md)."
            )
        signal.signal(signal.SIGTERM, _exit)  # `finally` below then stops the worker too
        worker = server = None
        if not no_worker and settings.TASKS["default"]["BACKEND"] == DATABASE_BACKEND:
            # A process of its own: a long import must not hold the web server's threads or connections.
            worker = subprocess.Popen(
                [sys.executable, "-m", "copil", "db_worker", "--no-startup-delay"], env=child_environment()
            )
            self.stdout.write("Tâches en arrière-plan : copil db_worker démarré à côté du serveur.")
        try:
            if production:
                call_command("collectstatic", interactive=False, verbosity=0)
                server = subprocess.Popen(gunicorn_command(address), env=child_environment())
                server.wait()
            else:
                call_command("runserver", address or "127.0.0.1:8000", "--insecure", "--noreload", use_threading=True)
        finally:
            for process in (server, worker):
                if process is not None:
                    _stop(process)


def gunicorn_command(address: str | None) -> list[str]:
    """gunicorn with Copil's configuration module; an address given on the command line wins over COPIL_BIND."""
    command = [sys.executable, "-m", "gunicorn", "-c", "python:copil.gunicorn_conf", "copil.wsgi:application"]
    return command + (["--bind", address] if address else [])


def child_environment() -> dict[str, str]:
    """The server's and worker's settings module is this command's own (DJANGO_SETTINGS_MODULE or `--settings`)."""
    return {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def _exit(signum, frame) -> None:
    sys.exit(0)

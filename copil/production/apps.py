from django.apps import AppConfig


class ProductionConfig(AppConfig):
    """Running Copil in production: health check, worker heartbeats, request and task logs, backups."""

    name = "copil.production"
    label = "production"
    verbose_name = "Exploitation"

    def ready(self) -> None:
        from . import logs

        logs.connect_task_signals()

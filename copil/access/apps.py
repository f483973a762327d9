from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "copil.access"
    label = "access"
    verbose_name = _("Access and audit")

    def ready(self) -> None:
        from . import audit, checks, signals  # noqa: F401 (checks registers the deploy check)

        audit.register_models()
        signals.connect()

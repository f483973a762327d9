from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "copil.indicators"
    label = "indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        from . import rollup, versions

        rollup.connect_signals()
        versions.connect_signals()

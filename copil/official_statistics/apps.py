from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficialStatisticsConfig(AppConfig):
    name = "copil.official_statistics"
    label = "official_statistics"
    verbose_name = _("Official statistics")

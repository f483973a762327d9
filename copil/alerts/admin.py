"""Admin of the alerts: read their figures, close them once handled."""

from django.contrib import admin

from .models import Alert


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("detected_on", "plan", "kind", "place", "observed", "expected", "p_value", "status")
    list_filter = ("plan", "kind", "status")
    list_editable = ("status",)
    date_hierarchy = "detected_on"
    exclude = ("observations",)
    readonly_fields = (
        "plan",
        "kind",
        "detected_on",
        "rank",
        "place",
        "latitude",
        "longitude",
        "radius_m",
        "start_day",
        "end_day",
        "observed",
        "expected",
        "p_value",
        "recurrence_interval_days",
        "category",
    )

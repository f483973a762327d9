"""Early-warning alerts: emerging clusters of field observations and emerging hot spots of the plan's sector."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from copil.plans.models import Plan
from copil.records.models import FieldObservation


class Alert(models.Model):
    """A cluster the daily scan found significant (or an emerging hot spot), with the records behind it.

    For a space-time scan cluster: the circle (centre, radius) and the days (start_day to end_day, the day of the
    analysis) where `observed` observations were recorded against `expected` under no space-time interaction, the
    Monte Carlo p-value and the recurrence interval of such a cluster under daily surveillance.
    """

    class Kind(models.TextChoices):
        SCAN_CLUSTER = "scan_cluster", _("emerging cluster")
        HOT_SPOT = "hot_spot", _("emerging hot spot")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    detected_on = models.DateField(_("detected on"))
    rank = models.PositiveSmallIntegerField(_("rank"), default=1)
    place = models.CharField(_("place"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    radius_m = models.PositiveIntegerField(_("radius (m)"))
    start_day = models.DateField(_("start day"))
    end_day = models.DateField(_("end day"))
    observed = models.PositiveIntegerField(_("observed"))
    expected = models.FloatField(_("expected"))
    p_value = models.FloatField(_("p-value"))
    recurrence_interval_days = models.FloatField(_("recurrence interval (days)"), null=True, blank=True)
    category = models.CharField(_("hot-spot category"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    observations = models.ManyToManyField(
        FieldObservation, verbose_name=_("field observations"), blank=True, related_name="alerts"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["plan", "-detected_on", "kind", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "detected_on", "rank"], name="alert_unique_per_day_rank")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.place or self.pk} ({self.detected_on:%d/%m/%Y})"

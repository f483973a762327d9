"""Early-warning alerts: emerging clusters of field observations and emerging hot spots of the plan's sector."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from copil.plans.models import Action, Partner, Plan
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

    class ClosureReason(models.TextChoices):
        DISPERSED = "dispersed", _("dispersed")
        FALSE_ALARM = "false_alarm", _("false alarm")
        ACTION_TAKEN = "action_taken", _("action taken")

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
    # Follow-up (copil.alerts.actions): who took it in hand, who it was given to, how it ended.
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        Partner, verbose_name=_("assigned to"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closure_reason = models.CharField(_("closure reason"), max_length=20, choices=ClosureReason.choices, blank=True)
    action = models.ForeignKey(
        Action, verbose_name=_("action item"), null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["plan", "-detected_on", "kind", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "detected_on", "rank"], name="alert_unique_per_day_rank")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.place or self.pk} ({self.detected_on:%d/%m/%Y})"

    @property
    def follow_up(self) -> str:
        """Where the alert's follow-up stands, in a few words for the map and the agenda."""
        if self.status == self.Status.CLOSED:
            if self.closure_reason:
                return str(_("closed: {reason}")).format(reason=self.get_closure_reason_display())
            return str(_("closed"))
        if self.action_id:
            return str(_("turned into an action item"))
        if self.assigned_to_id:
            return str(_("assigned to {partner}")).format(partner=self.assigned_to)
        if self.acknowledged_at:
            return str(_("acknowledged"))
        return str(_("new"))


class AlertStep(models.Model):
    """One step of an alert's follow-up, kept as its history."""

    class Kind(models.TextChoices):
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        ASSIGNED = "assigned", _("assigned")
        CLOSED = "closed", _("closed")
        TURNED_INTO_ACTION = "action", _("turned into an action item")

    alert = models.ForeignKey(Alert, verbose_name=_("alert"), on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("date and time"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("alert follow-up step")
        verbose_name_plural = _("alert follow-up steps")
        ordering = ["alert", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.alert} — {self.get_kind_display()}"

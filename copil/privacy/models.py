"""Data protection: who answers the persons' rights in a plan, the plan's own retention durations, the records
whose processing is restricted, and the warnings sent before an inactive account is deactivated."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from copil.access.retention import retention_rules
from copil.plans.models import Plan


class DataProtectionOfficer(models.Model):
    """A coordinator of the plan designated to answer the rights of the persons recorded (référent RGPD):
    the only one who may search the plan's records by a person's identity (`copil.access.policy`)."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE)
    designated_on = models.DateField(_("designated on"), auto_now_add=True)

    class Meta:
        verbose_name = _("data protection officer")
        verbose_name_plural = _("data protection officers")
        constraints = [models.UniqueConstraint(fields=["plan", "user"], name="dpo_unique_per_plan")]

    def __str__(self) -> str:
        return f"{self.user} — {self.plan}"


def _overridable_kinds() -> list[tuple[str, str]]:
    return [(kind, kind) for kind, rule in retention_rules().items() if rule.overridable]


class PlanRetention(models.Model):
    """A plan's own retention duration for one kind, within the bounds of the retention table."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind of data"), max_length=30, choices=_overridable_kinds)
    months = models.PositiveIntegerField(_("kept for (months)"))

    class Meta:
        verbose_name = _("plan retention")
        verbose_name_plural = _("plan retentions")
        constraints = [models.UniqueConstraint(fields=["plan", "kind"], name="plan_retention_unique_kind")]

    def __str__(self) -> str:
        return f"{self.plan} — {self.kind}: {self.months}"

    def clean(self) -> None:
        rule = retention_rules().get(self.kind)
        if rule is None or not rule.overridable:
            raise ValidationError({"kind": _("This kind of data has a retention no plan may change.")})
        if self.months is not None and not rule.minimum <= self.months <= rule.maximum:
            raise ValidationError(
                {
                    "months": _("Between %(minimum)d and %(maximum)d months for this kind of data.")
                    % {"minimum": rule.minimum, "maximum": rule.maximum}
                }
            )


class Restriction(models.Model):
    """A record whose processing is restricted at the request of the person (GDPR art. 18): it can be neither
    changed nor deleted by the usual channels, nor purged, until the restriction is lifted."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("record kind"), max_length=30)
    record_id = models.PositiveBigIntegerField(_("record"))
    since = models.DateTimeField(_("since"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("restriction")
        verbose_name_plural = _("restrictions")
        constraints = [models.UniqueConstraint(fields=["kind", "record_id"], name="restriction_unique_record")]

    def __str__(self) -> str:
        return f"{self.kind} {self.record_id}"


class InactivityWarning(models.Model):
    """The e-mail telling a user their account will be deactivated unless they log in."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE)
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("inactivity warning")
        verbose_name_plural = _("inactivity warnings")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.user} — {self.sent_at:%d/%m/%Y}"

"""Bilan versions: the periods whose bilan the committee published, the only ones the public may read.

The publication workflow: draft → submitted to the COPIL → approved → published, or withdrawn with a reason.
A version is frozen when prepared: its figures (every indicator as the disclosure routine shows it), its HTML
and its PDF are stored, so what the public reads never changes whatever records are entered later. Only the
action functions of `copil.reports.actions` move a version, each move audited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from copil.indicators.periods import Period
from copil.plans.models import Meeting, Plan


class BilanVersionQuerySet(models.QuerySet):
    def published(self) -> BilanVersionQuerySet:
        return self.filter(state=BilanVersion.State.PUBLISHED, variant=BilanVersion.Variant.PUBLIC)


class BilanVersion(models.Model):
    """One numbered version of a plan's bilan over a period."""

    class Variant(models.TextChoices):
        INTERNAL = "internal", _("internal")
        PUBLIC = "public", _("public")

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted to the committee")
        APPROVED = "approved", _("approved")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="bilan_versions")
    number = models.PositiveIntegerField(_("version number"))
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("last day"))
    variant = models.CharField(_("variant"), max_length=10, choices=Variant.choices, default=Variant.PUBLIC)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    change_note = models.TextField(_("change note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    figures = models.JSONField(_("frozen figures"), default=dict, blank=True)
    html = models.TextField(_("rendered HTML"), blank=True)
    pdf = models.BinaryField(_("rendered PDF"), blank=True, default=b"")
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by_meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("approving meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approved_bilans",
    )
    approved_on = models.DateField(_("approval date"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    foreword = models.TextField(
        _("foreword"), blank=True, help_text=_("The préfecture's own words, printed before the bilan in the ODT.")
    )

    objects = BilanVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("bilan version")
        verbose_name_plural = _("bilan versions")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="bilanversion_plan_number"),
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")), name="bilanversion_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} — bilan n° {self.number} ({self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y})"

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_end)

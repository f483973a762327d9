"""Imports made through the web: the uploaded file waits here between its preview and its confirmation, and
large files are checked and imported by a background task (`copil.imports.tasks`) whose progress the page
shows."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from copil.plans.models import Partner, Plan


class ImportJob(models.Model):
    """One uploaded file, from its upload to its import."""

    class Status(models.TextChoices):
        PREVIEWING = "previewing", _("being checked")
        PREVIEWED = "previewed", _("checked, waiting for confirmation")
        REJECTED = "rejected", _("refused")
        IMPORTING = "importing", _("being imported")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    RUNNING = (Status.PREVIEWING, Status.IMPORTING)

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    file_name = models.CharField(_("file name"), max_length=255)
    stored_path = models.CharField(_("stored file"), max_length=500)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    requested_kind = models.CharField(_("requested record kind"), max_length=30, blank=True)
    kind = models.CharField(_("record kind"), max_length=30, blank=True)
    replace_from = models.DateField(_("replace from"), null=True, blank=True)
    replace_to = models.DateField(_("replace to"), null=True, blank=True)
    background = models.BooleanField(_("in the background"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PREVIEWING)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows read"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in the file"), null=True, blank=True)
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("error count"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def replace_period(self) -> tuple | None:
        if self.replace_from and self.replace_to:
            return (self.replace_from, self.replace_to)
        return None

    @property
    def percent(self) -> int | None:
        if not self.rows_total:
            return None
        return min(100, round(100 * self.rows_done / self.rows_total))

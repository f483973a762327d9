"""E-mail notifications: one row per person and message, queued until the background worker sends it.

A row is never deleted when a send fails: it stays queued, its attempts counted, and the next run retries it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from copil.plans.models import Partner, Plan


class Kind(models.TextChoices):
    ALERT = "alert", _("new alert")
    ACTION_DUE = "action_due", _("action due or overdue")
    CONVOCATION = "convocation", _("meeting convocation")
    SIGNALEMENT = "signalement", _("new signalement")
    SIGNALEMENT_OVERDUE = "signalement_overdue", _("overdue signalement")


class Mode(models.TextChoices):
    IMMEDIATE = "immediate", _("immediately")
    DIGEST = "digest", _("in a daily digest")
    NONE = "none", _("never")


class Notification(models.Model):
    """One message for one person about one object (an alert, an action, a meeting)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.IMMEDIATE)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["state", "mode"], name="notification_state_mode")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient} ({self.get_state_display()})"


class Preference(models.Model):
    """How a person wants one kind of notification: immediately (the default), in a daily digest, or never."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.IMMEDIATE)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_kind_display()}: {self.get_mode_display()}"


class PlanSettings(models.Model):
    """The plan's notification settings: the partners that receive its new alerts beside its coordinators."""

    plan = models.OneToOneField(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="notification_settings"
    )
    alert_partners = models.ManyToManyField(
        Partner, verbose_name=_("partners notified of new alerts"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.plan)

"""Signalements between partners: a report from the field, routed by category and territory to the partners that
can act, followed from « nouveau » to « résolu » or « clos sans suite ».

Every change goes through `copil.signalements.actions` (policy check, history `Event`, audit entry in one
transaction). Photos are files on a private storage (`settings.COPIL_PRIVATE_MEDIA_ROOT`), never in the database
and never under a publicly served directory; they are read only through the photo view, which checks the policy.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from copil.plans.models import Partner, Plan, Territory
from copil.records.models import DealPoint, EvictionProcedure, Operation

CHARTER_VALIDITY_DAYS = 365


class PrivateStorage(LazyObject):
    """The file storage of signalement photos, under `settings.COPIL_PRIVATE_MEDIA_ROOT` (read at first use, so
    tests may point it elsewhere); no `base_url`: nothing there is served directly."""

    def _setup(self) -> None:
        self._wrapped = FileSystemStorage(location=str(settings.COPIL_PRIVATE_MEDIA_ROOT), base_url=None)


private_storage = PrivateStorage()


def _private_storage() -> FileSystemStorage:
    return private_storage  # type: ignore[return-value]  # the lazy proxy of a FileSystemStorage


class Category(models.Model):
    """A kind of signalement in a plan's list, with the days given to take it in and to resolve it."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="signalement_categories"
    )
    code = models.SlugField(_("code"))
    label = models.CharField(_("label"), max_length=200)
    due_days = models.PositiveIntegerField(_("days to resolve"))
    take_days = models.PositiveIntegerField(_("days to take in"), default=2)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("signalement category")
        verbose_name_plural = _("signalement categories")
        ordering = ["plan", "label"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="signalement_category_unique_code")]

    def __str__(self) -> str:
        return self.label


class RoutingRule(models.Model):
    """Who acts on a category of signalement in a territory (null: anywhere in the plan), and who is informed."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="routing_rules")
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="routing_rules"
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the whole territory of the plan."),
    )
    responsible = models.ManyToManyField(
        Partner, verbose_name=_("responsible partners"), blank=True, related_name="signalement_rules_responsible"
    )
    informed = models.ManyToManyField(
        Partner, verbose_name=_("informed partners"), blank=True, related_name="signalement_rules_informed"
    )

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["plan", "category", "territory"]
        constraints = [
            # a second rule for the whole plan (null territory) is refused by `actions.set_routing_rule`
            models.UniqueConstraint(fields=["category", "territory"], name="routing_rule_unique_territory")
        ]

    def __str__(self) -> str:
        return f"{self.category} — {self.territory or _('whole plan')}"


class Signalement(models.Model):
    """A report from the field, its routing, its owner and where it stands."""

    class Source(models.TextChoices):
        PARTNER = "partner", _("partner")
        NATIONAL_CHANNEL = "national_channel", _("national reporting platform")

    class Status(models.TextChoices):
        NEW = "new", pgettext_lazy("signalement status", "new")
        TAKEN = "taken", _("taken in hand")
        ENGAGED = "engaged", _("action engaged")
        RESOLVED = "resolved", _("resolved")
        CLOSED = "closed", _("closed without action")

    OPEN_STATUSES = (Status.NEW, Status.TAKEN, Status.ENGAGED)
    FINISHED_STATUSES = (Status.RESOLVED, Status.CLOSED)

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="signalements")
    client_id = models.UUIDField(_("client identifier"), default=uuid.uuid4)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.PARTNER)
    reporter_partner = models.ForeignKey(
        Partner,
        verbose_name=_("reporting partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signalements_reported",
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    observed_at = models.DateTimeField(_("observed at"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="signalements"
    )
    description = models.TextField(_("description"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    commune = models.CharField(_("commune"), max_length=120, blank=True)
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    responsible = models.ManyToManyField(
        Partner, verbose_name=_("responsible partners"), blank=True, related_name="signalements_responsible"
    )
    informed = models.ManyToManyField(
        Partner, verbose_name=_("informed partners"), blank=True, related_name="signalements_informed"
    )
    owner_partner = models.ForeignKey(
        Partner,
        verbose_name=_("owner partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signalements_owned",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    taken_at = models.DateTimeField(_("taken in hand at"), null=True, blank=True)
    engaged_at = models.DateTimeField(_("action engaged at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    take_due_at = models.DateTimeField(_("to take in by"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    chased_at = models.DateTimeField(_("chased at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    deal_point = models.ForeignKey(
        DealPoint, verbose_name=_("deal point"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    operation = models.ForeignKey(
        Operation, verbose_name=_("operation"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    eviction = models.ForeignKey(
        EvictionProcedure,
        verbose_name=_("eviction procedure"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        ordering = ["plan", "-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "client_id"], name="signalement_unique_client_id")]
        indexes = [models.Index(fields=["plan", "status"], name="signalement_plan_status")]

    def __str__(self) -> str:
        return f"{self.category} — {self.created_at:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, now: datetime.datetime | None = None) -> bool:
        """Open and past its due date (to take in while new, to resolve afterwards)."""
        now = now or timezone.now()
        if not self.is_open:
            return False
        deadline = self.take_due_at if self.status == self.Status.NEW else self.due_at
        return deadline is not None and deadline < now


class Event(models.Model):
    """One step of a signalement's history."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        ROUTED = "routed", _("routed")
        TAKEN = "taken", _("taken in hand")
        ENGAGED = "engaged", _("action engaged")
        RESOLVED = "resolved", _("resolved")
        CLOSED = "closed", _("closed without action")
        REOPENED = "reopened", _("reopened")
        LINKED = "linked", _("linked to records")
        CHASED = "chased", _("chased")
        ESCALATED = "escalated", _("escalated")
        COMMENTED = "commented", _("commented")

    signalement = models.ForeignKey(
        Signalement, verbose_name=_("signalement"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("from status"), max_length=10, choices=Signalement.Status.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=10, choices=Signalement.Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("signalement event")
        verbose_name_plural = _("signalement events")
        ordering = ["signalement", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.at:%d/%m/%Y %H:%M})"


def photo_path(instance: Photo, filename: str) -> str:
    """Where a photo's file goes on the private storage: per plan, under a random name (never the phone's)."""
    return f"signalements/{instance.signalement.plan_id}/{uuid.uuid4().hex}.jpg"


class Photo(models.Model):
    """A photo of a signalement, re-encoded without its metadata, on the private storage."""

    signalement = models.ForeignKey(
        Signalement, verbose_name=_("signalement"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("file"), storage=_private_storage, upload_to=photo_path, max_length=200)
    content_type = models.CharField(_("content type"), max_length=50, default="image/jpeg")
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["signalement", "pk"]

    def __str__(self) -> str:
        return f"{self.signalement_id} — {self.width}×{self.height}"


class Charter(models.Model):
    """A version of the plan's data-sharing charter; the latest published one is the one members accept."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="charters")
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"))
    required = models.BooleanField(_("acceptance required"), default=True)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)

    class Meta:
        verbose_name = _("charter")
        verbose_name_plural = _("charters")
        ordering = ["plan", "-version"]
        constraints = [models.UniqueConstraint(fields=["plan", "version"], name="charter_unique_version")]

    def __str__(self) -> str:
        return f"{self.plan} — v{self.version}"


class CharterAcceptance(models.Model):
    """A member's acceptance of one version of a plan's charter (valid CHARTER_VALIDITY_DAYS days)."""

    charter = models.ForeignKey(
        Charter, verbose_name=_("charter"), on_delete=models.CASCADE, related_name="acceptances"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)

    class Meta:
        verbose_name = _("charter acceptance")
        verbose_name_plural = _("charter acceptances")
        ordering = ["charter", "-accepted_at"]
        indexes = [models.Index(fields=["user", "charter", "accepted_at"], name="charter_acceptance_lookup")]

    def __str__(self) -> str:
        return f"{self.user} — {self.charter} ({self.accepted_at:%d/%m/%Y})"

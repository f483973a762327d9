"""The append-only audit trail.

`AuditEvent` rows are written by `copil.access.audit` and never changed: the model refuses updates and
deletes at the ORM level (instance and queryset), and database triggers (migration 0002) refuse them for any
SQL client, on SQLite and PostgreSQL alike. Actor, plan and partner are kept as plain references without a
database constraint, so deleting a plan or a partner never rewrites the trail.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditTrailIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit entry through the ORM."""

    def __init__(self) -> None:
        super().__init__(str(_("The audit trail is append-only: an entry can be neither changed nor deleted.")))


class AuditEventQuerySet(models.QuerySet):
    """Queryset whose bulk writes other than insertion are refused."""

    def update(self, **kwargs):
        raise AuditTrailIsAppendOnly()

    def delete(self):
        raise AuditTrailIsAppendOnly()

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditTrailIsAppendOnly()

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        raise AuditTrailIsAppendOnly()

    def _raw_delete(self, using):
        raise AuditTrailIsAppendOnly()


class AuditEvent(models.Model):
    """Who did what, when, to which object, with the values before and after."""

    class Action(models.TextChoices):
        CREATE = "create", _("creation")
        UPDATE = "update", _("change")
        DELETE = "delete", _("deletion")
        IMPORT = "import", _("import")
        EXPORT = "export", _("export")
        BILAN = "bilan", _("bilan generation")
        LOGIN = "login", _("login")
        LOGIN_FAILED = "login_failed", _("failed login")
        LOGOUT = "logout", _("logout")
        INVITE = "invite", _("invitation")
        DEACTIVATE = "deactivate", _("deactivation")
        PASSWORD_SET = "password_set", _("password set")
        OTP_ENROL = "otp_enrol", _("two-factor enrolment")
        OTP_VERIFIED = "otp_verified", _("second factor verified")
        OTP_FAILED = "otp_failed", _("failed second-factor code")
        OTP_RESET = "otp_reset", _("two-factor reset")
        READ = "read", _("reading of person-level records")

    SYSTEM = "système"

    at = models.DateTimeField(_("date and time"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("actor name"), max_length=254, blank=True)
    channel = models.CharField(_("channel"), max_length=20, blank=True)
    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    partner = models.ForeignKey(
        "plans.Partner",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object identifier"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-pk"]
        base_manager_name = "objects"
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["plan", "at"], name="auditevent_plan_at"),
            models.Index(fields=["action", "actor_label", "at"], name="auditevent_action_actor_at"),
            models.Index(fields=["object_type", "object_id"], name="auditevent_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_label} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AuditTrailIsAppendOnly()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly()


class RecoveryCode(models.Model):
    """A single-use recovery code of a user's two-factor sign-in, stored as its SHA-256 digest only.

    The codes are random (50 bits), so a fast digest is enough, as for API tokens: the plaintext is shown once,
    at enrolment. `used_at` is set when the code is spent; a spent code never verifies again.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="recovery_codes"
    )
    digest = models.CharField(_("digest"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [models.UniqueConstraint(fields=["user", "digest"], name="recoverycode_unique_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.digest[:8]}…"


class TerritoryObserver(models.Model):
    """A user who reads the aggregated figures of every plan at or below a territory of the tree (« FR », a région
    or a département code): the MILDECA, the ministry, a prefecture of région. Never a plan's record, never a
    person: the figures come through the public disclosure rules (copil.indicators.territory_tree)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="territory_observations",
    )
    territory_code = models.CharField(
        _("territory"), max_length=3, help_text=_("« FR » for the whole country, else a région or département code")
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("territory observer")
        verbose_name_plural = _("territory observers")
        constraints = [
            models.UniqueConstraint(fields=["user", "territory_code"], name="territoryobserver_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.territory_code}"

"""The plan and its governance: territories, plans, axes, partners, actions, meetings and decisions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Changed(models.Model):
    """A plan object whose last change is kept: `copil.web.caching.data_version` reads it, so a cached page is
    recomputed as soon as anything it states is edited."""

    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Territory(Changed):
    """An administrative area identified by its INSEE code, nested commune → … → national."""

    class Level(models.TextChoices):
        COMMUNE = "commune", _("commune")
        ARRONDISSEMENT = "arrondissement", _("municipal arrondissement")
        AGGLOMERATION = "agglomeration", _("agglomeration")
        DEPARTEMENT = "departement", _("département")
        REGION = "region", _("region")
        NATIONAL = "national", _("national")

    insee_code = models.CharField(_("INSEE code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.insee_code})"

    def descendants_and_self(self) -> list["Territory"]:
        """This territory and every territory below it, for indicators computed on a subtree."""
        found, frontier = [self], [self]
        while frontier:
            frontier = list(Territory.objects.filter(parent__in=frontier))
            found.extend(frontier)
        return found


class Plan(Changed):
    """A local anti-drug action plan steered by a COPIL over a territory."""

    slug = models.SlugField(_("identifier"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    territory = models.ForeignKey(Territory, verbose_name=_("territory"), on_delete=models.PROTECT)
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    require_second_factor = models.BooleanField(
        _("two-factor sign-in required for every member"),
        default=False,
        help_text=_("Otherwise only the roles that read person-level data, and administrators, must enrol."),
    )
    # The letterhead of the plan's documents (`copil.plans.letterhead`): its co-pilots and its logos.
    prefect = models.CharField(_("prefect (name and title)"), max_length=200, blank=True)
    mayor = models.CharField(_("mayor (name and title)"), max_length=200, blank=True)
    prosecutor = models.CharField(_("public prosecutor (name and title)"), max_length=200, blank=True)
    logo_prefecture = models.BinaryField(_("logo of the préfecture"), blank=True, default=b"")
    logo_city = models.BinaryField(_("logo of the city"), blank=True, default=b"")
    logo_prosecution = models.BinaryField(_("logo of the parquet"), blank=True, default=b"")

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="plan_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Axis(Changed):
    """One line of action of a plan (repression, video-protection, prevention and care…)."""

    class Code(models.TextChoices):
        REPRESSION = "repression", _("repression")
        VIDEOPROTECTION = "videoprotection", _("video-protection")
        PREVENTION_CARE = "prevention_care", _("prevention and care")
        HOUSING = "housing", _("housing")
        COORDINATION = "coordination", _("coordination")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="axes")
    code = models.CharField(_("code"), max_length=30, choices=Code.choices)
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("axis")
        verbose_name_plural = _("axes")
        ordering = ["plan", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="axis_unique_code_per_plan")]

    def __str__(self) -> str:
        return self.title


class Partner(Changed):
    """An organisation taking part in a plan, with the role that decides what it records and sees."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("coordinator")
        POLICE = "police", _("police")
        JUSTICE = "justice", _("justice")
        CITY = "city", _("city")
        HOUSING = "housing", _("housing")
        CARE = "care", _("care")
        HEALTH = "health", _("health")
        PUBLIC = "public", _("public")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="partners")
    code = models.SlugField(_("code"))
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    axes = models.ManyToManyField(Axis, verbose_name=_("axes"), blank=True, related_name="partners")
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), through="Membership", blank=True
    )

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["plan", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="partner_unique_code_per_plan"),
            # what records' (partner, plan) foreign key references
            models.UniqueConstraint(fields=["id", "plan"], name="partner_unique_id_plan"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user acting on behalf of a partner organisation.

    A membership is deactivated, never deleted, so the audit trail keeps naming who acted for whom; only
    active memberships grant access (see `copil.access.policy`).
    """

    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE)
    joined_on = models.DateField(_("joined on"), auto_now_add=True)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["partner", "user"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.partner}"

    @property
    def is_active(self) -> bool:
        return self.deactivated_at is None


class Action(Changed):
    """A commitment of the plan, owned by a partner, with a due date and a status."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        CANCELLED = "cancelled", pgettext_lazy("action item", "cancelled")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="actions")
    axis = models.ForeignKey(Axis, verbose_name=_("axis"), null=True, blank=True, on_delete=models.SET_NULL)
    owner = models.ForeignKey(Partner, verbose_name=_("owner"), on_delete=models.PROTECT)
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["plan", "due_on"]

    def __str__(self) -> str:
        return self.title


class Meeting(Changed):
    """A session of the steering committee."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=300)
    place = models.CharField(_("place"), max_length=300, blank=True)
    attendees = models.ManyToManyField(Partner, verbose_name=_("attendees"), blank=True)
    convocation_sent_at = models.DateTimeField(_("convocation sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["plan", "-held_on"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d/%m/%Y})"


class Decision(Changed):
    """A decision taken in a meeting, optionally turned into an action."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("text"))
    action = models.ForeignKey(Action, verbose_name=_("action"), null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.text[:80]


def indicator_choices() -> list[tuple[str, str]]:
    """The catalogue's indicators, for the target form's drop-down list (read when the form is built)."""
    from copil.indicators.catalogue import get_catalogue  # the catalogue reads the record models

    return [(code, f"{definition.label} ({code})") for code, definition in get_catalogue().items()]


class Target(Changed):
    """A figure the committee aims for on one indicator of the catalogue (e.g. 80 cameras in service), against
    which dashboards and the bilan state the attainment; it overrides the catalogue's default target."""

    class Direction(models.TextChoices):
        UP = "up", _("at least (the higher the better)")
        DOWN = "down", _("at most (the lower the better)")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField(_("indicator"), max_length=80, choices=indicator_choices)
    value = models.DecimalField(_("target value"), max_digits=14, decimal_places=3)
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices, default=Direction.UP)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["plan", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "indicator"], name="target_unique_per_plan_indicator"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} : {self.value}"

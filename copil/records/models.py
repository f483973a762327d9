"""The line-level record kinds every indicator is computed from.

Each record belongs to a plan, is entered by one partner and carries that partner's own identifier
(`external_id`), which makes re-importing a partner's file idempotent.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from copil.plans.models import Axis, Partner, Plan
from copil.records.constraints import CompositeForeignKey

MAX_DIGITS = 14


class Record(models.Model):
    """Fields shared by every record kind."""

    # The database checks both keys at once, by `partner_of_plan` below; Django still applies on_delete.
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    # No index of its own: the unique (partner, external_id) index serves every lookup by partner.
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    external_id = models.CharField(_("partner's identifier"), max_length=100)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(fields=["partner", "external_id"], name="%(class)s_unique_partner_identifier"),
            CompositeForeignKey(
                fields=["partner", "plan"],
                to="plans.Partner",
                to_fields=["id", "plan"],
                name="%(class)s_partner_of_plan",
            ),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.external_id}"


class Located(models.Model):
    """A place in the plan's territory: a street address and WGS84 coordinates."""

    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        abstract = True


class Network(Record):
    """A trafficking network, from its identification to its dismantling."""

    name = models.CharField(_("name"), max_length=200)
    identified_on = models.DateField(_("identified on"), null=True, blank=True)
    dismantled_on = models.DateField(_("dismantled on"), null=True, blank=True)

    class Meta(Record.Meta):
        verbose_name = _("trafficking network")
        verbose_name_plural = _("trafficking networks")


class DealPoint(Record, Located):
    """A drug-selling spot, active from its identification until it is neutralized."""

    class Zone(models.TextChoices):
        POLICE = "police", _("police zone")
        GENDARMERIE = "gendarmerie", _("gendarmerie zone")

    class Installation(models.TextChoices):
        OCCASIONAL = "occasional", _("occasional")
        ESTABLISHED = "established", _("established")
        ENTRENCHED = "entrenched", _("entrenched")

    name = models.CharField(_("name"), max_length=200)
    network = models.ForeignKey(
        Network,
        verbose_name=_("network"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deal_points",
    )
    identified_on = models.DateField(_("identified on"))
    neutralized_on = models.DateField(_("neutralized on"), null=True, blank=True)
    zone = models.CharField(_("zone of competence"), max_length=20, choices=Zone.choices, blank=True)
    installation = models.CharField(_("installation level"), max_length=20, choices=Installation.choices, blank=True)

    class Meta(Record.Meta):
        verbose_name = _("deal point")
        verbose_name_plural = _("deal points")


class Operation(Record):
    """A police operation, optionally targeting a deal point."""

    class Kind(models.TextChoices):
        PUBLIC_ROAD = "public_road", _("public road operation")
        SEARCH = "search", _("search")
        ARREST_RAID = "raid", _("raid")
        CHECK = "check", _("identity and vehicle checks")
        INVESTIGATION = "investigation", _("judicial investigation")

    occurred_on = models.DateField(_("date"))
    deal_point = models.ForeignKey(
        DealPoint,
        verbose_name=_("deal point"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="operations",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    staff_engaged = models.PositiveIntegerField(_("staff engaged"), null=True, blank=True)
    persons_checked = models.PositiveIntegerField(_("persons checked"), null=True, blank=True)
    cases_opened = models.PositiveIntegerField(_("new cases opened"), null=True, blank=True)

    class Meta(Record.Meta):
        verbose_name = _("operation")
        verbose_name_plural = _("operations")


class Substance(models.TextChoices):
    CANNABIS = "cannabis", _("cannabis")
    HEROIN = "heroin", _("heroin")
    COCAINE = "cocaine", _("cocaine")
    CRACK = "crack", _("crack")
    OTHER = "other", _("other substance")


class Seizure(Record):
    """A quantity of one substance seized on a date."""

    class Unit(models.TextChoices):
        GRAM = "g", _("gram")
        KILOGRAM = "kg", _("kilogram")
        UNIT = "unit", _("unit")

    seized_on = models.DateField(_("date"))
    substance = models.CharField(_("substance"), max_length=20, choices=Substance.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=MAX_DIGITS, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=4, choices=Unit.choices)
    operation = models.ForeignKey(
        Operation,
        verbose_name=_("operation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="seizures",
    )

    class Meta(Record.Meta):
        verbose_name = _("seizure")
        verbose_name_plural = _("seizures")
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="seizure_positive_quantity"),
        ]


class Arrest(Record):
    """The arrest of one person, by the role that person played."""

    class Role(models.TextChoices):
        TRAFFICKER = "trafficker", _("trafficker")
        USER = "user", _("user")

    arrested_on = models.DateField(_("date"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    operation = models.ForeignKey(
        Operation,
        verbose_name=_("operation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="arrests",
    )

    class Meta(Record.Meta):
        verbose_name = _("arrest")
        verbose_name_plural = _("arrests")


class Conviction(Record):
    """A conviction of one person (pseudonymised) and the judicial measures attached to it."""

    convicted_on = models.DateField(_("date"))
    pseudonym = models.CharField(_("pseudonym"), max_length=64, blank=True)
    sentence = models.CharField(_("sentence"), max_length=300, blank=True)
    prison_months = models.PositiveIntegerField(_("prison sentence (months)"), null=True, blank=True)
    repeat_offender = models.BooleanField(_("repeat offender"), default=False)
    referral_to_court = models.BooleanField(_("immediate referral to court (déferrement)"), default=False)
    residence_ban = models.BooleanField(_("residence ban (interdiction de séjour)"), default=False)
    care_order = models.BooleanField(_("care order (obligation de soins)"), default=False)
    removal_order = models.BooleanField(_("removal order (reconduite à la frontière)"), default=False)

    class Meta(Record.Meta):
        verbose_name = _("conviction")
        verbose_name_plural = _("convictions")
        # The (plan, day, person) index covers the count of distinct persons over several plans; the (plan, person,
        # day) one reads a person's records when a write moves their first appearances (`PersonRollup`).
        indexes = [
            models.Index(fields=["plan", "convicted_on", "pseudonym"], name="conviction_plan_day_person"),
            models.Index(fields=["plan", "pseudonym", "convicted_on"], name="conviction_plan_person_day"),
        ]


class Camera(Record, Located):
    """A video-protection camera, in service from its installation until its removal."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    installed_on = models.DateField(_("installed on"))
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    night_vision = models.BooleanField(_("night vision"), default=False)
    coverage_radius_m = models.PositiveIntegerField(_("coverage radius (m)"), null=True, blank=True)

    class Meta(Record.Meta):
        verbose_name = _("camera")
        verbose_name_plural = _("cameras")


class PreventionAction(Record):
    """A prevention or outreach action and the number of people it reached."""

    class Kind(models.TextChoices):
        AWARENESS = "awareness", _("awareness campaign")
        OUTREACH = "outreach", _("outreach")
        SCHOOL = "school", _("school intervention")
        HARM_REDUCTION = "harm_reduction", _("harm reduction")
        TRAINING = "training", _("professional training")

    held_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300, blank=True)
    people_reached = models.PositiveIntegerField(_("people reached"), default=0)

    class Meta(Record.Meta):
        verbose_name = _("prevention action")
        verbose_name_plural = _("prevention actions")


class CareReferral(Record):
    """The referral of one person (pseudonymised) to a care or shelter structure."""

    class Destination(models.TextChoices):
        CSAPA = "csapa", _("CSAPA")
        CAARUD = "caarud", _("CAARUD")
        HOSPITAL = "hospital", _("hospital")
        SHELTER = "shelter", _("shelter")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("pending")
        ADMITTED = "admitted", _("admitted")
        DECLINED = "declined", _("declined")
        LOST = "lost", _("lost to follow-up")

    referred_on = models.DateField(_("date"))
    destination = models.CharField(_("destination"), max_length=20, choices=Destination.choices)
    pseudonym = models.CharField(_("pseudonym"), max_length=64)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)

    class Meta(Record.Meta):
        verbose_name = _("referral to care")
        verbose_name_plural = _("referrals to care")
        indexes = [
            models.Index(fields=["plan", "referred_on", "pseudonym"], name="care_referral_plan_day_person"),
            models.Index(fields=["plan", "pseudonym", "referred_on"], name="care_referral_plan_person_day"),
        ]


class CapacityReading(Record):
    """A stock read on a date: places occupied in night shelters, hospital places…"""

    class Kind(models.TextChoices):
        SHELTER_OCCUPIED = "shelter_occupied", _("night shelter places occupied")
        SHELTER_PLACES = "shelter_places", _("night shelter places available")
        HOSPITAL_PLACES = "hospital_places", _("hospital places")
        HOSPITAL_OCCUPIED = "hospital_occupied", _("hospital places occupied")

    observed_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    value = models.PositiveIntegerField(_("value"))

    class Meta(Record.Meta):
        verbose_name = _("capacity reading")
        verbose_name_plural = _("capacity readings")


class DeploymentReading(Record):
    """The staff one force deployed on the plan's sector on one day."""

    class Force(models.TextChoices):
        NATIONAL_POLICE = "police_nationale", _("national police")
        MOBILE_GENDARMERIE = "gendarmerie_mobile", _("mobile gendarmerie")
        GENDARMERIE = "gendarmerie", _("departmental gendarmerie")
        MUNICIPAL_POLICE = "police_municipale", _("municipal police")

    deployed_on = models.DateField(_("date"))
    force = models.CharField(_("force"), max_length=30, choices=Force.choices)
    staff = models.PositiveIntegerField(_("staff deployed"))

    class Meta(Record.Meta):
        verbose_name = _("deployment reading")
        verbose_name_plural = _("deployment readings")


class EvictionProcedure(Record):
    """An eviction procedure a social landlord opened against a tenant involved in trafficking."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("pending")
        EVICTED = "evicted", _("eviction carried out")
        LEFT = "left", _("tenant left")
        DISMISSED = "dismissed", _("dismissed")

    opened_on = models.DateField(_("opened on"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta(Record.Meta):
        verbose_name = _("eviction procedure")
        verbose_name_plural = _("eviction procedures")


class FieldObservation(Record, Located):
    """People seen at a place and time, the raw material of the early warning."""

    class Source(models.TextChoices):
        OUTREACH = "outreach", _("outreach team")
        PATROL = "patrol", _("patrol")
        CAMERA = "camera", _("camera")

    observed_at = models.DateTimeField(_("observed at"))
    people_count = models.PositiveIntegerField(_("people seen"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)

    class Meta(Record.Meta):
        verbose_name = _("field observation")
        verbose_name_plural = _("field observations")


class Agreement(Record):
    """A convention signed between partners of the plan."""

    title = models.CharField(_("title"), max_length=300)
    signed_on = models.DateField(_("signed on"))
    axis = models.CharField(_("axis"), max_length=30, choices=Axis.Code.choices, blank=True)
    parties = models.ManyToManyField(Partner, verbose_name=_("parties"), related_name="agreements")

    class Meta(Record.Meta):
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")


# --- Issue 14: fixed fines, weapons seized ------------------------------------------------------------------------


class DrugFine(Record, Located):
    """A fixed criminal fine for drug use (amende forfaitaire délictuelle, AFD) issued at a place on a date."""

    class Status(models.TextChoices):
        NOTIFIED = "notified", _("notified")
        PAID = "paid", _("paid")
        INCREASED = "increased", _("increased (majorée)")
        CONTESTED = "contested", _("contested")

    issued_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (€)"), max_digits=MAX_DIGITS, decimal_places=2)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOTIFIED)

    class Meta(Record.Meta):
        verbose_name = _("fixed fine for drug use (AFD)")
        verbose_name_plural = _("fixed fines for drug use (AFD)")
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="drug_fine_positive_amount"),
        ]


class WeaponSeizure(Record):
    """Weapons of one category, and any ammunition, seized on a date."""

    class Category(models.TextChoices):
        FIREARM = "firearm", _("firearm")
        BLADE = "blade", _("knife or bladed weapon")
        REPLICA = "replica", _("replica weapon")
        OTHER = "other", _("other weapon")

    seized_on = models.DateField(_("date"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    quantity = models.PositiveIntegerField(_("weapons seized"), default=0)
    rounds = models.PositiveIntegerField(_("rounds of ammunition seized"), default=0)
    operation = models.ForeignKey(
        Operation,
        verbose_name=_("operation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="weapon_seizures",
    )

    class Meta(Record.Meta):
        verbose_name = _("weapon seizure")
        verbose_name_plural = _("weapon seizures")


class AssetSeizure(Record):
    """Criminal assets (avoirs criminels) seized on a date, valued in euros, with the operation they come from."""

    class Category(models.TextChoices):
        CASH = "cash", _("cash")
        VEHICLE = "vehicle", _("vehicles")
        GOODS = "goods", _("goods")
        ACCOUNT = "account", _("bank accounts")

    seized_on = models.DateField(_("date"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    value_eur = models.DecimalField(_("value (€)"), max_digits=MAX_DIGITS, decimal_places=2)
    operation = models.ForeignKey(
        Operation,
        verbose_name=_("operation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="asset_seizures",
    )

    class Meta(Record.Meta):
        verbose_name = _("criminal asset seizure")
        verbose_name_plural = _("criminal asset seizures")
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(condition=models.Q(value_eur__gt=0), name="asset_seizure_positive_value"),
        ]


class StreetPrice(Record):
    """The plan's street price of one substance from a date on, to estimate the resale value of seizures."""

    valid_from = models.DateField(_("valid from"))
    substance = models.CharField(_("substance"), max_length=20, choices=Substance.choices)
    price_per_gram = models.DecimalField(_("price per gram (€)"), max_digits=MAX_DIGITS, decimal_places=2)

    class Meta(Record.Meta):
        verbose_name = _("street price")
        verbose_name_plural = _("street prices")
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(condition=models.Q(price_per_gram__gt=0), name="street_price_positive_price"),
        ]


class StreetCount(Record):
    """People seen in one zone of the public space during a simultaneous count (comptage de rue, maraude de nuit).

    The counts of one day add up across zones: the day's total is the number of people present that day.
    """

    counted_at = models.DateTimeField(_("counted at"))
    zone = models.CharField(_("zone"), max_length=200)
    people_count = models.PositiveIntegerField(_("people seen"))

    class Meta(Record.Meta):
        verbose_name = _("street count")
        verbose_name_plural = _("street counts")


# --- Issue 14, kinds3: administrative measures of the 2025 loi narcotrafic ---------------------------------------


class AdministrativeMeasure(Record, Located):
    """An administrative measure of the préfet (loi du 13 juin 2025 « narcotrafic »), one record per measure with
    the date of each stage it reached: requested, ordered (arrêté), notified, then for a ban breached and
    prosecuted. The person it targets, if any, is a pseudonym; a shop closure targets a place."""

    class Measure(models.TextChoices):
        APPEARANCE_BAN = "appearance_ban", _("appearance ban (interdiction de paraître)")
        SHOP_CLOSURE = "shop_closure", _("administrative closure of a shop")
        EVICTION_INJUNCTION = "eviction_injunction", _("injunction to the landlord to evict")

    measure = models.CharField(_("measure"), max_length=30, choices=Measure.choices)
    pseudonym = models.CharField(_("pseudonym"), max_length=64, blank=True)
    requested_on = models.DateField(_("requested on"))
    ordered_on = models.DateField(_("ordered on (arrêté)"), null=True, blank=True)
    notified_on = models.DateField(_("notified on"), null=True, blank=True)
    breached_on = models.DateField(_("breached on"), null=True, blank=True)
    prosecuted_on = models.DateField(_("prosecuted on"), null=True, blank=True)
    duration_days = models.PositiveIntegerField(_("duration (days)"), null=True, blank=True)

    class Meta(Record.Meta):
        verbose_name = _("administrative measure")
        verbose_name_plural = _("administrative measures")


class PenalStep(Record):
    """One stage of the penal chain reached by one person (pseudonymised): garde à vue, déferrement, comparution
    immédiate, information judiciaire, mandat de dépôt, sentence (its firm and suspended months of prison).

    One record per person and stage, not a field of `Conviction`: most persons held in garde à vue are never
    convicted, and each stage has its own day."""

    class Stage(models.TextChoices):
        CUSTODY = "custody", _("police custody (garde à vue)")
        REFERRAL = "referral", _("referral to the prosecutor (déferrement)")
        IMMEDIATE_TRIAL = "immediate_trial", _("immediate trial (comparution immédiate)")
        INVESTIGATION = "investigation", _("judicial investigation opened (information judiciaire)")
        REMAND = "remand", _("remand in custody (mandat de dépôt)")
        SENTENCE = "sentence", _("sentence")

    occurred_on = models.DateField(_("date"))
    pseudonym = models.CharField(_("pseudonym"), max_length=64)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    firm_months = models.PositiveIntegerField(_("prison without suspension (months)"), null=True, blank=True)
    suspended_months = models.PositiveIntegerField(_("suspended prison (months)"), null=True, blank=True)

    class Meta(Record.Meta):
        verbose_name = _("penal chain step")
        verbose_name_plural = _("penal chain steps")
        # Persons and mean sentences are read from the records, not the roll-up: the index covers them.
        indexes = [models.Index(fields=["plan", "occurred_on", "pseudonym"], name="penal_step_plan_day_person")]


# --- Issue 14, family 6: harm reduction and care activity ----------------------------------------------------------


class CareActivity(Record):
    """One month of activity of one harm-reduction or care site (CAARUD, CSAPA, halte soins addictions, maraude):
    counts only, never a person. `month` is the first day of the month the figures cover.

    The flows (passages, supervised consumptions, equipment handed out, overdoses handled, people housed) add up
    over months; the active file (« file active », the distinct people the site followed that month) is a stock:
    the months of a period are never summed, the bilan states its range."""

    # The first day of the month is the parser's rule (`Column.month`), on every channel (files, forms, API).

    class SiteType(models.TextChoices):
        CAARUD = "caarud", _("CAARUD (harm-reduction reception centre)")
        CSAPA = "csapa", _("CSAPA (addiction care centre)")
        HSA = "hsa", _("drug consumption room (halte soins addictions)")
        OUTREACH = "outreach", _("outreach team (maraude)")

    site = models.CharField(_("site"), max_length=200)
    site_type = models.CharField(_("site type"), max_length=20, choices=SiteType.choices)
    month = models.DateField(_("month"))
    active_file = models.PositiveIntegerField(_("active file (people followed in the month)"), default=0)
    passages = models.PositiveIntegerField(_("visits (passages)"), default=0)
    supervised_consumptions = models.PositiveIntegerField(_("supervised consumptions"), default=0)
    crack_kits = models.PositiveIntegerField(_("crack pipe kits (kits base) handed out"), default=0)
    syringes = models.PositiveIntegerField(_("syringes handed out"), default=0)
    overdoses = models.PositiveIntegerField(_("overdoses handled"), default=0)
    people_housed = models.PositiveIntegerField(_("people housed or sheltered"), default=0)

    class Meta(Record.Meta):
        verbose_name = _("care activity")
        verbose_name_plural = _("care activity")


# --- Issue 14, family 8: the plan's own execution -----------------------------------------------------------------


class PlanMeasure(Record):
    """A dated status snapshot of one measure of the plan (its action n° « code »): title, axis, owner, status on
    that day. A measure's status at a date is its latest snapshot on or before it, so the records of one measure
    give its status over time; the owner is the partner who enters the snapshot (or the coordinator for it).

    A record kind rather than `copil.plans.models.Action` fields: the snapshots are imported like any partner
    file (the plan's follow-up table), keep the history the audit found missing, and feed the catalogue."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        CANCELLED = "cancelled", pgettext_lazy("action item", "cancelled")

    code = models.CharField(_("measure code"), max_length=30)
    title = models.CharField(_("title"), max_length=300)
    axis = models.CharField(_("axis"), max_length=30, choices=Axis.Code.choices, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    as_of = models.DateField(_("status on"))

    class Meta(Record.Meta):
        verbose_name = _("plan measure status")
        verbose_name_plural = _("plan measure statuses")
        indexes = [models.Index(fields=["plan", "code", "as_of"], name="plan_measure_plan_code_day")]


class BudgetLine(Record):
    """The money of one measure of the plan from one funder for one year: planned, committed and spent (€).

    `year` is the first day of the budget year: a year's line counts from its 1 January on, and the plan's
    budget at a date adds up the lines of the years begun by then (`reading` by measure, funder and year)."""

    code = models.CharField(_("measure code"), max_length=30)
    funder = models.CharField(_("funder"), max_length=200)
    axis = models.CharField(_("axis"), max_length=30, choices=Axis.Code.choices, blank=True)
    year = models.DateField(_("budget year"))
    planned_eur = models.DecimalField(_("planned (€)"), max_digits=MAX_DIGITS, decimal_places=2, default=0)
    committed_eur = models.DecimalField(_("committed (€)"), max_digits=MAX_DIGITS, decimal_places=2, default=0)
    spent_eur = models.DecimalField(_("spent (€)"), max_digits=MAX_DIGITS, decimal_places=2, default=0)

    class Meta(Record.Meta):
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(planned_eur__gte=0, committed_eur__gte=0, spent_eur__gte=0),
                name="budget_line_non_negative_amounts",
            ),
        ]


RECORD_KINDS: dict[str, type[Record]] = {
    "deal_point": DealPoint,
    "network": Network,
    "operation": Operation,
    "seizure": Seizure,
    "arrest": Arrest,
    "conviction": Conviction,
    "camera": Camera,
    "prevention_action": PreventionAction,
    "care_referral": CareReferral,
    "capacity_reading": CapacityReading,
    "deployment_reading": DeploymentReading,
    "eviction_procedure": EvictionProcedure,
    "field_observation": FieldObservation,
    "agreement": Agreement,
    "drug_fine": DrugFine,
    "weapon_seizure": WeaponSeizure,
    "asset_seizure": AssetSeizure,
    "street_price": StreetPrice,
    "street_count": StreetCount,
    "administrative_measure": AdministrativeMeasure,
    "penal_step": PenalStep,
    "care_activity": CareActivity,
    "plan_measure": PlanMeasure,
    "budget_line": BudgetLine,
}

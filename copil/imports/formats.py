"""The published import format of each record kind: one CSV per kind, French column names.

A format maps columns to model fields with a type and, for enumerations, the French tokens a
partner may write. Tokens are compared after `normalize_token` (lower case, no accents, spaces and
hyphens as underscores), so "Héroïne", "heroine" and "HEROINE" are the same value.
"""

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from copil.plans.models import Axis
from copil.records import models as m


class ColumnType(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    DATETIME = "datetime"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    REFERENCE = "reference"  # another record of the plan, by its partner identifier
    PARTNERS = "partners"  # partner codes of the plan, separated by "|"


@dataclass(frozen=True)
class Column:
    name: str
    field: str
    type: ColumnType
    required: bool = False
    choices: dict[str, str] = field(default_factory=dict)  # normalized token -> stored code
    references: str = ""  # record kind key in RECORD_KINDS, for REFERENCE columns
    minimum: float | None = None
    exclusive_minimum: bool = False
    maximum: float | None = None
    description: str = ""


@dataclass(frozen=True)
class RecordFormat:
    kind: str  # key in RECORD_KINDS
    file_stem: str  # conventional file name, without ".csv"
    columns: tuple[Column, ...]

    @property
    def model(self) -> type[m.Record]:
        return m.RECORD_KINDS[self.kind]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


def normalize_token(value: str) -> str:
    """Lower-case, accent-free, underscore-separated form of an enumeration token."""
    decomposed = unicodedata.normalize("NFKD", value.strip().lower())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "_".join(bare.replace("-", " ").replace("'", " ").replace("’", " ").split())


def _choices(**tokens: str | tuple[str, ...]) -> dict[str, str]:
    """Build a token map from `code=token` or `code=(token, synonym…)`; the code itself is accepted too."""
    mapping: dict[str, str] = {}
    for code, spelled in tokens.items():
        for token in (spelled,) if isinstance(spelled, str) else spelled:
            mapping[normalize_token(token)] = code
        mapping[normalize_token(code)] = code
    return mapping


ID = Column("identifiant", "external_id", ColumnType.TEXT, required=True, description="Identifiant du partenaire")
ADDRESS = Column("adresse", "address", ColumnType.TEXT)
LATITUDE = Column("latitude", "latitude", ColumnType.DECIMAL, minimum=-90, maximum=90)
LONGITUDE = Column("longitude", "longitude", ColumnType.DECIMAL, minimum=-180, maximum=180)
COUNT = {"minimum": 0}

FORMATS: dict[str, RecordFormat] = {
    f.kind: f
    for f in [
        RecordFormat(
            "network",
            "reseaux",
            (
                ID,
                Column("nom", "name", ColumnType.TEXT, required=True),
                Column("identifie_le", "identified_on", ColumnType.DATE),
                Column("demantele_le", "dismantled_on", ColumnType.DATE),
            ),
        ),
        RecordFormat(
            "deal_point",
            "points_de_deal",
            (
                ID,
                Column("nom", "name", ColumnType.TEXT, required=True),
                ADDRESS,
                LATITUDE,
                LONGITUDE,
                Column("reseau", "network", ColumnType.REFERENCE, references="network"),
                Column("identifie_le", "identified_on", ColumnType.DATE, required=True),
                Column("neutralise_le", "neutralized_on", ColumnType.DATE),
            ),
        ),
        RecordFormat(
            "operation",
            "operations",
            (
                ID,
                Column("date", "occurred_on", ColumnType.DATE, required=True),
                Column(
                    "type",
                    "kind",
                    ColumnType.CHOICE,
                    required=True,
                    choices=_choices(
                        public_road=("voie publique", "operation de voie publique"),
                        search="perquisition",
                        raid=("interpellation", "coup de filet"),
                        check=("controle", "controles"),
                        investigation=("enquete", "enquete judiciaire"),
                    ),
                ),
                Column("point_de_deal", "deal_point", ColumnType.REFERENCE, references="deal_point"),
                Column("effectifs", "staff_engaged", ColumnType.INTEGER, **COUNT),
            ),
        ),
        RecordFormat(
            "seizure",
            "saisies",
            (
                ID,
                Column("date", "seized_on", ColumnType.DATE, required=True),
                Column(
                    "substance",
                    "substance",
                    ColumnType.CHOICE,
                    required=True,
                    choices=_choices(
                        cannabis=("cannabis", "resine de cannabis", "herbe de cannabis"),
                        heroin="heroine",
                        cocaine="cocaine",
                        crack=("crack", "cocaine basee"),
                        other="autre",
                    ),
                ),
                Column(
                    "quantite",
                    "quantity",
                    ColumnType.DECIMAL,
                    required=True,
                    minimum=0,
                    exclusive_minimum=True,
                ),
                Column(
                    "unite",
                    "unit",
                    ColumnType.CHOICE,
                    required=True,
                    choices=_choices(
                        g=("gramme", "grammes", "gr"),
                        kg=("kilogramme", "kilogrammes", "kilo", "kilos"),
                        unit=("unite", "unites", "u", "doses", "cachets"),
                    ),
                ),
                Column("operation", "operation", ColumnType.REFERENCE, references="operation"),
            ),
        ),
        RecordFormat(
            "arrest",
            "interpellations",
            (
                ID,
                Column("date", "arrested_on", ColumnType.DATE, required=True),
                Column(
                    "role",
                    "role",
                    ColumnType.CHOICE,
                    required=True,
                    choices=_choices(trafficker=("trafiquant", "vendeur"), user=("usager", "consommateur")),
                ),
                Column("operation", "operation", ColumnType.REFERENCE, references="operation"),
            ),
        ),
        RecordFormat(
            "conviction",
            "condamnations",
            (
                ID,
                Column("date", "convicted_on", ColumnType.DATE, required=True),
                Column("pseudonyme", "pseudonym", ColumnType.TEXT),
                Column("peine", "sentence", ColumnType.TEXT),
                Column("emprisonnement_mois", "prison_months", ColumnType.INTEGER, **COUNT),
                Column("recidiviste", "repeat_offender", ColumnType.BOOLEAN),
                Column("deferement", "referral_to_court", ColumnType.BOOLEAN),
                Column("interdiction_sejour", "residence_ban", ColumnType.BOOLEAN),
                Column("obligation_soins", "care_order", ColumnType.BOOLEAN),
                Column("reconduite_frontiere", "removal_order", ColumnType.BOOLEAN),
            ),
        ),
        RecordFormat(
            "camera",
            "cameras",
            (
                ID,
                Column("nom", "name", ColumnType.TEXT),
                ADDRESS,
                LATITUDE,
                LONGITUDE,
                Column("installee_le", "installed_on", ColumnType.DATE, required=True),
                Column("retiree_le", "removed_on", ColumnType.DATE),
                Column("vision_nocturne", "night_vision", ColumnType.BOOLEAN),
                Column("rayon_m", "coverage_radius_m", ColumnType.INTEGER, **COUNT),
            ),
        ),
        RecordFormat(
            "prevention_action",
            "actions_prevention",
            (
                ID,
                Column("date", "held_on", ColumnType.DATE, required=True),
                Column(
                    "type",
                    "kind",
                    ColumnType.CHOICE,
                    required=True,
                    choices=_choices(
                        awareness=("sensibilisation", "campagne de sensibilisation"),
                        outreach=("maraude", "aller vers"),
                        school=("intervention scolaire", "milieu scolaire"),
                        harm_reduction=("reduction des risques", "rdr"),
                        training=("formation",),
                    ),
                ),
                Column("intitule", "title", ColumnType.TEXT),
                Column("personnes_touchees", "people_reached", ColumnType.INTEGER, **COUNT),
            ),
        ),
        RecordFormat(
            "care_referral",
            "orientations_soins",
            (
                ID,
                Column("date", "referred_on", ColumnType.DATE, required=True),
                Column(
                    "destination",
                    "destination",
                    ColumnType.CHOICE,
                    required=True,
                    choices=_choices(
                        csapa="csapa",
                        caarud="caarud",
                        hospital=("hopital", "hospitalisation"),
                        shelter="hebergement",
                    ),
                ),
                Column("pseudonyme", "pseudonym", ColumnType.TEXT, required=True),
                Column(
                    "issue",
                    "outcome",
                    ColumnType.CHOICE,
                    choices=_choices(
                        pending="en attente",
                        admitted=("admis", "admise", "pris en charge"),
                        declined=("refus", "refuse"),
                        lost="perdu de vue",
                    ),
                ),
            ),
        ),
        RecordFormat(
            "capacity_reading",
            "releves_capacite",
            (
                ID,
                Column("date", "observed_on", ColumnType.DATE, required=True),
                Column(
                    "type",
                    "kind",
                    ColumnType.CHOICE,
                    required=True,
                    choices=_choices(
                        shelter_occupied=("places d hebergement occupees", "personnes hebergees"),
                        shelter_places=("places d hebergement",),
                        hospital_places=("places hospitalieres",),
                        hospital_occupied=("places hospitalieres occupees",),
                    ),
                ),
                Column("valeur", "value", ColumnType.INTEGER, required=True, **COUNT),
            ),
        ),
        RecordFormat(
            "deployment_reading",
            "releves_deploiement",
            (
                ID,
                Column("date", "deployed_on", ColumnType.DATE, required=True),
                Column(
                    "force",
                    "force",
                    ColumnType.CHOICE,
                    required=True,
                    choices=_choices(
                        police_nationale="police nationale",
                        gendarmerie_mobile="gendarmerie mobile",
                        gendarmerie=("gendarmerie departementale",),
                        police_municipale="police municipale",
                    ),
                ),
                Column("effectifs", "staff", ColumnType.INTEGER, required=True, **COUNT),
            ),
        ),
        RecordFormat(
            "eviction_procedure",
            "procedures_expulsion",
            (
                ID,
                Column("ouverte_le", "opened_on", ColumnType.DATE, required=True),
                Column(
                    "issue",
                    "outcome",
                    ColumnType.CHOICE,
                    choices=_choices(
                        pending=("en cours", "en attente"),
                        evicted=("expulsion", "expulse"),
                        left=("depart volontaire", "parti"),
                        dismissed=("rejetee", "abandonnee"),
                    ),
                ),
                Column("close_le", "closed_on", ColumnType.DATE),
            ),
        ),
        RecordFormat(
            "field_observation",
            "observations_terrain",
            (
                ID,
                Column("date_heure", "observed_at", ColumnType.DATETIME, required=True),
                ADDRESS,
                Column("latitude", "latitude", ColumnType.DECIMAL, required=True, minimum=-90, maximum=90),
                Column("longitude", "longitude", ColumnType.DECIMAL, required=True, minimum=-180, maximum=180),
                Column("personnes", "people_count", ColumnType.INTEGER, required=True, **COUNT),
                Column(
                    "source",
                    "source",
                    ColumnType.CHOICE,
                    required=True,
                    choices=_choices(outreach=("maraude", "equipe de rue"), patrol="patrouille", camera="camera"),
                ),
            ),
        ),
        RecordFormat(
            "agreement",
            "conventions",
            (
                ID,
                Column("intitule", "title", ColumnType.TEXT, required=True),
                Column("signee_le", "signed_on", ColumnType.DATE, required=True),
                Column(
                    "axe",
                    "axis",
                    ColumnType.CHOICE,
                    choices=_choices(
                        repression="repression",
                        videoprotection="videoprotection",
                        prevention_care=("prevention et soins", "prevention"),
                        housing="logement",
                        coordination="coordination",
                    ),
                ),
                Column("signataires", "parties", ColumnType.PARTNERS, required=True),
            ),
        ),
    ]
}

FORMATS_BY_FILE_STEM: dict[str, RecordFormat] = {f.file_stem: f for f in FORMATS.values()}

assert set(FORMATS) == set(m.RECORD_KINDS), "every record kind has an import format"
assert {c for c in Axis.Code.values} >= set(FORMATS["agreement"].columns[3].choices.values())

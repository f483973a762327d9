"""The published format of each record kind: one table per kind, French column names (`FORMATS`).

The French titles and descriptions below are published content (the schemas under `schemas/`, the
templates and the formats page), not interface messages: they are written in French here, next to
the French column names they describe, and `copil schemas` turns them into Table Schemas.
"""

from typing import TypedDict

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from copil.access.pseudonyms import PSEUDONYM_PATTERN
from copil.formats.columns import Choice, Column, ColumnType, RecordFormat
from copil.plans.models import Axis
from copil.records import models as m

__all__ = ["FORMATS", "FORMATS_BY_FILE_STEM"]


def _options(**spellings: str | tuple[str, ...]) -> tuple[Choice, ...]:
    """Build enumeration values from `code=spelling` or `code=(canonical spelling, synonym…)`."""
    return tuple(
        Choice(code, (spelled,) if isinstance(spelled, str) else tuple(spelled)) for code, spelled in spellings.items()
    )


ID = Column(
    "identifiant",
    "external_id",
    ColumnType.TEXT,
    required=True,
    formula_prefix_refused=True,
    title="Identifiant",
    description=(
        "Identifiant de l'enregistrement chez le partenaire, unique dans le fichier et stable d'un envoi à l'autre : "
        "réimporter une ligne avec le même identifiant met à jour l'enregistrement au lieu d'en créer un second. "
        "Il ne commence ni par =, +, -, @, ni par une tabulation ou un retour chariot (un tableur le lirait comme "
        "une formule)."
    ),
    hint="Laissez vide : Copil attribue un identifiant (code du partenaire, année, numéro).",
)


# Person-level records hold `copil.access.pseudonyms.pseudonym(...)`; anything else there may be a name.
class _PseudonymRules(TypedDict):
    pattern: str
    pattern_reason: str | Promise
    echo_refused: bool


class _Count(TypedDict):
    minimum: float


PSEUDONYM: _PseudonymRules = {
    "pattern": PSEUDONYM_PATTERN,
    "pattern_reason": gettext_lazy("not a pseudonym (64 lowercase hexadecimal characters expected, never a name)"),
    "echo_refused": False,
}
ADDRESS = Column("adresse", "address", ColumnType.TEXT, title="Adresse", description="Adresse postale ou lieu-dit.")
COORDINATE_NOTE = "en degrés décimaux (WGS84), point décimal ; Copil accepte aussi la virgule"
LATITUDE = Column(
    "latitude",
    "latitude",
    ColumnType.DECIMAL,
    minimum=-90,
    maximum=90,
    decimal_char=".",
    title="Latitude",
    description=f"Latitude {COORDINATE_NOTE}.",
    hint="En degrés décimaux, par exemple 48,8841.",
)
LONGITUDE = Column(
    "longitude",
    "longitude",
    ColumnType.DECIMAL,
    minimum=-180,
    maximum=180,
    decimal_char=".",
    title="Longitude",
    description=f"Longitude {COORDINATE_NOTE}.",
    hint="En degrés décimaux, par exemple 2,3681.",
)
COUNT: _Count = {"minimum": 0}


def _date(name: str, field_name: str, title: str, description: str, required: bool = False) -> Column:
    return Column(name, field_name, ColumnType.DATE, required=required, title=title, description=description)


def _flag(name: str, field_name: str, title: str, description: str) -> Column:
    return Column(
        name,
        field_name,
        ColumnType.BOOLEAN,
        title=title,
        description=f"{description} « oui » ou « non » ; une cellule vide vaut « non ».",
        hint=description,
    )


def _reference(name: str, field_name: str, kind: str, title: str, what: str, stem: str) -> Column:
    return Column(
        name,
        field_name,
        ColumnType.REFERENCE,
        hint=f"Choisissez l'enregistrement {what} dans la liste, par son nom, sa date ou son lieu.",
        references=kind,
        title=title,
        description=(
            f"Identifiant {what} dans le fichier {stem}.csv du même partenaire, ou « code_partenaire:identifiant » "
            "pour un enregistrement d'un autre partenaire du plan. L'enregistrement doit déjà exister."
        ),
    )


FORMATS: dict[str, RecordFormat] = {
    f.kind: f
    for f in [
        RecordFormat(
            "network",
            "reseaux",
            (
                ID,
                Column("nom", "name", ColumnType.TEXT, required=True, title="Nom", description="Nom du réseau."),
                _date("identifie_le", "identified_on", "Identifié le", "Date à laquelle le réseau a été identifié."),
                _date(
                    "demantele_le",
                    "dismantled_on",
                    "Démantelé le",
                    "Date du démantèlement ; vide tant que le réseau est actif.",
                ),
            ),
            title="Réseaux de trafic",
            description="Les réseaux de trafic identifiés par les services de police et de gendarmerie.",
            period_column="identifie_le",
            date_order=(("identifie_le", "demantele_le"),),
        ),
        RecordFormat(
            "deal_point",
            "points_de_deal",
            (
                ID,
                Column("nom", "name", ColumnType.TEXT, required=True, title="Nom", description="Nom usuel du point."),
                ADDRESS,
                LATITUDE,
                LONGITUDE,
                _reference("reseau", "network", "network", "Réseau", "du réseau qui tient le point", "reseaux"),
                _date(
                    "identifie_le",
                    "identified_on",
                    "Identifié le",
                    "Date à laquelle le point de deal a été identifié.",
                    required=True,
                ),
                _date(
                    "neutralise_le",
                    "neutralized_on",
                    "Neutralisé le",
                    "Date de neutralisation ; vide tant que le point est actif.",
                ),
            ),
            title="Points de deal",
            description="Les points de vente de stupéfiants, actifs de leur identification à leur neutralisation.",
            period_column="identifie_le",
            date_order=(("identifie_le", "neutralise_le"),),
        ),
        RecordFormat(
            "operation",
            "operations",
            (
                ID,
                _date("date", "occurred_on", "Date", "Date de l'opération.", required=True),
                Column(
                    "type",
                    "kind",
                    ColumnType.CHOICE,
                    required=True,
                    options=_options(
                        public_road=("voie publique", "opération de voie publique"),
                        search="perquisition",
                        raid=("interpellation", "coup de filet"),
                        check=("contrôle", "contrôles"),
                        investigation=("enquête", "enquête judiciaire"),
                    ),
                    title="Type d'opération",
                    description="Nature de l'opération.",
                ),
                _reference(
                    "point_de_deal",
                    "deal_point",
                    "deal_point",
                    "Point de deal",
                    "du point de deal visé",
                    "points_de_deal",
                ),
                Column(
                    "effectifs",
                    "staff_engaged",
                    ColumnType.INTEGER,
                    **COUNT,
                    title="Effectifs engagés",
                    description="Nombre d'agents engagés dans l'opération.",
                ),
            ),
            title="Opérations",
            description="Les opérations de police et de gendarmerie menées dans le cadre du plan.",
            period_column="date",
        ),
        RecordFormat(
            "seizure",
            "saisies",
            (
                ID,
                _date("date", "seized_on", "Date", "Date de la saisie.", required=True),
                Column(
                    "substance",
                    "substance",
                    ColumnType.CHOICE,
                    required=True,
                    options=_options(
                        cannabis=("cannabis", "résine de cannabis", "herbe de cannabis"),
                        heroin="héroïne",
                        cocaine="cocaïne",
                        crack=("crack", "cocaïne basée"),
                        other="autre",
                    ),
                    title="Substance",
                    description="Substance saisie.",
                ),
                Column(
                    "quantite",
                    "quantity",
                    ColumnType.DECIMAL,
                    required=True,
                    minimum=0,
                    exclusive_minimum=True,
                    title="Quantité",
                    description=(
                        "Quantité saisie, strictement positive, dans l'unité de la colonne « unite » ; "
                        "virgule décimale (Copil accepte aussi le point), arrondie au millième."
                    ),
                    hint="Quantité saisie, dans l'unité choisie ci-dessous, par exemple 13,5.",
                ),
                Column(
                    "unite",
                    "unit",
                    ColumnType.CHOICE,
                    required=True,
                    options=_options(
                        g=("g", "gramme", "grammes", "gr"),
                        kg=("kg", "kilogramme", "kilogrammes", "kilo", "kilos"),
                        unit=("unités", "unité", "u", "doses", "cachets"),
                    ),
                    title="Unité",
                    description="Unité de la quantité : grammes, kilogrammes ou unités (doses, cachets).",
                ),
                _reference("operation", "operation", "operation", "Opération", "de l'opération", "operations"),
            ),
            title="Saisies",
            description="Les saisies de stupéfiants, une ligne par substance saisie à une date.",
            period_column="date",
        ),
        RecordFormat(
            "arrest",
            "interpellations",
            (
                ID,
                _date("date", "arrested_on", "Date", "Date de l'interpellation.", required=True),
                Column(
                    "role",
                    "role",
                    ColumnType.CHOICE,
                    required=True,
                    options=_options(trafficker=("trafiquant", "vendeur"), user=("usager", "consommateur")),
                    title="Rôle",
                    description="Rôle de la personne interpellée.",
                ),
                _reference("operation", "operation", "operation", "Opération", "de l'opération", "operations"),
            ),
            title="Interpellations",
            description="Les interpellations, une ligne par personne interpellée (sans nom).",
            period_column="date",
        ),
        RecordFormat(
            "conviction",
            "condamnations",
            (
                ID,
                _date("date", "convicted_on", "Date", "Date de la condamnation.", required=True),
                Column(
                    "pseudonyme",
                    "pseudonym",
                    ColumnType.TEXT,
                    **PSEUDONYM,
                    title="Pseudonyme",
                    description="Pseudonyme de la personne condamnée (64 caractères hexadécimaux, jamais son nom).",
                ),
                Column("peine", "sentence", ColumnType.TEXT, title="Peine", description="Peine prononcée, en clair."),
                Column(
                    "emprisonnement_mois",
                    "prison_months",
                    ColumnType.INTEGER,
                    **COUNT,
                    title="Emprisonnement (mois)",
                    description="Durée d'emprisonnement prononcée, en mois.",
                ),
                _flag("recidiviste", "repeat_offender", "Récidiviste", "La personne est-elle en récidive ?"),
                _flag("deferement", "referral_to_court", "Déferrement", "La personne a-t-elle été déférée ?"),
                _flag(
                    "interdiction_sejour",
                    "residence_ban",
                    "Interdiction de séjour",
                    "Une interdiction de séjour a-t-elle été prononcée ?",
                ),
                _flag(
                    "obligation_soins",
                    "care_order",
                    "Obligation de soins",
                    "Une obligation de soins a-t-elle été prononcée ?",
                ),
                _flag(
                    "reconduite_frontiere",
                    "removal_order",
                    "Reconduite à la frontière",
                    "Une reconduite à la frontière a-t-elle été prononcée ?",
                ),
            ),
            title="Condamnations",
            description="Les condamnations et les mesures judiciaires prononcées, une ligne par personne condamnée.",
            period_column="date",
        ),
        RecordFormat(
            "camera",
            "cameras",
            (
                ID,
                Column("nom", "name", ColumnType.TEXT, title="Nom", description="Nom ou numéro de la caméra."),
                ADDRESS,
                LATITUDE,
                LONGITUDE,
                _date("installee_le", "installed_on", "Installée le", "Date de mise en service.", required=True),
                _date(
                    "retiree_le",
                    "removed_on",
                    "Retirée le",
                    "Date de retrait ; vide tant que la caméra est en service.",
                ),
                _flag("vision_nocturne", "night_vision", "Vision nocturne", "La caméra voit-elle de nuit ?"),
                Column(
                    "rayon_m",
                    "coverage_radius_m",
                    ColumnType.INTEGER,
                    **COUNT,
                    title="Rayon couvert (m)",
                    description="Rayon couvert par la caméra, en mètres.",
                ),
            ),
            title="Caméras de vidéoprotection",
            description="Les caméras de vidéoprotection, en service de leur installation à leur retrait.",
            period_column="installee_le",
            date_order=(("installee_le", "retiree_le"),),
        ),
        RecordFormat(
            "prevention_action",
            "actions_prevention",
            (
                ID,
                _date("date", "held_on", "Date", "Date de l'action.", required=True),
                Column(
                    "type",
                    "kind",
                    ColumnType.CHOICE,
                    required=True,
                    options=_options(
                        awareness=("sensibilisation", "campagne de sensibilisation"),
                        outreach=("maraude", "aller vers"),
                        school=("intervention scolaire", "milieu scolaire"),
                        harm_reduction=("réduction des risques", "rdr"),
                        training=("formation",),
                    ),
                    title="Type d'action",
                    description="Nature de l'action de prévention.",
                ),
                Column("intitule", "title", ColumnType.TEXT, title="Intitulé", description="Intitulé de l'action."),
                Column(
                    "personnes_touchees",
                    "people_reached",
                    ColumnType.INTEGER,
                    **COUNT,
                    title="Personnes touchées",
                    description="Nombre de personnes touchées ; vide vaut 0.",
                    hint="Nombre de personnes touchées.",
                ),
            ),
            title="Actions de prévention",
            description="Les actions de prévention et d'aller-vers, avec le nombre de personnes touchées.",
            period_column="date",
        ),
        RecordFormat(
            "care_referral",
            "orientations_soins",
            (
                ID,
                _date("date", "referred_on", "Date", "Date de l'orientation.", required=True),
                Column(
                    "destination",
                    "destination",
                    ColumnType.CHOICE,
                    required=True,
                    options=_options(
                        csapa="csapa",
                        caarud="caarud",
                        hospital=("hôpital", "hospitalisation"),
                        shelter="hébergement",
                    ),
                    title="Destination",
                    description="Structure vers laquelle la personne est orientée.",
                ),
                Column(
                    "pseudonyme",
                    "pseudonym",
                    ColumnType.TEXT,
                    required=True,
                    **PSEUDONYM,
                    title="Pseudonyme",
                    description="Pseudonyme de la personne orientée (64 caractères hexadécimaux, jamais son nom).",
                ),
                Column(
                    "issue",
                    "outcome",
                    ColumnType.CHOICE,
                    options=_options(
                        pending="en attente",
                        admitted=("admis", "admise", "pris en charge"),
                        declined=("refus", "refusé"),
                        lost="perdu de vue",
                    ),
                    title="Issue",
                    description="Issue de l'orientation ; vide vaut « en attente ».",
                    hint="Issue de l'orientation ; sans réponse, elle reste « en attente ».",
                ),
            ),
            title="Orientations vers le soin",
            description="Les orientations de personnes vers une structure de soin ou d'hébergement (pseudonymisées).",
            period_column="date",
        ),
        RecordFormat(
            "capacity_reading",
            "releves_capacite",
            (
                ID,
                _date("date", "observed_on", "Date", "Date du relevé.", required=True),
                Column(
                    "type",
                    "kind",
                    ColumnType.CHOICE,
                    required=True,
                    options=_options(
                        shelter_occupied=("personnes hébergées", "places d'hébergement occupées"),
                        shelter_places=("places d'hébergement",),
                        hospital_places=("places hospitalières",),
                        hospital_occupied=("places hospitalières occupées",),
                    ),
                    title="Type de relevé",
                    description="Capacité relevée.",
                ),
                Column(
                    "valeur",
                    "value",
                    ColumnType.INTEGER,
                    required=True,
                    **COUNT,
                    title="Valeur",
                    description="Valeur relevée à cette date (un stock, pas un flux).",
                ),
            ),
            title="Relevés de capacité",
            description="Les relevés quotidiens ou hebdomadaires de capacité d'hébergement et d'hospitalisation.",
            period_column="date",
        ),
        RecordFormat(
            "deployment_reading",
            "releves_deploiement",
            (
                ID,
                _date("date", "deployed_on", "Date", "Jour du déploiement.", required=True),
                Column(
                    "force",
                    "force",
                    ColumnType.CHOICE,
                    required=True,
                    options=_options(
                        police_nationale="police nationale",
                        gendarmerie_mobile="gendarmerie mobile",
                        gendarmerie=("gendarmerie départementale",),
                        police_municipale="police municipale",
                    ),
                    title="Force",
                    description="Force déployée.",
                ),
                Column(
                    "effectifs",
                    "staff",
                    ColumnType.INTEGER,
                    required=True,
                    **COUNT,
                    title="Effectifs",
                    description="Nombre d'agents déployés ce jour-là sur le secteur du plan.",
                ),
            ),
            title="Relevés de déploiement",
            description="Les effectifs déployés chaque jour sur le secteur du plan, par force.",
            period_column="date",
        ),
        RecordFormat(
            "eviction_procedure",
            "procedures_expulsion",
            (
                ID,
                _date("ouverte_le", "opened_on", "Ouverte le", "Date d'ouverture de la procédure.", required=True),
                Column(
                    "issue",
                    "outcome",
                    ColumnType.CHOICE,
                    options=_options(
                        pending=("en cours", "en attente"),
                        evicted=("expulsion", "expulsé"),
                        left=("départ volontaire", "parti"),
                        dismissed=("rejetée", "abandonnée"),
                    ),
                    title="Issue",
                    description="Issue de la procédure ; vide vaut « en cours ».",
                    hint="Issue de la procédure ; sans réponse, elle reste « en cours ».",
                ),
                _date(
                    "close_le",
                    "closed_on",
                    "Close le",
                    "Date de clôture ; vide tant que la procédure est en cours.",
                ),
            ),
            title="Procédures d'expulsion",
            description="Les procédures d'expulsion engagées par les bailleurs sociaux pour trafic.",
            period_column="ouverte_le",
            date_order=(("ouverte_le", "close_le"),),
        ),
        RecordFormat(
            "field_observation",
            "observations_terrain",
            (
                ID,
                Column(
                    "date_heure",
                    "observed_at",
                    ColumnType.DATETIME,
                    required=True,
                    title="Date et heure",
                    description=(
                        "Date et heure de l'observation, heure de Paris, au format AAAA-MM-JJTHH:MM "
                        "(Copil accepte aussi les secondes, une espace au lieu du T et JJ/MM/AAAA HH:MM)."
                    ),
                    hint="Date et heure de l'observation, heure de Paris.",
                ),
                ADDRESS,
                Column(
                    "latitude",
                    "latitude",
                    ColumnType.DECIMAL,
                    required=True,
                    minimum=-90,
                    maximum=90,
                    decimal_char=".",
                    title="Latitude",
                    description=f"Latitude {COORDINATE_NOTE}.",
                    hint="En degrés décimaux, par exemple 48,8841.",
                ),
                Column(
                    "longitude",
                    "longitude",
                    ColumnType.DECIMAL,
                    required=True,
                    minimum=-180,
                    maximum=180,
                    decimal_char=".",
                    title="Longitude",
                    description=f"Longitude {COORDINATE_NOTE}.",
                    hint="En degrés décimaux, par exemple 2,3681.",
                ),
                Column(
                    "personnes",
                    "people_count",
                    ColumnType.INTEGER,
                    required=True,
                    **COUNT,
                    title="Personnes",
                    description="Nombre de personnes vues sur place.",
                ),
                Column(
                    "source",
                    "source",
                    ColumnType.CHOICE,
                    required=True,
                    options=_options(outreach=("maraude", "équipe de rue"), patrol="patrouille", camera="caméra"),
                    title="Source",
                    description="Qui a fait l'observation.",
                ),
            ),
            title="Observations de terrain",
            description="Les personnes vues en un lieu et à une heure : la matière de l'alerte précoce.",
            period_column="date_heure",
        ),
        RecordFormat(
            "agreement",
            "conventions",
            (
                ID,
                Column(
                    "intitule",
                    "title",
                    ColumnType.TEXT,
                    required=True,
                    title="Intitulé",
                    description="Intitulé de la convention.",
                ),
                _date("signee_le", "signed_on", "Signée le", "Date de signature.", required=True),
                Column(
                    "axe",
                    "axis",
                    ColumnType.CHOICE,
                    options=_options(
                        repression="répression",
                        videoprotection="vidéoprotection",
                        prevention_care=("prévention et soins", "prévention"),
                        housing="logement",
                        coordination="coordination",
                    ),
                    title="Axe",
                    description="Axe du plan auquel la convention se rattache.",
                ),
                Column(
                    "signataires",
                    "parties",
                    ColumnType.PARTNERS,
                    required=True,
                    title="Signataires",
                    description="Codes des partenaires signataires, séparés par « | » (par exemple prefecture|mairie).",
                    hint="Cochez les partenaires signataires.",
                ),
            ),
            title="Conventions",
            description="Les conventions signées entre partenaires du plan.",
            period_column="signee_le",
        ),
    ]
}

FORMATS_BY_FILE_STEM: dict[str, RecordFormat] = {f.file_stem: f for f in FORMATS.values()}

assert set(FORMATS) == set(m.RECORD_KINDS), "every record kind has an import format"
assert set(Axis.Code.values) >= set(FORMATS["agreement"].column("axe").choices.values())
assert all(f.period_column in {c.name for c in f.columns} for f in FORMATS.values())

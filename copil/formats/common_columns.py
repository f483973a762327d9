"""Columns shared by the record formats: the identifier, addresses and coordinates, dates, flags, references."""

from typing import TypedDict

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from copil.access.pseudonyms import PSEUDONYM_PATTERN
from copil.formats.columns import Choice, Column, ColumnType


def options(**spellings: str | tuple[str, ...]) -> tuple[Choice, ...]:
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
class PseudonymRules(TypedDict):
    pattern: str
    pattern_reason: str | Promise
    echo_refused: bool


class CountRules(TypedDict):
    minimum: float


PSEUDONYM: PseudonymRules = {
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
COUNT: CountRules = {"minimum": 0}


def date_column(name: str, field_name: str, title: str, description: str, required: bool = False) -> Column:
    return Column(name, field_name, ColumnType.DATE, required=required, title=title, description=description)


def flag_column(name: str, field_name: str, title: str, description: str) -> Column:
    return Column(
        name,
        field_name,
        ColumnType.BOOLEAN,
        title=title,
        description=f"{description} « oui » ou « non » ; une cellule vide vaut « non ».",
        hint=description,
    )


def reference_column(name: str, field_name: str, kind: str, title: str, what: str, stem: str) -> Column:
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

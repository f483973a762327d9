"""The indicator catalogue: loads `catalogue.toml`, checks every entry against the record models, caches it.

A typo in the catalogue (unknown record kind, field, choice or aggregation) fails at load with the entry's
code, rather than as a wrong figure in a bilan.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from django.db import models

from .phrases import PHRASES, ZERO_RULES, Phrase

CATALOGUE_PATH = Path(__file__).with_name("catalogue.toml")

FLOW_AGGREGATIONS = frozenset({"count", "sum", "distinct", "mean"})
AGGREGATIONS = FLOW_AGGREGATIONS | {"stock", "reading", "daily"}
AXES = ("repression", "videoprotection", "prevention_care", "housing", "coordination")
UNITS = frozenset({"count", "g", "people", "staff", "places", "cameras", "eur", "months"})
BASELINES = frozenset({"previous_period", "before_plan"})
DIRECTIONS = frozenset({"up", "down"})
YEAR = "year"
BREAKDOWN_SEPARATOR = "|"  # between the parts of a breakdown key over several fields
MASS_GRAMS = "mass_grams"
STREET_VALUE = "street_value_eur"

_REQUIRED = ("code", "label", "unit", "axis", "source", "date_field", "aggregation")
_OPTIONAL = (
    "value_field",
    "end_field",
    "filter",
    "disaggregate",
    "baseline",
    "target",
    "target_direction",
    "disclosure_threshold",
    "person_count",
    "description",
    "good_news",
    "outcome",
    "last_days",
    "step",
)
STEPS = frozenset({"day", "month"})  # the step of a daily series: one value a day, or a month
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


class CatalogueError(ValueError):
    """The catalogue file is malformed or names something the record models do not have."""


@dataclass(frozen=True)
class IndicatorDefinition:
    """One catalogue entry: what to count, in which records, and how to read it."""

    code: str
    label: str
    unit: str
    axis: str
    source: str
    date_field: str
    aggregation: str
    value_field: str | None = None
    end_field: str | None = None
    filter: tuple[tuple[str, str | bool], ...] = ()
    disaggregate: tuple[str, ...] = ()
    baseline: str = "previous_period"
    target: Decimal | None = None
    target_direction: str | None = None
    disclosure_threshold: int | None = None
    person_count: bool = False
    description: str = ""
    good_news: str | None = None
    outcome: bool = False
    last_days: int | None = None
    step: str = "day"  # daily only: "month" when each record stands for its month (dated its first day)

    @property
    def model(self) -> type[models.Model]:
        """The record model the indicator is computed from."""
        from copil.records.models import RECORD_KINDS

        return RECORD_KINDS[self.source]

    @property
    def filters(self) -> dict[str, str | bool]:
        """The filter as keyword arguments for `QuerySet.filter`."""
        return dict(self.filter)

    @property
    def is_flow(self) -> bool:
        """Whether the figure adds up records dated within the period (count, sum, distinct)."""
        return self.aggregation in FLOW_AGGREGATIONS

    def is_good_news(self, trend: str) -> bool | None:
        """Whether a move of the figure ("up", "down", "flat": the dashboard's trends) is good news for the plan:
        None when it is news neither way (no move, or an indicator without `good_news`)."""
        if self.good_news is None or trend not in DIRECTIONS:
            return None
        return trend == self.good_news

    def breakdown_label(self, key: str) -> str:
        """The French words for a key of the figure's breakdown (`heroin` → « héroïne », `public_road|true` →
        « voie publique, oui »): the record model's own choice labels, the one label every page shows."""
        from django.utils.translation import gettext

        words = []
        for name, part in zip(self.disaggregate, key.split(BREAKDOWN_SEPARATOR), strict=False):
            field = self.model._meta.get_field(name) if name != YEAR else None
            if isinstance(field, models.BooleanField):
                words.append(gettext("yes") if part == "true" else gettext("no"))
                continue
            labels = {str(code): str(label) for code, label in getattr(field, "flatchoices", None) or ()}
            words.append(labels.get(part, part))
        return ", ".join(words)

    @property
    def phrase(self) -> Phrase | None:
        """How the bilan states the indicator (None: the bilan does not report it)."""
        return PHRASES.get(self.code)


def parse_catalogue(text: str, *, origin: str = "catalogue") -> dict[str, IndicatorDefinition]:
    """Indicator definitions from the TOML text of a catalogue, validated (CatalogueError otherwise)."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(f"{origin}: TOML invalide ({error})") from None
    unknown_tables = set(document) - {"indicator"}
    if unknown_tables:
        raise CatalogueError(f"{origin}: clés inattendues au premier niveau : {', '.join(sorted(unknown_tables))}")
    entries = document.get("indicator", [])
    if not isinstance(entries, list):
        raise CatalogueError(f"{origin}: « indicator » doit être une liste de tables [[indicator]]")
    catalogue: dict[str, IndicatorDefinition] = {}
    for position, entry in enumerate(entries, start=1):
        definition = _definition(entry, where=f"{origin}, indicateur n° {position}")
        if definition.code in catalogue:
            raise CatalogueError(f"{origin}: code « {definition.code} » déclaré deux fois")
        catalogue[definition.code] = definition
    return catalogue


def load_catalogue(path: Path | str = CATALOGUE_PATH) -> dict[str, IndicatorDefinition]:
    """Indicator definitions read from a catalogue file, validated."""
    path = Path(path)
    return parse_catalogue(path.read_text(encoding="utf-8"), origin=path.name)


@cache
def get_catalogue() -> dict[str, IndicatorDefinition]:
    """The project's catalogue, loaded on first use (after the app registry is ready) and cached."""
    catalogue = load_catalogue()
    check_phrases(catalogue, PHRASES)
    return catalogue


def check_phrases(catalogue: dict[str, IndicatorDefinition], phrases: Mapping[str, Phrase]) -> None:
    """Every phrase names an indicator of the catalogue, in the catalogue's order (the bilan's order)."""
    unknown = [code for code in phrases if code not in catalogue]
    if unknown:
        raise CatalogueError(f"phrases.py : phrase(s) d'indicateur(s) absent(s) du catalogue : {', '.join(unknown)}")
    in_catalogue_order = [code for code in catalogue if code in phrases]
    if list(phrases) != in_catalogue_order:
        expected = ", ".join(in_catalogue_order)
        raise CatalogueError(f"phrases.py : les phrases doivent suivre l'ordre du catalogue : {expected}")
    for code, phrase in phrases.items():
        if phrase.zero not in ZERO_RULES:
            raise CatalogueError(f"phrases.py, « {code} » : zero « {phrase.zero} » inconnu (attendu : omit, state)")
        if phrase.part_of is not None and phrase.part_of.total not in catalogue:
            raise CatalogueError(f"phrases.py, « {code} » : part_of.total « {phrase.part_of.total} » inconnu")


def get_indicator(code: str) -> IndicatorDefinition:
    """The definition of one indicator (KeyError naming the code if it is not in the catalogue)."""
    try:
        return get_catalogue()[code]
    except KeyError:
        raise KeyError(f"indicateur inconnu : « {code} »") from None


def __getattr__(name: str) -> Any:
    # `CATALOGUE` is loaded lazily: importing this module must not touch the models before Django is set up.
    if name == "CATALOGUE":
        return get_catalogue()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _definition(entry: Any, *, where: str) -> IndicatorDefinition:
    from copil.records.models import RECORD_KINDS

    if not isinstance(entry, dict):
        raise CatalogueError(f"{where}: une table est attendue")
    code = entry.get("code")
    if isinstance(code, str):
        where = f"{where} (« {code} »)"
    missing = [key for key in _REQUIRED if key not in entry]
    if missing:
        raise CatalogueError(f"{where}: clé(s) obligatoire(s) manquante(s) : {', '.join(missing)}")
    unknown = set(entry) - set(_REQUIRED) - set(_OPTIONAL)
    if unknown:
        raise CatalogueError(f"{where}: clé(s) inconnue(s) : {', '.join(sorted(unknown))}")
    for key in (*_REQUIRED, "value_field", "end_field", "baseline", "target_direction", "description", "good_news"):
        if key in entry and not (isinstance(entry[key], str) and entry[key]):
            raise CatalogueError(f"{where}: « {key} » doit être un texte non vide")
    code = entry["code"]  # a non-empty text from here on
    if not _CODE.match(code):
        raise CatalogueError(f"{where}: code invalide (lettres minuscules, chiffres et _)")
    if entry["unit"] not in UNITS:
        raise CatalogueError(f"{where}: unité inconnue « {entry['unit']} » (attendu : {', '.join(sorted(UNITS))})")
    if entry["axis"] not in AXES:
        raise CatalogueError(f"{where}: axe inconnu « {entry['axis']} » (attendu : {', '.join(AXES)})")
    source = entry["source"]
    if source not in RECORD_KINDS:
        raise CatalogueError(f"{where}: source inconnue « {source} » (attendu : {', '.join(RECORD_KINDS)})")
    model = RECORD_KINDS[source]
    aggregation = entry["aggregation"]
    if aggregation not in AGGREGATIONS:
        raise CatalogueError(
            f"{where}: agrégation inconnue « {aggregation} » (attendu : {', '.join(sorted(AGGREGATIONS))})"
        )

    date_field = entry["date_field"]
    if not isinstance(_field(model, date_field, where, "date_field"), models.DateField):
        raise CatalogueError(f"{where}: date_field « {date_field} » n'est pas une date")

    value_field = entry.get("value_field")
    if aggregation in {"sum", "distinct", "reading", "daily", "mean"} and value_field is None:
        raise CatalogueError(f"{where}: l'agrégation « {aggregation} » demande un value_field")
    if value_field is not None:
        if aggregation in {"count", "stock"}:
            raise CatalogueError(f"{where}: value_field n'a pas de sens pour l'agrégation « {aggregation} »")
        if value_field in {MASS_GRAMS, STREET_VALUE}:
            if source != "seizure" or aggregation != "sum":
                raise CatalogueError(f"{where}: « {value_field} » ne s'applique qu'à la somme des saisies")
        else:
            value = _field(model, value_field, where, "value_field")
            if aggregation in {"sum", "reading", "daily", "mean"} and not isinstance(
                value, models.IntegerField | models.DecimalField
            ):
                raise CatalogueError(f"{where}: value_field « {value_field} » n'est pas numérique")

    end_field = entry.get("end_field")
    if (aggregation == "stock") != (end_field is not None):
        raise CatalogueError(f"{where}: end_field est obligatoire pour un stock, et seulement pour un stock")
    if end_field is not None and not isinstance(_field(model, end_field, where, "end_field"), models.DateField):
        raise CatalogueError(f"{where}: end_field « {end_field} » n'est pas une date")

    filters = entry.get("filter", {})
    if not isinstance(filters, dict):
        raise CatalogueError(f"{where}: « filter » doit être une table champ = valeur")
    for name, expected in filters.items():
        _check_filter(model, name, expected, where)

    disaggregate = entry.get("disaggregate", [])
    if not isinstance(disaggregate, list) or not all(isinstance(name, str) for name in disaggregate):
        raise CatalogueError(f"{where}: « disaggregate » doit être une liste de noms de champs")
    if aggregation == "daily" and disaggregate:
        raise CatalogueError(f"{where}: une série quotidienne ne se ventile pas")
    last_days = entry.get("last_days")
    if last_days is not None:
        if isinstance(last_days, bool) or not isinstance(last_days, int) or last_days < 1:
            raise CatalogueError(f"{where}: last_days doit être un entier strictement positif")
        if aggregation != "daily":
            raise CatalogueError(f"{where}: last_days ne s'applique qu'à une série quotidienne")
    step = entry.get("step", "day")
    if step not in STEPS:
        raise CatalogueError(f"{where}: step doit être « day » ou « month »")
    if step != "day" and aggregation != "daily":
        raise CatalogueError(f"{where}: step ne s'applique qu'à une série quotidienne")
    if step == "month" and last_days is not None:
        raise CatalogueError(f"{where}: une série mensuelle ne se lit pas sur ses derniers jours")
    if len(set(disaggregate)) != len(disaggregate):
        raise CatalogueError(f"{where}: champ de ventilation répété")
    for name in disaggregate:
        if name != YEAR:
            _field(model, name, where, "disaggregate")

    baseline = entry.get("baseline", "previous_period")
    if baseline not in BASELINES:
        raise CatalogueError(f"{where}: référence inconnue « {baseline} » (attendu : {', '.join(sorted(BASELINES))})")

    target = entry.get("target")
    if target is not None:
        if isinstance(target, bool) or not isinstance(target, int | float):
            raise CatalogueError(f"{where}: « target » doit être un nombre")
        try:
            target = Decimal(str(target))
        except InvalidOperation:  # pragma: no cover - TOML numbers always convert
            raise CatalogueError(f"{where}: « target » doit être un nombre") from None
        if not target.is_finite() or target < 0:
            raise CatalogueError(f"{where}: « target » doit être un nombre positif")
    direction = entry.get("target_direction")
    if direction is not None and direction not in DIRECTIONS:
        raise CatalogueError(f"{where}: target_direction « {direction} » inconnu (attendu : up, down)")
    if direction is not None and target is None:
        raise CatalogueError(f"{where}: target_direction sans target")
    if target is not None and direction is None:
        direction = "up"

    good_news = entry.get("good_news")
    if good_news is not None and good_news not in DIRECTIONS:
        raise CatalogueError(f"{where}: good_news « {good_news} » inconnu (attendu : up, down)")

    threshold = entry.get("disclosure_threshold")
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1):
        raise CatalogueError(f"{where}: disclosure_threshold doit être un entier strictement positif")
    person_count = entry.get("person_count", False)
    if not isinstance(person_count, bool):
        raise CatalogueError(f"{where}: person_count doit être true ou false")
    outcome = entry.get("outcome", False)
    if not isinstance(outcome, bool):
        raise CatalogueError(f"{where}: outcome doit être true ou false")

    return IndicatorDefinition(
        code=code,
        label=entry["label"],
        unit=entry["unit"],
        axis=entry["axis"],
        source=source,
        date_field=date_field,
        aggregation=aggregation,
        value_field=value_field,
        end_field=end_field,
        filter=tuple(sorted(filters.items())),
        disaggregate=tuple(disaggregate),
        baseline=baseline,
        target=target,
        target_direction=direction,
        disclosure_threshold=threshold,
        person_count=person_count,
        description=entry.get("description", ""),
        good_news=good_news,
        outcome=outcome,
        last_days=last_days,
        step=step,
    )


def _field(model: type[models.Model], name: str, where: str, key: str) -> models.Field[Any, Any]:
    try:
        found = model._meta.get_field(name)
    except Exception:  # FieldDoesNotExist
        raise CatalogueError(f"{where}: {key} « {name} » : champ inconnu de {model.__name__}") from None
    if not isinstance(found, models.Field) or not found.concrete or found.many_to_many:
        raise CatalogueError(f"{where}: {key} « {name} » n'est pas une colonne de {model.__name__}")
    return found


def _check_filter(model: type[models.Model], name: str, expected: Any, where: str) -> None:
    found = _field(model, name, where, "filter")
    if isinstance(found, models.BooleanField):
        if not isinstance(expected, bool):
            raise CatalogueError(f"{where}: filtre « {name} » : true ou false attendu")
        return
    if not isinstance(expected, str):
        raise CatalogueError(f"{where}: filtre « {name} » : un texte ou un booléen est attendu")
    if found.choices and expected not in {str(value) for value, _label in found.flatchoices}:
        choices = ", ".join(str(value) for value, _label in found.flatchoices)
        raise CatalogueError(f"{where}: filtre « {name} » : valeur inconnue « {expected} » (attendu : {choices})")

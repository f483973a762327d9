"""The official rates of a plan's territory next to its département and France, and the bilan's sentence on them.

Rules of the SSMSI base: a withheld figure (`ndiff`) is « non diffusé », never 0; a commune without inhabitants has
no rate; communes are never summed into a département (the départemental base gives it). The base has no national
row: France is the total of the départements' counts over the total of their populations, given only when every
département of the year is in the database and published (at least the 96 of metropolitan France).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import formats
from django.utils.translation import gettext as _

from copil.plans.models import Plan, Territory

from .models import OfficialFigure

FIRST_YEAR = 2016
METROPOLITAN_DEPARTEMENTS = 96
Status = Literal["published", "withheld", "no_population", "missing"]

DRUG_INDICATOR_UNITS = (
    ("Usage de stupéfiants", "Mis en cause"),
    ("Usage de stupéfiants (AFD)", "Mis en cause"),
    ("Trafic de stupéfiants", "Mis en cause"),
)

INDICATOR_PHRASES = {
    ("Usage de stupéfiants", "Mis en cause"): "personnes mises en cause pour usage de stupéfiants",
    ("Usage de stupéfiants (AFD)", "Mis en cause"): (
        "personnes mises en cause pour usage de stupéfiants (amende forfaitaire délictuelle)"
    ),
    ("Trafic de stupéfiants", "Mis en cause"): "personnes mises en cause pour trafic de stupéfiants",
}


@dataclass(frozen=True)
class OfficialRate:
    """A rate per 1,000 inhabitants, or why there is none."""

    status: Status
    value: Decimal | None = None
    count: int | None = None


@dataclass(frozen=True)
class OfficialYear:
    year: int
    territory: OfficialRate
    departement: OfficialRate
    france: OfficialRate

    @property
    def territory_text(self) -> str:
        return format_rate(self.territory)

    @property
    def departement_text(self) -> str:
        return format_rate(self.departement)

    @property
    def france_text(self) -> str:
        return format_rate(self.france)


@dataclass(frozen=True)
class OfficialComparison:
    """One indicator's rates, year by year since 2016, for the plan's territory, its département and France."""

    indicator: str
    unit: str
    territory_name: str
    departement_code: str | None
    years: list[OfficialYear]

    @property
    def has_figures(self) -> bool:
        return any(row.territory.status != "missing" or row.departement.status != "missing" for row in self.years)


def departement_code(territory: Territory) -> str | None:
    """The INSEE code of the territory's département: an ancestor of level département, else read from a commune's
    or arrondissement's code (two characters, three overseas: 75056 → 75, 2A004 → 2A, 97411 → 974)."""
    node: Territory | None = territory
    while node is not None:
        if node.level == Territory.Level.DEPARTEMENT:
            return node.insee_code
        node = node.parent
    if territory.level in {Territory.Level.COMMUNE, Territory.Level.ARRONDISSEMENT}:
        code = territory.insee_code
        return code[:3] if code.startswith("97") else code[:2]
    return None


def official_comparison(
    plan: Plan, indicator: str = "Usage de stupéfiants", unit: str = "Mis en cause", *, since: int = FIRST_YEAR
) -> OfficialComparison:
    """The series of the plan's territory (commune or département), its département and France."""
    territory = plan.territory
    departement = departement_code(territory)
    figures = OfficialFigure.objects.filter(indicator=indicator, unit=unit, year__gte=since)
    own_geography = (
        OfficialFigure.Geography.DEPARTEMENT
        if territory.level == Territory.Level.DEPARTEMENT
        else OfficialFigure.Geography.COMMUNE
    )
    own = {f.year: f for f in figures.filter(geography=own_geography, code=territory.insee_code)}
    departemental = figures.filter(geography=OfficialFigure.Geography.DEPARTEMENT)
    of_departement = {f.year: f for f in departemental.filter(code=departement)} if departement else {}
    france = _france(departemental)
    years = sorted(set(own) | set(of_departement) | set(france))
    rows = [
        OfficialYear(
            year,
            _rate(own.get(year)),
            _rate(of_departement.get(year)),
            france.get(year, OfficialRate("missing")),
        )
        for year in years
    ]
    return OfficialComparison(indicator, unit, territory.name, departement, rows)


def _rate(figure: OfficialFigure | None) -> OfficialRate:
    if figure is None:
        return OfficialRate("missing")
    if not figure.published:
        return OfficialRate("withheld")
    if figure.rate_per_thousand is None:
        return OfficialRate("no_population", count=figure.count)
    return OfficialRate("published", figure.rate_per_thousand, figure.count)


def _france(departemental: QuerySet[OfficialFigure]) -> dict[int, OfficialRate]:
    """France per year from complete départemental years only (see the module's docstring)."""
    rows = departemental.values("year").annotate(
        departements=Count("pk"),
        withheld=Count("pk", filter=Q(published=False) | Q(population__isnull=True)),
        count=Sum("count"),
        population=Sum("population"),
    )
    out = {}
    for row in rows:
        if row["departements"] >= METROPOLITAN_DEPARTEMENTS and not row["withheld"] and row["population"]:
            rate = Decimal(row["count"]) * 1000 / Decimal(row["population"])
            out[row["year"]] = OfficialRate("published", rate, row["count"])
    return out


def format_rate(rate: OfficialRate) -> str:
    """« 13,5 » (always one decimal, as the SSMSI publishes), « non diffusé », « sans population » or « — » (no
    figure imported)."""
    if rate.status == "published":
        return formats.number_format(
            rate.value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
            decimal_pos=1,
            use_l10n=True,
            force_grouping=True,
        )
    if rate.status == "withheld":
        return _("withheld")
    if rate.status == "no_population":
        return _("no population")
    return "—"


def official_sentence(comparison: OfficialComparison, year: int | None = None) -> str | None:
    """« En 2024, 13,5 personnes mises en cause pour usage de stupéfiants pour 1 000 habitants à Paris, contre 9,1
    dans le département et 3,2 en France. » for the given (or latest) year with a figure of the territory."""
    rows = {row.year: row for row in comparison.years if row.territory.status != "missing"}
    if not rows:
        return None
    row = rows[year] if year in rows else rows[max(rows)] if year is None else None
    if row is None:
        return None
    phrase = INDICATOR_PHRASES.get(
        (comparison.indicator, comparison.unit), f"{comparison.unit.lower()} ({comparison.indicator})"
    )
    if row.territory.status == "withheld":
        return _("In {year}, the number of {what} in {place} is not published by the SSMSI.").format(
            year=row.year, what=phrase, place=comparison.territory_name
        )
    if row.territory.status == "no_population":
        return _("In {year}, {place} has no population for a rate of {what}.").format(
            year=row.year, what=phrase, place=comparison.territory_name
        )
    others = []
    if row.departement.status != "missing" and comparison.departement_code:
        others.append(_("{value} in the département").format(value=format_rate(row.departement)))
    if row.france.status == "published":
        others.append(_("{value} in France").format(value=format_rate(row.france)))
    sentence = _("In {year}, {value} {what} per 1,000 inhabitants in {place}").format(
        year=row.year, value=format_rate(row.territory), what=phrase, place=comparison.territory_name
    )
    if others:
        sentence += _(", against {others}").format(others=_(" and ").join(others))
    return sentence + "."

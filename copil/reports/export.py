"""Every figure of a bilan as CSV, for the partners' spreadsheets.

One row per figure: an indicator's value, each value of its breakdown (named by its French label), and the other
measures the engine computed (value at the start of the period, change, daily minimum / maximum / mean, rate per 10,000
inhabitants, target and attainment). UTF-8 with a byte order mark and `;` between fields, the way French
Excel opens a CSV without asking; decimal commas, no thousands separator. A published bilan's CSV hides small
person counts as its prose does (`disclosure`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from copil.access.spreadsheets import neutralised_csv_row
from copil.indicators.catalogue import IndicatorDefinition
from copil.indicators.engine import IndicatorResult
from copil.plans.models import Axis

from . import disclosure
from .bilan import Bilan

DELIMITER = ";"
BOM = "\ufeff"


def columns() -> list[str]:
    """The header row, in French."""
    return [
        _("indicator code"),
        _("indicator label"),
        _("axis"),
        _("first day"),
        _("last day"),
        _("measure"),
        _("breakdown key"),
        _("value"),
        _("unit"),
        _("baseline value"),
        _("baseline label"),
        _("number of records"),
        _("source partners"),
    ]


def bilan_rows(bilan: Bilan) -> Iterator[list[str]]:
    """The rows of `bilan_csv`, header first, as text."""
    with translation.override("fr"):
        yield columns()
        axis_titles = {code: str(label) for code, label in Axis.Code.choices}
        axis_titles |= {axis.code: axis.title for axis in bilan.plan.axes.all()}
        definitions = [result.definition for result in bilan.results.values()]
        for result in bilan.results.values():
            yield from _indicator_rows(bilan, result, axis_titles, definitions)


def bilan_csv(bilan: Bilan) -> bytes:
    """The CSV file of every figure of the bilan."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerows(neutralised_csv_row(row) for row in bilan_rows(bilan))
    return (BOM + buffer.getvalue()).encode("utf-8")


def _indicator_rows(
    bilan: Bilan, result: IndicatorResult, axis_titles: dict[str, str], definitions: list[IndicatorDefinition]
) -> Iterator[list[str]]:
    definition = result.definition
    hidden = _Hider(bilan, result, definitions)
    period = result.period
    common = [definition.code, definition.label, axis_titles.get(definition.axis, definition.axis)]
    dates = [period.start.isoformat(), period.end.isoformat()]
    records = _text(hidden.figure.record_count)
    sources = ", ".join(f"{name} ({_text(count)})" for name, count in hidden.figure.sources)
    unit = _unit(definition.unit)

    def row(measure: str, value, *, breakdown: str = "", unit: str = unit, baseline: bool = False) -> list[str]:
        baseline_value = baseline_label = ""
        if baseline and result.baseline_value is not None:
            baseline_value = hidden.value(result.baseline_value)
            baseline_label = result.baseline_label or ""
        return [*common, *dates, measure, breakdown, value, unit, baseline_value, baseline_label, records, sources]

    if definition.aggregation == "daily":
        if result.days:
            yield row(_("minimum"), hidden.value(result.minimum))
            yield row(_("maximum"), hidden.value(result.maximum))
            yield row(_("mean"), hidden.value(result.mean), baseline=True)
        if definition.step == "month":
            yield row(_("months with readings"), _number(result.days or 0), unit=_("months"))
        else:
            yield row(_("days with readings"), _number(result.days or 0), unit=_("days"))
    else:
        yield row(_("value"), hidden.headline(), baseline=True)
        for key, value in hidden.breakdown().items():
            yield row(_("value"), value, breakdown=definition.breakdown_label(key))
        if definition.aggregation in {"stock", "reading"}:
            if result.start_value is not None:
                yield row(_("value at the start"), hidden.value(result.start_value))
            if result.change is not None:
                yield row(_("change"), hidden.derived(result.change))
        if result.per_10000 is not None:
            yield row(_("per 10,000 inhabitants"), hidden.derived(result.per_10000), unit=_("rate"))
    if result.target is not None:
        yield row(_("target"), _number(result.target))
        if result.attainment is not None:
            yield row(_("attainment"), hidden.derived(result.attainment), unit=_("ratio"))


class _Hider:
    """Prints one indicator's figures, hiding what a published bilan must not show ("< 5", or "s" for a figure
    withheld because it would reveal a small one)."""

    def __init__(self, bilan: Bilan, result: IndicatorResult, definitions: list[IndicatorDefinition]) -> None:
        definition = result.definition
        self.definition = definition
        self.active = definition.code in bilan.suppressed
        self.figure = disclosure.published_figure(result, bilan.results, bilan.suppressed)
        self.cells: dict[str, object] = dict(self.figure.breakdown)
        self.total: object = self.figure.value
        self.headline_hidden = self.figure.withheld

    def headline(self) -> str:
        return _text(self.total)

    def value(self, value) -> str:
        if self.active and disclosure.suppress(self.definition, value):
            return str(disclosure.Suppressed(disclosure.threshold(self.definition)))
        return _text(value)

    def derived(self, value) -> str:
        """A measure computed from the headline (a rate, a change): hidden with it."""
        return self.headline() if self.headline_hidden else self.value(value)

    def breakdown(self) -> dict[str, str]:
        """The breakdown as published; all of it withheld when the headline is (the cells would add up to it)."""
        if self.headline_hidden:
            secondary = str(disclosure.Suppressed(disclosure.threshold(self.definition), primary=False))
            return {
                key: _text(v) if isinstance(v, disclosure.Suppressed) else secondary for key, v in self.cells.items()
            }
        return {key: _text(value) for key, value in self.cells.items()}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, disclosure.Suppressed):
        return str(value)
    return _number(value)


def _number(value) -> str:
    """`35000.000` → `35000`, `5.5` → `5,5`: exact, decimal comma, no grouping."""
    if isinstance(value, bool):
        return "1" if value else "0"
    number = Decimal(str(value))
    text = format(number.normalize(), "f") if number == number.to_integral_value() else format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _unit(unit: str) -> str:
    return {
        "count": _("number"),
        "g": "g",
        "people": _("people"),
        "staff": _("staff"),
        "places": _("places"),
        "cameras": _("cameras"),
        "eur": "€",
        "months": _("months"),
    }.get(unit, unit)

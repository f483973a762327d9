"""Frozen bilan figures: every indicator of a bilan version as the disclosure routine showed it when the version
was prepared, kept as JSON so that the version reads the same whatever records are entered later.

`freeze_figures` takes them from the indicator engine; `figure_lines` and `render_frozen_figures` write them
in French from the JSON alone; `figure_changes` says what moved from one version to the next.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from copil.indicators.engine import IndicatorResult

from . import disclosure
from .bilan import Bilan
from .formatting import format_mass, format_number

FROZEN_FORMAT = 1  # bumped if the JSON layout changes, so old versions keep their own reading


def _frozen(value: Any) -> Any:
    """A figure as JSON: numbers stay numbers (decimals as text, exact), suppressed figures say so."""
    if isinstance(value, disclosure.Suppressed):
        return {"suppressed": value.threshold, "primary": value.primary}
    if isinstance(value, Decimal):
        return str(value)
    return value


def freeze_figures(bilan: Bilan) -> dict[str, Any]:
    """The JSON of every indicator result of the bilan, with its sources and suppression, in catalogue order."""
    indicators: dict[str, Any] = {}
    for code, result in bilan.results.items():
        figure = disclosure.published_figure(result, bilan.results, bilan.suppressed)
        indicators[code] = _frozen_result(result, figure)
    return {
        "format": FROZEN_FORMAT,
        "title": bilan.title,
        "period": [bilan.period.start.isoformat(), bilan.period.end.isoformat()],
        "suppressed": sorted(bilan.suppressed),
        "indicators": indicators,
    }


def _frozen_result(result: IndicatorResult, figure: disclosure.PublishedFigure) -> dict[str, Any]:
    return {
        "label": str(result.definition.label),
        "unit": result.definition.unit or "",
        "value": _frozen(figure.value),
        "records": _frozen(figure.record_count),
        "sources": [[name, _frozen(count)] for name, count in figure.sources],
        "breakdown": {key: _frozen(value) for key, value in figure.breakdown.items()},
    }


def figure_text(frozen: dict[str, Any]) -> str:
    """One frozen figure in French: `5,1 kg`, `34`, `< 5`, or « secret » when withheld beside a small count."""
    value = frozen["value"]
    if value is None:
        return _("no record")
    if isinstance(value, dict):
        return f"<\u00a0{format_number(value['suppressed'])}" if value["primary"] else _("withheld")
    number = Decimal(value) if isinstance(value, str) else value
    if frozen["unit"] == "g":
        return format_mass(number)
    return format_number(number)


def figure_lines(figures: dict[str, Any]) -> list[tuple[str, str]]:
    """Each indicator of the frozen figures as `(code, « label : figure »)`, in the frozen order."""
    return [
        (code, _("{label}: {figure}").format(label=frozen["label"], figure=figure_text(frozen)))
        for code, frozen in figures.get("indicators", {}).items()
    ]


def render_frozen_figures(figures: dict[str, Any]) -> str:
    """The table of a version's frozen figures as HTML, written from the JSON alone (never from the records)."""
    with translation.override("fr"):
        rows = [
            {
                "label": frozen["label"],
                "figure": figure_text(frozen),
                "sources": _("; ").join(f"{name} ({count_text(count)})" for name, count in frozen["sources"]),
            }
            for frozen in figures.get("indicators", {}).values()
        ]
        return render_to_string("reports/frozen_figures.html", {"rows": rows, "title": figures.get("title", "")})


def count_text(count: Any) -> str:
    if isinstance(count, dict):
        return f"<\u00a0{format_number(count['suppressed'])}" if count["primary"] else _("withheld")
    return format_number(count)


def figure_changes(previous: dict[str, Any], current: dict[str, Any], previous_number: int) -> list[str]:
    """What moved between two versions' figures, in French: « Cannabis saisi : 35 kg (version 1 : 34,2 kg) »."""
    with translation.override("fr"):
        before = previous.get("indicators", {})
        changes = []
        for code, frozen in current.get("indicators", {}).items():
            old = before.get(code)
            if old is None or old["value"] == frozen["value"]:
                continue
            changes.append(
                _("{label}: {figure} (version {number}: {previous})").format(
                    label=frozen["label"], figure=figure_text(frozen), number=previous_number, previous=figure_text(old)
                )
            )
        return changes


def moved_since(frozen: dict[str, Any], live: Bilan, number: int) -> list[str]:
    """The live figures that differ from a frozen version's, in French (the internal bilan page)."""
    return figure_changes(frozen, freeze_figures(live), number)

"""Plans side by side: the same indicators per 10,000 inhabitants (`IndicatorResult.per_10000`), for the plans
the user may see (`policy.visible_plans`), each figure as `policy.aggregate_rule` lets the user read it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from copil.access import policy
from copil.access.actors import Actor
from copil.access.disclosure import published_value
from copil.indicators.catalogue import AXES, get_catalogue
from copil.plans.models import Plan
from copil.reports.formatting import format_number

from .dashboard import _format, dashboard_figures
from .periods import PRESETS, PeriodChoice, choose_period, picker_context


@dataclass
class Column:
    plan: Plan
    choice: PeriodChoice
    population: int | None

    @property
    def population_shown(self) -> str:
        """The plan's own territory population with its thousands spaces (« 25 848 »)."""
        return format_number(self.population) if self.population else ""


@dataclass
class Row:
    code: str
    label: str
    axis: str
    cells: list[dict[str, str]] = field(default_factory=list)


def comparable_codes() -> list[str]:
    """Indicators with a figure to divide by the population (every one but the daily series)."""
    catalogue = get_catalogue()
    return [
        code
        for axis in AXES
        for code, definition in catalogue.items()
        if definition.axis == axis and definition.aggregation != "daily"
    ]


def _selected_slugs(params: Mapping[str, Any]) -> list[str]:
    getlist = getattr(params, "getlist", None)
    values = getlist("plans") if getlist else params.get("plans", [])
    if isinstance(values, str):
        values = [values]
    slugs: list[str] = []
    for value in values:
        for slug in str(value).split(","):
            if slug.strip() and slug.strip() not in slugs:
                slugs.append(slug.strip())
    return slugs


def comparison(user: Actor, params: Mapping[str, Any]) -> dict[str, Any]:
    """The comparison page's context: the plans to choose from, the chosen ones and the table."""
    available = list(policy.visible_plans(user).select_related("territory").order_by("name"))
    slugs = _selected_slugs(params)
    if not slugs:
        slugs = [plan.slug for plan in available]
    chosen = [plan for plan in available if plan.slug in slugs]
    context: dict[str, Any] = {
        "available": available,
        "chosen_slugs": {plan.slug for plan in chosen},
        "columns": [],
        "rows": [],
        "error": "",
        "picker": picker_context(None, params),
        "presets": PRESETS,
    }
    if len(chosen) < 2:
        context["error"] = (
            _("Choose at least two plans to compare.") if len(available) >= 2 else _("You can see only one plan.")
        )
        return context
    columns = []
    try:
        for plan in chosen:
            columns.append(Column(plan, choose_period(params, plan), plan.territory.population))
    except ValueError as error:
        context.update(error=str(error), period_error=True)
        return context
    context["picker"] = picker_context(columns[0].choice, params)
    catalogue = get_catalogue()
    figures = {column.plan.pk: dashboard_figures(column.plan, column.choice.period).results for column in columns}
    rows = []
    for code in comparable_codes():
        definition = catalogue[code]
        row = Row(code, str(definition.label).capitalize(), definition.axis)
        for column in columns:
            rule = policy.aggregate_rule(user, definition, plan=column.plan)
            result = figures[column.plan.pk].get(code)
            row.cells.append(_cell(definition, rule, result))
        if any(cell["value"] not in {"—", ""} for cell in row.cells):
            rows.append(row)
    context.update({"columns": columns, "rows": rows})
    return context


def _cell(definition: Any, rule: policy.AggregateRule, result: Any) -> dict[str, str]:
    """The rate and the value of one plan, « non renseigné » when no record backs them (not a true zero)."""
    if result is None or not rule.visible:
        return {"rate": "—", "value": "—"}
    value = result.value
    if value is None or not result.record_count:
        return {"rate": _("not provided"), "value": ""}
    if rule.suppress and policy.is_sensitive(definition):
        shown = published_value(int(value), rule.threshold)
        if isinstance(shown, str):
            return {"rate": _("not published"), "value": shown.replace(" ", "\u00a0")}
    if result.per_10000 is None:
        rate = "—"
    else:
        rate = _("{rate} per 10,000 inhabitants").format(rate=format_number(result.per_10000, max_decimals=2))
    return {"rate": rate, "value": _format(definition, value)}

"""The plan dashboard: key figures per axis with their evolution, and the charts of the main series.

`dashboard_figures` computes (and caches, per plan, period and data version) the raw indicator results —
they do not depend on who asks. `dashboard` then applies what the user may see (`policy.aggregate_rule`:
hidden, suppressed as "< 5", exact) and which records they may open (`policy.can`), with no further query
beyond the user's memberships.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from analytics.comparison import compare_counts, percent_is_shown
from copil.access import policy
from copil.access.actors import Actor
from copil.access.disclosure import published_value
from copil.formats import FORMATS, ColumnType
from copil.indicators.catalogue import AXES, YEAR, IndicatorDefinition, get_catalogue
from copil.indicators.engine import IndicatorResult, compute_many, flow_totals
from copil.indicators.periods import Period
from copil.plans.models import Axis, Plan
from copil.records import listing
from copil.records.models import RECORD_KINDS
from copil.reports import charts as report_charts
from copil.reports.comparisons import COUNT_AGGREGATIONS, first_recorded, late_partners
from copil.reports.disclosure import published_figure
from copil.reports.formatting import format_mass, format_money, format_number, join_words

from .caching import cached, data_version, visibility_key

CHART_FUNCTIONS = (
    report_charts.seizures_chart,
    report_charts.arrests_chart,
    report_charts.shelter_chart,
    report_charts.deployment_chart,
)
RECORDS_PATH = "/enregistrements/{kind}/"


@dataclass(frozen=True)
class Figures:
    """The raw, role-independent computations of a dashboard: results, previous-period headlines, charts."""

    results: dict[str, IndicatorResult]
    previous: dict[str, Any]
    charts: list[report_charts.Chart]
    late_partners: dict[str, tuple[str, ...]] = field(default_factory=dict)
    previous_records: dict[str, int] = field(default_factory=dict)
    """The records behind each sum of the previous period: a percentage needs at least 10 of them."""


@dataclass
class Card:
    code: str
    label: str
    value: str
    detail: str = ""
    breakdown: list[tuple[str, str]] = field(default_factory=list)
    evolution: str = ""
    trend: str = ""  # "up", "down", "flat" or "": a move only when the comparison's verdict says so
    news: str = ""  # "good", "bad" or "": the trend read with the indicator's good_news direction
    baseline: str = ""
    target: str = ""
    records_url: str | None = None
    record_count: int | None = None
    suppressed: bool = False


@dataclass
class AxisSection:
    code: str
    title: str
    cards: list[Card]


def records_url(kind: str, plan: Plan, period: Period | None = None, filters: dict[str, Any] | None = None) -> str:
    """The record list page (copil.records) filtered on the plan, the period and field values."""
    query: dict[str, Any] = {"plan": plan.slug}
    if period is not None:
        query["du"], query["au"] = period.start.isoformat(), period.end.isoformat()
    for name, value in (filters or {}).items():
        query[name] = ("true" if value else "false") if isinstance(value, bool) else value
    return RECORDS_PATH.format(kind=kind) + "?" + urlencode(query)


def dashboard_codes() -> list[str]:
    """Every indicator of the catalogue, axis by axis."""
    catalogue = get_catalogue()
    return [code for axis in AXES for code, definition in catalogue.items() if definition.axis == axis]


def _previous_headline(definition: IndicatorDefinition, result: IndicatorResult) -> Any:
    """The figure of the previous period when the engine already read it (else: computed separately)."""
    if definition.aggregation in {"stock", "reading"}:
        return result.start_value
    if definition.baseline == "previous_period":
        return result.baseline_value
    return _MISSING


_MISSING = object()


def compute_figures(plan: Plan, period: Period, *, today: dt.date | None = None) -> Figures:
    """Every dashboard indicator over the period, the previous period's headlines, the main charts."""
    today = today or timezone.localdate()
    codes = dashboard_codes()
    results = compute_many(codes, period, plan=plan, today=today)
    previous: dict[str, Any] = {}
    missing = []
    for code, result in results.items():
        value = _previous_headline(result.definition, result)
        if value is _MISSING:
            missing.append(code)
        else:
            previous[code] = value
    if missing:
        for code, result in compute_many(missing, period.previous(), plan=plan, today=today).items():
            previous[code] = result.headline
    drawn = [chart for draw in CHART_FUNCTIONS if (chart := draw(plan, period, results, today)) is not None]
    first = first_recorded(plan)
    earlier = period.previous()
    # A stock's earlier figure is its state on the eve of the period (the previous period's end): a partner who had
    # recorded nothing by then makes it as little comparable as a flow's.
    late = {code: names for code, result in results.items() if (names := late_partners(result, earlier, first))}
    sums = [code for code, result in results.items() if result.definition.aggregation == "sum"]
    previous_records = {code: records for code, (_value, records) in flow_totals(sums, earlier, plan=plan).items()}
    return Figures(results, previous, drawn, late, previous_records)


def dashboard_figures(plan: Plan, period: Period, *, version: str | None = None) -> Figures:
    """The figures of the plan over the period, cached per data version (read here unless given)."""
    today = timezone.localdate()
    return cached(
        ("dashboard", plan.pk, period.start, period.end, today, version or data_version(plan)),
        lambda: compute_figures(plan, period, today=today),
    )


# --- what the user sees -----------------------------------------------------------------------------------------


def _format(definition: IndicatorDefinition, value: Any) -> str:
    if value is None:
        return "—"
    if definition.unit == "g":
        return format_mass(value)
    if definition.unit == "eur":  # « 24,1 M€ », « 850 000 € » as the communiqués print money
        return format_money(value)
    return format_number(value, max_decimals=1)


def _shown(definition: IndicatorDefinition, value: Any, suppress: bool, threshold: int) -> tuple[str, bool]:
    """The value as the user may read it, and whether it is withheld ("< 5")."""
    if value is None:
        return "—", False
    if definition.aggregation == "mean":  # withheld for the few persons behind it (`published_figure`), not its value
        return _format(definition, value), False
    if suppress and policy.is_sensitive(definition):
        published = published_value(int(value), threshold)
        if isinstance(published, str):
            return published.replace(" ", "\u00a0"), True
    return _format(definition, value), False


def _evolution(
    definition: IndicatorDefinition,
    current: Any,
    previous: Any,
    days: int,
    late: tuple[str, ...] = (),
    previous_records: int | None = None,
) -> tuple[str, str]:
    """The change against the previous period and its trend. Counts move (« up », « down ») only when the exact
    test says so, else « flat »; sums and daily means state their change without a trend; stocks and readings
    are states, not samples: their trend is their direction. No percentage when the earlier count is under 10
    (for a sum: the records behind it, `previous_records`, so 100 g in one seizure never makes « +9 700 % »), and
    no comparison at all when a partner started recording after the previous period."""
    if current is None or previous is None:
        return "", ""
    if late:
        return _("not comparable with the previous period: {partners} started recording later").format(
            partners=join_words(list(late))
        ), ""
    change = Decimal(current) - Decimal(previous)
    sign = "+" if change > 0 else "−" if change < 0 else "±"
    amount = (
        format_mass(abs(change))
        if definition.unit == "g"
        else format_money(abs(change))
        if definition.unit == "eur"
        else format_number(abs(change), max_decimals=1)
    )
    text = f"{sign}{amount}"
    trend = ""
    if definition.aggregation in COUNT_AGGREGATIONS:
        trend = {"hausse": "up", "baisse": "down"}.get(
            compare_counts(int(previous), int(current), earlier_exposure=days, later_exposure=days).verdict, "flat"
        )
    elif definition.aggregation in {"stock", "reading"}:
        trend = "up" if change > 0 else "down" if change < 0 else "flat"
    base = previous_records if definition.aggregation == "sum" else int(previous)
    if Decimal(previous) != 0 and base is not None and percent_is_shown(base) and definition.aggregation != "daily":
        percent = change * 100 / Decimal(previous)
        text += f" ({'+' if percent > 0 else '−' if percent < 0 else '±'}{format_number(abs(percent), 0)}\u00a0%)"
    return _("{change} against the previous period ({previous})").format(
        change=text, previous=_format(definition, previous)
    ), trend


def _news(definition: IndicatorDefinition, trend: str) -> str:
    """« good » or « bad » news for the plan (fewer active deal points is good news), « » when neither."""
    good = definition.is_good_news(trend)
    return "" if good is None else "good" if good else "bad"


def _choice_label(definition: IndicatorDefinition, key: str, part: str) -> str:
    if key == YEAR:
        return part
    try:
        field_ = definition.model._meta.get_field(key)
    except Exception:  # noqa: BLE001 - an unknown key is shown as stored
        return part
    if isinstance(field_, models.BooleanField):
        return _("yes") if part == "true" else _("no")
    labels = {str(value): str(label) for value, label in (getattr(field_, "flatchoices", None) or [])}
    return labels.get(part, part)


def _breakdown(definition: IndicatorDefinition, result: IndicatorResult) -> list[tuple[str, str]]:
    keys = list(definition.disaggregate)
    if len(keys) != 1 or not result.breakdown:
        return []
    return [
        (_choice_label(definition, keys[0], key).capitalize(), _format(definition, value))
        for key, value in result.breakdown.items()
    ]


def _filters_for_link(definition: IndicatorDefinition) -> dict[str, Any]:
    """The indicator's filter as the record list reads it: its choice columns, named as in the import format
    (`?type=shelter_occupied`); filters the list cannot apply (booleans) are left out."""
    fmt = FORMATS.get(definition.source)
    if fmt is None:
        return {}
    columns = {column.field: column for column in fmt.columns if column.type == ColumnType.CHOICE}
    return {columns[name].name: value for name, value in definition.filter if name in columns}


def make_card(
    user: Actor,
    plan: Plan,
    period: Period,
    result: IndicatorResult,
    previous: Any,
    results: Mapping[str, IndicatorResult] | None = None,
    counts: dict[tuple, int] | None = None,
    late: tuple[str, ...] = (),
    previous_records: int | None = None,
    count_records: bool = True,
) -> Card | None:
    """The card of one figure as the user may read it; `results` (the figures shown beside it) let a part be
    judged against its total (`copil.reports.disclosure.published_figure`); `counts`: the link counts already made
    for this page, by kind, period and filters, so that indicators of one kind share one count; `late` names the
    partners who started recording after the previous period (the change is then not comparable);
    `previous_records`: the records behind a sum's previous figure; `count_records`: whether the link states how
    many records it opens (one query per kind)."""
    definition = result.definition
    rule = policy.aggregate_rule(user, definition, plan=plan)
    if not rule.visible:
        return None
    suppress = rule.suppress and policy.is_sensitive(definition)
    card = Card(code=definition.code, label=str(definition.label).capitalize(), value="—")
    if definition.aggregation == "daily":
        card.value, card.suppressed = _shown(definition, result.mean, suppress, rule.threshold)

        def extreme(value: Any) -> str:  # a month's small active file is "< 5" like any small count of persons
            shown, hidden = _shown(definition, value, suppress, rule.threshold)
            return shown if hidden else format_number(value)

        if result.days and result.minimum is not None and result.maximum is not None:
            detail = (
                _("monthly mean over {days} months; between {minimum} and {maximum} a month")
                if definition.step == "month"
                else _("daily mean over {days} days; between {minimum} and {maximum} a day")
            )
            card.detail = detail.format(
                days=format_number(result.days),
                minimum=extreme(result.minimum),
                maximum=extreme(result.maximum),
            )
        else:
            card.detail = _("no reading over the period")
    else:
        card.value, card.suppressed = _shown(definition, result.value, suppress, rule.threshold)
        if suppress and not card.suppressed:
            figure = published_figure(result, results or {definition.code: result}, {definition.code})
            if figure.withheld:
                card.value, card.suppressed = str(figure.value).replace(" ", "\u00a0"), True
        if definition.aggregation in {"stock", "reading"} and result.as_of:
            card.detail = _("on {date}").format(date=result.as_of.strftime("%d/%m/%Y"))
    if not suppress:
        card.breakdown = _breakdown(definition, result)
    previous_shown, previous_withheld = _shown(definition, previous, suppress, rule.threshold)
    # a mean under suppression states no change: the earlier mean may rest on fewer persons than the threshold
    if not card.suppressed and not previous_withheld and not (suppress and definition.aggregation == "mean"):
        card.evolution, card.trend = _evolution(
            definition, result.headline, previous, period.days, late, previous_records
        )
        card.news = _news(definition, card.trend)
    if definition.baseline == "before_plan" and result.baseline_value is not None:
        baseline_shown, baseline_withheld = _shown(definition, result.baseline_value, suppress, rule.threshold)
        card.baseline = _("{value} before the plan").format(value=baseline_shown)
    if result.target is not None and not card.suppressed:
        card.target = _("target {target}").format(target=_format(definition, result.target))
        if result.attainment is not None:
            card.target += " — " + _("{percent} % attained").format(percent=format_number(result.attainment * 100, 0))
    if policy.can(user, "read", definition.source, plan=plan):
        link_period = period if definition.is_flow or definition.aggregation == "daily" else None
        filters = _filters_for_link(definition)
        card.records_url = records_url(definition.source, plan, link_period, filters)
        if not suppress and count_records:
            key = (definition.source, link_period, tuple(sorted(filters.items())))
            counts = {} if counts is None else counts
            if key not in counts:
                counts[key] = openable_count(user, definition.source, plan, link_period, filters)
            card.record_count = counts[key]
    return card


def openable_count(user: Actor, kind: str, plan: Plan, period: Period | None, filters: dict[str, Any]) -> int:
    """How many records the link of a card opens for this reader: the list's own query (what the reader may read
    of the plan, on the period and filters of the link), not the indicator's count over every partner."""
    narrowed = listing.RecordFilters(
        plan=plan.slug,
        start=period.start if period is not None else None,
        end=period.end if period is not None else None,
        choices={name: value for name, value in filters.items() if isinstance(value, str)},
    )
    return listing.filtered(listing.visible(user, kind), kind, narrowed).count()


def dashboard(user: Actor, plan: Plan, period: Period, *, version: str | None = None) -> dict[str, Any]:
    """Everything the dashboard page shows to this user."""
    figures = dashboard_figures(plan, period, version=version)
    titles = {axis.code: axis.title for axis in plan.axes.all()}
    sections = []
    counts: dict[tuple, int] = {}
    for axis in AXES:
        cards = [
            card
            for code, result in figures.results.items()
            if result.definition.axis == axis
            and (
                card := make_card(
                    user,
                    plan,
                    period,
                    result,
                    figures.previous.get(code),
                    figures.results,
                    counts,
                    late=figures.late_partners.get(code, ()),
                    previous_records=figures.previous_records.get(code),
                )
            )
            is not None
        ]
        if cards:
            sections.append(AxisSection(axis, titles.get(axis) or str(Axis.Code(axis).label).capitalize(), cards))
    return {"sections": sections, "charts": figures.charts, "budget": budget_table(user, plan, figures.results)}


@dataclass
class BudgetRow:
    """One line of the plan's budget table: an axis (or the total), its money to date as the dashboard prints it."""

    axis: str
    planned: str
    committed: str
    spent: str  # "" when the plan records no money spent at all (the column is left out)
    ratio: str  # committed over planned, « 268 % », or « — » with nothing planned


BUDGET_CODES = ("budget_planned", "budget_committed", "budget_spent")


def budget_table(user: Actor, plan: Plan, results: Mapping[str, IndicatorResult]) -> list[BudgetRow]:
    """The plan's budget against plan per axis (issue 14, family 8): planned, committed and spent to the period's
    end, from the catalogue's budget indicators broken down by axis, then their total; none when no budget line
    is recorded or the reader may not see these figures."""
    found = [results[code] for code in BUDGET_CODES if code in results]
    if len(found) != len(BUDGET_CODES) or any(result.value is None for result in found):
        return []
    if not all(policy.aggregate_rule(user, result.definition, plan=plan).visible for result in found):
        return []
    titles = {axis.code: axis.title for axis in plan.axes.all()}
    keys = [axis for axis in AXES if any(axis in result.breakdown for result in found)]
    any_spent = bool(found[2].value)

    def row(label: str, amounts: list[Any]) -> BudgetRow:
        planned, committed, spent = (Decimal(amount or 0) for amount in amounts)
        ratio = format_number(committed * 100 / planned, 0) + "\u00a0%" if planned else "—"
        shown_spent = format_money(spent) if any_spent else ""
        return BudgetRow(label, format_money(planned), format_money(committed), shown_spent, ratio)

    rows = [
        row(capfirst(titles.get(key) or str(Axis.Code(key).label)), [r.breakdown.get(key) for r in found])
        for key in keys
    ]
    unassigned = [Decimal(r.value or 0) - sum((Decimal(v) for v in r.breakdown.values()), Decimal(0)) for r in found]
    if any(unassigned):  # lines without an axis
        rows.append(row(_("No axis"), unassigned))
    rows.append(row(_("Total"), [r.value for r in found]))
    return rows


def user_signature(user: Actor, plan: Plan) -> str:
    """What decides the dashboard a user sees, beyond the data: the aggregate rule of every indicator and the
    record kinds whose lines the user may read (links). Users with the same signature see the same page."""
    catalogue = get_catalogue()
    readable = "".join("r" if policy.can(user, "read", kind, plan=plan) else "-" for kind in RECORD_KINDS)
    # The links' counts are what the reader may open, which may be their own partners' records only.
    partners = ",".join(str(seat.partner_id) for seat in policy.seats(user) if seat.plan_id == plan.pk)
    return visibility_key(user, plan, (catalogue[code] for code in dashboard_codes())) + f":{readable}:{partners}"


def dashboard_html(
    user: Actor, plan: Plan, period: Period, *, version: str | None = None, signature: str | None = None
) -> str:
    """The dashboard's figures and charts as HTML, cached per plan, period, data version and user signature (each
    read here unless given): a repeated view costs one query (the data version) and no computation."""
    version = version or data_version(plan)
    today = timezone.localdate()
    signature = signature or user_signature(user, plan)
    return cached(
        ("dashboard-html", plan.pk, period.start, period.end, today, version, signature),
        lambda: render_to_string("web/includes/dashboard_body.html", dashboard(user, plan, period, version=version)),
    )

"""Evaluation of a plan on its outcome indicators: the monthly series fed to the interrupted-time-series model.

The series of an indicator starts at the month of its first record (months before any partner recorded it are
unknown, not zero) and ends with the last full month before today (or the plan's end). The plan's first month is
the month holding its start date. Each month's days are its exposure. The estimate is `analytics.its`'s
segmented quasi-Poisson regression; the French reading and the caution are written here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from analytics.its import Inconclusive, SegmentedFit, segmented_regression
from copil.plans.models import Plan
from copil.reports.formatting import format_number

from .catalogue import IndicatorDefinition, get_catalogue, get_indicator
from .engine import _Reader, _scope, _today
from .periods import MONTHS_FR, ONE_DAY, Period
from .series import SeriesPoint, series

OUTCOME_INDICATORS = ("field_observations",)
"""Shown by default: what the plan is meant to change (field observations of consumption)."""


@dataclass(frozen=True)
class IndicatorEvaluation:
    definition: IndicatorDefinition
    points: list[SeriesPoint]
    start_index: int
    result: SegmentedFit | Inconclusive | None

    @property
    def reading(self) -> str:
        return evaluation_reading(self)


def evaluable_indicators() -> list[IndicatorDefinition]:
    """Counts only: the Poisson model needs counts of events (not sums, stocks or readings)."""
    return [d for d in get_catalogue().values() if d.aggregation == "count"]


def evaluate(plan: Plan, indicator: str | IndicatorDefinition, *, today: dt.date | None = None) -> IndicatorEvaluation:
    """The indicator's monthly series for the plan and the estimated change at the plan's start."""
    definition = indicator if isinstance(indicator, IndicatorDefinition) else get_indicator(indicator)
    reader = _Reader(definition)
    first = reader.base.filter(plan_id__in=_scope(plan, None).plan_ids).aggregate(first=Min(definition.date_field))[
        "first"
    ]
    end = _today(today).replace(day=1) - ONE_DAY
    if plan.ended_on:
        end = min(end, plan.ended_on)
    if first is None:
        return IndicatorEvaluation(definition, [], 0, None)
    first = timezone.localdate(first) if isinstance(first, dt.datetime) else first
    start = first.replace(day=1)
    if start > end:
        return IndicatorEvaluation(definition, [], 0, None)
    points = series(definition, Period(start, end), plan=plan, today=today)
    plan_month = plan.started_on.replace(day=1)
    start_index = sum(1 for point in points if point.period.start < plan_month)
    counts = [int(point.value or 0) for point in points]
    months = [point.period.start.month for point in points]
    exposure = [point.period.days for point in points]
    result = segmented_regression(counts, months, start_index, exposure=exposure)
    return IndicatorEvaluation(definition, points, start_index, result)


def _percent(value: float) -> str:
    return format_number(abs(value) * 100, max_decimals=0)


def evaluation_reading(evaluation: IndicatorEvaluation) -> str:
    """The plain French reading of the estimate, or why there is none."""
    result, label = evaluation.result, evaluation.definition.label
    if result is None:
        return _("No {label} recorded yet: nothing to evaluate.").format(label=label)
    if isinstance(result, Inconclusive):
        if result.reason == "too_few_months_before":
            return ngettext(
                "No conclusion possible: the series has only {months} month before the plan's launch; at least "
                "{required} are needed to tell the trend and the seasons apart from the plan's effect.",
                "No conclusion possible: the series has only {months} months before the plan's launch; at least "
                "{required} are needed to tell the trend and the seasons apart from the plan's effect.",
                result.months_before,
            ).format(months=result.months_before, required=result.months_required)
        if result.reason == "no_month_after":
            return _("No conclusion possible: the plan has no full month of data yet.")
        return _("No conclusion possible: no {label} recorded before the plan's launch.").format(label=label)
    last = evaluation.points[-1].period.start
    when = f"{MONTHS_FR[last.month - 1]} {last.year}"
    months = result.horizon + 1
    if result.verdict == "stable":
        return ngettext(
            "In {when}, {months} month after the plan's launch, the number of {label} does not differ clearly from "
            "what the earlier trend led to expect (95 % CI: {low} to {high} %).",
            "In {when}, {months} months after the plan's launch, the number of {label} does not differ clearly "
            "from what the earlier trend led to expect (95 % CI: {low} to {high} %).",
            months,
        ).format(
            when=when,
            months=months,
            label=label,
            low=_signed(result.lower - 1),
            high=_signed(result.upper - 1),
        )
    if result.verdict == "baisse":
        text = ngettext(
            "In {when}, {months} month after the plan's launch, the number of {label} is {change} % lower "
            "(95 % CI: {low} to {high} %) than the earlier trend led to expect.",
            "In {when}, {months} months after the plan's launch, the number of {label} is {change} % lower "
            "(95 % CI: {low} to {high} %) than the earlier trend led to expect.",
            months,
        )
        low, high = 1 - result.upper, 1 - result.lower
    else:
        text = ngettext(
            "In {when}, {months} month after the plan's launch, the number of {label} is {change} % higher "
            "(95 % CI: {low} to {high} %) than the earlier trend led to expect.",
            "In {when}, {months} months after the plan's launch, the number of {label} is {change} % higher "
            "(95 % CI: {low} to {high} %) than the earlier trend led to expect.",
            months,
        )
        low, high = result.lower - 1, result.upper - 1
    return text.format(
        when=when,
        months=months,
        label=label,
        change=_percent(result.relative_change - 1),
        low=_percent(low),
        high=_percent(high),
    )


def _signed(value: float) -> str:
    return ("+" if value > 0 else "−" if value < 0 else "") + _percent(value)


def caution() -> str:
    """The sentence every evaluation carries."""
    return _(
        "An observational before/after comparison does not prove that the plan caused the change: other events of "
        "the same time may explain it."
    )

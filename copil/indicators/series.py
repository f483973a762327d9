"""Indicator series: one figure per month, ISO week or day of a period, for charts.

`series("seizure_mass", period, plan=plan)` cuts the period into calendar months (the first and last clipped to
the period) and gives each its figure, read exactly as `engine.compute` reads it over that slice: a flow's total
and breakdown, a stock or the latest readings at the slice's last day, a daily series' minimum / maximum / mean.
Each series costs one or two grouped queries, whatever the number of slices.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from django.db import models
from django.db.models import Count, F, Sum, Value
from django.db.models.functions import ExtractYear, Greatest, Trunc, TruncDate

from copil.plans.models import Plan, Territory

from .catalogue import YEAR, IndicatorDefinition, get_indicator
from .engine import BREAKDOWN_SEPARATOR, MEAN_PLACES, Number, _key, _Reader, _scope, _today, cached_per_kind
from .periods import ONE_DAY, Period, add_months

Step = Literal["month", "week", "day"]
STEPS: tuple[Step, ...] = ("month", "week", "day")


@dataclass(frozen=True)
class SeriesPoint:
    """The figure of one slice of the period.

    `value` and `breakdown` as in `IndicatorResult` (None when no reading exists yet, and always for a daily
    series, which fills `minimum`, `maximum`, `mean` and `days` — the days of the slice that have readings).
    """

    period: Period
    value: Number | None
    breakdown: dict[str, Number] = field(default_factory=dict)
    minimum: Number | None = None
    maximum: Number | None = None
    mean: Decimal | None = None
    days: int = 0

    @property
    def headline(self) -> Number | None:
        """`value`, or the daily mean for a daily series."""
        return self.mean if self.value is None and self.days else self.value


def slices(period: Period, step: Step = "month") -> list[Period]:
    """The period cut into calendar months, ISO weeks (Monday to Sunday) or days, the ends clipped to it."""
    if step not in STEPS:
        raise ValueError(f"pas inconnu « {step} » (attendu : {', '.join(STEPS)})")
    out = []
    start = period.start
    while start <= period.end:
        if step == "month":
            following = add_months(start.replace(day=1), 1)
        elif step == "week":
            following = start + dt.timedelta(days=7 - start.weekday())
        else:
            following = start + ONE_DAY
        end = min(following - ONE_DAY, period.end)
        out.append(Period(start, end))
        start = end + ONE_DAY
    return out


def series(
    indicator: str | IndicatorDefinition,
    period: Period,
    *,
    plan: Plan | None = None,
    territory: Territory | None = None,
    step: Step = "month",
    today: dt.date | None = None,
) -> list[SeriesPoint]:
    """The indicator over each slice of the period, for one plan or every plan at or below a territory.

    Stocks and readings are not known after `today` (default: the local date): slices starting after it are
    left out, and the slice holding it is read on that day.
    """
    definition = indicator if isinstance(indicator, IndicatorDefinition) else get_indicator(indicator)
    if plan is not None and territory is None:  # cached under the versions of its own kind (issue 16)
        return cached_per_kind(
            definition,
            period,
            plan,
            "series",
            lambda: _series(definition, period, plan, None, step, today),
            step,
            _today(today),
        )
    return _series(definition, period, plan, territory, step, today)


def _series(
    definition: IndicatorDefinition,
    period: Period,
    plan: Plan | None,
    territory: Territory | None,
    step: Step,
    today: dt.date | None,
) -> list[SeriesPoint]:
    parts = slices(period, step)
    scope = _scope(plan, territory)
    reader = _Reader(definition)
    records = reader.base.filter(plan_id__in=scope.plan_ids)
    if reader.rolled:
        cells = reader.cells_in([(scope.plan_ids, period)])
        if definition.is_flow:
            return _rolled_flow(reader, cells, parts)
        return _rolled_daily(reader, cells, parts)
    if definition.is_flow:
        return _flow(reader, records, period, parts, step)
    day = _today(today)
    if definition.aggregation in {"stock", "reading"}:
        known = [part for part in parts if part.start <= day]
        dates = [min(part.end, day) for part in known]
        values: list[Number | None]
        if definition.aggregation == "stock":
            values = list(_stock(reader, records, dates))
        elif definition.series:  # the latest record of each series among all, then the filter (`_Reader.reading`)
            every = reader.model._default_manager.filter(plan_id__in=scope.plan_ids)
            values = _readings(reader, every, dates, kept=set(records.values_list("pk", flat=True)))
        else:
            values = _readings(reader, records, dates)
        return [SeriesPoint(part, value) for part, value in zip(known, values, strict=True)]
    return _daily(reader, records, period, parts)


def _bucket_expression(reader: _Reader, step: Step) -> models.Expression:
    """The first day of the calendar slice a record falls in (a date-time is placed by its local date)."""
    return Trunc(reader.definition.date_field, step, output_field=models.DateField())


def _flow(
    reader: _Reader, records: models.QuerySet, period: Period, parts: list[Period], step: Step
) -> list[SeriesPoint]:
    records = records.filter(reader.in_period(period)).annotate(bucket=_bucket_expression(reader, step))
    starts = [part.start for part in parts]

    def slice_index(bucket: Any) -> int:
        # The calendar bucket of the first slice may start before the period; every other bucket is a slice start.
        return max(0, bisect.bisect_right(starts, _as_date(bucket)) - 1)

    values: dict[int, Number] = {}
    for row in records.order_by().values("bucket").annotate(**reader.aggregates()):
        values[slice_index(row["bucket"])] = reader.total(row)
    breakdowns: dict[int, dict[str, Number]] = defaultdict(dict)
    keys = list(reader.definition.disaggregate)
    if keys:
        if YEAR in keys:
            records = records.annotate(breakdown_year=ExtractYear(reader.definition.date_field))
        columns = ["breakdown_year" if key == YEAR else key for key in keys]
        ranked: dict[int, list[tuple[Any, str, Number]]] = defaultdict(list)
        for row in records.order_by().values("bucket", *columns).annotate(**reader.aggregates()):
            value = reader.total(row)
            if value:
                parts_of_key = [row[column] for column in columns]
                rank = tuple(reader._rank(key, part) for key, part in zip(keys, parts_of_key, strict=True))
                label = BREAKDOWN_SEPARATOR.join(_key(part) for part in parts_of_key)
                ranked[slice_index(row["bucket"])].append((rank, label, value))
        for index, entries in ranked.items():
            entries.sort(key=lambda entry: entry[0])
            breakdowns[index] = {label: value for _rank, label, value in entries}
    return [
        SeriesPoint(part, values.get(i, reader.number(None)), breakdowns.get(i, {})) for i, part in enumerate(parts)
    ]


def _rolled_flow(reader: _Reader, cells: models.QuerySet, parts: list[Period]) -> list[SeriesPoint]:
    """A flow per slice from the roll-up's cells, summed per day (and breakdown key) then placed in slices."""
    starts = [part.start for part in parts]
    counts: dict[int, int] = defaultdict(int)
    totals: dict[int, int] = defaultdict(int)
    entries: dict[int, list[tuple[tuple[Any, ...], Number]]] = defaultdict(list)
    for row in reader.rolled_groups(cells, "day"):
        index = bisect.bisect_right(starts, _as_date(row["day"])) - 1
        counts[index] += int(row["n"] or 0)
        totals[index] += int(row["total"] or 0)
        if reader.definition.disaggregate:
            entries[index].append((reader.rolled_parts(row), reader.rolled_number(row["n"], row["total"])))
    return [
        SeriesPoint(
            part,
            reader.rolled_number(counts.get(i, 0), totals.get(i, 0)),
            reader.rank_breakdown(entries[i]) if i in entries else {},
        )
        for i, part in enumerate(parts)
    ]


def _rolled_daily(reader: _Reader, cells: models.QuerySet, parts: list[Period]) -> list[SeriesPoint]:
    totals = {
        _as_date(row["day"]): reader.rolled_number(None, row["total"])
        for row in cells.order_by().values("day").annotate(total=Sum("value"))
    }
    return _daily_points(totals, parts)


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _day_expression(reader: _Reader, name: str) -> TruncDate | F:
    field_ = reader.model._meta.get_field(name)
    return TruncDate(name) if isinstance(field_, models.DateTimeField) else F(name)


def _stock(reader: _Reader, records: models.QuerySet, dates: list[dt.date]) -> list[Number]:
    """Records active on each date: started on or before it, not ended by then (as `engine` reads a stock)."""
    if not dates:
        return []
    definition = reader.definition
    last = max(dates)
    started = records.filter(reader.on_or_before(last))
    starts = _cumulative(
        started.annotate(day=_day_expression(reader, definition.date_field))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"))
    )
    # An ended record stops counting from the later of its start and its end (an end before the start: never).
    ended = started.filter(**{f"{definition.end_field}__isnull": False}).annotate(
        day=Greatest(
            _day_expression(reader, definition.date_field),
            _day_expression(reader, reader.end_name),
            output_field=models.DateField(),
        )
    )
    ends = _cumulative(ended.order_by().values("day").annotate(n=Count("pk")))
    return [_count_on_or_before(starts, day) - _count_on_or_before(ends, day) for day in dates]


def _cumulative(rows: Iterable[dict[str, Any]]) -> tuple[list[dt.date], list[int]]:
    days, totals, running = [], [], 0
    for row in sorted(rows, key=lambda row: _as_date(row["day"])):
        running += row["n"]
        days.append(_as_date(row["day"]))
        totals.append(running)
    return days, totals


def _count_on_or_before(cumulative: tuple[list[dt.date], list[int]], day: dt.date) -> int:
    days, totals = cumulative
    position = bisect.bisect_right(days, day)
    return totals[position - 1] if position else 0


def _readings(
    reader: _Reader, records: models.QuerySet, dates: list[dt.date], *, kept: set[int] | None = None
) -> list[Number | None]:
    """On each date, the sum of each series' latest reading on or before it (a series: a partner and a kind, or the
    catalogue's `series` fields within a plan). `kept`: the records the filter keeps, applied to each series'
    latest record (`_Reader.reading`); a series read without a value_field counts 1."""
    if not dates:
        return []
    definition = reader.definition
    if definition.series:
        series_fields = ["plan", *definition.series]
    else:
        series_fields = ["partner", *(f.name for f in reader.model._meta.concrete_fields if f.choices)]
    figure = reader.value_expression() if definition.value_field is not None else Value(1)
    rows = (
        records.filter(reader.on_or_before(max(dates)))
        .annotate(day=_day_expression(reader, definition.date_field), figure=figure)
        .order_by(definition.date_field, "pk")
        .values_list("day", "figure", "pk", *series_fields)
    )
    latest: dict[tuple[Any, ...], tuple[Any, int]] = {}
    out: list[Number | None] = []
    pending: Iterator[tuple[Any, ...]] = iter(rows)
    row = next(pending, None)
    for day in dates:
        while row is not None and _as_date(row[0]) <= day:
            latest[tuple(row[3:])] = (row[1], row[2])
            row = next(pending, None)
        values = [value for value, pk in latest.values() if kept is None or pk in kept]
        out.append(reader.number(sum(values)) if latest else None)
    return out


def _daily(reader: _Reader, records: models.QuerySet, period: Period, parts: list[Period]) -> list[SeriesPoint]:
    """Per-day totals folded into each slice: minimum, maximum and mean over the days with readings."""
    day = _day_expression(reader, reader.definition.date_field)
    totals = {
        _as_date(row["day"]): reader.number(row["total"])
        for row in records.filter(reader.in_period(period))
        .annotate(day=day)
        .values("day")
        .annotate(total=Sum(reader.value_expression()))
        .order_by("day")
    }
    return _daily_points(totals, parts)


def _daily_points(totals: dict[dt.date, Number], parts: list[Period]) -> list[SeriesPoint]:
    """Per-day totals folded into each slice: minimum, maximum and mean over the days with readings."""
    out = []
    for part in parts:
        values = [totals[d] for d in _days(part) if d in totals]
        if not values:
            out.append(SeriesPoint(part, None))
            continue
        mean = (Decimal(sum(values)) / len(values)).quantize(MEAN_PLACES, ROUND_HALF_UP)
        out.append(SeriesPoint(part, None, minimum=min(values), maximum=max(values), mean=mean, days=len(values)))
    return out


def _days(period: Period) -> Iterator[dt.date]:
    day = period.start
    while day <= period.end:
        yield day
        day += ONE_DAY

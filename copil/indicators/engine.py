"""The indicator engine (version 1): one catalogue entry + a period + a scope → an `IndicatorResult`.

Counts, sums, daily series, their breakdowns and sources are read from the daily roll-up
(`copil.indicators.rollup`), whose size follows days × partners × categories, not records; the street value of
seizures from the mass cells priced by day and substance; distinct persons, stocks and readings from the record
tables (the person figures of one kind in one query through `(plan, date, pseudonym)` indexes). For one plan,
results, earlier-period totals (`flow_totals`) and series are cached under the version counters of the kinds
they read (`copil.indicators.versions`), so a write recomputes only the figures of the kinds written. Every
query is an ORM aggregate, so a figure reads the same on SQLite and PostgreSQL; `record_tables()` reads all of
them from the records instead (the reference the roll-up is checked against). Masses and other decimal sums
come back as `Decimal`, counts as `int`. A mean (`mean`: the mean sentence of the persons sentenced) is read from
the records that have a value, never summed across plans; None when no record has one.

Scope is one plan, or every plan whose territory is a given territory or lies below it. A "window" below is
a set of plans with the period (or the date) they are read over: usually one window, but a `before_plan`
baseline reads each plan just before its own start.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import hashlib
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models import Avg, Case, Count, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import ExtractYear, TruncDate
from django.utils import timezone

from copil.plans.models import Plan, Target, Territory
from copil.records.models import StreetPrice

from . import rollup
from .catalogue import (
    BREAKDOWN_SEPARATOR,
    MASS_GRAMS,
    STREET_VALUE,
    YEAR,
    IndicatorDefinition,
    get_catalogue,
    get_indicator,
)
from .models import DailyRollup, DataVersion, PersonRollup
from .periods import ONE_DAY, Period, format_date_fr

ENGINE_VERSION = 1
MASS_CELLS = "seizure_mass"  # the roll-up indicator whose cells the street value is priced from

Number = int | Decimal

MASS_PLACES = Decimal("0.001")
EURO_PLACES = Decimal("0.01")
MEAN_PLACES = Decimal("0.01")
RATE_PLACES = Decimal("0.01")
FRACTION_PLACES = Decimal("0.0001")

_RECORD_TABLES = contextvars.ContextVar("copil_engine_record_tables", default=False)

BASELINE_BEFORE_PLAN = "avant le plan"
BASELINE_PREVIOUS_PERIOD = "sur la période précédente"


@dataclass(frozen=True)
class IndicatorResult:
    """A computed figure with everything the bilan says about it.

    `value` is the headline: the total of a flow, the stock at the end of the period, the sum of the latest
    readings; None for a daily series (read `minimum`/`maximum`/`mean`) and for readings when nothing was read
    yet.
    """

    definition: IndicatorDefinition
    period: Period
    value: Number | None
    breakdown: dict[str, Number] = field(default_factory=dict)
    start_value: Number | None = None
    change: Number | None = None
    minimum: Number | None = None
    maximum: Number | None = None
    mean: Decimal | None = None
    days: int | None = None
    baseline_value: Number | None = None
    baseline_label: str | None = None
    baseline_period: Period | None = None
    target: Decimal | None = None
    attainment: Decimal | None = None
    target_met: bool | None = None
    per_10000: Decimal | None = None
    population: int | None = None
    record_count: int = 0
    sources: list[tuple[str, int]] = field(default_factory=list)
    as_of: dt.date | None = None

    @property
    def code(self) -> str:
        return self.definition.code

    @property
    def label(self) -> str:
        return self.definition.label

    @property
    def unit(self) -> str:
        return self.definition.unit

    @property
    def headline(self) -> Number | None:
        """The number baselines and targets compare: `value`, or the daily mean for a daily series."""
        return self.mean if self.definition.aggregation == "daily" else self.value


@dataclass(frozen=True)
class _Scope:
    plans: tuple[Plan, ...]
    population: int | None
    targets: dict[str, tuple[Decimal, str]] = field(default_factory=dict)  # a single plan's own targets

    @property
    def plan_ids(self) -> tuple[int, ...]:
        return tuple(plan.pk for plan in self.plans)


# A set of plans and the period (flows, daily series) or the date (stocks, readings) they are read over.
_Window = tuple[tuple[int, ...], Any]


def compute(
    indicator: str | IndicatorDefinition,
    period: Period,
    *,
    plan: Plan | None = None,
    territory: Territory | None = None,
    today: dt.date | None = None,
) -> IndicatorResult:
    """One indicator over a period, for one plan or for every plan at or below a territory.

    `today` (default: the local date) caps the date stocks and readings are read at: a stock after today is
    not known yet.
    """
    definition = indicator if isinstance(indicator, IndicatorDefinition) else get_indicator(indicator)
    return _compute(definition, period, _scope(plan, territory), _today(today))


def compute_many(
    codes: Iterable[str | IndicatorDefinition],
    period: Period,
    *,
    plan: Plan | None = None,
    territory: Territory | None = None,
    today: dt.date | None = None,
) -> dict[str, IndicatorResult]:
    """Several indicators over the same period and scope, by code, in the order given.

    For one plan, each result is cached under the version counters of what it reads (its own record kind, the
    street prices for the street value, and the plan objects: partners, targets, plan, territory), so after a
    write only the indicators of the kinds written are computed again (issue 16)."""
    scope, day = _scope(plan, territory), _today(today)
    definitions = [i if isinstance(i, IndicatorDefinition) else get_indicator(i) for i in codes]
    keys: dict[str, str] = {}
    if plan is not None and territory is None and not _RECORD_TABLES.get():
        state = dict(DataVersion.objects.filter(plan_id=plan.pk).values_list("kind", "version"))
        for definition in definitions:
            keys[definition.code] = _result_key(definition, period, plan, day, state)
    found = cache.get_many(list(keys.values())) if keys else {}
    results, fresh = {}, {}
    for definition in definitions:
        key = keys.get(definition.code)
        result = found.get(key) if key else None
        if result is None:
            result = _compute(definition, period, scope, day)
            if key:
                fresh[key] = result
        results[definition.code] = result
    if fresh:
        cache.set_many(fresh, settings.COPIL_PAGE_CACHE_SECONDS)
    return results


def _result_key(
    definition: IndicatorDefinition,
    period: Period,
    plan: Plan,
    today: dt.date,
    state: dict[str, int],
    purpose: str = "result",
    *extra: Any,
) -> str:
    """The cache key of one indicator's result (or other `purpose`: totals, series) for one plan: the counters
    of its own kind (and of the street prices for the street value) and of every plan object, never those of
    the other record kinds."""
    from copil.records.models import RECORD_KINDS

    kinds = {definition.source} | ({"street_price"} if definition.value_field == STREET_VALUE else set())
    read = sorted((kind, version) for kind, version in state.items() if kind in kinds or kind not in RECORD_KINDS)
    updated = plan.updated_at.timestamp() if plan.updated_at else None
    raw = repr((ENGINE_VERSION, definition, repr(period), plan.pk, updated, today, read, extra))
    return f"copil-{purpose}:{hashlib.sha256(raw.encode()).hexdigest()}"


def plan_state(plan: Plan) -> dict[str, int]:
    """The plan's version counters by kind (one query), for `cached_per_kind`."""
    return dict(DataVersion.objects.filter(plan_id=plan.pk).values_list("kind", "version"))


def cached_per_kind(
    definition: IndicatorDefinition,
    period: Period,
    plan: Plan | None,
    purpose: str,
    compute: Callable[[], Any],
    *extra: Any,
    state: dict[str, int] | None = None,
) -> Any:
    """`compute()` for one indicator of one plan, cached under the versions of what it reads (`_result_key`):
    a write of another kind keeps it, a write of its kind recomputes it. Uncached for a territory or within
    `record_tables()`."""
    if plan is None or _RECORD_TABLES.get():
        return compute()
    state = plan_state(plan) if state is None else state
    key = _result_key(definition, period, plan, _today(None), state, purpose, *extra)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.COPIL_PAGE_CACHE_SECONDS)
    return value


def values_per_plan(
    definitions: Iterable[IndicatorDefinition],
    period: Period,
    plan_ids: Iterable[int],
    *,
    today: dt.date | None = None,
) -> dict[str, dict[int, Number]]:
    """The headline value of additive indicators (counts, sums, stocks) for each of many plans, by code then plan:
    one grouped query per indicator whatever the number of plans (the roll-up's cells for counts and sums), for the
    territory tree of a national deployment. Each value equals `compute(…, plan=plan).value`."""
    ids = tuple(sorted(set(plan_ids)))
    as_of = min(period.end, _today(today))
    out: dict[str, dict[int, Number]] = {}
    for definition in definitions:
        reader = _Reader(definition)
        if definition.aggregation not in {"count", "sum", "stock"}:
            raise ValueError(f"« {definition.code} » ne s'additionne pas d'un plan à l'autre")
        if definition.aggregation != "stock" and reader.rolled:
            cells = reader.cells_in([(ids, period)]).order_by().values("plan_id")
            rows = cells.annotate(n=Sum("record_count"), total=Sum("value"))
            values = {row["plan_id"]: reader.rolled_number(row["n"], row["total"]) for row in rows}
        else:
            condition = reader.active_on(as_of) if definition.aggregation == "stock" else reader.in_period(period)
            records = reader.base.filter(Q(plan_id__in=ids) & condition).order_by().values("plan_id")
            values = {row["plan_id"]: reader.total(row) for row in records.annotate(**reader.aggregates())}
        out[definition.code] = {pk: values.get(pk, reader.number(0)) for pk in ids}
    return out


def reads_record_tables() -> bool:
    """Whether the caller is within `record_tables()`."""
    return _RECORD_TABLES.get()


@contextlib.contextmanager
def record_tables() -> Iterator[None]:
    """Within it, every figure is computed from the record tables, never from the daily roll-up: the reference
    the roll-up is checked and benchmarked against."""
    token = _RECORD_TABLES.set(True)
    try:
        yield
    finally:
        _RECORD_TABLES.reset(token)


def flow_totals(
    codes: Iterable[str | IndicatorDefinition], period: Period, *, plan: Plan
) -> dict[str, tuple[Number, int]]:
    """Each flow indicator's figure and number of records over a period for one plan, one query each: what a
    comparison needs of the earlier period, without breakdown, sources, baseline or target."""
    definitions = [i if isinstance(i, IndicatorDefinition) else get_indicator(i) for i in codes]
    for definition in definitions:
        if not definition.is_flow:
            raise ValueError(f"{definition.code} : pas un flux")
    if _RECORD_TABLES.get():
        return _flow_totals(definitions, period, plan)
    # Each indicator's totals cached under the versions of its own kind (`_result_key`): after a write, only
    # the indicators of the kinds written are read again.
    state = plan_state(plan)
    day = _today(None)
    keys = {d.code: _result_key(d, period, plan, day, state, "totals") for d in definitions}
    found = cache.get_many(list(keys.values()))
    missing = [d for d in definitions if keys[d.code] not in found]
    fresh = _flow_totals(missing, period, plan) if missing else {}
    if fresh:
        cache.set_many({keys[code]: value for code, value in fresh.items()}, settings.COPIL_PAGE_CACHE_SECONDS)
    return {d.code: fresh[d.code] if d.code in fresh else found[keys[d.code]] for d in definitions}


def _flow_totals(
    definitions: Sequence[IndicatorDefinition], period: Period, plan: Plan
) -> dict[str, tuple[Number, int]]:
    ids = _scope(plan, None).plan_ids
    totals = {}
    for definition in definitions:
        reader = _Reader(definition)
        if reader.rolled:  # from the roll-up's cells, one query
            sums = reader.cells_in([(ids, period)]).aggregate(n=Sum("record_count"), total=Sum("value"))
            totals[definition.code] = (reader.rolled_number(sums["n"], sums["total"]), int(sums["n"] or 0))
            continue
        if reader.priced:  # the street value: priced from the mass cells
            value = reader.flow([(ids, period)], value_only=True).value or 0
            records = reader.cells_in([(ids, period)]).aggregate(n=Sum("record_count"))["n"]
            totals[definition.code] = (value, int(records or 0))
            continue
        if reader.catalogued and definition.aggregation == "distinct" and not _RECORD_TABLES.get():
            # Distinct persons from their kind-versioned cache, their records counted from the cells.
            value = reader.flow([(ids, period)], value_only=True).value or 0
            records = reader.cells_in([(ids, period)]).aggregate(n=Sum("record_count"))["n"]
            totals[definition.code] = (value, int(records or 0))
            continue
        row = reader.base.filter(Q(plan_id__in=ids) & reader.in_period(period)).aggregate(
            **reader.aggregates(), records=Count("pk")
        )
        totals[definition.code] = (reader.total(row), int(row["records"]))
    return totals


def _today(today: dt.date | None) -> dt.date:
    return today if today is not None else timezone.localdate()


def _scope(plan: Plan | None, territory: Territory | None) -> _Scope:
    if plan is not None and territory is None:
        targets = {t.indicator: (t.value, t.direction) for t in Target.objects.filter(plan=plan)}
        return _Scope((plan,), plan.territory.population, targets)
    if territory is not None and plan is None:
        plans = Plan.objects.filter(territory__in=territory.descendants_and_self()).select_related("territory")
        return _Scope(tuple(plans.order_by("pk")), territory.population)
    raise ValueError("Indiquer soit un plan, soit un territoire.")


def _compute(definition: IndicatorDefinition, period: Period, scope: _Scope, today: dt.date) -> IndicatorResult:
    reader = _Reader(definition)
    ids = scope.plan_ids
    as_of = min(period.end, today)
    fields: dict[str, Any] = {"as_of": as_of}

    if definition.is_flow:
        figure = reader.flow([(ids, period)])
        fields.update(value=figure.value, breakdown=figure.breakdown)
    elif definition.aggregation in {"stock", "reading"}:
        read = reader.stock if definition.aggregation == "stock" else reader.reading
        figure = read([(ids, as_of)])
        start = read([(ids, min(period.start - ONE_DAY, today))], value_only=True).value
        change = None if figure.value is None or start is None else figure.value - start
        fields.update(value=figure.value, breakdown=figure.breakdown, start_value=start, change=change)
    else:
        figure = reader.daily([(ids, _last_days(definition, period))])
        fields.update(
            value=None,
            minimum=figure.minimum,
            maximum=figure.maximum,
            mean=figure.mean,
            days=figure.days,
        )
    fields.update(record_count=figure.record_count, sources=figure.sources)

    baseline_value, baseline_label, baseline_period = _baseline(definition, period, scope, reader, fields)
    fields.update(baseline_value=baseline_value, baseline_label=baseline_label, baseline_period=baseline_period)

    headline = fields["mean"] if definition.aggregation == "daily" else fields["value"]
    fields.update(_target(definition, headline, scope))
    # The plan's own measures counted (a reading of series without a value) are no rate of its territory's people.
    counts_series = bool(definition.series) and definition.value_field is None
    if (
        scope.population
        and definition.aggregation not in {"daily", "mean"}
        and fields["value"] is not None
        and not counts_series
    ):
        rate = Decimal(fields["value"]) * 10000 / scope.population
        fields["per_10000"] = rate.quantize(RATE_PLACES, ROUND_HALF_UP)
    return IndicatorResult(definition=definition, period=period, population=scope.population, **fields)


def _last_days(definition: IndicatorDefinition, period: Period) -> Period:
    """The days a daily series is read over: the whole period, or its last `last_days` days."""
    if definition.last_days is None or definition.last_days >= period.days:
        return period
    return Period(period.end - dt.timedelta(days=definition.last_days - 1), period.end)


def _baseline(
    definition: IndicatorDefinition, period: Period, scope: _Scope, reader: _Reader, fields: dict[str, Any]
) -> tuple[Number | None, str, Period | None]:
    """The figure the result is compared with, its French label and, for flows, the period it covers."""
    aggregation = definition.aggregation
    if definition.baseline == "before_plan":
        if aggregation in {"stock", "reading"}:
            read = reader.stock if aggregation == "stock" else reader.reading
            before: list[_Window] = [((plan.pk,), plan.started_on - ONE_DAY) for plan in scope.plans]
            value = read(before, value_only=True).value if before else None
            return value, BASELINE_BEFORE_PLAN, None
        spans = {
            plan.pk: Period(plan.started_on - dt.timedelta(days=period.days), plan.started_on - ONE_DAY)
            for plan in scope.plans
        }
        windows: list[_Window] = [((pk,), span) for pk, span in spans.items()]
        shared = set(spans.values())
        baseline_period = shared.pop() if len(shared) == 1 else None
    elif aggregation in {"stock", "reading"}:
        day = min(period.start - ONE_DAY, fields["as_of"])
        return fields["start_value"], f"au {format_date_fr(day)}", None
    else:
        baseline_period = period.previous()
        windows = [(scope.plan_ids, baseline_period)]
    if not windows:
        return None, BASELINE_BEFORE_PLAN, None
    if aggregation == "daily":
        value = reader.daily(windows).mean
    else:
        value = reader.flow(windows, value_only=True).value
    label = BASELINE_BEFORE_PLAN if definition.baseline == "before_plan" else BASELINE_PREVIOUS_PERIOD
    return value, label, baseline_period


def _target(definition: IndicatorDefinition, headline: Number | None, scope: _Scope) -> dict[str, Any]:
    """The plan's own target for the indicator, else the catalogue's; with its attainment (headline over target,
    or target over headline when lower is better)."""
    target, direction = scope.targets.get(definition.code, (definition.target, definition.target_direction))
    if target is None or headline is None:
        return {"target": target, "attainment": None, "target_met": None}
    headline = Decimal(headline)
    if direction == "down":
        attainment = target / headline if headline > 0 else None
        met = headline <= target
    else:
        attainment = headline / target if target > 0 else None
        met = headline >= target
    if attainment is not None:
        attainment = attainment.quantize(FRACTION_PLACES, ROUND_HALF_UP)
    return {"target": target, "attainment": attainment, "target_met": met}


@dataclass
class _Figure:
    value: Number | None = None
    breakdown: dict[str, Number] = field(default_factory=dict)
    record_count: int = 0
    sources: list[tuple[str, int]] = field(default_factory=list)
    minimum: Number | None = None
    maximum: Number | None = None
    mean: Decimal | None = None
    days: int = 0


class _Reader:
    """Builds and runs the queries of one indicator definition."""

    def __init__(self, definition: IndicatorDefinition) -> None:
        self.definition = definition
        self.model = definition.model
        self.date_field = self.model._meta.get_field(definition.date_field)
        self.is_datetime = isinstance(self.date_field, models.DateTimeField)
        filters: dict[str, Any] = definition.filters
        if definition.value_field in {MASS_GRAMS, STREET_VALUE}:
            filters["unit__in"] = ["g", "kg"]
        if definition.aggregation == "mean":  # a mean is over the records that have a value
            filters[f"{definition.value_field}__isnull"] = False
        self.base = self.model._default_manager.filter(**filters)
        # Counts and sums come from the daily roll-up (`copil.indicators.rollup`), unless `record_tables()`.
        # A definition other than the catalogue's own (a variant built by a caller) has no cells of its own.
        self.catalogued = rollup.is_catalogued(definition)
        self.rolled = rollup.is_rolled_up(definition) and self.catalogued and not _RECORD_TABLES.get()
        self.cells = DailyRollup.objects.filter(indicator=definition.code)
        # The street value: the mass cells of each day and substance, priced at the plan's price of that day.
        self.priced = (
            definition.value_field == STREET_VALUE
            and self.catalogued
            and not _RECORD_TABLES.get()
            and tuple(definition.disaggregate) in {(), ("substance",)}
            and not definition.filters
            and _mass_cells_match(definition)
        )
        if self.priced:
            self.cells = DailyRollup.objects.filter(indicator=MASS_CELLS)

    # --- values -----------------------------------------------------------------------------------

    @property
    def value_name(self) -> str:
        """The field an aggregation other than a count reads (the catalogue requires it for those)."""
        name = self.definition.value_field
        if name is None:
            raise ValueError(f"{self.definition.code}: value_field missing for a {self.definition.aggregation}")
        return name

    @property
    def end_name(self) -> str:
        """The field ending an interval record (the catalogue requires it for stocks)."""
        name = self.definition.end_field
        if name is None:
            raise ValueError(f"{self.definition.code}: end_field missing for a {self.definition.aggregation}")
        return name

    @property
    def is_decimal(self) -> bool:
        if self.definition.aggregation not in {"sum", "reading", "daily"} or self.definition.value_field is None:
            return False
        name = self.value_name
        return name in {MASS_GRAMS, STREET_VALUE} or isinstance(self.model._meta.get_field(name), models.DecimalField)

    @property
    def places(self) -> Decimal:
        name = self.value_name
        if name == MASS_GRAMS:
            return MASS_PLACES
        if name == STREET_VALUE:
            return EURO_PLACES
        field = self.model._meta.get_field(name)
        if not isinstance(field, models.DecimalField):
            raise TypeError(f"{self.definition.code}: {name} is not a decimal field")
        return Decimal(1).scaleb(-field.decimal_places)

    def number(self, raw: Any) -> Number:
        """A database sum as the engine returns it: int, or Decimal at the field's precision (0 if empty)."""
        if self.is_decimal:
            return Decimal(raw if raw is not None else 0).quantize(self.places, ROUND_HALF_UP)
        return int(raw or 0)

    def value_expression(self) -> Case | F | ExpressionWrapper:
        name = self.value_name
        if name in {MASS_GRAMS, STREET_VALUE}:
            grams = models.DecimalField(max_digits=24, decimal_places=3)
            mass = Case(
                When(unit="kg", then=F("quantity") * Value(1000)),
                When(unit="g", then=F("quantity")),
                default=None,
                output_field=grams,
            )
            if name == MASS_GRAMS:
                return mass
            # The plan's street price of the substance in force on the seizure's day; none: no value.
            price = (
                StreetPrice.objects.filter(
                    plan_id=OuterRef("plan_id"), substance=OuterRef("substance"), valid_from__lte=OuterRef("seized_on")
                )
                .order_by("-valid_from", "-pk")
                .values("price_per_gram")[:1]
            )
            euros = models.DecimalField(max_digits=30, decimal_places=5)
            return ExpressionWrapper(mass * Subquery(price), output_field=euros)
        return F(name)

    def aggregates(self) -> dict[str, models.Aggregate]:
        """The aggregate(s) giving the figure of a set of records; `_total` folds them into one number."""
        aggregation = self.definition.aggregation
        if aggregation in {"count", "stock"} or (aggregation == "reading" and self.definition.value_field is None):
            return {"figure": Count("pk")}
        if aggregation == "distinct":
            name = self.value_name
            blank = Q(**{f"{name}__isnull": True})
            if isinstance(self.model._meta.get_field(name), models.CharField | models.TextField):
                blank |= Q(**{name: ""})
            # Every record without a value is a person of its own; the others count once per value.
            return {"figure": Count(name, distinct=True, filter=~blank), "blank": Count("pk", filter=blank)}
        if aggregation == "mean":
            return {"figure": Avg(self.value_expression())}
        return {"figure": Sum(self.value_expression())}

    def total(self, row: dict[str, Any]) -> Number:
        if self.definition.aggregation == "mean":  # None over no record: there is no mean to state
            raw = row["figure"]
            return None if raw is None else Decimal(raw).quantize(MEAN_PLACES, ROUND_HALF_UP)  # type: ignore[return-value]
        return self.number(row["figure"]) + int(row.get("blank") or 0)

    # --- time -------------------------------------------------------------------------------------

    def _instant(self, day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

    def in_period(self, period: Period) -> Q:
        """Records dated within the period; a date-time is placed by its local date."""
        name = self.definition.date_field
        if self.is_datetime:
            start, after = self._instant(period.start), self._instant(period.end + ONE_DAY)
            return Q(**{f"{name}__gte": start, f"{name}__lt": after})
        return Q(**{f"{name}__gte": period.start, f"{name}__lte": period.end})

    def on_or_before(self, day: dt.date) -> Q:
        name = self.definition.date_field
        if self.is_datetime:
            return Q(**{f"{name}__lt": self._instant(day + ONE_DAY)})
        return Q(**{f"{name}__lte": day})

    def active_on(self, day: dt.date) -> Q:
        """Interval records started on or before `day` and not ended by then (an end on `day` is inactive)."""
        end = self.end_name
        if isinstance(self.model._meta.get_field(end), models.DateTimeField):
            ended_after = Q(**{f"{end}__gte": self._instant(day + ONE_DAY)})
        else:
            ended_after = Q(**{f"{end}__gt": day})
        return self.on_or_before(day) & (Q(**{f"{end}__isnull": True}) | ended_after)

    # --- queries ----------------------------------------------------------------------------------

    def flow(self, windows: Sequence[_Window], *, value_only: bool = False) -> _Figure:
        if self.rolled:
            return self.rolled_figure(self.cells_in(windows), value_only=value_only)
        if self.priced:
            return self.priced_figure(windows, value_only=value_only)
        if self.definition.aggregation == "distinct" and self.catalogued and not _RECORD_TABLES.get():
            return self.persons(windows, value_only=value_only)
        return self.scanned_flow(windows, value_only=value_only)

    def scanned_flow(self, windows: Sequence[_Window], *, value_only: bool = False) -> _Figure:
        condition = _any(Q(plan_id__in=ids) & self.in_period(period) for ids, period in windows)
        return self.figure(self.base.filter(condition), value_only=value_only)

    def persons(self, windows: Sequence[_Window], *, value_only: bool = False) -> _Figure:
        """Distinct persons cannot be rolled up: counted from the records, then cached under the version of
        their own kind in each plan (`copil.indicators.versions`), so a write of another kind keeps them."""
        plan_ids = sorted({pk for ids, _span in windows for pk in ids})
        kind_versions = sorted(
            DataVersion.objects.filter(plan_id__in=plan_ids, kind=self.definition.source).values_list(
                "plan_id", "version"
            )
        )
        spans = [(tuple(sorted(ids)), repr(span)) for ids, span in windows]
        raw = repr((ENGINE_VERSION, self.definition, spans, value_only, plan_ids, kind_versions))
        key = f"copil-persons:{hashlib.sha256(raw.encode()).hexdigest()}"
        figure = cache.get(key)
        if figure is None:
            condition = _any(Q(plan_id__in=ids) & self.in_period(period) for ids, period in windows)
            records = self.base.filter(condition)
            siblings = _person_siblings(self.definition)
            value: Number
            if len(windows) == 1 and len(windows[0][0]) == 1:  # one plan, one period: its first appearances
                value = self.first_appearances(windows[0][0][0], windows[0][1])
            elif self.definition in siblings:  # counted with the other person figures of its kind, one query
                value = self.grouped_persons(siblings, condition, spans, plan_ids, kind_versions)[self.definition.code]
            else:
                value = self.total(records.aggregate(**self.aggregates()))
            figure = _Figure(value=value)
            if not value_only:  # the records behind the persons: from the roll-up's cells
                cells = self.cells_in(windows)
                figure.breakdown = self.breakdown(records)
                figure.record_count = int(cells.aggregate(n=Sum("record_count"))["n"] or 0)
                figure.sources = _rolled_sources(cells)
            cache.set(key, figure, settings.COPIL_PAGE_CACHE_SECONDS)
        return figure

    def first_appearances(self, plan_id: int, period: Period) -> int:
        """The persons seen in one plan over the period, from the person roll-up (`PersonRollup`): the records of
        the period whose person had no qualifying record in an earlier month. A period starting after the first
        of its month adds the persons seen both earlier in that month and within the period, read from the records
        by the (plan, person, day) index."""
        month = period.start.replace(day=1)
        cells = PersonRollup.objects.filter(
            plan_id=plan_id,
            indicator=self.definition.code,
            day__gte=period.start,
            day__lte=period.end,
            previous_month__lt=month,
        )
        persons = int(cells.aggregate(n=Sum("record_count"))["n"] or 0)
        if period.start == month:
            return persons
        name = self.value_name
        named = self.base.filter(plan_id=plan_id).exclude(**{f"{name}__isnull": True}).exclude(**{name: ""})
        again = named.filter(self.in_period(period), **{name: OuterRef(name)})
        returning = named.filter(self.in_period(Period(month, period.start - ONE_DAY)), Exists(again))
        return persons + returning.order_by().values(name).distinct().count()

    def grouped_persons(
        self,
        siblings: tuple[IndicatorDefinition, ...],
        condition: Q,
        spans: list[tuple[tuple[int, ...], str]],
        plan_ids: list[int],
        kind_versions: list[tuple[int, int]],
    ) -> dict[str, int]:
        """The distinct persons of every sibling indicator (same kind, person field and date, no breakdown; each
        its own filter) over the windows, in one query: the records grouped per person (a record without a
        pseudonym is a person of its own), each group counted by every indicator whose filter one of its records
        meets. Cached under the kind's version like each figure."""
        raw = repr((ENGINE_VERSION, siblings, spans, plan_ids, kind_versions))
        key = f"copil-persons-grouped:{hashlib.sha256(raw.encode()).hexdigest()}"
        counts = cache.get(key)
        if counts is None:
            name = self.value_name
            blank = Q(**{f"{name}__isnull": True})
            if isinstance(self.model._meta.get_field(name), models.CharField | models.TextField):
                blank |= Q(**{name: ""})
            meets = {
                f"meets_{index}": models.Max(
                    Case(When(Q(**d.filters), then=Value(1)), default=Value(0)) if d.filters else Value(1)
                )
                for index, d in enumerate(siblings)
            }
            persons = (
                self.model._default_manager.filter(condition)
                .annotate(person_record=Case(When(blank, then=F("pk")), default=None))
                .order_by()
                .values(name, "person_record")
                .annotate(**meets)
            )
            sums = persons.aggregate(**{f"n_{index}": Sum(f"meets_{index}") for index in range(len(siblings))})
            counts = {d.code: int(sums[f"n_{index}"] or 0) for index, d in enumerate(siblings)}
            cache.set(key, counts, settings.COPIL_PAGE_CACHE_SECONDS)
        return counts

    # --- the street value, from the mass cells -----------------------------------------------------

    def priced_figure(self, windows: Sequence[_Window], *, value_only: bool = False) -> _Figure:
        """Σ mass × price over the mass roll-up's cells grouped by plan, day and substance (a few thousand rows
        whatever the records): each mass in milligrams times the plan's price of the substance in force that day
        (the latest `valid_from` on or before it, the last entered of equal ones), exactly as the record-table
        path prices each seizure; a substance without a price on the day adds nothing."""
        cells = self.cells_in(windows)
        grouped = cells.order_by().values("plan_id", "day", "key").annotate(mg=Sum("value"))
        plan_ids = sorted({pk for ids, _span in windows for pk in ids})
        prices: dict[tuple[int, str], list[tuple[dt.date, int, Decimal]]] = {}
        for row in StreetPrice.objects.filter(plan_id__in=plan_ids).values(
            "plan_id", "substance", "valid_from", "pk", "price_per_gram"
        ):
            prices.setdefault((row["plan_id"], row["substance"]), []).append(
                (row["valid_from"], row["pk"], row["price_per_gram"])
            )
        for entries in prices.values():
            entries.sort()
        by_substance: dict[str, Decimal] = {}
        total = Decimal(0)
        for row in grouped:
            entries = prices.get((row["plan_id"], row["key"]), [])
            price = None
            for valid_from, _pk, per_gram in entries:  # few prices per substance
                if valid_from > row["day"]:
                    break
                price = per_gram
            if price is None:
                continue
            euros = Decimal(int(row["mg"] or 0)) * Decimal(price) / rollup.MILLIGRAMS_PER_GRAM
            total += euros
            by_substance[row["key"]] = by_substance.get(row["key"], Decimal(0)) + euros
        value = self.number(total)
        if value_only:
            return _Figure(value=value)
        breakdown: dict[str, Number] = {}
        if self.definition.disaggregate:
            ranked = sorted(
                (self._rank("substance", key), key, self.number(euros))
                for key, euros in by_substance.items()
                if key not in (None, "")
            )
            breakdown = {key: euros for _rank, key, euros in ranked if euros}
        return _Figure(
            value=value,
            breakdown=breakdown,
            record_count=int(cells.aggregate(n=Sum("record_count"))["n"] or 0),
            sources=_rolled_sources(cells),
        )

    # --- the daily roll-up ------------------------------------------------------------------------

    def cells_in(self, windows: Sequence[_Window]) -> models.QuerySet:
        """The roll-up cells of the windows' plans and days."""
        condition = _any(Q(plan_id__in=ids, day__gte=period.start, day__lte=period.end) for ids, period in windows)
        return self.cells.filter(condition)

    def rolled_number(self, count: Any, total: Any) -> Number:
        """A roll-up cell's (or sum of cells') figure: the record count, or the summed value (masses are kept
        in milligrams and given in grams at the engine's precision)."""
        if self.definition.aggregation == "count":
            return int(count or 0)
        if self.definition.value_field == MASS_GRAMS:
            return (Decimal(int(total or 0)) / rollup.MILLIGRAMS_PER_GRAM).quantize(MASS_PLACES, ROUND_HALF_UP)
        return int(total or 0)

    def rolled_figure(self, cells: models.QuerySet, *, value_only: bool = False) -> _Figure:
        if value_only:
            sums = cells.aggregate(n=Sum("record_count"), total=Sum("value"))
            return _Figure(value=self.rolled_number(sums["n"], sums["total"]))
        # One query: the cells summed per partner name and breakdown key give the figure, its breakdown, its
        # records and its sources (masses are whole milligrams, so the sums of parts are exact).
        # Partner names in the database's order, as `_sources` ties them (a stable sort keeps it below).
        if self.definition.disaggregate:
            rows = list(self.rolled_groups(cells, "partner__name").order_by("partner__name"))
        else:
            grouped = cells.order_by().values("partner__name").annotate(n=Sum("record_count"), total=Sum("value"))
            rows = list(grouped.order_by("partner__name"))
        count = sum(int(row["n"] or 0) for row in rows)
        per_partner: dict[str, int] = {}
        for row in rows:
            per_partner[row["partner__name"]] = per_partner.get(row["partner__name"], 0) + int(row["n"] or 0)
        breakdown = (
            self.rank_breakdown((self.rolled_parts(row), self.rolled_number(row["n"], row["total"])) for row in rows)
            if self.definition.disaggregate
            else {}
        )
        return _Figure(
            value=self.rolled_number(count, sum(int(row["total"] or 0) for row in rows)),
            breakdown=breakdown,
            record_count=count,
            sources=sorted(
                ((name, records) for name, records in per_partner.items() if records), key=lambda source: -source[1]
            ),
        )

    def rolled_parts(self, row: dict[str, Any]) -> tuple[Any, ...]:
        """The breakdown values of a grouped roll-up row, in the catalogue's order (the year from the day)."""
        stored = iter(row["key"].split(rollup.KEY_SEPARATOR))
        return tuple(row["breakdown_year"] if key == YEAR else next(stored) for key in self.definition.disaggregate)

    def rolled_groups(self, cells: models.QuerySet, *extra: str) -> models.QuerySet:
        """Roll-up cells summed per breakdown key (and per `extra` column)."""
        if YEAR in self.definition.disaggregate:
            cells = cells.annotate(breakdown_year=ExtractYear("day"))
        columns = [*extra, "key", *(["breakdown_year"] if YEAR in self.definition.disaggregate else [])]
        return cells.order_by().values(*columns).annotate(n=Sum("record_count"), total=Sum("value"))

    def rank_breakdown(self, entries: Iterable[tuple[tuple[Any, ...], Number]]) -> dict[str, Number]:
        """Breakdown entries (parts, value) merged per label, zero ones left out, in the engine's order."""
        merged: dict[tuple[Any, ...], Number] = {}
        for parts, value in entries:
            merged[parts] = merged.get(parts, 0) + value
        keys = list(self.definition.disaggregate)
        ranked = sorted(
            (
                (tuple(self._rank(key, part) for key, part in zip(keys, parts, strict=True)), parts, value)
                for parts, value in merged.items()
                if value
            ),
            key=lambda item: item[0],
        )
        return {BREAKDOWN_SEPARATOR.join(_key(part) for part in parts): value for _rank, parts, value in ranked}

    def rolled_breakdown(self, cells: models.QuerySet) -> dict[str, Number]:
        if not self.definition.disaggregate:
            return {}
        return self.rank_breakdown(
            (self.rolled_parts(row), self.rolled_number(row["n"], row["total"])) for row in self.rolled_groups(cells)
        )

    def rolled_daily(self, windows: Sequence[_Window]) -> _Figure:
        cells = self.cells_in(windows)
        totals = [
            self.rolled_number(None, row["total"])
            for row in cells.order_by().values("day").annotate(total=Sum("value")).order_by("day")
        ]
        count = cells.aggregate(n=Sum("record_count"))["n"]
        figure = _Figure(record_count=int(count or 0), sources=_rolled_sources(cells), days=len(totals))
        if totals:
            figure.minimum, figure.maximum = min(totals), max(totals)
            figure.mean = (Decimal(sum(totals)) / len(totals)).quantize(MEAN_PLACES, ROUND_HALF_UP)
        return figure

    def stock(self, windows: Sequence[_Window], *, value_only: bool = False) -> _Figure:
        condition = _any(Q(plan_id__in=ids) & self.active_on(day) for ids, day in windows)
        return self.figure(self.base.filter(condition), value_only=value_only)

    def reading(self, windows: Sequence[_Window], *, value_only: bool = False) -> _Figure:
        """Sum of each series' latest reading on or before the date; a series is one partner and one kind, or the
        catalogue's `series` fields. With those, the latest record of each series is taken among all its records
        and the filter then applies to it (a measure done at a date is one whose latest status then is « done »);
        without a value_field, the series kept are counted."""
        if self.definition.series:  # a measure code names a series within its plan only
            series = ["plan", *self.definition.series]
        else:
            series = ["partner", *(f.name for f in self.model._meta.concrete_fields if f.choices)]
        pool = self.model._default_manager.all() if self.definition.series else self.base
        name = self.definition.date_field
        latest_ids: list[int] = []
        for ids, day in windows:
            candidates = pool.filter(Q(plan_id__in=ids) & self.on_or_before(day))
            latest = candidates.filter(**{field: OuterRef(field) for field in series}).order_by(f"-{name}", "-pk")
            latest_ids += (
                candidates.annotate(latest=Subquery(latest.values("pk")[:1]))
                .filter(pk=F("latest"))
                .values_list("pk", flat=True)
            )
        if not latest_ids:
            return _Figure(value=None)
        return self.figure(self.base.filter(pk__in=latest_ids), value_only=value_only)

    def daily(self, windows: Sequence[_Window]) -> _Figure:
        """Per-day totals over the days that have readings: minimum, maximum, mean and number of days."""
        if self.rolled:
            return self.rolled_daily(windows)
        condition = _any(Q(plan_id__in=ids) & self.in_period(period) for ids, period in windows)
        records = self.base.filter(condition)
        day = TruncDate(self.definition.date_field) if self.is_datetime else F(self.definition.date_field)
        totals = [
            self.number(row["total"])
            for row in records.annotate(day=day)
            .values("day")
            .annotate(total=Sum(self.value_expression()))
            .order_by("day")
        ]
        figure = _Figure(record_count=records.count(), sources=_sources(records), days=len(totals))
        if totals:
            figure.minimum, figure.maximum = min(totals), max(totals)
            figure.mean = (Decimal(sum(totals)) / len(totals)).quantize(MEAN_PLACES, ROUND_HALF_UP)
        return figure

    def figure(self, records: models.QuerySet, *, value_only: bool = False) -> _Figure:
        value = self.total(records.aggregate(**self.aggregates()))
        if value_only:
            return _Figure(value=value)
        return _Figure(
            value=value,
            breakdown=self.breakdown(records),
            record_count=records.count(),
            sources=_sources(records),
        )

    def breakdown(self, records: models.QuerySet) -> dict[str, Number]:
        """The figure per disaggregation key (stored code, or the year as "2023"), zero entries left out, and so
        are records that leave every key blank (an optional field not filled in: counted in the headline only)."""
        keys = list(self.definition.disaggregate)
        if not keys:
            return {}
        if YEAR in keys:
            records = records.annotate(breakdown_year=ExtractYear(self.definition.date_field))
        columns = ["breakdown_year" if key == YEAR else key for key in keys]
        rows = records.order_by().values(*columns).annotate(**self.aggregates())
        ranked = []
        for row in rows:
            value = self.total(row)
            parts = tuple(row[column] for column in columns)
            if value and any(part not in (None, "") for part in parts):
                ranked.append(
                    (
                        tuple(self._rank(key, part) for key, part in zip(keys, parts, strict=True)),
                        parts,
                        value,
                    )
                )
        ranked.sort(key=lambda item: item[0])
        return {BREAKDOWN_SEPARATOR.join(_key(part) for part in parts): value for _rank, parts, value in ranked}

    def _rank(self, key: str, part: Any) -> tuple[int, Any]:
        """Sort order of breakdown keys: years in order, coded values in the order the model declares them."""
        if part is None:
            return (2, "")
        if key == YEAR:
            return (0, part)
        choices = [
            str(value) for value, _label in (getattr(self.model._meta.get_field(key), "flatchoices", None) or [])
        ]
        if str(part) in choices:
            return (0, choices.index(str(part)))
        return (1, str(part))


def _person_siblings(definition: IndicatorDefinition) -> tuple[IndicatorDefinition, ...]:
    """The catalogue's distinct-person indicators counted like this one (same kind, person field and date, no
    breakdown), each with its own filter: one query counts them all (`_Reader.grouped_persons`)."""

    def alike(other: IndicatorDefinition) -> bool:
        return (
            other.aggregation == "distinct"
            and other.source == definition.source
            and other.value_field == definition.value_field
            and other.date_field == definition.date_field
            and not other.disaggregate
        )

    if not alike(definition):
        return ()
    return tuple(other for other in get_catalogue().values() if alike(other))


def _mass_cells_match(definition: IndicatorDefinition) -> bool:
    """Whether the mass roll-up's cells hold the street value's records, by day and substance."""
    mass = get_catalogue().get(MASS_CELLS)
    return (
        mass is not None
        and rollup.is_rolled_up(mass)
        and mass.source == definition.source
        and mass.date_field == definition.date_field
        and mass.value_field == MASS_GRAMS
        and mass.filters == definition.filters
        and tuple(mass.disaggregate) == ("substance",)
    )


def _key(part: Any) -> str:
    if part is None:
        return ""
    if isinstance(part, bool):
        return "true" if part else "false"
    return str(part)


def _any(conditions: Iterable[Q]) -> Q:
    """The union of the windows' conditions (no window: no record)."""
    conditions = list(conditions)
    if not conditions:
        return Q(pk__in=[])
    return functools.reduce(operator.or_, conditions)


def _sources(records: models.QuerySet) -> list[tuple[str, int]]:
    """Partners behind the records and how many each entered, most first (partners named alike are merged)."""
    rows = (
        records.order_by().values("partner__name").annotate(records=Count("pk")).order_by("-records", "partner__name")
    )
    return [(row["partner__name"], row["records"]) for row in rows]


def _rolled_sources(cells: models.QuerySet) -> list[tuple[str, int]]:
    """As `_sources`, from the roll-up's cells."""
    rows = (
        cells.order_by()
        .values("partner__name")
        .annotate(records=Sum("record_count"))
        .order_by("-records", "partner__name")
    )
    return [(row["partner__name"], int(row["records"])) for row in rows if row["records"]]

"""Each indicator of a period against an earlier period, with the honesty rules of issue 13.

Counts get a verdict (« hausse », « baisse ») only when the exact conditional test of `analytics.comparison`
supports it, else « sans évolution nette »; no percentage when the earlier count is under 10; masses and sums
state their change and the seizures behind it, never a verdict; stocks read from the period's start to its end.
Two periods compare only when every partner recording the figure now was already recording then: otherwise the
figure is « non comparable », and the bilan says so once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.db import models
from django.db.models import Case, F, Min, Value, When
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from analytics.comparison import Verdict, compare_counts, compare_sums
from copil.indicators import rollup
from copil.indicators.catalogue import MASS_GRAMS, STREET_VALUE, get_catalogue
from copil.indicators.engine import IndicatorResult, flow_totals
from copil.indicators.engine import reads_record_tables as engine_reads_record_tables
from copil.indicators.models import DailyRollup
from copil.indicators.periods import ONE_DAY, Period
from copil.indicators.periods import format_date_fr as format_date
from copil.plans.models import Plan
from copil.records.models import RECORD_KINDS

from .formatting import format_mass, format_number, join_words

YEAR_BEFORE, PREVIOUS_PERIOD, BEFORE_PLAN = "year_before", "previous_period", "before_plan"
BASES = (YEAR_BEFORE, PREVIOUS_PERIOD, BEFORE_PLAN)
COUNT_AGGREGATIONS = frozenset({"count", "distinct"})
Kind = Literal["count", "sum", "stock", "not_comparable"]


@dataclass(frozen=True)
class IndicatorComparison:
    """One indicator now and earlier: a verdict for counts only, the seizures behind a sum, or why it is not
    comparable (`late_partners`: partners who started recording after the earlier period)."""

    code: str
    label: str
    unit: str
    kind: Kind
    later: Decimal
    earlier: Decimal | None
    when: str
    verdict: Verdict | None = None
    percent: float | None = None
    later_events: int | None = None
    earlier_events: int | None = None
    start_label: str = ""
    end_label: str = ""
    late_partners: tuple[str, ...] = ()

    @property
    def trend(self) -> str:
        """« up », « down » or « flat » as the dashboard badges read it: a move only when the test says so."""
        return {"hausse": "up", "baisse": "down"}.get(self.verdict or "", "flat")


def shift_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def earlier_period(period: Period, basis: str, plan: Plan) -> Period:
    """The period `period` is compared with: the same period a year earlier (the communiqués' convention), the
    previous period of equal length, or the period of equal length just before the plan."""
    if basis == YEAR_BEFORE:
        return Period(shift_years(period.start, -1), shift_years(period.end, -1))
    if basis == PREVIOUS_PERIOD:
        return period.previous()
    if basis == BEFORE_PLAN:
        return Period(plan.started_on - dt.timedelta(days=period.days), plan.started_on - ONE_DAY)
    raise ValueError(f"base de comparaison inconnue : « {basis} »")


def when_words(earlier: Period, basis: str) -> str:
    """« sur la même période de 2022 », « en 2022 », « sur la période précédente », « avant le plan »."""
    if basis == PREVIOUS_PERIOD:
        return _("over the previous period")
    if basis == BEFORE_PLAN:
        return _("over the same length of time before the plan")
    if earlier.is_calendar_year:
        return earlier.label
    if earlier.start.year == earlier.end.year:
        return _("over the same period of {year}").format(year=earlier.start.year)
    return _("over the same period one year earlier")


def first_recorded(plan: Plan) -> dict[tuple[str, str], dt.date]:
    """Each partner's earliest record of each record kind the catalogue reads (by the first date field the catalogue
    gives the kind), by (kind, partner name): one query. Per kind, because a partner who fined users in 2024 but
    recorded its first operation in 2025 says nothing about the operations of 2024."""
    date_fields: dict[str, str] = {}
    for definition in get_catalogue().values():
        date_fields.setdefault(definition.source, definition.date_field)
    queries = []
    covering = {} if engine_reads_record_tables() else _covering_counts(date_fields)
    if covering:  # a kind counted whole in the roll-up: its cells' first day per partner, not a table scan
        queries.append(
            DailyRollup.objects.filter(plan=plan, indicator__in=list(covering.values()), record_count__gt=0)
            .values("partner__name")
            .annotate(
                first=Min("day"),
                kind=Case(
                    *(When(indicator=code, then=Value(kind)) for kind, code in covering.items()),
                    output_field=models.CharField(),
                ),
            )
            .order_by()
            .values("partner__name", "first", "kind")
        )
    for source, name in date_fields.items():
        if source in covering:
            continue
        model = RECORD_KINDS[source]
        day: TruncDate | F = (
            TruncDate(name) if isinstance(model._meta.get_field(name), models.DateTimeField) else F(name)
        )
        queries.append(
            model._default_manager.filter(plan=plan, **{f"{name}__isnull": False})  # type: ignore[arg-type]
            .values("partner__name")
            .annotate(first=Min(day, output_field=models.DateField()), kind=Value(source, models.CharField()))
            .order_by()
        )
    first: dict[tuple[str, str], dt.date] = {}
    if not queries:
        return first
    for row in queries[0].union(*queries[1:], all=True):
        found = row["first"]
        found = dt.date.fromisoformat(found) if isinstance(found, str) else found
        key = (row["kind"], row["partner__name"])
        if key not in first or found < first[key]:
            first[key] = found
    return first


def _covering_counts(date_fields: dict[str, str]) -> dict[str, str]:
    """Per record kind, a rolled-up count indicator of the catalogue with no filter, dated by the kind's date field:
    its roll-up cells hold every record of the kind, by day and partner."""
    covering: dict[str, str] = {}
    for definition in get_catalogue().values():
        if (
            definition.source in date_fields
            and definition.source not in covering
            and definition.aggregation == "count"
            and not definition.filters
            and definition.value_field not in {MASS_GRAMS, STREET_VALUE}
            and definition.date_field == date_fields[definition.source]
            and rollup.is_rolled_up(definition)
        ):
            covering[definition.source] = definition.code
    return covering


def late_partners(result: IndicatorResult, earlier: Period, first: dict[tuple[str, str], dt.date]) -> tuple[str, ...]:
    """The partners behind the figure now who had recorded nothing of its kind by the end of the earlier period."""
    source = result.definition.source
    return tuple(
        sorted(
            name for name, _count in result.sources if first.get((source, name), earlier.end + ONE_DAY) > earlier.end
        )
    )


def compare_results(
    plan: Plan, results: dict[str, IndicatorResult], period: Period, basis: str = YEAR_BEFORE
) -> dict[str, IndicatorComparison]:
    """Every comparable indicator of `results` (flows: counts and sums; stocks) against the earlier period."""
    earlier = earlier_period(period, basis, plan)
    when = when_words(earlier, basis)
    flows = [
        code
        for code, result in results.items()
        if result.definition.aggregation in COUNT_AGGREGATIONS | {"sum"} and result.value is not None
    ]
    before = flow_totals(flows, earlier, plan=plan) if flows else {}
    first = first_recorded(plan) if flows else {}
    out: dict[str, IndicatorComparison] = {}
    for code, result in results.items():
        definition = result.definition
        label = str(definition.label)
        if definition.aggregation == "stock":
            if result.value is None or result.start_value is None or not result.record_count:
                continue
            as_of = result.as_of or period.end
            start_day = min(period.start - ONE_DAY, as_of)
            out[code] = IndicatorComparison(
                code,
                label,
                definition.unit,
                "stock",
                Decimal(result.value),
                Decimal(result.start_value),
                when,
                start_label=format_date(start_day),
                end_label=format_date(as_of),
            )
            continue
        if code not in before:
            continue
        then_value, then_records = before[code]
        if not result.record_count and not then_records:
            continue
        later, earlier_value = Decimal(result.value or 0), Decimal(then_value or 0)
        late = late_partners(result, earlier, first)
        if late:
            out[code] = IndicatorComparison(
                code, label, definition.unit, "not_comparable", later, earlier_value, when, late_partners=late
            )
        elif definition.aggregation == "sum":
            sums = compare_sums(
                float(earlier_value),
                float(later),
                earlier_events=then_records,
                later_events=result.record_count,
            )
            out[code] = IndicatorComparison(
                code,
                label,
                definition.unit,
                "sum",
                later,
                earlier_value,
                when,
                percent=sums.percent_change,
                later_events=result.record_count,
                earlier_events=then_records,
            )
        else:
            # A year against the same span a year earlier is one year against one year, 29 February or not: the
            # communiqués' « 4 327 contre 3 753 en 2024 (+15 %) ». Other bases weigh each period by its days.
            exposure = period.days if basis == YEAR_BEFORE else earlier.days
            counts = compare_counts(
                int(earlier_value), int(later), earlier_exposure=exposure, later_exposure=period.days
            )
            out[code] = IndicatorComparison(
                code, label, definition.unit, "count", later, earlier_value, when, counts.verdict, counts.percent_change
            )
    return out


def _figure(comparison: IndicatorComparison, value: Decimal) -> str:
    return format_mass(value) if comparison.unit == "g" else format_number(value, max_decimals=1)


def _percent(percent: float) -> str:
    sign = "+" if percent > 0 else "−" if percent < 0 else "±"
    return f"{sign}{format_number(abs(percent), 0)}\u00a0%"


def _events(comparison: IndicatorComparison, count: int) -> str:
    """The records behind a sum: seizures for the masses seized, records otherwise."""
    if comparison.code == "seizure_mass":
        return ngettext("{n} seizure", "{n} seizures", count).format(n=format_number(count))
    return ngettext("{n} record", "{n} records", count).format(n=format_number(count))


def comparison_text(comparison: IndicatorComparison) -> str:
    """The comparison as the bilan reads it: « Interpellations de trafiquants : 357, contre 285 sur la même
    période de 2022 (+25 %) : hausse. », « … : 12 contre 3 … : sans évolution nette. »."""
    label = comparison.label[:1].upper() + comparison.label[1:]
    later = _figure(comparison, comparison.later)
    earlier = _figure(comparison, comparison.earlier or Decimal(0))
    if comparison.kind == "stock":
        return _("From {earlier} {label} on {start} to {later} on {end}.").format(
            label=comparison.label, earlier=earlier, start=comparison.start_label, later=later, end=comparison.end_label
        )
    if comparison.kind == "not_comparable":
        return ""
    if comparison.kind == "sum":
        text = _("{label}: {later} ({later_events}), against {earlier} ({earlier_events}) {when}").format(
            label=label,
            later=later,
            earlier=earlier,
            later_events=_events(comparison, comparison.later_events or 0),
            earlier_events=_events(comparison, comparison.earlier_events or 0),
            when=comparison.when,
        )
        if comparison.percent is not None:
            text += f" ({_percent(comparison.percent)})"
        return text + "."
    if comparison.percent is None:
        text = _("{label}: {later} against {earlier} {when}").format(
            label=label, later=later, earlier=earlier, when=comparison.when
        )
    else:
        text = _("{label}: {later}, against {earlier} {when} ({percent})").format(
            label=label, later=later, earlier=earlier, when=comparison.when, percent=_percent(comparison.percent)
        )
    verdict = {"hausse": _("increase"), "baisse": _("decrease")}.get(comparison.verdict or "", _("no clear change"))
    return _("{comparison}: {verdict}.").format(comparison=text, verdict=verdict)


def not_comparable_text(comparisons: list[IndicatorComparison]) -> str:
    """One sentence naming the figures not compared and the partners who started recording later."""
    late = sorted({name for c in comparisons for name in c.late_partners})
    labels = [c.label for c in comparisons]
    return ngettext(
        "Not comparable {when}: {labels}, because {partners} started recording after that period.",
        "Not comparable {when}: {labels}, because {partners} started recording after that period.",
        len(late),
    ).format(when=comparisons[0].when, labels=join_words(labels), partners=join_words(late))

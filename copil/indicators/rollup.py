"""Keeping the daily roll-up (`DailyRollup`) in step with the record tables, and checking that it is.

Every change of records folds its difference in with one `INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE`
per indicator of the kind: the records' contributions are read by the same ORM filters the engine's
record-table path uses, then added (or, with `sign=-1`, subtracted) cell by cell; cells left with no record are
deleted. A single record saved or deleted through the ORM is folded in by the signal receivers below; a
queryset update (`copil.records.actions.update_record`) or a bulk write (the importer) calls `apply` itself
around its write, inside `bulk_writes()` so the receivers stay out of its way.
"""

from __future__ import annotations

import collections
import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, Round, TruncDate
from django.utils import timezone

from . import versions
from .catalogue import MASS_GRAMS, STREET_VALUE, YEAR, IndicatorDefinition, get_catalogue
from .models import NO_EARLIER_DAY, DailyRollup, PersonRollup

ROLLED_AGGREGATIONS = frozenset({"count", "sum", "daily"})
KEY_SEPARATOR = "|"
MILLIGRAMS_PER_GRAM = 1000

_bulk = contextvars.ContextVar("copil_rollup_bulk", default=False)


def is_rolled_up(definition: IndicatorDefinition) -> bool:
    """Whether the engine reads this indicator from the roll-up: counts and integer (or mass) sums; distinct
    persons, stocks and readings stay on the record tables. The street value has no cells of its own (a new price
    would leave them stale): the engine prices the mass cells by day and substance instead."""
    if definition.aggregation not in ROLLED_AGGREGATIONS or definition.value_field == STREET_VALUE:
        return False
    if definition.aggregation == "count" or definition.value_field == MASS_GRAMS:
        return True
    field = definition.model._meta.get_field(definition.value_field or "")
    return isinstance(field, models.IntegerField)


def is_catalogued(definition: IndicatorDefinition) -> bool:
    """Whether the definition is the catalogue's own entry for its code (only those have roll-up cells)."""
    return get_catalogue().get(definition.code) == definition


def has_cells(definition: IndicatorDefinition) -> bool:
    """Whether the indicator has roll-up cells: the rolled-up ones, and distinct persons for their record counts
    and sources (the persons themselves are counted from the records)."""
    return is_rolled_up(definition) or definition.aggregation == "distinct"


@cache
def rolled_indicators(kind: str) -> tuple[IndicatorDefinition, ...]:
    """The indicators with roll-up cells computed from records of this kind."""
    return tuple(d for d in get_catalogue().values() if d.source == kind and has_cells(d))


def key_fields(definition: IndicatorDefinition) -> list[str]:
    """The disaggregation fields stored in the roll-up's key (the year is read from the day)."""
    return [name for name in definition.disaggregate if name != YEAR]


def stored_value(definition: IndicatorDefinition) -> models.Expression | F:
    """A record's value as the roll-up stores it: whole milligrams for masses, the field for other sums."""
    if definition.aggregation in {"count", "distinct"}:
        return Value(0, output_field=models.BigIntegerField())
    if definition.value_field == MASS_GRAMS:
        milligrams = Case(
            When(unit="kg", then=F("quantity") * Value(1000 * MILLIGRAMS_PER_GRAM)),
            When(unit="g", then=F("quantity") * Value(MILLIGRAMS_PER_GRAM)),
            default=None,
            output_field=models.DecimalField(max_digits=30, decimal_places=3),
        )
        return Cast(Round(milligrams), models.BigIntegerField())
    return F(definition.value_field or "")


def _day(definition: IndicatorDefinition) -> models.Expression | F:
    """The local date of the record (`copil.indicators.engine` places date-times the same way)."""
    field = definition.model._meta.get_field(definition.date_field)
    if isinstance(field, models.DateTimeField):
        return TruncDate(definition.date_field, tzinfo=timezone.get_default_timezone())
    return F(definition.date_field)


def _key(definition: IndicatorDefinition) -> models.Expression:
    names = key_fields(definition)
    if not names:
        return Value("", output_field=models.CharField())
    parts: list[Any] = []
    for position, name in enumerate(names):
        if position:
            parts.append(Value(KEY_SEPARATOR))
        parts.append(Coalesce(Cast(name, models.CharField()), Value("")))
    return parts[0] if len(parts) == 1 else Concat(*parts, output_field=models.CharField())


def contributions(definition: IndicatorDefinition, records: models.QuerySet) -> models.QuerySet:
    """The roll-up cells these records make for the indicator: plan_id, partner_id, day, cell_key, n, total."""
    base = records.filter(**definition.filters).filter(**{f"{definition.date_field}__isnull": False})
    if definition.value_field == MASS_GRAMS:
        base = base.filter(unit__in=["g", "kg"])
    return (
        base.order_by()
        .annotate(cell_day=_day(definition), cell_key=_key(definition))
        .values("plan_id", "partner_id", "cell_day", "cell_key")
        .annotate(
            n=Count("pk"),
            total=Coalesce(Sum(stored_value(definition)), Value(0), output_field=models.BigIntegerField()),
        )
    )


def _table() -> str:
    return connection.ops.quote_name(DailyRollup._meta.db_table)


def fold(definition: IndicatorDefinition, records: models.QuerySet, sign: int = 1) -> None:
    """Add (sign 1) or subtract (sign -1) the records' contributions to the indicator's roll-up cells."""
    sql, params = contributions(definition, records).query.sql_with_params()
    quote = connection.ops.quote_name
    table = _table()
    cell = ", ".join(quote(c) for c in ("plan_id", "indicator", "day", "partner_id", "key"))
    with connection.cursor() as cursor:
        # WHERE true: SQLite needs it to parse ON CONFLICT after INSERT … SELECT.
        cursor.execute(
            f"INSERT INTO {table} ({cell}, {quote('record_count')}, {quote('value')}) "
            f"SELECT c.plan_id, %s, c.cell_day, c.partner_id, c.cell_key, %s * c.n, %s * c.total "
            f"FROM ({sql}) c WHERE 1 = 1 "
            f"ON CONFLICT ({cell}) DO UPDATE SET "
            f"{quote('record_count')} = {table}.{quote('record_count')} + excluded.{quote('record_count')}, "
            f"{quote('value')} = {table}.{quote('value')} + excluded.{quote('value')}",
            [definition.code, sign, sign, *params],
        )
        if sign < 0:
            plans_sql, plans_params = records.order_by().values("plan_id").distinct().query.sql_with_params()
            cursor.execute(
                f"DELETE FROM {table} WHERE {quote('indicator')} = %s AND {quote('record_count')} = 0 "
                f"AND {quote('plan_id')} IN ({plans_sql})",
                [definition.code, *plans_params],
            )


def apply(kind: str, records: models.QuerySet, sign: int = 1) -> None:
    """Fold the records (of `kind`) into every rolled-up indicator of their kind, and into the first appearances
    of its distinct-person indicators."""
    for definition in rolled_indicators(kind):
        fold(definition, records, sign)
    fold_persons(kind, records, sign)


@contextlib.contextmanager
def bulk_writes() -> Iterator[None]:
    """Within it, records saved or deleted one by one are not folded in by the signal receivers: the caller
    applies the difference of its whole write itself."""
    token = _bulk.set(True)
    try:
        yield
    finally:
        _bulk.reset(token)


def is_bulk() -> bool:
    return _bulk.get()


# --- checking ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drift:
    """A roll-up cell that disagrees with the record tables: (stored count, stored sum) vs (expected …)."""

    indicator: str
    plan_id: int
    day: dt.date
    partner_id: int
    key: str
    stored: tuple[int, int]
    expected: tuple[int, int]


@dataclass(frozen=True)
class PersonDrift:
    """A first-appearance cell (`PersonRollup`) that disagrees with the record tables: stored vs expected count."""

    indicator: str
    plan_id: int
    day: dt.date
    previous_month: dt.date
    stored: int
    expected: int


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def expected_cells(
    definition: IndicatorDefinition, plan_ids: Iterable[int] | None = None
) -> dict[tuple[int, dt.date, int, str], tuple[int, int]]:
    """The indicator's roll-up cells as the record tables give them."""
    records = definition.model._default_manager.all()
    if plan_ids is not None:
        records = records.filter(plan_id__in=list(plan_ids))
    return {
        (row["plan_id"], _as_date(row["cell_day"]), row["partner_id"], row["cell_key"]): (
            int(row["n"]),
            int(row["total"]),
        )
        for row in contributions(definition, records)
    }


def stored_cells(
    definition: IndicatorDefinition, plan_ids: Iterable[int] | None = None
) -> dict[tuple[int, dt.date, int, str], tuple[int, int]]:
    rows = DailyRollup.objects.filter(indicator=definition.code)
    if plan_ids is not None:
        rows = rows.filter(plan_id__in=list(plan_ids))
    return {
        (row.plan_id, row.day, row.partner_id, row.key): (row.record_count, row.value)
        for row in rows.exclude(record_count=0)
    }


def verify(*, plan_ids: Iterable[int] | None = None, repair: bool = False) -> list[Drift | PersonDrift]:
    """Compare the roll-up with the record tables (every plan, or these); with `repair`, rewrite the cells of
    every indicator that drifted (and drop the rows of indicators no longer rolled up). Returns the drift found."""
    ids = None if plan_ids is None else list(plan_ids)
    drifts: list[Drift | PersonDrift] = []
    codes = set()
    for definition in get_catalogue().values():
        if not has_cells(definition):
            continue
        codes.add(definition.code)
        stored, expected = stored_cells(definition, ids), expected_cells(definition, ids)
        found = [
            Drift(definition.code, *cell, stored.get(cell, (0, 0)), expected.get(cell, (0, 0)))
            for cell in sorted(set(stored) | set(expected), key=lambda c: (c[0], c[1], c[2], c[3]))
            if stored.get(cell, (0, 0)) != expected.get(cell, (0, 0))
        ]
        drifts += found
        if repair and found:
            with transaction.atomic():
                rows = DailyRollup.objects.filter(indicator=definition.code)
                if ids is not None:
                    rows = rows.filter(plan_id__in=ids)
                rows.delete()
                records = definition.model._default_manager.all()
                if ids is not None:
                    records = records.filter(plan_id__in=ids)
                fold(definition, records)
                # Figures cached under the kind's version were read from the drifted cells: move it on.
                versions.bump({drift.plan_id for drift in found}, definition.source)
    from copil.records.models import RECORD_KINDS

    person_codes = set()
    for kind in RECORD_KINDS:
        if not person_indicators(kind):
            continue
        person_codes |= {d.code for d in person_indicators(kind)}
        stored_persons, expected_persons = stored_person_cells(kind, ids), expected_person_cells(kind, ids)
        person_drifts = [
            PersonDrift(cell[1], cell[0], cell[2], cell[3], stored_persons[cell], expected_persons[cell])
            for cell in sorted(set(stored_persons) | set(expected_persons))
            if stored_persons[cell] != expected_persons[cell]
        ]
        drifts += person_drifts
        if repair and person_drifts:
            with transaction.atomic():
                _rebuild_persons(kind, ids)
                versions.bump({drift.plan_id for drift in person_drifts}, kind)
    if repair:
        stale_persons = PersonRollup.objects.exclude(indicator__in=person_codes)
        if ids is not None:
            stale_persons = stale_persons.filter(plan_id__in=ids)
        stale_persons.delete()
        stale = DailyRollup.objects.exclude(indicator__in=codes)
        if ids is not None:
            stale = stale.filter(plan_id__in=ids)
        stale.delete()
    return drifts


def rebuild(plan_ids: Iterable[int] | None = None) -> None:
    """Recompute the roll-up of these plans (or all) from the record tables, e.g. after bulk inserts."""
    ids = None if plan_ids is None else list(plan_ids)
    with transaction.atomic():
        rows = DailyRollup.objects.all()
        if ids is not None:
            rows = rows.filter(plan_id__in=ids)
        rows.delete()
        for definition in get_catalogue().values():
            if has_cells(definition):
                records = definition.model._default_manager.all()
                if ids is not None:
                    records = records.filter(plan_id__in=ids)
                fold(definition, records)
        from copil.records.models import RECORD_KINDS

        for kind in RECORD_KINDS:
            if person_indicators(kind):
                _rebuild_persons(kind, ids)


# --- distinct persons: first appearances (`PersonRollup`) ------------------------------------------------------

PersonCell = tuple[int, str, dt.date, dt.date]  # plan_id, indicator, day, previous month
PERSON_CHUNK = 2000


@cache
def person_indicators(kind: str) -> tuple[IndicatorDefinition, ...]:
    """The catalogue's distinct-person indicators counted from records of this kind."""
    return tuple(d for d in get_catalogue().values() if d.source == kind and d.aggregation == "distinct")


@cache
def _person_groups(kind: str) -> tuple[tuple[IndicatorDefinition, ...], ...]:
    """The kind's person indicators grouped by person and date field: one query reads the records of a group."""
    groups: dict[tuple[str, str], list[IndicatorDefinition]] = {}
    for definition in person_indicators(kind):
        groups.setdefault((definition.value_field or "", definition.date_field), []).append(definition)
    return tuple(tuple(group) for group in groups.values())


@dataclass(frozen=True)
class _PersonRecord:
    pk: int
    plan_id: int
    person: str | None  # None: no pseudonym, a person of its own
    day: dt.date
    meets: tuple[bool, ...]  # whether it counts for each indicator of its group


def _person_records(group: tuple[IndicatorDefinition, ...], records: models.QuerySet) -> Iterator[_PersonRecord]:
    first = group[0]
    boolean = models.BooleanField()
    meets = {
        f"meets_{index}": Case(When(Q(**d.filters), then=Value(True)), default=Value(False), output_field=boolean)
        if d.filters
        else Value(True, output_field=boolean)
        for index, d in enumerate(group)
    }
    rows = (
        records.filter(**{f"{first.date_field}__isnull": False})
        .order_by()
        .annotate(**meets)
        .values_list("pk", "plan_id", first.value_field or "", first.date_field, *meets)
    )
    for pk, plan_id, person, day, *flags in rows.iterator(chunk_size=10_000):
        yield _PersonRecord(pk, plan_id, person or None, _local_day(day), tuple(bool(flag) for flag in flags))


def _local_day(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    return _as_date(value)


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def person_cells(
    group: tuple[IndicatorDefinition, ...], records: Iterable[_PersonRecord]
) -> collections.Counter[PersonCell]:
    """The first-appearance cells these records make: every person's qualifying days in order, each counted with
    the month of the one before (`PersonRollup`). `records` must hold each named person's every record."""
    days: dict[tuple[int, str | int], list[tuple[dt.date, tuple[bool, ...]]]] = {}
    for record in records:
        person: str | int = record.person if record.person is not None else record.pk
        days.setdefault((record.plan_id, person), []).append((record.day, record.meets))
    cells: collections.Counter[PersonCell] = collections.Counter()
    for (plan_id, _person), entries in days.items():
        entries.sort(key=lambda entry: entry[0])
        for index, definition in enumerate(group):
            previous = NO_EARLIER_DAY
            for day, meets in entries:
                if meets[index]:
                    cells[(plan_id, definition.code, day, previous)] += 1
                    previous = _month(day)
    return cells


def _records_of_persons(
    group: tuple[IndicatorDefinition, ...], model: type[models.Model], persons: set[tuple[int, str]]
) -> Iterator[_PersonRecord]:
    """Every record of these (plan, pseudonym) persons, read by the kind's (plan, person) index."""
    name = group[0].value_field or ""
    by_plan: dict[int, list[str]] = {}
    for plan_id, person in persons:
        by_plan.setdefault(plan_id, []).append(person)
    for plan_id, names in by_plan.items():
        names.sort()
        for start in range(0, len(names), PERSON_CHUNK):
            chunk = names[start : start + PERSON_CHUNK]
            yield from _person_records(group, model._default_manager.filter(plan_id=plan_id, **{f"{name}__in": chunk}))


def fold_persons(kind: str, records: models.QuerySet, sign: int = 1) -> None:
    """Add (sign 1) or take out (sign -1) these records from their persons' first appearances: every record of
    each person concerned is read, and the cells they make with and without these records differ by the change."""
    for group in _person_groups(kind):
        name = group[0].value_field or ""
        written = list(records.order_by().values_list("pk", "plan_id", name))
        if not written:
            continue
        pks = {pk for pk, _plan, _person in written}
        named = {(plan_id, person) for _pk, plan_id, person in written if person}
        blank = Q(**{f"{name}__isnull": True}) | Q(**{name: ""})
        concerned = list(_records_of_persons(group, records.model, named)) if named else []
        concerned += _person_records(group, records.filter(blank))
        change = person_cells(group, concerned)
        change.subtract(person_cells(group, (r for r in concerned if r.pk not in pks)))
        write_person_cells({cell: sign * n for cell, n in change.items() if n})


def write_person_cells(change: dict[PersonCell, int]) -> None:
    """Add each cell's count to the person roll-up (one statement per batch), then drop the cells left empty."""
    if not change:
        return
    quote = connection.ops.quote_name
    table = quote(PersonRollup._meta.db_table)
    cell = ", ".join(quote(c) for c in ("plan_id", "indicator", "day", "previous_month"))
    count = quote("record_count")
    rows = [(*key, n) for key, n in sorted(change.items())]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({cell}, {count}) VALUES (%s, %s, %s, %s, %s) "
            f"ON CONFLICT ({cell}) DO UPDATE SET {count} = {table}.{count} + excluded.{count}",
            rows,
        )
        if any(n < 0 for n in change.values()):
            PersonRollup.objects.filter(
                plan_id__in={key[0] for key in change}, indicator__in={key[1] for key in change}, record_count=0
            ).delete()


def expected_person_cells(
    kind: str, plan_ids: Iterable[int] | None = None, *, records: models.QuerySet | None = None
) -> collections.Counter[PersonCell]:
    """The kind's first-appearance cells as its record tables give them (`records`: a migration's historical
    model's)."""
    from copil.records.models import RECORD_KINDS

    cells: collections.Counter[PersonCell] = collections.Counter()
    if records is None:
        records = RECORD_KINDS[kind]._default_manager.all()
    if plan_ids is not None:
        records = records.filter(plan_id__in=list(plan_ids))
    for group in _person_groups(kind):
        cells.update(person_cells(group, _person_records(group, records)))
    return cells


def stored_person_cells(kind: str, plan_ids: Iterable[int] | None = None) -> collections.Counter[PersonCell]:
    rows = PersonRollup.objects.filter(indicator__in=[d.code for d in person_indicators(kind)]).exclude(record_count=0)
    if plan_ids is not None:
        rows = rows.filter(plan_id__in=list(plan_ids))
    return collections.Counter(
        {
            (plan_id, code, day, previous): n
            for plan_id, code, day, previous, n in rows.values_list(
                "plan_id", "indicator", "day", "previous_month", "record_count"
            )
        }
    )


def _rebuild_persons(kind: str, plan_ids: list[int] | None) -> None:
    rows = PersonRollup.objects.filter(indicator__in=[d.code for d in person_indicators(kind)])
    if plan_ids is not None:
        rows = rows.filter(plan_id__in=plan_ids)
    rows.delete()
    write_person_cells(dict(expected_person_cells(kind, plan_ids)))


# --- single records saved or deleted through the ORM -----------------------------------------------------------


def _kind(model: type) -> str | None:
    from copil.records.models import RECORD_KINDS

    for kind, candidate in RECORD_KINDS.items():
        if candidate is model:
            return kind
    return None


def _has_rollup(kind: str) -> bool:
    return bool(rolled_indicators(kind) or person_indicators(kind))


def _before_save(sender: type[models.Model], instance: Any, raw: bool = False, **kwargs: Any) -> None:
    kind = _kind(sender)
    if kind is None or is_bulk() or raw or instance._state.adding or not _has_rollup(kind):
        return
    apply(kind, sender._default_manager.filter(pk=instance.pk), -1)


def _after_save(sender: type[models.Model], instance: Any, raw: bool = False, **kwargs: Any) -> None:
    kind = _kind(sender)
    if kind is None or is_bulk() or raw or not _has_rollup(kind):
        return
    apply(kind, sender._default_manager.filter(pk=instance.pk), 1)


def _before_delete(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
    kind = _kind(sender)
    if kind is None or is_bulk() or not _has_rollup(kind):
        return
    apply(kind, sender._default_manager.filter(pk=instance.pk), -1)


def connect_signals() -> None:
    """Fold single-record saves and deletions of every record kind into the roll-up."""
    from django.db.models.signals import post_save, pre_delete, pre_save

    from copil.records.models import RECORD_KINDS

    for kind, model in RECORD_KINDS.items():
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"rollup-before-save-{kind}")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"rollup-after-save-{kind}")
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"rollup-before-delete-{kind}")


def describe(drift: Drift | PersonDrift) -> str:
    """A drift in French, for the command and the logs."""
    if isinstance(drift, PersonDrift):
        previous = "aucun" if drift.previous_month == NO_EARLIER_DAY else f"{drift.previous_month:%m/%Y}"
        return (
            f"écart « {drift.indicator} » (premières apparitions), plan {drift.plan_id}, {drift.day:%d/%m/%Y}, "
            f"mois précédent {previous} : agrégé {drift.stored} enregistrement(s), attendu {drift.expected}"
        )
    return (
        f"écart « {drift.indicator} », plan {drift.plan_id}, {drift.day:%d/%m/%Y}, partenaire {drift.partner_id}"
        f"{f', clé {drift.key}' if drift.key else ''} : agrégé {drift.stored[0]} enregistrement(s) / "
        f"{drift.stored[1]}, attendu {drift.expected[0]} / {drift.expected[1]}"
    )

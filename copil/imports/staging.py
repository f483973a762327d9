"""The temporary table a file is staged in, and the set-based SQL that checks and writes it.

PostgreSQL streams the rows in through `COPY`, SQLite through `executemany`, in the transaction that holds the
whole import. References are resolved to primary keys there, by one index probe per row, among the records the
person importing may link to (`copil.formats.references`); then one `UPDATE … FROM stage` changes the records
whose values differ and one `INSERT … SELECT` creates the new ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils import timezone

from copil.access import audit
from copil.access.actors import Actor
from copil.formats import FORMATS, ColumnType, RecordFormat, referable_records
from copil.imports.results import ImportReport
from copil.imports.validation import FileValidator, Slot
from copil.indicators import rollup, versions
from copil.records.models import Agreement

if TYPE_CHECKING:
    from copil.imports.history import History

STAGE_TABLE = "copil_import_stage"
BEFORE_TABLE = "copil_import_before"
SQLITE_BATCH = 2_000
ANALYZE_AFTER_ROWS = 5_000


class Stage:
    """The temporary table a file is staged in, and the set-based SQL that checks and writes it."""

    def __init__(self, fmt: RecordFormat, validator: FileValidator):
        self.fmt = fmt
        self.model = fmt.model
        self.validator = validator
        self.slots = validator.slots
        self.quote = connection.ops.quote_name
        self.target = self.quote(self.model._meta.db_table)
        self.stage = self.quote(STAGE_TABLE)
        self.sqlite = connection.vendor == "sqlite"
        self.plan_id = validator.plan.pk
        self.partner_id = validator.partner.pk
        self.known = f"t.id = s.{self.quote('record_pk')}"  # joins a staged row to its record (`mark_known`)

    def create(self) -> None:
        slots = [*self.slots, *(Slot(f"r{index}_pk", "bigint") for index in range(len(self.validator.references)))]
        slots.append(Slot("record_pk", "bigint"))  # the partner's existing record of that identifier (`mark_known`)
        columns = ", ".join(f"{self.quote(slot.name)} {slot.db_type}" for slot in slots)
        suffix = "" if self.sqlite else " ON COMMIT DROP"
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.stage}")
            cursor.execute(f"CREATE TEMPORARY TABLE {self.stage} ({columns}){suffix}")

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.stage}")

    @contextmanager
    def writer(self) -> Iterator[Callable[[list[Any]], None]]:
        """A function staging one row: PostgreSQL streams rows through COPY, SQLite inserts them in batches."""
        names = ", ".join(self.quote(slot.name) for slot in self.slots)
        with connection.cursor() as cursor:
            if self.sqlite:
                sql = f"INSERT INTO {self.stage} ({names}) VALUES ({', '.join(['%s'] * len(self.slots))})"
                batch: list[list[Any]] = []

                def write(row: list[Any]) -> None:
                    batch.append(row)
                    if len(batch) >= SQLITE_BATCH:
                        cursor.executemany(sql, batch)
                        batch.clear()

                yield write
                if batch:
                    cursor.executemany(sql, batch)
            else:
                with cursor.cursor.copy(f"COPY {self.stage} ({names}) FROM STDIN") as copy:
                    yield copy.write_row

    def after_load(self) -> None:
        """SQLite: index the identifiers (it joins by nested loops); PostgreSQL: give the planner statistics
        (it hashes the staged rows, an index would only cost its build)."""
        with connection.cursor() as cursor:
            if self.sqlite:
                cursor.execute(f"CREATE INDEX {self.quote(STAGE_TABLE + '_ext')} ON {self.stage} (ext)")
            else:
                cursor.execute(f"ANALYZE {self.stage}")

    def duplicates(self, limit: int) -> list[tuple[int, str, int]]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.line, s.ext, d.first_line FROM {self.stage} s JOIN ("
                f"SELECT ext, MIN(line) AS first_line FROM {self.stage} WHERE ext IS NOT NULL "
                f"GROUP BY ext HAVING COUNT(*) > 1) d ON d.ext = s.ext "
                f"WHERE s.line <> d.first_line ORDER BY s.line LIMIT %s",
                [limit],
            )
            return cursor.fetchall()

    def resolve_references(self) -> None:
        """Look up the primary key each reference names (`r<i>_pk`), one index probe per staged reference:
        a join here would depend on the planner's statistics, stale right after a large import. Only the records
        the person importing may link to resolve (`referable_records`); the system's imports see the whole plan."""
        actor = self.validator.request.actor
        for index, (_partner_slot, id_slot, _position) in enumerate(self.validator.references):
            assert id_slot.column is not None
            kind = id_slot.column.references
            table = self.quote(FORMATS[kind].model._meta.db_table)
            partner, external, pk = (self.quote(f"r{index}_{part}") for part in ("partner", "id", "pk"))
            visible, params = self._referable(actor, kind)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {self.stage} SET {pk} = (SELECT r.id FROM {table} r WHERE r.partner_id = {partner} "
                    f"AND r.external_id = {external} AND r.plan_id = %s{visible}) WHERE {external} IS NOT NULL",
                    [self.plan_id, *params],
                )

    def _referable(self, actor: Actor, kind: str) -> tuple[str, list[Any]]:
        """The SQL condition keeping `r` among the records `actor` may link to (none for the system)."""
        if actor is None:
            return "", []
        records = referable_records(actor, kind, self.plan_id).order_by().values("pk")
        try:
            sql, params = records.query.sql_with_params()
        except EmptyResultSet:
            return " AND 1 = 0", []
        return f" AND r.id IN ({sql})", list(params)

    def mark_known(self) -> None:
        """Give each staged row the primary key of the partner's record it updates (`record_pk`), before any write:
        the updates join on it, and the INSERT reads only the stage, never the table it is filling (an anti-join
        on that table rescans the rows it adds whenever the planner picks a nested loop: quadratic)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self.stage} AS s SET {self.quote('record_pk')} = t.id FROM {self.target} t "
                "WHERE t.partner_id = %s AND t.external_id = s.ext",
                [self.partner_id],
            )

    def unknown_references(self, index: int, limit: int) -> list[tuple[int, int, str]]:
        partner, external, pk = (self.quote(f"r{index}_{part}") for part in ("partner", "id", "pk"))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT line, {partner}, {external} FROM {self.stage} WHERE {external} IS NOT NULL AND {pk} IS NULL "
                "ORDER BY line LIMIT %s",
                [limit],
            )
            return cursor.fetchall()

    # SQL fragments

    def _references(self) -> list[tuple[str, str]]:
        """(model column, staged primary key) of each reference, resolved beforehand by `resolve_references`."""
        return [
            (self.validator.model_fields[id_slot.column.field].attname, f"s.{self.quote(f'r{index}_pk')}")
            for index, (_partner_slot, id_slot, _position) in enumerate(self.validator.references)
        ]

    def _assignments(self) -> list[tuple[str, str]]:
        """(model column, staged expression) for every column the file carries."""
        values = [(slot.attname, f"s.{self.quote(slot.name)}") for slot, _position in self.validator.values]
        return values + self._references()

    def _changed(self) -> str:
        distinct = "IS NOT" if self.sqlite else "IS DISTINCT FROM"
        tests = [f"t.{self.quote(attname)} {distinct} {expression}" for attname, expression in self._assignments()]
        return " OR ".join(tests) if tests else "1 = 0"

    def _absent_defaults(self) -> list[tuple[str, Any]]:
        """Columns the file does not carry, with the value a new record takes."""
        present = {attname for attname, _expression in self._assignments()}
        skip = {"id", "plan_id", "partner_id", "external_id", "version", "created_at", "updated_at"}
        defaults = []
        for model_field in self.model._meta.concrete_fields:
            if model_field.attname in skip or model_field.attname in present:
                continue
            if model_field.null:
                value = None
            elif model_field.has_default():
                value = model_field.get_db_prep_save(model_field.get_default(), connection)
            else:
                value = ""
            defaults.append((model_field.attname, value))
        return defaults

    # writing

    def write(self, report: ImportReport, now: dt.datetime, history: History | None, dry_run: bool) -> None:
        """Update the changed records, create the new ones (or, for a dry run, count them); fill the report."""
        changed = self._changed()
        stamp = connection.ops.adapt_datetimefield_value(now)
        self.mark_known()
        match, missing = self.known, f"s.{self.quote('record_pk')} IS NULL"
        with connection.cursor() as cursor:
            parties_only: set[str] = set()
            if self.validator.parties is not None:
                parties_only = self._parties_changed(cursor) - self._changed_ext(cursor)
            if dry_run:
                cursor.execute(f"SELECT COUNT(*) FROM {self.stage} s JOIN {self.target} t ON {match} WHERE {changed}")
                report.updated = cursor.fetchone()[0] + len(parties_only)
                cursor.execute(f"SELECT COUNT(*) FROM {self.stage} s WHERE {missing}")
                report.created = cursor.fetchone()[0]
                return
            if history is not None:
                cursor.execute(f"DROP TABLE IF EXISTS {self.quote(BEFORE_TABLE)}")
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {self.quote(BEFORE_TABLE)} AS SELECT t.* FROM {self.stage} s "
                    f"JOIN {self.target} t ON {match} WHERE {changed}"
                )
            # The roll-up loses what the file's known records counted, and gains what they and the new ones count
            # once written (unchanged records cancel out): one INSERT … SELECT … GROUP BY per indicator each way.
            rollup.apply(self.fmt.kind, self._staged_known(), -1)
            assigned = self._assignments()
            assignments = "".join(f"{self.quote(attname)} = {expression}, " for attname, expression in assigned)
            cursor.execute(
                f"UPDATE {self.target} AS t SET {assignments}version = t.version + 1, updated_at = %s "
                f"FROM {self.stage} s WHERE {match} AND ({changed})",
                [stamp],
            )
            report.updated = cursor.rowcount
            defaults = self._absent_defaults()
            columns = ["plan_id", "partner_id", "external_id", "version", "created_at", "updated_at"]
            columns += [attname for attname, _expression in assigned] + [attname for attname, _value in defaults]
            expressions = ["%s", "%s", "s.ext", "1", "%s", "%s"]
            expressions += [expression for _attname, expression in assigned] + ["%s"] * len(defaults)
            cursor.execute(
                f"INSERT INTO {self.target} ({', '.join(self.quote(c) for c in columns)}) "
                f"SELECT {', '.join(expressions)} FROM {self.stage} s WHERE {missing}",
                [self.plan_id, self.partner_id, stamp, stamp, *[value for _attname, value in defaults]],
            )
            report.created = cursor.rowcount
            if not self.sqlite and report.created >= ANALYZE_AFTER_ROWS:
                # The fold below joins the table it just filled: without fresh statistics, PostgreSQL may take it
                # for nearly empty and pick a nested loop over the stage for each record (quadratic).
                cursor.execute(f"ANALYZE {self.target}")
            rollup.apply(self.fmt.kind, self._staged_records(), 1)
            versions.bump([self.plan_id], self.fmt.kind)  # once per file
            if self.validator.parties is not None:
                self._set_parties(cursor)
                if parties_only:
                    Agreement.objects.filter(partner_id=self.partner_id, external_id__in=parties_only).update(
                        version=F("version") + 1, updated_at=now
                    )
                    report.updated += len(parties_only)
        if history is not None:
            history.record_changes(self.model, now)

    def _staged_known(self) -> Any:
        """The partner's existing records the staged rows name (before the write)."""
        pk = self.quote("record_pk")
        known = RawSQL(f"SELECT {pk} FROM {self.stage} WHERE {pk} IS NOT NULL", [])
        return self.model._default_manager.filter(pk__in=known)

    def _staged_records(self) -> Any:
        """The partner's records the staged rows name (after the write: every one of them)."""
        return self.model._default_manager.filter(
            partner_id=self.partner_id, external_id__in=RawSQL(f"SELECT ext FROM {self.stage}", [])
        )

    def _changed_ext(self, cursor: Any) -> set[str]:
        cursor.execute(f"SELECT s.ext FROM {self.stage} s JOIN {self.target} t ON {self.known} WHERE {self._changed()}")
        return {row[0] for row in cursor.fetchall()}

    # agreements: their signatories are a many-to-many relation, set in Python (agreement files are small)

    def _wanted_parties(self, cursor: Any) -> dict[str, set[int]]:
        cursor.execute(f"SELECT ext, parties FROM {self.stage}")
        return {ext: {int(pk) for pk in (parties or "").split("|") if pk} for ext, parties in cursor.fetchall()}

    def _current_parties(self, external_ids: Iterable[str]) -> dict[str, tuple[int, set[int]]]:
        """Existing agreements of the partner among these identifiers: identifier -> (pk, signatories)."""
        through = Agreement.parties.through
        ids = list(external_ids)
        pk_of: dict[str, int] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            pk_of.update(
                Agreement.objects.filter(partner_id=self.partner_id, external_id__in=chunk).values_list(
                    "external_id", "pk"
                )
            )
        parties: dict[int, set[int]] = {pk: set() for pk in pk_of.values()}
        pks = list(parties)
        for start in range(0, len(pks), 500):
            for agreement_id, partner_id in through.objects.filter(
                agreement_id__in=pks[start : start + 500]
            ).values_list("agreement_id", "partner_id"):
                parties[agreement_id].add(partner_id)
        return {ext: (pk, parties[pk]) for ext, pk in pk_of.items()}

    def _parties_changed(self, cursor: Any) -> set[str]:
        """Identifiers of existing agreements whose signatories the file changes."""
        wanted = self._wanted_parties(cursor)
        return {ext for ext, (_pk, parties) in self._current_parties(wanted).items() if parties != wanted[ext]}

    def _set_parties(self, cursor: Any) -> None:
        """Give every agreement of the file the signatories the file lists."""
        through = Agreement.parties.through
        wanted = self._wanted_parties(cursor)
        replace = {ext: pk for ext, (pk, parties) in self._current_parties(wanted).items() if parties != wanted[ext]}
        pks = list(replace.values())
        for start in range(0, len(pks), 500):
            through.objects.filter(agreement_id__in=pks[start : start + 500]).delete()
        through.objects.bulk_create(
            [through(agreement_id=pk, partner_id=p) for ext, pk in replace.items() for p in sorted(wanted[ext])],
            batch_size=1000,
        )

    def replace_period(
        self,
        report: ImportReport,
        period: tuple[dt.date, dt.date],
        history: History | None,
        dry_run: bool,
    ) -> None:
        """Delete the partner's records of this kind dated within the period and absent from the file."""
        column = self.fmt.column(self.fmt.period_column)
        model_field = self.validator.model_fields[column.field]
        start, end = period
        if column.type == ColumnType.DATETIME:
            low = timezone.make_aware(dt.datetime.combine(start, dt.time(0)))
            high = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0)))
            bounds, params = (
                "t.{c} >= %s AND t.{c} < %s",
                [
                    connection.ops.adapt_datetimefield_value(low),
                    connection.ops.adapt_datetimefield_value(high),
                ],
            )
        else:
            bounds, params = "t.{c} >= %s AND t.{c} <= %s", [start.isoformat(), end.isoformat()]
        condition = bounds.format(c=self.quote(model_field.attname))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT t.id FROM {self.target} t WHERE t.partner_id = %s AND {condition} "
                f"AND NOT EXISTS (SELECT 1 FROM {self.stage} s WHERE s.ext = t.external_id) ORDER BY t.id",
                [self.partner_id, *params],
            )
            doomed = [row[0] for row in cursor.fetchall()]
        report.deleted = len(doomed)
        if dry_run or not doomed:
            return
        for start_index in range(0, len(doomed), 1000):
            chunk = doomed[start_index : start_index + 1000]
            objects = list(self.model._default_manager.filter(pk__in=chunk).order_by("pk"))
            if history is not None:
                history.deleted(objects)
            rollup.apply(self.fmt.kind, self.model._default_manager.filter(pk__in=chunk), -1)
            versions.bump([self.plan_id], self.fmt.kind)
            with audit.auditlog_disabled(), rollup.bulk_writes():
                self.model._default_manager.filter(pk__in=chunk).delete()

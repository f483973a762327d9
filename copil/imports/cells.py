"""One record in the import format, for the channels that handle records one at a time (web forms, JSON API).

`RowParser` checks the values of one record exactly as the importer checks a row of a file — same parsing, same
ranges, same dates, same enumeration spellings, same French reasons — by running the importer's own cell
converters (`copil.imports.importer._Validator`), and turns them into the field values
`copil.records.actions.create_record` / `update_record` take. `record_cells` goes the other way: a record as
the cells of its format (edit forms, CSV and XLSX exports that import back as they are, API responses).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from copil.access import policy
from copil.access.actors import Actor
from copil.imports.formats import FORMATS, Column, ColumnType, RecordFormat
from copil.imports.importer import _Invalid, _Validator
from copil.plans.models import Partner, Plan
from copil.records.models import RECORD_KINDS, Record

ID_COLUMN = "identifiant"


@dataclass
class ParsedRow:
    """Field values ready for `create_record`/`update_record` (foreign keys as `<field>_id`, signatories as a
    list of partner primary keys), or the French reasons each column was refused for."""

    data: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.errors

    def add_error(self, column: str, reason: str) -> None:
        self.errors.setdefault(column, []).append(reason)


def column_of_field(fmt: RecordFormat, name: str) -> str | None:
    """The column a model field (name or attname) is entered in, if any."""
    base = name[:-3] if name.endswith("_id") else name
    return next((c.name for c in fmt.columns if c.field in {name, base}), None)


def _clean_text(value: Any) -> str | None:
    """A reason if a text cannot be stored at all (NUL characters, unpaired surrogates), else None."""
    if not isinstance(value, str):
        return None
    if "\x00" in value:
        return _("invalid character (NUL) in « {value} »").format(value=value.replace("\x00", "\\0")[:80])
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("invalid character in « {value} »").format(value=value.encode("utf-8", "replace").decode()[:80])
    return None


class RowParser:
    """Checks and converts the cells of one record of `kind` entered for `partner` in `plan`.

    `actor`: references to other records must name records this user may read (None: the system).
    """

    def __init__(self, kind: str, plan: Plan, partner: Partner, *, actor: Actor = None):
        self.kind = kind
        self.fmt = FORMATS[kind]
        self.model = RECORD_KINDS[kind]
        self.plan, self.partner, self.actor = plan, partner, actor
        self.validator = _Validator(self.fmt, plan, partner, "")
        # Aware date-times come back as ISO 8601 text with their offset whatever the database (read below).
        self.validator.sqlite = False
        self.converters = {
            column.name: self.validator._converter(column)
            for column in self.fmt.columns
            if column.type not in {ColumnType.REFERENCE, ColumnType.PARTNERS}
        }

    def parse(self, cells: Mapping[str, Any], *, instance: Record | None = None) -> ParsedRow:
        """Every column of the format from `cells` (column name -> text or typed value; a missing column is an
        empty cell). `instance`: the record being changed, whose own identifier is not a duplicate."""
        row = ParsedRow()
        values: dict[str, Any] = {}
        for column in self.fmt.columns:
            raw = cells.get(column.name)
            if isinstance(raw, list | tuple) and column.type != ColumnType.PARTNERS:
                row.add_error(column.name, _("invalid value « {value} »").format(value=raw))
                continue
            texts = raw if isinstance(raw, list | tuple) else [raw]
            bad = next((reason for reason in map(_clean_text, texts) if reason), None)
            if bad:
                row.add_error(column.name, bad)
                continue
            try:
                values[column.name] = self._convert(column, raw)
            except _Invalid as invalid:
                row.add_error(column.name, invalid.reason)
            except (ValueError, TypeError, OverflowError, ArithmeticError):
                row.add_error(column.name, _("invalid value « {value} »").format(value=raw))
        self._check_date_order(values, row)
        self._check_identifier(values, row, instance)
        for column in self.fmt.columns:
            if column.name not in values or column.name in row.errors:
                continue
            value = values[column.name]
            if column.type == ColumnType.REFERENCE:
                row.data[self._model_field(column).attname] = value
            else:
                row.data[column.field] = value
        return row

    # conversions

    def _model_field(self, column: Column) -> models.Field:
        return self.model._meta.get_field(column.field)

    def _convert(self, column: Column, raw: Any) -> Any:
        if column.type == ColumnType.REFERENCE:
            return self._resolve_reference(column, raw)
        if column.type == ColumnType.PARTNERS:
            if isinstance(raw, list | tuple):
                raw = "|".join(str(code) for code in raw)
            stored = self.validator._parties(raw)
            return [int(pk) for pk in stored.split("|")]
        value = self.converters[column.name](raw)
        if value is None or column.type in {ColumnType.TEXT, ColumnType.CHOICE, ColumnType.BOOLEAN}:
            return value
        if column.type == ColumnType.INTEGER:
            return int(value)
        return self._model_field(column).to_python(value)  # dates, date-times and decimals come back as text

    def _resolve_reference(self, column: Column, raw: Any) -> int | None:
        text = "" if raw is None else str(raw).strip()
        if not text:
            return None
        partner_id, external_id = self.validator._reference(text)
        target = column.references
        candidates = (
            policy.visible_records(self.actor, target, plan=self.plan)
            if self.actor is not None
            else RECORD_KINDS[target].objects.filter(plan=self.plan)
        )
        pk = candidates.filter(partner_id=partner_id, external_id=external_id).values_list("pk", flat=True).first()
        if pk is None:
            code = self.validator.partner_codes.get(partner_id, "?")
            raise _Invalid(
                _("unknown reference « {value} »: no record « {id} » of partner « {partner} » in {stem}.csv").format(
                    value=text, id=external_id, partner=code, stem=FORMATS[target].file_stem
                )
            )
        return pk

    # checks over several columns

    def _check_date_order(self, values: dict[str, Any], row: ParsedRow) -> None:
        for earlier, later in self.fmt.date_order:
            start, end = values.get(earlier), values.get(later)
            if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
                row.add_error(
                    later,
                    _("date {later} ({end}) precedes {earlier} ({start})").format(
                        later=later, end=f"{end:%d/%m/%Y}", earlier=earlier, start=f"{start:%d/%m/%Y}"
                    ),
                )

    def _check_identifier(self, values: dict[str, Any], row: ParsedRow, instance: Record | None) -> None:
        external_id = values.get(ID_COLUMN)
        if not external_id:
            return
        taken = self.model.objects.filter(partner=self.partner, external_id=external_id)
        if instance is not None:
            taken = taken.exclude(pk=instance.pk)
        if taken.exists():
            row.add_error(
                ID_COLUMN,
                _("identifier « {value} » is already used by another record of this partner").format(value=external_id),
            )


def validation_errors(fmt: RecordFormat, error: ValidationError) -> dict[str, list[str]]:
    """A model's ValidationError (from `create_record`/`update_record`) by column; "" for what no column holds."""
    errors: dict[str, list[str]] = {}
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            column = column_of_field(fmt, name) or ""
            errors.setdefault(column, []).extend(messages)
    else:
        errors[""] = list(error.messages)
    return errors


# --- records back to cells ----------------------------------------------------------------------------------------


def related_paths(kind: str) -> list[str]:
    """`select_related` paths reading every reference of a kind and its partner, for `record_cells`."""
    fmt = FORMATS[kind]
    return [f"{c.field}__partner" for c in fmt.columns if c.type == ColumnType.REFERENCE]


def prefetch_paths(kind: str) -> list[str]:
    fmt = FORMATS[kind]
    return [c.field for c in fmt.columns if c.type == ColumnType.PARTNERS]


def record_cells(record: Record, *, typed: bool = False, columns: Iterable[Column] | None = None) -> dict[str, Any]:
    """A record as the cells of its import format.

    Text (default): what a partner would write in the file, which imports back to the same record — canonical
    spellings, ISO dates, local date-times, « oui »/« non », references by identifier (« code:identifiant » for
    another partner's record), signatories joined by « | ». Typed (`typed=True`, for JSON and XLSX): dates,
    date-times, decimals, integers and booleans as such, signatories as a list of partner codes.
    """
    fmt = FORMATS[_kind(record)]
    cells: dict[str, Any] = {}
    for column in columns or fmt.columns:
        value = getattr(record, column.field)
        cells[column.name] = _cell(column, value, record, typed)
    return cells


def _kind(record: Record) -> str:
    return next(kind for kind, model in RECORD_KINDS.items() if isinstance(record, model))


def _cell(column: Column, value: Any, record: Record, typed: bool) -> Any:
    kind = column.type
    if kind == ColumnType.PARTNERS:
        codes = sorted(partner.code for partner in value.all())
        return codes if typed else "|".join(codes)
    if kind == ColumnType.REFERENCE:
        if value is None:
            return None if typed else ""
        if value.partner_id == record.partner_id:
            return value.external_id
        return f"{value.partner.code}:{value.external_id}"
    if value is None or value == "":
        if kind == ColumnType.BOOLEAN:
            return False if typed else "non"
        return None if typed else ""
    if kind == ColumnType.CHOICE:
        return column.canonical(value)
    if kind == ColumnType.BOOLEAN:
        return bool(value) if typed else ("oui" if value else "non")
    if kind == ColumnType.DATETIME:
        local = timezone.localtime(value)
        if typed:
            return local
        return local.strftime("%Y-%m-%dT%H:%M" if local.second == 0 else "%Y-%m-%dT%H:%M:%S")
    if typed:
        return value
    if kind == ColumnType.DATE:
        return value.isoformat()
    if kind == ColumnType.DECIMAL:
        text = format(value.normalize() if isinstance(value, Decimal) else value, "f")
        return text.replace(".", column.decimal_char)
    return str(value)

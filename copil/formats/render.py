"""Records back to the cells of their format: edit forms, CSV and XLSX exports that import back as they are, API
responses."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from copil.formats.catalogue import FORMATS
from copil.formats.columns import Column, ColumnType, RecordFormat
from copil.records.models import RECORD_KINDS, Record


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


PSEUDONYM_TAG_LENGTH = 6  # a short stable tag of a pseudonym: enough to tell persons apart on a page


def display_cells(record: Record, *, columns: Iterable[Column] | None = None) -> dict[str, str]:
    """A record as people read it on a page, not as a file holds it: enumerations by their French label, dates as
    12/03/2024, decimals with a decimal comma, « oui »/« non », pseudonyms as a short tag (never 64 hex digits)."""
    fmt = FORMATS[_kind(record)]
    cells: dict[str, str] = {}
    for column in columns or fmt.columns:
        value = getattr(record, column.field)
        cells[column.name] = display_value(fmt, column, value, record)
    return cells


def display_value(fmt: RecordFormat, column: Column, value: Any, record: Record | None = None) -> str:
    """One value as a page shows it (see `display_cells`); a stored value given without its record is shown by
    identifier for references."""
    kind = column.type
    if kind == ColumnType.PARTNERS:
        return ", ".join(sorted(partner.name for partner in value.all()))
    if kind == ColumnType.REFERENCE:
        return reference_label(value) if value is not None else ""
    if value is None or value == "":
        return "non" if kind == ColumnType.BOOLEAN else ""
    if kind == ColumnType.CHOICE:
        return fmt.choice_labels(column).get(value, value)
    if kind == ColumnType.BOOLEAN:
        return "oui" if value else "non"
    if kind == ColumnType.DATETIME:
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if kind == ColumnType.DATE:
        return value.strftime("%d/%m/%Y")
    if kind == ColumnType.DECIMAL:
        text = format(value.normalize() if isinstance(value, Decimal) else value, "f")
        return text.replace(".", ",")
    if column.name == "pseudonyme":
        return str(value)[:PSEUDONYM_TAG_LENGTH]
    return str(value)


def reference_label(record: Record) -> str:
    """How a person recognises a record they link to: its name or title, date and place, then its identifier."""
    parts: list[str] = []
    for name in ("name", "title"):
        if getattr(record, name, ""):
            parts.append(str(getattr(record, name)))
    fmt = FORMATS[_kind(record)]
    if fmt.period_column:
        period = fmt.column(fmt.period_column)
        when = getattr(record, period.field, None)
        if when is not None:
            parts.append(display_value(fmt, period, when))
    for column in fmt.columns:
        if column.type == ColumnType.CHOICE and getattr(record, column.field, ""):
            parts.append(fmt.choice_labels(column).get(getattr(record, column.field), ""))
            break
    if getattr(record, "address", ""):
        parts.append(record.address)
    parts.append(record.external_id)
    return " · ".join(part for part in parts if part)

"""Record lists as every channel offers them (web pages, JSON API): filters, sorting and exports.

Lists start from `copil.access.policy.visible_records`, the only way to list records; filters and sorting
only narrow and order that queryset, and sort keys are limited to the kind's own columns, so no filter or
ordering can reach a record the user may not read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from copil.access import policy
from copil.access.actors import Actor
from copil.access.spreadsheets import neutralised_csv_row, xlsx_string_cells
from copil.formats import FORMATS, Column, ColumnType, prefetch_paths, record_cells, related_paths
from copil.records.models import Record

EXPORT_FORMATS = ("csv", "xlsx")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLAN_COLUMN, PARTNER_COLUMN = "plan", "partenaire"


@dataclass
class RecordFilters:
    """What a list is narrowed to; every value already checked (a slug, dates, codes of the kind's choices)."""

    plan: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    partner: str | None = None
    choices: dict[str, str] | None = None  # column name -> stored code

    def as_details(self) -> dict[str, Any]:
        """For the audit trail of an export."""
        details: dict[str, Any] = {
            "plan": self.plan,
            "du": self.start.isoformat() if self.start else None,
            "au": self.end.isoformat() if self.end else None,
            "partenaire": self.partner,
        }
        details.update(self.choices or {})
        return {key: value for key, value in details.items() if value}


def date_column(kind: str) -> Column:
    """The column a kind's lists are filtered and sorted by date on (the import format's period column)."""
    fmt = FORMATS[kind]
    return fmt.column(fmt.period_column)


def choice_columns(kind: str) -> list[Column]:
    return [column for column in FORMATS[kind].columns if column.type == ColumnType.CHOICE]


def sortable_columns(kind: str) -> list[str]:
    """Sort keys of a kind's lists: plan, partner and the columns holding plain values."""
    plain = [c.name for c in FORMATS[kind].columns if c.type not in {ColumnType.REFERENCE, ColumnType.PARTNERS}]
    return [PLAN_COLUMN, PARTNER_COLUMN, *plain]


def visible(user: Actor, kind: str, plan: Any = None) -> QuerySet:
    """The records of `kind` the user may read, with what displaying them needs (bounded query count)."""
    queryset = policy.visible_records(user, kind, plan)
    queryset = queryset.select_related("plan", "partner", *related_paths(kind))
    prefetch = prefetch_paths(kind)
    return queryset.prefetch_related(*prefetch) if prefetch else queryset


def filtered(queryset: QuerySet, kind: str, filters: RecordFilters) -> QuerySet:
    """Narrow a list of records (never widen it)."""
    if filters.plan:
        queryset = queryset.filter(plan__slug=filters.plan)
    if filters.partner:
        queryset = queryset.filter(partner__code=filters.partner)
    column = date_column(kind)
    if filters.start or filters.end:
        if column.type == ColumnType.DATETIME:
            if filters.start:
                low = timezone.make_aware(dt.datetime.combine(filters.start, dt.time(0)))
                queryset = queryset.filter(**{f"{column.field}__gte": low})
            if filters.end:
                high = timezone.make_aware(dt.datetime.combine(filters.end + dt.timedelta(days=1), dt.time(0)))
                queryset = queryset.filter(**{f"{column.field}__lt": high})
        else:
            if filters.start:
                queryset = queryset.filter(**{f"{column.field}__gte": filters.start})
            if filters.end:
                queryset = queryset.filter(**{f"{column.field}__lte": filters.end})
    allowed = {c.name: c for c in choice_columns(kind)}
    for name, code in (filters.choices or {}).items():
        if name in allowed and code:
            queryset = queryset.filter(**{allowed[name].field: code})
    return queryset


def ordered(queryset: QuerySet, kind: str, key: str | None) -> tuple[QuerySet, str]:
    """Sort by one of `sortable_columns` (`-` first: descending); default: latest first. Returns the key used."""
    fmt = FORMATS[kind]
    default = f"-{fmt.period_column}"
    key = (key or "").strip() or default
    name = key.lstrip("-")
    if name not in sortable_columns(kind):
        key, name = default, fmt.period_column
    descending = key.startswith("-")
    if name == PLAN_COLUMN:
        fields = ["plan__name"]
    elif name == PARTNER_COLUMN:
        fields = ["partner__name"]
    else:
        fields = [fmt.column(name).field]
    order = [f"-{f}" if descending else f for f in fields] + ["-pk" if descending else "pk"]
    return queryset.order_by(*order), key


# --- exports ------------------------------------------------------------------------------------------------------


def export_header(kind: str) -> list[str]:
    """Plan, partner, then the kind's import format columns (so the columns read like a partner's file)."""
    return [PLAN_COLUMN, PARTNER_COLUMN, *(c.name for c in FORMATS[kind].columns)]


def export_rows(records: Iterable[Record], *, typed: bool) -> Iterator[list[Any]]:
    for record in records:
        cells = record_cells(record, typed=typed)
        row = [record.plan.slug, record.partner.code, *cells.values()]
        if typed:
            row = [_xlsx_value(value) for value in row]
        yield row


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, list):
        return "|".join(value)
    return value


def csv_chunks(kind: str, records: Iterable[Record]) -> Iterator[bytes]:
    """The CSV export, streamed (UTF-8 with BOM, `;`, as the importer reads it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(export_header(kind))
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    for row in export_rows(records, typed=False):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(neutralised_csv_row(row))
        yield buffer.getvalue().encode("utf-8")


def xlsx_bytes(kind: str, records: Iterable[Record]) -> bytes:
    """The XLSX export: one sheet named after the kind's file, typed cells (dates, numbers, booleans); text is
    always a string cell, never a formula."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(FORMATS[kind].file_stem)
    sheet.append(export_header(kind))
    for row in export_rows(records, typed=True):
        sheet.append(xlsx_string_cells(sheet, row))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def export_file_name(kind: str, extension: str) -> str:
    return f"{FORMATS[kind].file_stem}-{timezone.localdate():%Y%m%d}.{extension}"


def kind_label(kind: str, plural: bool = True) -> str:
    model = FORMATS[kind].model
    return str(model._meta.verbose_name_plural if plural else model._meta.verbose_name)

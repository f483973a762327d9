"""The checks of one file: its header, then every row, cell by cell (`copil.formats.cells`), collecting every
error instead of stopping at the first; valid cells become the database values staged for the import
(`copil.imports.staging`). Checks that need the whole file (duplicates, references) run in SQL on the stage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection, models
from django.utils.translation import gettext as _

from copil.formats import CellError, CellParsers, Column, ColumnType, ErrorCode, RecordFormat, normalize_token
from copil.formats.cells import cell_text, parse_parties, shown, stripped_text
from copil.formats.references import split_reference, unknown_reference
from copil.formats.rows import date_order_error
from copil.imports.results import MAX_ERRORS, ImportError_, ImportRejected
from copil.imports.sources import MergedRange, Table
from copil.plans.models import Partner

if TYPE_CHECKING:
    from copil.imports.importer import ImportRequest
    from copil.imports.staging import Stage

ProgressCallback = Callable[[int, int | None], None]

PROGRESS_EVERY = 10_000
ID_COLUMN = "identifiant"


@dataclass
class Sample:
    """The first rows of a file as text, for the upload page's preview."""

    size: int
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    kind: str | None = None
    sheet: str | None = None
    total_rows: int = 0


@dataclass
class Slot:
    """A staged column: where its values come from and where they go."""

    name: str  # staging column name
    db_type: str
    attname: str = ""  # model column, for value slots
    column: Column | None = None


class FileValidator:
    """Checks every row of one file, collecting errors instead of stopping at the first, and turns valid
    cells into database values for the staging table."""

    def __init__(self, fmt: RecordFormat, request: ImportRequest):
        self.fmt = fmt
        self.request = request
        self.plan = request.plan
        self.partner = request.partner
        self.file_name = request.file_name
        self.errors: list[tuple[int, int, ImportError_]] = []
        self.error_count = 0
        self.row_count = 0
        self.partners_by_code = {p.code.lower(): p.pk for p in Partner.objects.filter(plan=self.plan)}
        self.partner_codes = {pk: code for code, pk in self.partners_by_code.items()}
        self.parsers = CellParsers(fmt, sqlite_datetimes=connection.vendor == "sqlite")
        self.model_fields = self.parsers.model_fields
        self.positions: dict[str, int] = {}  # column name -> cell position in the file
        self.width = 0
        self.unnamed: list[int] = []
        self.values: list[tuple[Slot, int]] = []  # value slots and the position they read
        self.references: list[tuple[Slot, Slot, int]] = []  # (partner slot, identifier slot, position)
        self.parties: tuple[Slot, int] | None = None

    # errors

    def error(
        self, line: int | None, column: str | None, value: str | None, code: str, reason: str, position: int = 0
    ) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(((line or 0), position, ImportError_(self.file_name, line, column, value, reason, code)))

    def rejection(self) -> ImportRejected:
        ordered = [error for _line, _position, error in sorted(self.errors, key=lambda e: (e[0], e[1]))]
        return ImportRejected(ordered, self.error_count)

    # header

    def check_merges(self, merged: Sequence[MergedRange], header_line: int, header_only: bool) -> None:
        """Merged cells make a spreadsheet ambiguous: a merged header hides column names, a merged value
        belongs to one row only."""
        for merge in merged:
            in_header = merge.min_row <= header_line <= merge.max_row
            if header_only and in_header:
                self.error(
                    header_line,
                    None,
                    merge.ref,
                    ErrorCode.MERGED_CELLS,
                    _(
                        "merged cells {cells} in the header row: unmerge them so that every column has its own name"
                    ).format(cells=merge.ref),
                    merge.min_col,
                )
            elif not header_only and not in_header and merge.max_row > header_line:
                self.error(
                    merge.min_row,
                    None,
                    merge.ref,
                    ErrorCode.MERGED_CELLS,
                    _("merged cells {cells}: unmerge them and fill every cell").format(cells=merge.ref),
                    merge.min_col,
                )

    def map_header(self, header: list[str], line: int) -> None:
        """Map cell positions to columns; unnamed columns must stay empty."""
        known = {c.name: c for c in self.fmt.columns}
        seen: dict[str, int] = {}
        columns: list[tuple[int, Column]] = []
        for position, cell in enumerate(header):
            name = normalize_token(cell)
            if not name:
                self.unnamed.append(position)
                continue
            column = known.get(name)
            if column is None:
                self.error(
                    line,
                    cell.strip(),
                    None,
                    ErrorCode.UNKNOWN_COLUMN,
                    _("unknown column (columns of the {stem}.csv format: {columns})").format(
                        stem=self.fmt.file_stem, columns=", ".join(known)
                    ),
                    position,
                )
            elif name in seen:
                self.error(line, cell.strip(), None, ErrorCode.DUPLICATE_COLUMN, _("column given twice"), position)
            else:
                seen[name] = position
                columns.append((position, column))
        self.positions = seen
        self.width = len(header)
        for name in self.fmt.required_columns:
            if name not in seen:
                self.error(line, name, None, ErrorCode.MISSING_COLUMN, _("required column missing"), len(header))
        for position, column in columns:
            if column.field == "external_id":
                continue
            if column.type == ColumnType.REFERENCE:
                index = len(self.references)
                self.references.append(
                    (Slot(f"r{index}_partner", "bigint"), Slot(f"r{index}_id", "text", column=column), position)
                )
            elif column.type == ColumnType.PARTNERS:
                self.parties = (Slot("parties", "text", column=column), position)
            else:
                model_field = self.model_fields[column.field]
                db_type = "text" if isinstance(model_field, models.CharField) else model_field.db_type(connection)
                slot = Slot(f"c{len(self.values)}", db_type, model_field.attname, column)
                self.values.append((slot, position))

    @property
    def slots(self) -> list[Slot]:
        """Staging columns in row order: line, identifier, values, references, parties."""
        slots = [Slot("line", "integer"), Slot("ext", "text")]
        slots += [slot for slot, _position in self.values]
        for partner_slot, id_slot, _position in self.references:
            slots += [partner_slot, id_slot]
        if self.parties:
            slots.append(self.parties[0])
        return slots

    # rows

    def stage_rows(
        self,
        rows: Iterator[tuple[int, Sequence[Any]]],
        write: Callable[[list[Any]], None],
        table: Table,
    ) -> None:
        """Check every row and hand it to `write` (invalid cells staged as NULL, so later checks still run)."""
        sample, on_progress = self.request.sample, self.request.on_progress
        self.parsers.epoch = getattr(table, "epoch", None)
        id_position = self.positions[ID_COLUMN]
        id_convert = self.parsers.converter(self.fmt.column(ID_COLUMN))
        values = [
            (index + 2, position, slot.column.name, self.parsers.converter(slot.column))
            for index, (slot, position) in enumerate(self.values)
            if slot.column is not None
        ]
        masked = {slot.column.name for slot, _position in self.values if slot.column and not slot.column.echo_refused}
        first_reference = 2 + len(values)
        references = [
            (first_reference + 2 * index, position, id_slot.column.name)
            for index, (_partner, id_slot, position) in enumerate(self.references)
            if id_slot.column is not None
        ]
        parties_slot = first_reference + 2 * len(references)
        parties = self.parties
        date_order = [
            (self._slot_index(earlier), self._slot_index(later), earlier, later)
            for earlier, later in self.fmt.date_order
            if earlier in self.positions and later in self.positions
        ]
        width, unnamed = self.width, self.unnamed
        size = parties_slot + (1 if parties else 0)
        total = table.estimated_rows
        sample_size = sample.size if sample is not None else 0
        error = self.error
        partners_by_code, own_partner = self.partners_by_code, self.partner.pk
        count = 0
        last_line, last_width = 0, width
        padding = [None] * width
        for line, cells in rows:
            count += 1
            ncells = len(cells)
            last_line, last_width = line, ncells
            if ncells != width:
                if ncells > width:
                    for extra in range(width, ncells):
                        if shown(cells[extra]):
                            error(
                                line,
                                None,
                                None,
                                ErrorCode.EXTRA_VALUES,
                                _("more values than columns in the header"),
                                width,
                            )
                            break
                else:
                    cells = [*cells, *padding[ncells:]]
            for position in unnamed:
                stray = shown(cells[position])
                if stray:
                    error(
                        line,
                        None,
                        stray,
                        ErrorCode.VALUE_WITHOUT_HEADER,
                        _("value in a column without a header"),
                        position,
                    )
            out: list[Any] = [None] * size
            out[0] = line
            try:
                out[1] = id_convert(cells[id_position])
            except CellError as invalid:
                error(line, ID_COLUMN, shown(cells[id_position]), invalid.code, invalid.reason, id_position)
            for slot, position, name, convert in values:
                try:
                    out[slot] = convert(cells[position])
                except CellError as invalid:
                    quoted = None if name in masked else shown(cells[position])
                    error(line, name, quoted, invalid.code, invalid.reason, position)
            for slot, position, name in references:
                raw = cells[position]
                if raw is None or raw == "":
                    continue
                try:
                    text = stripped_text(raw)
                except CellError as invalid:
                    error(line, name, shown(raw), invalid.code, invalid.reason, position)
                    continue
                if text:
                    out[slot], out[slot + 1] = split_reference(text, partners_by_code, own_partner)
            if parties:
                raw = cells[parties[1]]
                try:
                    out[parties_slot] = parse_parties(raw, partners_by_code)
                except CellError as invalid:
                    name = parties[0].column.name if parties[0].column else ""
                    error(line, name, shown(raw), invalid.code, invalid.reason, parties[1])
            for earlier, later, earlier_name, later_name in date_order:
                start, end = out[earlier], out[later]
                if start and end and end < start:
                    refusal = date_order_error(
                        earlier_name, later_name, dt.date.fromisoformat(start), dt.date.fromisoformat(end)
                    )
                    error(line, later_name, end, refusal.code, refusal.reason, self.positions[later_name])
            write(out)
            if sample is not None and count <= sample_size:
                sample.rows.append((line, [cell_text(cell) for cell in cells]))
            if on_progress is not None and count % PROGRESS_EVERY == 0:
                on_progress(count, max(total, count) if total else None)
        self.row_count = count
        if sample is not None:
            sample.total_rows = count
        if on_progress is not None:
            on_progress(count, count)
        if table.truncated_last_line and count and last_width < width:
            error(
                last_line,
                None,
                None,
                ErrorCode.TRUNCATED_FILE,
                _("incomplete last line ({count} values for {columns} columns): the file seems truncated").format(
                    count=last_width, columns=width
                ),
                width,
            )

    def _slot_index(self, column_name: str) -> int:
        for index, (slot, _position) in enumerate(self.values):
            if slot.column is not None and slot.column.name == column_name:
                return index + 2
        raise KeyError(column_name)

    # checks over the whole file, in SQL

    def check_duplicates(self, stage: Stage) -> None:
        for line, external_id, first in stage.duplicates(MAX_ERRORS):
            self.error(
                line,
                ID_COLUMN,
                external_id,
                ErrorCode.DUPLICATE_IDENTIFIER,
                _("identifier « {value} » appears twice in the file (lines {first} and {line})").format(
                    value=external_id, first=first, line=line
                ),
                self.positions.get(ID_COLUMN, 0),
            )

    def check_references(self, stage: Stage) -> None:
        for index, (_partner_slot, id_slot, position) in enumerate(self.references):
            column = id_slot.column
            assert column is not None
            for line, partner_id, external_id in stage.unknown_references(index, MAX_ERRORS):
                code = self.partner_codes.get(partner_id, "?")
                raw = external_id if partner_id == self.partner.pk else f"{code}:{external_id}"
                refusal = unknown_reference(raw, external_id, code, column.references)
                self.error(line, column.name, raw, refusal.code, refusal.reason, position)

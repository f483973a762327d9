"""Validated, all-or-nothing, idempotent import of a partner's file of records (CSV, XLSX or ODS).

How a file goes in, with memory flat in its size:

1. The rows are streamed from the file (`copil.imports.sources`) and every cell is checked: type,
   enumeration, range, length, dates (see below), the order of paired dates, unnamed or extra cells.
   Each row, valid or not, is written at once to a temporary staging table (PostgreSQL: `COPY`;
   SQLite: `executemany`), in the database transaction that will hold the whole import.
2. Checks that need every row or the database run in SQL on the staging table: identifiers given twice
   in the file, and references (a seizure's operation, a deal point's network…) that name no record
   of the plan; each reference is resolved to its primary key there, by one index probe per row.
3. If any error was found, the transaction is rolled back: nothing was written, and `ImportRejected`
   lists every error (file, line, column, value, French reason), at most `MAX_ERRORS` of them kept.
4. Otherwise, in the same transaction: one `UPDATE … FROM staging` changes the records whose values
   differ (version + 1, `updated_at`), one `INSERT … SELECT` creates the new ones, and, with
   `replace_period`, the partner's records of that kind dated within the period and absent from the
   file are deleted. Re-importing the same file changes nothing: records are keyed by
   (partner, identifier). The changes are written to the audit trail (`copil.access.audit`).

Dates must lie between 1 January 2000 and today (Paris time): earlier dates are typing errors in
practice, later ones are impossible for facts already recorded. Dates outside the plan's period are
accepted on purpose: the bilan compares the plan with the years before it (baselines).
"""

import datetime as dt
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from copil.access import audit
from copil.access.actors import Actor
from copil.imports.formats import (
    EARLIEST_DATE,
    FORMATS,
    FORMATS_BY_FILE_STEM,
    Column,
    ColumnType,
    RecordFormat,
    normalize_token,
)
from copil.imports.results import (
    MAX_ERRORS,
    ImportError_,
    ImportRejected,
    ImportReport,
    errors_csv,
)
from copil.imports.sources import CellError, FormulaWithoutValue, MergedRange, Table, open_table
from copil.plans.models import Partner, Plan
from copil.records.models import Agreement

__all__ = [
    "IMPORT_ORDER",
    "ImportError_",
    "ImportRejected",
    "ImportReport",
    "Preview",
    "ProgressCallback",
    "accepted_tokens",
    "errors_csv",
    "import_records",
    "parse_replace_period",
    "preview_import",
]

ProgressCallback = Callable[[int, int | None], None]

STAGE_TABLE = "copil_import_stage"
BEFORE_TABLE = "copil_import_before"
SQLITE_BATCH = 2_000
PROGRESS_EVERY = 10_000
AUDIT_CHUNK = 10_000  # objects per call to the audit trail, so memory stays flat on huge imports
AUDIT_CREATED_DETAIL = 10_000  # beyond this many creations, the trail records their count, not each one
CACHE_LIMIT = 50_000  # distinct spellings cached per column (dates and tokens repeat a lot)

TRUE_TOKENS = ("oui", "o", "vrai", "true", "1", "x")
FALSE_TOKENS = ("non", "n", "faux", "false", "0")

# Referenced kinds are imported first, so references resolve; agreements name partners only.
IMPORT_ORDER: tuple[str, ...] = (
    "network",
    "deal_point",
    "operation",
    *(kind for kind in FORMATS if kind not in {"network", "deal_point", "operation", "agreement"}),
    "agreement",
)

_FR_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_DATETIME = re.compile(
    r"(?:(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})|(?P<fday>\d{1,2})/(?P<fmonth>\d{1,2})/(?P<fyear>\d{4}))"
    r"[T ](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
)
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_SPACES = (" ", "\u00a0", "\u202f")  # thousands separators a spreadsheet may write
_PERIOD = re.compile(r"\s*(\S+)\s*\.\.\s*(\S+)\s*")
_EXCEL_MAX_SERIAL = 2_958_465  # 31/12/9999


class _Invalid(Exception):
    """Raised by a cell parser; carries the French reason."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Preview:
    """What importing a file would do, computed without writing anything (for the upload page).

    `rows` holds the first data rows as text, `errors` every error found (at most MAX_ERRORS, with
    `error_count` counting them all), `report` the counts the import would produce when the file is valid.
    """

    file_name: str
    kind: str | None = None
    sheet: str | None = None
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (line, cells)
    total_rows: int = 0
    errors: list[ImportError_] = field(default_factory=list)
    error_count: int = 0
    report: ImportReport | None = None

    @property
    def valid(self) -> bool:
        return not self.errors and self.report is not None


@dataclass
class _Sample:
    size: int
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    kind: str | None = None
    sheet: str | None = None
    total_rows: int = 0


def import_records(
    path_or_file: str | Path | IO[bytes] | IO[str],
    *,
    plan: Plan,
    partner: Partner,
    kind: str | None = None,
    file_name: str | None = None,
    dry_run: bool = False,
    replace_period: tuple[dt.date, dt.date] | None = None,
    actor: Actor = None,
    channel: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportReport:
    """Validate a partner's file (CSV, XLSX or ODS) as a whole, then write it in one transaction.

    kind: a record kind (`seizure`) or file stem (`saisies`); by default taken from the file name, the
      sheet name, then the columns.
    dry_run: validate and count what would change, write nothing.
    replace_period: (first day, last day): also delete the partner's records of this kind dated within
      the period (both days included) that the file does not list.
    actor: the user importing, for the audit trail (None: the system, e.g. the command line); channel:
      the audit trail's channel (`cli`, `web`…; default: the current request's, else `system`).
    on_progress: called as `on_progress(rows_done, estimated_total_or_None)` while rows are read.

    Raises ImportRejected, with every error found and nothing written, if anything is wrong.
    """
    return _run(
        path_or_file,
        plan=plan,
        partner=partner,
        kind=kind,
        file_name=file_name,
        dry_run=dry_run,
        replace_period=replace_period,
        actor=actor,
        channel=channel,
        on_progress=on_progress,
        sample=None,
    )


def preview_import(
    path_or_file: str | Path | IO[bytes] | IO[str],
    plan: Plan,
    partner: Partner,
    kind: str | None = None,
    rows: int = 10,
    *,
    file_name: str | None = None,
    replace_period: tuple[dt.date, dt.date] | None = None,
    on_progress: ProgressCallback | None = None,
) -> Preview:
    """Read and check a whole file without writing anything: its first `rows` rows, every error, and the
    counts the import would produce. Never raises ImportRejected (the errors are in the preview)."""
    sample = _Sample(size=rows)
    name = file_name or _file_name(path_or_file)
    preview = Preview(file_name=name)
    try:
        preview.report = _run(
            path_or_file,
            plan=plan,
            partner=partner,
            kind=kind,
            file_name=name,
            dry_run=True,
            replace_period=replace_period,
            actor=None,
            channel=None,
            on_progress=on_progress,
            sample=sample,
        )
    except ImportRejected as rejection:
        preview.errors, preview.error_count = rejection.errors, rejection.error_count
    preview.kind, preview.sheet = sample.kind, sample.sheet
    preview.header, preview.rows, preview.total_rows = sample.header, sample.rows, sample.total_rows
    return preview


def parse_replace_period(text: str) -> tuple[dt.date, dt.date]:
    """Read `FROM..TO` (ISO or DD/MM/YYYY dates, both days included); raises ValueError with a French reason."""
    match = _PERIOD.fullmatch(text)
    if not match:
        raise ValueError(
            _("invalid period « {value} » (expected FROM..TO, e.g. 2023-01-01..2023-06-30)").format(value=text)
        )
    try:
        start, end = (_parse_date(part) for part in match.groups())
    except _Invalid as invalid:
        raise ValueError(invalid.reason) from None
    if end < start:
        raise ValueError(_("invalid period « {value} »: it ends before it starts").format(value=text))
    return start, end


def _run(
    source: Any,
    *,
    plan: Plan,
    partner: Partner,
    kind: str | None,
    file_name: str | None,
    dry_run: bool,
    replace_period: tuple[dt.date, dt.date] | None,
    actor: Actor,
    channel: str | None,
    on_progress: ProgressCallback | None,
    sample: _Sample | None,
) -> ImportReport:
    name = file_name or _file_name(source)
    if partner.plan_id != plan.pk:
        raise ImportRejected(
            [
                ImportError_(
                    name,
                    None,
                    None,
                    None,
                    _("partner « {partner} » does not belong to plan « {plan} »").format(
                        partner=partner.code, plan=plan.slug
                    ),
                )
            ]
        )
    table = open_table(source, name)
    try:
        return _import_table(table, plan, partner, kind, dry_run, replace_period, actor, channel, on_progress, sample)
    finally:
        table.close()  # closes the file when open_table opened it, never the caller's stream


def _import_table(
    table: Table,
    plan: Plan,
    partner: Partner,
    kind: str | None,
    dry_run: bool,
    replace_period: tuple[dt.date, dt.date] | None,
    actor: Actor,
    channel: str | None,
    on_progress: ProgressCallback | None,
    sample: _Sample | None,
) -> ImportReport:
    rows = table.rows()
    try:
        return _import_rows(
            table, rows, plan, partner, kind, dry_run, replace_period, actor, channel, on_progress, sample
        )
    finally:
        rows.close()


def _import_rows(
    table: Table,
    rows: Iterator[tuple[int, Sequence[Any]]],
    plan: Plan,
    partner: Partner,
    kind: str | None,
    dry_run: bool,
    replace_period: tuple[dt.date, dt.date] | None,
    actor: Actor,
    channel: str | None,
    on_progress: ProgressCallback | None,
    sample: _Sample | None,
) -> ImportReport:
    name = table.file_name
    timings: dict[str, float] = {}
    started = time.perf_counter()
    first = next(rows, None)
    if first is None:
        raise ImportRejected([ImportError_(name, None, None, None, _("the file is empty"))])
    header_line, raw_header = first
    header = [_cell_text(cell) for cell in raw_header]
    if sample is not None:
        sample.header, sample.sheet = header, table.sheet
    fmt = _resolve_format(kind, name, header, table.sheet)
    if sample is not None:
        sample.kind = fmt.kind
    validator = _Validator(fmt, plan, partner, name)
    validator.check_merges(table.merged, header_line, header_only=True)
    if validator.error_count:
        raise validator.rejection()
    validator.map_header(header, header_line)
    if validator.error_count:
        raise validator.rejection()
    with transaction.atomic():
        # one import at a time per partner (PostgreSQL row lock; SQLite serialises writers anyway)
        list(Partner.objects.select_for_update().filter(pk=partner.pk).values_list("pk"))
        stage = _Stage(fmt, validator)
        stage.create()
        try:
            with stage.writer() as write:
                validator.stage_rows(rows, write, table, sample, on_progress)
        except ImportRejected as unreadable:  # the rest of the file cannot be read: report it with the rest
            for error in unreadable.errors:
                validator.error(error.line, error.column, error.value, error.reason, validator.width)
            raise validator.rejection() from None
        validator.check_merges(table.merged, header_line, header_only=False)
        timings["read_validate_stage"] = time.perf_counter() - started
        mark = time.perf_counter()
        stage.after_load()
        stage.resolve_references()
        validator.check_duplicates(stage)
        validator.check_references(stage)
        timings["checks"] = time.perf_counter() - mark
        if validator.error_count:
            raise validator.rejection()
        mark = time.perf_counter()
        report = ImportReport(kind=fmt.kind, file_name=name, rows=validator.row_count, dry_run=dry_run)
        now = timezone.now()
        history = None if dry_run else _History(actor, channel, fmt, plan, partner, report, now)
        stage.write(report, now, history, dry_run)
        if replace_period:
            stage.replace_period(report, replace_period, history, dry_run)
        report.unchanged = report.rows - report.created - report.updated
        timings["write"] = time.perf_counter() - mark
        if history is not None:
            mark = time.perf_counter()
            history.finish()
            timings["history"] = time.perf_counter() - mark
        stage.drop()
        if dry_run:
            transaction.set_rollback(True)
    report.timings = timings
    return report


def _file_name(source: Any) -> str:
    if isinstance(source, str | Path):
        return Path(source).name
    name = getattr(source, "name", None)
    return Path(name).name if isinstance(name, str) and name else _("file")


def _resolve_format(kind: str | None, file_name: str, header: list[str], sheet: str | None = None) -> RecordFormat:
    if kind:
        token = normalize_token(kind)
        fmt = FORMATS.get(token) or FORMATS_BY_FILE_STEM.get(token)
        if fmt is None:
            raise ImportRejected(
                [
                    ImportError_(
                        file_name,
                        None,
                        None,
                        kind,
                        _("unknown record kind « {kind} » (accepted: {accepted})").format(
                            kind=kind, accepted=", ".join(FORMATS)
                        ),
                    )
                ]
            )
        return fmt
    for hint in (Path(file_name).stem, sheet or ""):
        stem = normalize_token(hint)
        if stem in FORMATS_BY_FILE_STEM:
            return FORMATS_BY_FILE_STEM[stem]
    names = {normalize_token(cell) for cell in header if cell.strip()}
    matches = [f for f in FORMATS.values() if names <= {c.name for c in f.columns} and set(f.required_columns) <= names]
    if len(matches) == 1:
        return matches[0]
    stems = ", ".join(f"{f.file_stem}.csv" for f in FORMATS.values())
    if matches:
        reason = _(
            "cannot tell the record kind: the columns fit several formats ({formats}); "
            "name the file after its kind ({stems}) or give the kind"
        ).format(formats=", ".join(f.kind for f in matches), stems=stems)
    else:
        reason = _(
            "cannot tell the record kind: the columns fit no format; name the file after its kind ({stems}) "
            "or give the kind"
        ).format(stems=stems)
    raise ImportRejected([ImportError_(file_name, None, None, None, reason)])


def accepted_tokens(column: Column) -> list[str]:
    """The spellings to show a partner for an enumeration: its French spellings, not the internal codes."""
    return [spelling for option in column.options for spelling in option.spellings]


# --- cells ----------------------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    """A cell as the text a partner sees (spreadsheet cells come typed)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(timespec="minutes" if value.second == 0 else "seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, FormulaWithoutValue):
        return "=…"
    if isinstance(value, CellError):
        return value.code
    return str(value)


def _text(value: Any) -> str:
    """The stripped text of a cell for parsing; refuses formula cells without value and error cells."""
    if value.__class__ is str:
        return value.strip()
    if isinstance(value, FormulaWithoutValue):
        raise _Invalid(
            _(
                "cell {cell} holds a formula whose value was never computed: open the file in a spreadsheet, "
                "save it, and import it again"
            ).format(cell=value.cell)
        )
    if isinstance(value, CellError):
        raise _Invalid(_("cell {cell} holds the error « {code} »").format(cell=value.cell, code=value.code))
    return _cell_text(value).strip()


def _parse_date(value: str) -> dt.date:
    try:
        if len(value) == 10 and value[4] == "-":
            return dt.date.fromisoformat(value)
        match = _FR_DATE.fullmatch(value)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
    except ValueError:
        pass
    raise _Invalid(_("invalid date « {value} » (accepted formats: YYYY-MM-DD or DD/MM/YYYY)").format(value=value))


def _parse_datetime(value: str) -> dt.datetime:
    match = _DATETIME.fullmatch(value)
    try:
        if match:
            g = match.groupdict()
            naive = dt.datetime(
                int(g["year"] or g["fyear"]),
                int(g["month"] or g["fmonth"]),
                int(g["day"] or g["fday"]),
                int(g["hour"]),
                int(g["minute"]),
                int(g["second"] or 0),
            )
            return timezone.make_aware(naive)
        parsed = dt.datetime.fromisoformat(value)
        if parsed.tzinfo is not None:
            return parsed
    except ValueError:
        pass
    raise _Invalid(
        _(
            "invalid date and time « {value} » (accepted formats: YYYY-MM-DDTHH:MM, YYYY-MM-DD HH:MM[:SS] "
            "or DD/MM/YYYY HH:MM)"
        ).format(value=value)
    )


def _excel_serial(value: int | float | Decimal, epoch: dt.datetime | None) -> dt.datetime:
    """The moment an Excel date serial stands for (whole days since the workbook's epoch, plus a fraction)."""
    from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900, from_excel

    number = float(value)
    if not 0 < number <= _EXCEL_MAX_SERIAL:
        raise _Invalid(_("invalid date « {value} »").format(value=_cell_text(value)))
    moment = from_excel(number, epoch or CALENDAR_WINDOWS_1900)
    return moment if isinstance(moment, dt.datetime) else dt.datetime.combine(moment, dt.time(0))


def _check_date_range(day: dt.date, shown: str) -> None:
    if day < EARLIEST_DATE:
        raise _Invalid(
            _("date « {value} » is before {earliest}: check the year").format(
                value=shown, earliest=f"{EARLIEST_DATE:%d/%m/%Y}"
            )
        )
    if day > timezone.localdate():
        raise _Invalid(_("date « {value} » is in the future").format(value=shown))


def _parse_boolean(value: str) -> bool:
    token = normalize_token(value)
    if token in TRUE_TOKENS:
        return True
    if token in FALSE_TOKENS:
        return False
    raise _Invalid(
        _("invalid yes/no value « {value} » (accepted values: {accepted})").format(
            value=value, accepted=", ".join((*TRUE_TOKENS, *FALSE_TOKENS))
        )
    )


def _check_range(column: Column, number: int | Decimal, raw: str) -> None:
    if column.minimum is not None:
        minimum = Decimal(str(column.minimum))
        if column.exclusive_minimum and number <= minimum:
            raise _Invalid(
                _("value « {value} » out of range (must be greater than {minimum})").format(
                    value=raw, minimum=_number_text(minimum)
                )
            )
        if number < minimum:
            raise _Invalid(
                _("value « {value} » out of range (must be greater than or equal to {minimum})").format(
                    value=raw, minimum=_number_text(minimum)
                )
            )
    if column.maximum is not None:
        maximum = Decimal(str(column.maximum))
        if number > maximum:
            raise _Invalid(
                _("value « {value} » out of range (must be less than or equal to {maximum})").format(
                    value=raw, maximum=_number_text(maximum)
                )
            )


def _compact(text: str) -> str:
    """A number without its thousands separators."""
    for space in _SPACES:
        if space in text:
            text = text.replace(space, "")
    return text


def _number_text(number: Decimal) -> str:
    return format(number.normalize(), "f").replace(".", ",")


# --- validation -----------------------------------------------------------------------------------------------


@dataclass
class _Slot:
    """A staged column: where its values come from and where they go."""

    name: str  # staging column name
    db_type: str
    attname: str = ""  # model column, for value slots
    column: Column | None = None


class _Validator:
    """Checks every row of one file, collecting errors instead of stopping at the first, and turns valid
    cells into database values for the staging table."""

    def __init__(self, fmt: RecordFormat, plan: Plan, partner: Partner, file_name: str):
        self.fmt = fmt
        self.plan = plan
        self.partner = partner
        self.file_name = file_name
        self.errors: list[tuple[int, int, ImportError_]] = []
        self.error_count = 0
        self.row_count = 0
        self.partners_by_code = {p.code.lower(): p.pk for p in Partner.objects.filter(plan=plan)}
        self.partner_codes = {pk: code for code, pk in self.partners_by_code.items()}
        self.model_fields = {f.name: f for f in fmt.model._meta.get_fields() if isinstance(f, models.Field)}
        self.positions: dict[str, int] = {}  # column name -> cell position in the file
        self.width = 0
        self.unnamed: list[int] = []
        self.values: list[tuple[_Slot, int]] = []  # value slots and the position they read
        self.references: list[tuple[_Slot, _Slot, int]] = []  # (partner slot, identifier slot, position)
        self.parties: tuple[_Slot, int] | None = None
        self.epoch: dt.datetime | None = None
        self.sqlite = connection.vendor == "sqlite"

    # errors

    def error(self, line: int | None, column: str | None, value: str | None, reason: str, position: int = 0) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(((line or 0), position, ImportError_(self.file_name, line, column, value, reason)))

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
                    _("unknown column (columns of the {stem}.csv format: {columns})").format(
                        stem=self.fmt.file_stem, columns=", ".join(known)
                    ),
                    position,
                )
            elif name in seen:
                self.error(line, cell.strip(), None, _("column given twice"), position)
            else:
                seen[name] = position
                columns.append((position, column))
        self.positions = seen
        self.width = len(header)
        for name in self.fmt.required_columns:
            if name not in seen:
                self.error(line, name, None, _("required column missing"), len(header))
        for position, column in columns:
            if column.field == "external_id":
                continue
            if column.type == ColumnType.REFERENCE:
                index = len(self.references)
                self.references.append(
                    (_Slot(f"r{index}_partner", "bigint"), _Slot(f"r{index}_id", "text", column=column), position)
                )
            elif column.type == ColumnType.PARTNERS:
                self.parties = (_Slot("parties", "text", column=column), position)
            else:
                model_field = self.model_fields[column.field]
                db_type = "text" if isinstance(model_field, models.CharField) else model_field.db_type(connection)
                slot = _Slot(f"c{len(self.values)}", db_type, model_field.attname, column)
                self.values.append((slot, position))

    @property
    def slots(self) -> list[_Slot]:
        """Staging columns in row order: line, identifier, values, references, parties."""
        slots = [_Slot("line", "integer"), _Slot("ext", "text")]
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
        sample: _Sample | None,
        on_progress: ProgressCallback | None,
    ) -> None:
        """Check every row and hand it to `write` (invalid cells staged as NULL, so later checks still run)."""
        self.epoch = getattr(table, "epoch", None)
        id_position = self.positions["identifiant"]
        id_convert = self._converter(self.fmt.column("identifiant"))
        values = [
            (index + 2, position, slot.column.name, self._converter(slot.column))
            for index, (slot, position) in enumerate(self.values)
        ]
        masked = {slot.column.name for slot, _position in self.values if not slot.column.echo_refused}
        first_reference = 2 + len(values)
        references = [
            (first_reference + 2 * index, position, id_slot.column.name)
            for index, (_partner, id_slot, position) in enumerate(self.references)
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
                        if _shown(cells[extra]):
                            error(line, None, None, _("more values than columns in the header"), width)
                            break
                else:
                    cells = [*cells, *padding[ncells:]]
            for position in unnamed:
                stray = _shown(cells[position])
                if stray:
                    error(line, None, stray, _("value in a column without a header"), position)
            out: list[Any] = [None] * size
            out[0] = line
            try:
                out[1] = id_convert(cells[id_position])
            except _Invalid as invalid:
                error(line, "identifiant", _shown(cells[id_position]), invalid.reason, id_position)
            for slot, position, name, convert in values:
                try:
                    out[slot] = convert(cells[position])
                except _Invalid as invalid:
                    shown = None if name in masked else _shown(cells[position])
                    error(line, name, shown, invalid.reason, position)
            for slot, position, name in references:
                raw = cells[position]
                if raw is None or raw == "":
                    continue
                try:
                    text = _text(raw)
                except _Invalid as invalid:
                    error(line, name, _shown(raw), invalid.reason, position)
                    continue
                if text:
                    out[slot], out[slot + 1] = self._reference(text)
            if parties:
                raw = cells[parties[1]]
                try:
                    out[parties_slot] = self._parties(raw)
                except _Invalid as invalid:
                    error(line, parties[0].column.name, _shown(raw), invalid.reason, parties[1])
            for earlier, later, earlier_name, later_name in date_order:
                start, end = out[earlier], out[later]
                if start and end and end < start:
                    error(
                        line,
                        later_name,
                        end,
                        _("date {later} ({end}) precedes {earlier} ({start})").format(
                            later=later_name, end=_fr_date(end), earlier=earlier_name, start=_fr_date(start)
                        ),
                        self.positions[later_name],
                    )
            write(out)
            if count <= sample_size:
                sample.rows.append((line, [_cell_text(cell) for cell in cells]))
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
                _("incomplete last line ({count} values for {columns} columns): the file seems truncated").format(
                    count=last_width, columns=width
                ),
                width,
            )

    def _slot_index(self, column_name: str) -> int:
        for index, (slot, _position) in enumerate(self.values):
            if slot.column.name == column_name:
                return index + 2
        raise KeyError(column_name)

    def _reference(self, raw: str) -> tuple[int, str]:
        prefix, separator, rest = raw.partition(":")
        if separator and prefix.strip().lower() in self.partners_by_code and rest.strip():
            return self.partners_by_code[prefix.strip().lower()], rest.strip()
        return self.partner.pk, raw

    def _parties(self, value: Any) -> str:
        raw = _text(value) if value is not None else ""
        ids: list[int] = []
        for code in (part.strip() for part in raw.split("|")):
            if not code:
                continue
            pk = self.partners_by_code.get(code.lower())
            if pk is None:
                raise _Invalid(
                    _("unknown partner « {code} » (partners of the plan: {codes})").format(
                        code=code, codes=", ".join(sorted(self.partners_by_code))
                    )
                )
            if pk not in ids:
                ids.append(pk)
        if not ids:
            raise _Invalid(_("required value missing"))
        return "|".join(str(pk) for pk in sorted(ids))

    # converters: cell -> database value, raising _Invalid

    def _empty(self, column: Column) -> Any:
        """The stored value of an empty optional cell."""
        if column.field == "external_id":
            return None
        model_field = self.model_fields[column.field]
        if column.type == ColumnType.BOOLEAN:
            return False
        if model_field.null:
            return None
        if model_field.has_default():
            return model_field.get_db_prep_save(model_field.get_default(), connection)
        return ""

    def _converter(self, column: Column) -> Callable[[Any], Any]:
        """A function turning a cell into the value staged for the database, refusing invalid cells.

        The general path strips, parses and checks; in front of it, a fast path per type skips work
        on the common case (a clean text, a plain number, a spelling already seen), since a large file
        runs this millions of times.
        """
        convert = self._general_converter(column)
        if column.type == ColumnType.TEXT and not column.pattern:
            max_length = getattr(self.model_fields.get(column.field), "max_length", None) or 1 << 30

            def text(value: Any) -> Any:
                if value.__class__ is str and 0 < len(value) <= max_length and not value[0].isspace():
                    if not value[-1].isspace():
                        return value
                return convert(value)

            return text
        if column.type == ColumnType.DECIMAL and (column.minimum or 0) == 0 and column.maximum is None:
            model_field = self.model_fields[column.field]
            whole, places = model_field.max_digits - model_field.decimal_places, model_field.decimal_places
            plain = re.compile(rf"\d{{1,{whole}}}(?:[.,]\d{{1,{places}}})?").fullmatch
            positive = column.exclusive_minimum

            def number(value: Any) -> Any:
                if value.__class__ is str and plain(value) is not None and (not positive or value.strip("0.,")):
                    return value.replace(",", ".")
                return convert(value)

            return number
        cache: dict[str, Any] = {}
        get = cache.get
        miss = object()

        def cached(value: Any) -> Any:
            if value.__class__ is not str:
                return convert(value)
            result = get(value, miss)
            if result is miss:
                try:
                    result = convert(value)
                except _Invalid as invalid:
                    result = invalid
                if len(cache) >= CACHE_LIMIT:
                    cache.clear()
                cache[value] = result
            if result.__class__ is _Invalid:
                raise result.with_traceback(None)  # a cached refusal must not pile up tracebacks
            return result

        return cached

    def _general_converter(self, column: Column) -> Callable[[Any], Any]:
        parse_text = self._text_parser(column)
        parse_typed = self._typed_parser(column)
        required = column.required
        empty = self._empty(column)

        def convert(value: Any) -> Any:
            if value.__class__ is str:
                text = value.strip()
                if text:
                    return parse_text(text)
            elif value is not None:
                if parse_typed is not None and not isinstance(value, FormulaWithoutValue | CellError):
                    return parse_typed(value)
                text = _text(value)
                if text:
                    return parse_text(text)
            if required:
                raise _Invalid(_("required value missing"))
            return empty

        return convert

    def _text_parser(self, column: Column) -> Callable[[str], Any]:
        kind = column.type
        model_field = self.model_fields.get(column.field)
        if kind == ColumnType.TEXT:
            max_length = getattr(model_field, "max_length", None)

            pattern = re.compile(column.pattern).fullmatch if column.pattern else None

            def text(raw: str) -> str:
                if pattern is not None and pattern(raw) is None:
                    raise _Invalid(str(column.pattern_reason))
                if max_length and len(raw) > max_length:
                    raise _Invalid(
                        _("text too long ({length} characters, at most {maximum})").format(
                            length=len(raw), maximum=max_length
                        )
                    )
                return raw

            return text
        if kind == ColumnType.INTEGER:
            return lambda raw: self._integer(column, _compact(raw), raw)
        if kind == ColumnType.DECIMAL:
            return lambda raw: self._decimal(column, raw)
        if kind == ColumnType.DATE:

            def date(raw: str) -> str:
                day = _parse_date(raw)
                _check_date_range(day, raw)
                return day.isoformat()

            return date
        if kind == ColumnType.DATETIME:
            return lambda raw: self._datetime_value(_parse_datetime(raw), raw)
        if kind == ColumnType.BOOLEAN:
            return _parse_boolean
        if kind == ColumnType.CHOICE:
            shown = ", ".join(accepted_tokens(column))
            choices = column.choices

            def choice(raw: str) -> str:
                code = choices.get(normalize_token(raw))
                if code is None:
                    raise _Invalid(
                        _("unknown value « {value} » (accepted values: {accepted})").format(value=raw, accepted=shown)
                    )
                return code

            return choice
        raise ValueError(f"unsupported column type {kind}")

    def _typed_parser(self, column: Column) -> Callable[[Any], Any] | None:
        """Spreadsheet cells that are not text: numbers, dates, booleans."""
        kind = column.type
        if kind == ColumnType.DATE:

            def date(value: Any) -> str:
                if isinstance(value, dt.datetime):
                    day = value.date()
                elif isinstance(value, dt.date):
                    day = value
                elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                    day = _excel_serial(value, self.epoch).date()
                    shown = _("{serial} (Excel date serial, i.e. {date})").format(
                        serial=_cell_text(value), date=f"{day:%d/%m/%Y}"
                    )
                    _check_date_range(day, shown)
                    return day.isoformat()
                else:
                    raise _Invalid(_("invalid date « {value} »").format(value=_cell_text(value)))
                _check_date_range(day, f"{day:%d/%m/%Y}")
                return day.isoformat()

            return date
        if kind == ColumnType.DATETIME:

            def moment(value: Any) -> Any:
                if isinstance(value, dt.datetime):
                    naive = value
                elif isinstance(value, dt.date):
                    naive = dt.datetime.combine(value, dt.time(0))
                elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                    naive = _excel_serial(value, self.epoch)
                else:
                    raise _Invalid(_("invalid date and time « {value} »").format(value=_cell_text(value)))
                aware = naive if naive.tzinfo else timezone.make_aware(naive.replace(microsecond=0))
                return self._datetime_value(aware, f"{timezone.localtime(aware):%d/%m/%Y %H:%M}")

            return moment
        if kind == ColumnType.INTEGER:

            def integer(value: Any) -> int:
                if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
                    text = _text(value)
                    return self._integer(column, _compact(text), text)
                shown = _cell_text(value)
                if value != int(value):
                    raise _Invalid(_("invalid whole number « {value} »").format(value=shown))
                return self._integer(column, str(int(value)), shown)

            return integer
        if kind == ColumnType.DECIMAL:

            def number(value: Any) -> str:
                if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
                    return self._decimal(column, _text(value))
                return self._decimal(column, repr(value) if isinstance(value, float) else str(value))

            return number
        if kind == ColumnType.BOOLEAN:

            def boolean(value: Any) -> bool:
                if isinstance(value, bool):
                    return value
                if isinstance(value, int | float | Decimal) and value in (0, 1):
                    return bool(value)
                return _parse_boolean(_text(value))

            return boolean
        return None

    def _integer(self, column: Column, compact: str, raw: str) -> int:
        if not _INTEGER.fullmatch(compact):
            raise _Invalid(_("invalid whole number « {value} »").format(value=raw))
        number = int(compact)
        _check_range(column, number, raw)
        if number > 2_147_483_647:
            raise _Invalid(_("number too large « {value} »").format(value=raw))
        return number

    def _decimal(self, column: Column, raw: str) -> str:
        model_field = self.model_fields[column.field]
        compact = _compact(raw)
        if "," in compact and "." not in compact and compact.count(",") == 1:
            compact = compact.replace(",", ".")
        if not _DECIMAL.fullmatch(compact):
            raise _Invalid(_("invalid number « {value} »").format(value=raw))
        quantum = Decimal(1).scaleb(-model_field.decimal_places)
        try:
            number = Decimal(compact).quantize(quantum, rounding=ROUND_HALF_UP)
        except InvalidOperation:
            raise _Invalid(_("number too large « {value} »").format(value=raw)) from None
        _check_range(column, number if column.exclusive_minimum else Decimal(compact), raw)
        if number.adjusted() >= model_field.max_digits - model_field.decimal_places:
            raise _Invalid(_("number too large « {value} »").format(value=raw))
        return format(number, "f")

    def _datetime_value(self, moment: dt.datetime, shown: str) -> Any:
        _check_date_range(timezone.localtime(moment).date(), shown)
        if self.sqlite:
            return connection.ops.adapt_datetimefield_value(moment)
        return moment.isoformat()

    # checks over the whole file, in SQL

    def check_duplicates(self, stage: "_Stage") -> None:
        for line, external_id, first in stage.duplicates(MAX_ERRORS):
            self.error(
                line,
                "identifiant",
                external_id,
                _("identifier « {value} » appears twice in the file (lines {first} and {line})").format(
                    value=external_id, first=first, line=line
                ),
                self.positions.get("identifiant", 0),
            )

    def check_references(self, stage: "_Stage") -> None:
        for index, (_partner_slot, id_slot, position) in enumerate(self.references):
            column = id_slot.column
            target = FORMATS[column.references]
            for line, partner_id, external_id in stage.unknown_references(index, MAX_ERRORS):
                code = self.partner_codes.get(partner_id, "?")
                raw = external_id if partner_id == self.partner.pk else f"{code}:{external_id}"
                self.error(
                    line,
                    column.name,
                    raw,
                    _(
                        "unknown reference « {value} »: no record « {id} » of partner « {partner} » in {stem}.csv"
                    ).format(value=raw, id=external_id, partner=code, stem=target.file_stem),
                    position,
                )


def _shown(value: Any) -> str:
    return _cell_text(value).strip()


def _fr_date(iso: str) -> str:
    return f"{dt.date.fromisoformat(iso):%d/%m/%Y}"


# --- staging and writing --------------------------------------------------------------------------------------


class _Stage:
    """The temporary table a file is staged in, and the set-based SQL that checks and writes it."""

    def __init__(self, fmt: RecordFormat, validator: _Validator):
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
        slots = [*self.slots, *(_Slot(f"r{index}_pk", "bigint") for index in range(len(self.validator.references)))]
        slots.append(_Slot("record_pk", "bigint"))  # the partner's existing record of that identifier (`mark_known`)
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
        a join here would depend on the planner's statistics, stale right after a large import."""
        for index, (_partner_slot, id_slot, _position) in enumerate(self.validator.references):
            table = self.quote(FORMATS[id_slot.column.references].model._meta.db_table)
            partner, external, pk = (self.quote(f"r{index}_{part}") for part in ("partner", "id", "pk"))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {self.stage} SET {pk} = (SELECT r.id FROM {table} r WHERE r.partner_id = {partner} "
                    f"AND r.external_id = {external} AND r.plan_id = %s) WHERE {external} IS NOT NULL",
                    [self.plan_id],
                )

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

    def write(self, report: ImportReport, now: dt.datetime, history: "_History | None", dry_run: bool) -> None:
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
            if self.validator.parties is not None:
                self._set_parties(cursor)
                if parties_only:
                    Agreement.objects.filter(partner_id=self.partner_id, external_id__in=parties_only).update(
                        version=F("version") + 1, updated_at=now
                    )
                    report.updated += len(parties_only)
        if history is not None:
            history.record_changes(self.model, now)

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
        history: "_History | None",
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
            objects = list(self.model.objects.filter(pk__in=chunk).order_by("pk"))
            if history is not None:
                history.deleted(objects)
            with audit.auditlog_disabled():
                self.model.objects.filter(pk__in=chunk).delete()


# --- history --------------------------------------------------------------------------------------------------


class _History:
    """Writes an import to the audit trail (`copil.access.audit.record_bulk_changes`): a summary event (file,
    kind, counts) and one event per record updated (values before and after) or deleted, and per record
    created when there are at most AUDIT_CREATED_DETAIL of them.

    Beyond that (an initial load of years of history), creations are summarised: the summary event gives
    their count and creation time, which the records carry in `created_at`, so they stay traceable without
    a million identical events. Objects go to the trail in calls of at most AUDIT_CHUNK, so memory stays
    flat; every call carries the file name and a part number.
    """

    def __init__(
        self,
        actor: Actor,
        channel: str | None,
        fmt: RecordFormat,
        plan: Plan,
        partner: Partner,
        report: ImportReport,
        now: dt.datetime,
    ):
        self.actor, self.channel, self.fmt = actor, channel, fmt
        self.plan, self.partner, self.report, self.now = plan, partner, report, now
        self.created: list[Any] = []
        self.updated: list[tuple[Any, Any]] = []
        self.removed: list[Any] = []
        self.calls = 0
        self.creations_summarised = False

    def record_changes(self, model: type[models.Model], now: dt.datetime) -> None:
        """Queue the updated records (before: the copy taken before the UPDATE) and the created ones."""
        before_table = connection.ops.quote_name(BEFORE_TABLE)
        last = 0
        while True:
            before = list(
                model.objects.raw(f"SELECT * FROM {before_table} WHERE id > %s ORDER BY id LIMIT 1000", [last])
            )
            if not before:
                break
            last = before[-1].pk
            after = model.objects.in_bulk([obj.pk for obj in before])
            for obj in before:
                self._add(updated=(obj, after[obj.pk]))
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {before_table}")
        if self.report.created > AUDIT_CREATED_DETAIL:
            self.creations_summarised = True
            return
        created = model.objects.filter(partner_id=self.partner.pk, created_at=now).order_by("pk")
        for obj in created.iterator(chunk_size=2000):
            self._add(created=obj)

    def deleted(self, objects: list[Any]) -> None:
        for obj in objects:
            self._add(deleted=obj)

    def _add(self, created: Any = None, updated: tuple[Any, Any] | None = None, deleted: Any = None) -> None:
        if created is not None:
            self.created.append(created)
        if updated is not None:
            self.updated.append(updated)
        if deleted is not None:
            self.removed.append(deleted)
        if len(self.created) + len(self.updated) + len(self.removed) >= AUDIT_CHUNK:
            self._flush()

    def _flush(self) -> None:
        report = self.report
        details: dict[str, Any] = {"file": report.file_name, "kind": self.fmt.kind, "part": self.calls + 1}
        if self.calls == 0:
            details.update(rows=report.rows, unchanged=report.rows - report.created - report.updated)
            if self.creations_summarised:
                details.update(created=report.created, created_at=self.now.isoformat(), created_events=False)
        audit.record_bulk_changes(
            self.actor,
            self.fmt.model,
            created=self.created,
            updated=self.updated,
            deleted=self.removed,
            plan=self.plan,
            partner=self.partner,
            details=details,
            channel=self.channel,
        )
        self.calls += 1
        self.created, self.updated, self.removed = [], [], []

    def finish(self) -> None:
        """Flush what is queued; an import that changed nothing is still recorded once."""
        if self.created or self.updated or self.removed or not self.calls:
            self._flush()

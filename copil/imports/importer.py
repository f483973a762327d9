"""Validated, all-or-nothing, idempotent import of a partner's file of records (CSV, XLSX or ODS).

How a file goes in, with memory flat in its size:

1. The rows are streamed from the file (`copil.imports.sources`) and every cell is checked by the cell
   parsers of `copil.formats` (`copil.imports.validation`): type, enumeration, range, length, dates (see
   below), the order of paired dates, unnamed or extra cells. Each row, valid or not, is written at once
   to a temporary staging table (`copil.imports.staging`; PostgreSQL: `COPY`, SQLite: `executemany`), in
   the database transaction that will hold the whole import.
2. Checks that need every row or the database run in SQL on the staging table: identifiers given twice
   in the file, and references (a seizure's operation, a deal point's network…) that name no record the
   person importing may link to (`copil.formats.referable_records`, the forms' and the API's rule); each
   reference is resolved to its primary key there, by one index probe per row.
3. If any error was found, the transaction is rolled back: nothing was written, and `ImportRejected`
   lists every error (file, line, column, value, French reason, code), at most `MAX_ERRORS` of them kept.
4. Otherwise, in the same transaction: one `UPDATE … FROM staging` changes the records whose values
   differ (version + 1, `updated_at`), one `INSERT … SELECT` creates the new ones, and, with
   `replace_period`, the partner's records of that kind dated within the period and absent from the
   file are deleted. Re-importing the same file changes nothing: records are keyed by
   (partner, identifier). The changes are written to the audit trail (`copil.imports.history`).

Dates must lie between 1 January 2000 and today (Paris time): earlier dates are typing errors in
practice, later ones are impossible for facts already recorded. Dates outside the plan's period are
accepted on purpose: the bilan compares the plan with the years before it (baselines).
"""

import datetime as dt
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copil.access.actors import Actor
from copil.formats import (
    FORMATS,
    FORMATS_BY_FILE_STEM,
    CellError,
    ErrorCode,
    RecordFormat,
    accepted_tokens,
    cell_text,
    normalize_token,
)
from copil.formats.cells import parse_date
from copil.imports.history import History
from copil.imports.results import (
    ImportError_,
    ImportRejected,
    ImportReport,
    errors_csv,
)
from copil.imports.sources import Table, open_table
from copil.imports.staging import Stage
from copil.imports.validation import FileValidator, ProgressCallback, Sample
from copil.plans.models import Partner, Plan

__all__ = [
    "IMPORT_ORDER",
    "ImportError_",
    "ImportRejected",
    "ImportReport",
    "ImportRequest",
    "Preview",
    "ProgressCallback",
    "accepted_tokens",
    "errors_csv",
    "import_records",
    "parse_replace_period",
    "preview_import",
]

# Referenced kinds are imported first, so references resolve; agreements name partners only.
IMPORT_ORDER: tuple[str, ...] = (
    "network",
    "deal_point",
    "operation",
    *(kind for kind in FORMATS if kind not in {"network", "deal_point", "operation", "agreement"}),
    "agreement",
)

_PERIOD = re.compile(r"\s*(\S+)\s*\.\.\s*(\S+)\s*")


@dataclass(frozen=True)
class ImportRequest:
    """What to import and how: everything the steps of an import (validation, staging, history) need to know.

    kind: a record kind or file stem, None to tell it from the file; dry_run: validate and count, write nothing;
    replace_period: also delete the partner's records dated within it that the file does not list; actor: the
    user importing (None: the system), for the references they may make and the audit trail; channel: the audit
    trail's channel; on_progress: called with (rows done, estimated total or None); sample: filled with the first
    rows, for a preview.
    """

    plan: Plan
    partner: Partner
    file_name: str
    kind: str | None = None
    dry_run: bool = False
    replace_period: tuple[dt.date, dt.date] | None = None
    actor: Actor = None
    channel: str | None = None
    on_progress: ProgressCallback | None = None
    sample: Sample | None = None


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
    actor: the user importing, for the audit trail and the records references may name (None: the system,
      e.g. the command line); channel: the audit trail's channel (`cli`, `web`…; default: the current
      request's, else `system`).
    on_progress: called as `on_progress(rows_done, estimated_total_or_None)` while rows are read.

    Raises ImportRejected, with every error found and nothing written, if anything is wrong.
    """
    request = ImportRequest(
        plan=plan,
        partner=partner,
        file_name=file_name or _file_name(path_or_file),
        kind=kind,
        dry_run=dry_run,
        replace_period=replace_period,
        actor=actor,
        channel=channel,
        on_progress=on_progress,
    )
    return run_import(path_or_file, request)


def preview_import(
    path_or_file: str | Path | IO[bytes] | IO[str],
    plan: Plan,
    partner: Partner,
    kind: str | None = None,
    rows: int = 10,
    *,
    file_name: str | None = None,
    replace_period: tuple[dt.date, dt.date] | None = None,
    actor: Actor = None,
    on_progress: ProgressCallback | None = None,
) -> Preview:
    """Read and check a whole file without writing anything: its first `rows` rows, every error, and the
    counts the import would produce (`actor`: the user who would import it). Never raises ImportRejected (the
    errors are in the preview)."""
    sample = Sample(size=rows)
    name = file_name or _file_name(path_or_file)
    preview = Preview(file_name=name)
    request = ImportRequest(
        plan=plan,
        partner=partner,
        file_name=name,
        kind=kind,
        dry_run=True,
        replace_period=replace_period,
        actor=actor,
        on_progress=on_progress,
        sample=sample,
    )
    try:
        preview.report = run_import(path_or_file, request)
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
        start, end = (parse_date(part) for part in match.groups())
    except CellError as invalid:
        raise ValueError(invalid.reason) from None
    if end < start:
        raise ValueError(_("invalid period « {value} »: it ends before it starts").format(value=text))
    return start, end


def run_import(source: str | Path | IO[bytes] | IO[str], request: ImportRequest) -> ImportReport:
    """Import (or, for a dry run, check) one file as `request` says; raises ImportRejected."""
    if request.partner.plan_id != request.plan.pk:
        reason = _("partner « {partner} » does not belong to plan « {plan} »").format(
            partner=request.partner.code, plan=request.plan.slug
        )
        raise ImportRejected([ImportError_(request.file_name, None, None, None, reason, ErrorCode.PARTNER_NOT_IN_PLAN)])
    table = open_table(source, request.file_name)
    try:
        rows = table.rows()
        try:
            return _import_rows(table, rows, request)
        finally:
            rows.close()
    finally:
        table.close()  # closes the file when open_table opened it, never the caller's stream


def _import_rows(table: Table, rows: Iterator[tuple[int, Sequence[Any]]], request: ImportRequest) -> ImportReport:
    """The steps of an import: header, rows checked and staged, checks over the whole file, then the writes."""
    name, sample = table.file_name, request.sample
    timings: dict[str, float] = {}
    started = time.perf_counter()
    first = next(rows, None)
    if first is None:
        raise ImportRejected([ImportError_(name, None, None, None, _("the file is empty"), ErrorCode.EMPTY_FILE)])
    header_line, raw_header = first
    header = [cell_text(cell) for cell in raw_header]
    if sample is not None:
        sample.header, sample.sheet = header, table.sheet
    fmt = _resolve_format(request.kind, name, header, table.sheet)
    if sample is not None:
        sample.kind = fmt.kind
    validator = FileValidator(fmt, request)
    validator.check_merges(table.merged, header_line, header_only=True)
    if validator.error_count:
        raise validator.rejection()
    validator.map_header(header, header_line)
    if validator.error_count:
        raise validator.rejection()
    with transaction.atomic():
        # one import at a time per partner (PostgreSQL row lock; SQLite serialises writers anyway)
        list(Partner.objects.select_for_update().filter(pk=request.partner.pk).values_list("pk"))
        stage = Stage(fmt, validator)
        stage.create()
        try:
            with stage.writer() as write:
                validator.stage_rows(rows, write, table)
        except ImportRejected as unreadable:  # the rest of the file cannot be read: report it with the rest
            for error in unreadable.errors:
                validator.error(error.line, error.column, error.value, error.code, error.reason, validator.width)
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
        report = ImportReport(kind=fmt.kind, file_name=name, rows=validator.row_count, dry_run=request.dry_run)
        now = timezone.now()
        history = None if request.dry_run else History(request, fmt, report, now)
        stage.write(report, now, history, request.dry_run)
        if request.replace_period:
            stage.replace_period(report, request.replace_period, history, request.dry_run)
        report.unchanged = report.rows - report.created - report.updated
        timings["write"] = time.perf_counter() - mark
        if history is not None:
            mark = time.perf_counter()
            history.finish()
            timings["history"] = time.perf_counter() - mark
        stage.drop()
        if request.dry_run:
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
                        ErrorCode.UNKNOWN_KIND,
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
    raise ImportRejected([ImportError_(file_name, None, None, None, reason, ErrorCode.UNDETERMINED_KIND)])

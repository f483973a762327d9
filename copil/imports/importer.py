"""Validated, all-or-nothing, idempotent import of a partner's CSV file of records.

Every row is checked before anything is written, and every error is reported with its file, line
and column, so a partner fixes the whole file in one go. Rows are then upserted on
(partner, identifier): re-importing the same file changes nothing.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from copil.imports.formats import (
    FORMATS,
    FORMATS_BY_FILE_STEM,
    Column,
    ColumnType,
    RecordFormat,
    normalize_token,
)
from copil.plans.models import Partner, Plan
from copil.records.models import Agreement, Record

BATCH_SIZE = 1000
QUERY_CHUNK = 500  # stays under SQLite's bound-parameter limit
MAX_ERRORS_IN_MESSAGE = 500
DELIMITERS = (";", ",", "\t")

TRUE_TOKENS = ("oui", "o", "vrai", "true", "1", "x")
FALSE_TOKENS = ("non", "n", "faux", "false", "0")

# (earlier column, later column): the later date cannot precede the earlier one.
DATE_ORDER: dict[str, tuple[tuple[str, str], ...]] = {
    "network": (("identifie_le", "demantele_le"),),
    "deal_point": (("identifie_le", "neutralise_le"),),
    "camera": (("installee_le", "retiree_le"),),
    "eviction_procedure": (("ouverte_le", "close_le"),),
}

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
_SPACES = str.maketrans("", "", " \u00a0\u202f")


@dataclass(frozen=True)
class ImportError_:
    """One problem found in an imported file, located precisely enough for a partner to fix it."""

    file_name: str
    line: int | None
    column: str | None
    value: str | None
    reason: str

    def __str__(self) -> str:
        """One line, even when the offending value spans several lines of the file."""
        if self.line is not None and self.column:
            text = _("{file}, line {line}, column « {column} »: {reason}").format(
                file=self.file_name, line=self.line, column=self.column, reason=self.reason
            )
        elif self.line is not None:
            text = _("{file}, line {line}: {reason}").format(file=self.file_name, line=self.line, reason=self.reason)
        else:
            text = _("{file}: {reason}").format(file=self.file_name, reason=self.reason)
        return " ".join(text.splitlines())


class ImportRejected(Exception):
    """A file was refused as a whole; `errors` lists every problem found, nothing was written."""

    def __init__(self, errors: list[ImportError_]):
        self.errors = list(errors)
        super().__init__(self.message())

    @property
    def file_name(self) -> str:
        return self.errors[0].file_name if self.errors else ""

    def message(self) -> str:
        """French lines, one per error (cut after MAX_ERRORS_IN_MESSAGE; `errors` keeps them all)."""
        lines = [str(error) for error in self.errors[:MAX_ERRORS_IN_MESSAGE]]
        hidden = len(self.errors) - MAX_ERRORS_IN_MESSAGE
        if hidden > 0:
            lines.append(ngettext("… and {count} more error", "… and {count} more errors", hidden).format(count=hidden))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.message()


@dataclass
class ImportReport:
    """What an import did: rows read and records created, updated or left unchanged."""

    kind: str
    file_name: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        """One French line for the console or the web page."""
        parts = [
            ngettext("{count} row read", "{count} rows read", self.rows).format(count=self.rows),
            ngettext("{count} record created", "{count} records created", self.created).format(count=self.created),
            ngettext("{count} updated", "{count} updated", self.updated).format(count=self.updated),
            ngettext("{count} unchanged", "{count} unchanged", self.unchanged).format(count=self.unchanged),
        ]
        return _("{file}: {counts}").format(file=self.file_name, counts=", ".join(parts))


class _Invalid(Exception):
    """Raised by a cell parser; carries the French reason."""


@dataclass(slots=True)
class _Row:
    line: int
    external_id: str
    values: dict[str, Any] = field(default_factory=dict)  # model attname -> value
    references: dict[str, tuple[int, str, str]] = field(default_factory=dict)  # attname -> (partner id, id, raw)
    parties: list[int] | None = None


def import_records(
    path_or_file: str | Path | IO[bytes] | IO[str],
    *,
    plan: Plan,
    partner: Partner,
    kind: str | None = None,
    file_name: str | None = None,
) -> ImportReport:
    """Validate a partner's CSV file as a whole, then upsert its rows in one transaction.

    Raises ImportRejected, with every error found and nothing written, if any row is invalid.
    """
    name = file_name or _file_name(path_or_file)
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
    text = _decode(_read_bytes(path_or_file))
    rows = [(line, cells) for line, cells in _physical_rows(text)]
    if not rows:
        raise ImportRejected([ImportError_(name, None, None, None, _("the file is empty"))])
    header_line, header = rows[0]
    fmt = _resolve_format(kind, name, header)
    validator = _Validator(fmt, plan, partner, name)
    parsed = validator.validate(header, rows[1:])
    if validator.errors:
        raise ImportRejected(validator.sorted_errors())
    report = ImportReport(kind=fmt.kind, file_name=name, rows=len(parsed))
    with transaction.atomic():
        _write(fmt, plan, partner, parsed, validator.present_fields, report)
    return report


def _file_name(source: Any) -> str:
    if isinstance(source, str | Path):
        return Path(source).name
    name = getattr(source, "name", None)
    return Path(name).name if isinstance(name, str) else _("file")


def _read_bytes(source: Any) -> bytes | str:
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    return source.read()


def _decode(data: bytes | str) -> str:
    """UTF-8 (BOM or not) first; spreadsheets on Windows write cp1252, which Latin-1 completes."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _sniff_delimiter(text: str) -> str:
    first = next((line for line in io.StringIO(text, newline="") if line.strip()), "")
    unquoted = re.sub(r'"[^"]*"', "", first)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _physical_rows(text: str) -> Iterable[tuple[int, list[str]]]:
    """CSV rows with the physical line each starts on (header = 1), skipping blank rows."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    next_line = 1
    for cells in reader:
        line, next_line = next_line, reader.line_num + 1
        if any(cell.strip() for cell in cells):
            yield line, cells


def _resolve_format(kind: str | None, file_name: str, header: list[str]) -> RecordFormat:
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
    stem = normalize_token(Path(file_name).stem)
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
    """The spellings to show a partner for an enumeration: its French tokens, not the internal codes."""
    by_code: dict[str, list[str]] = {}
    for token, code in column.choices.items():
        by_code.setdefault(code, []).append(token)
    shown = []
    for code, tokens in by_code.items():
        if len(tokens) > 1 and tokens[-1] == code:
            tokens = tokens[:-1]
        shown.extend(token.replace("_", " ") for token in tokens)
    return shown


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


def _number_text(number: Decimal) -> str:
    return format(number.normalize(), "f").replace(".", ",")


class _Validator:
    """Parses and checks every row of one file, collecting errors instead of stopping at the first."""

    def __init__(self, fmt: RecordFormat, plan: Plan, partner: Partner, file_name: str):
        self.fmt = fmt
        self.plan = plan
        self.partner = partner
        self.file_name = file_name
        self.errors: list[tuple[int, int, ImportError_]] = []
        self.present_fields: list[str] = []
        self.partners_by_code = {p.code.lower(): p.pk for p in Partner.objects.filter(plan=plan)}
        self.model_fields = {f.name: f for f in fmt.model._meta.get_fields() if isinstance(f, models.Field)}
        self.columns = {c.name: c for c in fmt.columns}
        self.positions: dict[str, int] = {}  # column name -> cell position in the file

    def error(self, line: int | None, column: str | None, value: str | None, reason: str, position: int = 0):
        self.errors.append(((line or 0), position, ImportError_(self.file_name, line, column, value, reason)))

    def sorted_errors(self) -> list[ImportError_]:
        return [error for _line, _position, error in sorted(self.errors, key=lambda e: (e[0], e[1]))]

    def _header(self, header: list[str]) -> list[tuple[int, Column | None]]:
        """Map cell positions to columns; unnamed columns map to None and must stay empty."""
        known = {c.name: c for c in self.fmt.columns}
        mapping: list[tuple[int, Column | None]] = []
        seen: dict[str, int] = {}
        for position, cell in enumerate(header):
            name = normalize_token(cell)
            if not name:
                mapping.append((position, None))
                continue
            column = known.get(name)
            if column is None:
                self.error(
                    1,
                    cell.strip(),
                    None,
                    _("unknown column (columns of the {stem}.csv format: {columns})").format(
                        stem=self.fmt.file_stem, columns=", ".join(known)
                    ),
                    position,
                )
            elif name in seen:
                self.error(1, cell.strip(), None, _("column given twice"), position)
            else:
                seen[name] = position
                mapping.append((position, column))
        self.positions = seen
        for name in self.fmt.required_columns:
            if name not in seen:
                self.error(1, name, None, _("required column missing"), len(header))
        return mapping

    def validate(self, header: list[str], rows: list[tuple[int, list[str]]]) -> list[_Row]:
        mapping = self._header(header)
        if self.errors:
            return []
        columns = [(position, column) for position, column in mapping if column is not None]
        self.present_fields = [self._attname(c) for _p, c in columns if c.type != ColumnType.PARTNERS]
        parsers = {c.name: self._parser(c) for _p, c in columns}
        width = len(header)
        parsed: list[_Row] = []
        first_line_of: dict[str, int] = {}
        for line, cells in rows:
            if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                self.error(line, None, None, _("more values than columns in the header"), width)
            for position, column in mapping:
                if column is None and position < len(cells) and cells[position].strip():
                    self.error(line, None, cells[position].strip(), _("value in a column without a header"), position)
            row = _Row(line=line, external_id="")
            for position, column in columns:
                raw = cells[position].strip() if position < len(cells) else ""
                try:
                    parsers[column.name](row, column, raw)
                except _Invalid as invalid:
                    self.error(line, column.name, raw, str(invalid.args[0]), position)
            if row.external_id:
                first = first_line_of.setdefault(row.external_id, line)
                if first != line:
                    self.error(
                        line,
                        "identifiant",
                        row.external_id,
                        _("identifier « {value} » appears twice in the file (lines {first} and {line})").format(
                            value=row.external_id, first=first, line=line
                        ),
                    )
            self._check_date_order(row)
            parsed.append(row)
        self._resolve_references(parsed)
        return parsed

    def _attname(self, column: Column) -> str:
        return self.model_fields[column.field].attname

    def _empty(self, column: Column) -> Any:
        model_field = self.model_fields[column.field]
        if model_field.null:
            return None
        if model_field.has_default():
            return model_field.get_default()
        return ""

    def _parser(self, column: Column) -> Callable[[_Row, Column, str], None]:
        attname = self._attname(column) if column.type != ColumnType.PARTNERS else column.field
        convert = self._converter(column)
        empty = None if column.type == ColumnType.PARTNERS else self._empty(column)

        def parse(row: _Row, column: Column, raw: str) -> None:
            if not raw:
                if column.required:
                    raise _Invalid(_("required value missing"))
                if column.type == ColumnType.PARTNERS:
                    row.parties = []
                elif column.type == ColumnType.BOOLEAN:
                    row.values[attname] = False
                else:
                    row.values[attname] = empty
                return
            value = convert(row, raw)
            if column.field == "external_id":
                row.external_id = value
            elif column.type == ColumnType.REFERENCE:
                row.references[attname] = value
            elif column.type == ColumnType.PARTNERS:
                row.parties = value
            else:
                row.values[attname] = value

        return parse

    def _converter(self, column: Column) -> Callable[[_Row, str], Any]:
        model_field = self.model_fields.get(column.field)
        kind = column.type
        if kind == ColumnType.TEXT:
            max_length = getattr(model_field, "max_length", None)

            def text(_row: _Row, raw: str) -> str:
                if max_length and len(raw) > max_length:
                    raise _Invalid(
                        _("text too long ({length} characters, at most {maximum})").format(
                            length=len(raw), maximum=max_length
                        )
                    )
                return raw

            return text
        if kind == ColumnType.INTEGER:

            def integer(_row: _Row, raw: str) -> int:
                compact = raw.translate(_SPACES)
                if not _INTEGER.fullmatch(compact):
                    raise _Invalid(_("invalid whole number « {value} »").format(value=raw))
                number = int(compact)
                _check_range(column, number, raw)
                if number > 2_147_483_647:
                    raise _Invalid(_("number too large « {value} »").format(value=raw))
                return number

            return integer
        if kind == ColumnType.DECIMAL:
            places = model_field.decimal_places
            whole_digits = model_field.max_digits - places
            quantum = Decimal(1).scaleb(-places)

            def decimal(_row: _Row, raw: str) -> Decimal:
                compact = raw.translate(_SPACES)
                if "," in compact and "." not in compact and compact.count(",") == 1:
                    compact = compact.replace(",", ".")
                if not _DECIMAL.fullmatch(compact):
                    raise _Invalid(_("invalid number « {value} »").format(value=raw))
                try:
                    number = Decimal(compact).quantize(quantum, rounding=ROUND_HALF_UP)
                except InvalidOperation:
                    raise _Invalid(_("number too large « {value} »").format(value=raw)) from None
                _check_range(column, Decimal(compact), raw)
                if number.adjusted() >= whole_digits:
                    raise _Invalid(_("number too large « {value} »").format(value=raw))
                return number

            return decimal
        if kind == ColumnType.DATE:
            return lambda _row, raw: _parse_date(raw)
        if kind == ColumnType.DATETIME:
            return lambda _row, raw: _parse_datetime(raw)
        if kind == ColumnType.BOOLEAN:
            return lambda _row, raw: _parse_boolean(raw)
        if kind == ColumnType.CHOICE:
            shown = ", ".join(accepted_tokens(column))
            spelled: dict[str, str | None] = {}  # raw spelling -> code; files repeat a handful of spellings

            def choice(_row: _Row, raw: str) -> str:
                if raw not in spelled:
                    spelled[raw] = column.choices.get(normalize_token(raw))
                code = spelled[raw]
                if code is None:
                    raise _Invalid(
                        _("unknown value « {value} » (accepted values: {accepted})").format(value=raw, accepted=shown)
                    )
                return code

            return choice
        if kind == ColumnType.REFERENCE:
            return self._reference
        if kind == ColumnType.PARTNERS:
            return self._parties
        raise ValueError(f"unsupported column type {kind}")

    def _reference(self, _row: _Row, raw: str) -> tuple[int, str, str]:
        prefix, separator, rest = raw.partition(":")
        if separator and prefix.strip().lower() in self.partners_by_code and rest.strip():
            return self.partners_by_code[prefix.strip().lower()], rest.strip(), raw
        return self.partner.pk, raw, raw

    def _parties(self, _row: _Row, raw: str) -> list[int]:
        ids = []
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
        return ids

    def _check_date_order(self, row: _Row) -> None:
        for earlier, later in DATE_ORDER.get(self.fmt.kind, ()):
            start = row.values.get(self._attname(self.columns[earlier]))
            end = row.values.get(self._attname(self.columns[later]))
            if start and end and end < start:
                self.error(
                    row.line,
                    later,
                    end.isoformat(),
                    _("date {later} ({end}) precedes {earlier} ({start})").format(
                        later=later, end=f"{end:%d/%m/%Y}", earlier=earlier, start=f"{start:%d/%m/%Y}"
                    ),
                    self.positions.get(later, 0),
                )

    def _resolve_references(self, rows: list[_Row]) -> None:
        reference_columns = [c for c in self.fmt.columns if c.type == ColumnType.REFERENCE]
        codes = {pk: code for code, pk in self.partners_by_code.items()}
        for column in reference_columns:
            attname = self._attname(column)
            target = FORMATS[column.references]
            wanted: dict[int, set[str]] = {}
            for row in rows:
                if attname in row.references:
                    partner_id, external_id, _raw = row.references[attname]
                    wanted.setdefault(partner_id, set()).add(external_id)
            found: dict[tuple[int, str], int] = {}
            for partner_id, external_ids in wanted.items():
                ids = sorted(external_ids)
                for start in range(0, len(ids), QUERY_CHUNK):
                    for pk, external_id in target.model.objects.filter(
                        plan=self.plan,
                        partner_id=partner_id,
                        external_id__in=ids[start : start + QUERY_CHUNK],
                    ).values_list("pk", "external_id"):
                        found[(partner_id, external_id)] = pk
            position = self.positions.get(column.name, 0)
            for row in rows:
                if attname not in row.references:
                    continue
                partner_id, external_id, raw = row.references.pop(attname)
                pk = found.get((partner_id, external_id))
                if pk is None:
                    self.error(
                        row.line,
                        column.name,
                        raw,
                        _(
                            "unknown reference « {value} »: no record « {id} » of partner « {partner} » in {stem}.csv"
                        ).format(
                            value=raw,
                            id=external_id,
                            partner=codes.get(partner_id, "?"),
                            stem=target.file_stem,
                        ),
                        position,
                    )
                else:
                    row.values[attname] = pk


def _write(
    fmt: RecordFormat,
    plan: Plan,
    partner: Partner,
    rows: list[_Row],
    fields: list[str],
    report: ImportReport,
) -> None:
    """Create new rows, update changed ones, leave identical ones untouched."""
    model = fmt.model
    compared = [f for f in fields if f != "external_id"]
    existing: dict[str, tuple[int, tuple[Any, ...]]] = {}
    wanted = {row.external_id for row in rows}
    for pk, external_id, *values in (
        model.objects.filter(partner=partner).values_list("pk", "external_id", *compared).iterator(chunk_size=5000)
    ):
        if external_id in wanted:
            existing[external_id] = (pk, tuple(values))
    is_agreement = model is Agreement
    current_parties: dict[int, set[int]] = {}
    if is_agreement and existing:
        through = Agreement.parties.through
        pks = [pk for pk, _values in existing.values()]
        for start in range(0, len(pks), QUERY_CHUNK):
            for agreement_id, partner_id in through.objects.filter(
                agreement_id__in=pks[start : start + QUERY_CHUNK]
            ).values_list("agreement_id", "partner_id"):
                current_parties.setdefault(agreement_id, set()).add(partner_id)

    to_create: list[Record] = []
    to_update: list[Record] = []
    parties_to_set: dict[str, list[int]] = {}
    now = timezone.now()
    for row in rows:
        values = tuple(row.values.get(f) for f in compared)
        if row.external_id not in existing:
            to_create.append(model(plan_id=plan.pk, partner_id=partner.pk, external_id=row.external_id, **row.values))
            if is_agreement:
                parties_to_set[row.external_id] = row.parties or []
            continue
        pk, old_values = existing[row.external_id]
        parties_changed = is_agreement and set(row.parties or []) != current_parties.get(pk, set())
        if values == old_values and not parties_changed:
            report.unchanged += 1
            continue
        if values != old_values:
            to_update.append(model(pk=pk, updated_at=now, version=F("version") + 1, **row.values))
        if parties_changed:
            parties_to_set[row.external_id] = row.parties or []
        report.updated += 1

    model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    report.created = len(to_create)
    if to_update:
        model.objects.bulk_update(to_update, [*compared, "updated_at", "version"], batch_size=BATCH_SIZE)
    if parties_to_set:
        _set_parties(partner, parties_to_set)


def _set_parties(partner: Partner, parties: dict[str, list[int]]) -> None:
    """Replace the parties of the given agreements, addressed by their identifiers."""
    through = Agreement.parties.through
    ids = list(parties)
    pk_of: dict[str, int] = {}
    for start in range(0, len(ids), QUERY_CHUNK):
        pk_of.update(
            Agreement.objects.filter(partner=partner, external_id__in=ids[start : start + QUERY_CHUNK]).values_list(
                "external_id", "pk"
            )
        )
    pks = list(pk_of.values())
    for start in range(0, len(pks), QUERY_CHUNK):
        through.objects.filter(agreement_id__in=pks[start : start + QUERY_CHUNK]).delete()
    through.objects.bulk_create(
        [through(agreement_id=pk_of[external_id], partner_id=p) for external_id, ps in parties.items() for p in ps],
        batch_size=BATCH_SIZE,
    )

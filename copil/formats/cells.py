"""Cell parsers: a cell of any channel (file, form, JSON) to the value its record field stores, or a `CellError`.

Every channel runs these same parsers, so a value is refused the same way with the same code and French reason
whether it comes from a CSV file, a spreadsheet, a web form or the API. A parser returns the value or raises
`CellError`; `CellParsers.converter` adds fast paths for the common cases, since a large file runs it millions of
times.

Dates must lie between 1 January 2000 and today (Paris time): earlier dates are typing errors in practice, later
ones are impossible for facts already recorded.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext as _

from copil.formats.columns import EARLIEST_DATE, FORMULA_PREFIXES, Column, ColumnType, RecordFormat, normalize_token
from copil.formats.errors import CellError, ErrorCode

Converter = Callable[[Any], Any]

CACHE_LIMIT = 50_000  # distinct spellings cached per column (dates and tokens repeat a lot)
MAX_INTEGER = 2_147_483_647
TRUE_TOKENS = ("oui", "o", "vrai", "true", "1", "x")
FALSE_TOKENS = ("non", "n", "faux", "false", "0")

_FR_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_DATETIME = re.compile(
    r"(?:(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})|(?P<fday>\d{1,2})/(?P<fmonth>\d{1,2})/(?P<fyear>\d{4}))"
    r"[T ](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
)
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_SPACES = (" ", "\u00a0", "\u202f")  # thousands separators a spreadsheet may write
_EXCEL_MAX_SERIAL = 2_958_465  # 31/12/9999


# --- what a spreadsheet cell may hold besides text, numbers, dates and booleans -----------------------------------


@dataclass(frozen=True, slots=True)
class FormulaWithoutValue:
    """An XLSX/ODS formula cell saved without its computed value."""

    cell: str


@dataclass(frozen=True, slots=True)
class ErrorValue:
    """A spreadsheet cell holding an error value such as `#DIV/0!` or `#N/A`."""

    cell: str
    code: str


# --- cells as text ---------------------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
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
    if isinstance(value, ErrorValue):
        return value.code
    return str(value)


def shown(value: Any) -> str:
    """A cell as quoted in an error message."""
    return cell_text(value).strip()


def stripped_text(value: Any) -> str:
    """The stripped text of a cell for parsing; refuses formula cells without value and error cells."""
    if value.__class__ is str:
        text: str = value.strip()
        return text
    if isinstance(value, FormulaWithoutValue):
        raise CellError(
            ErrorCode.FORMULA_WITHOUT_VALUE,
            _(
                "cell {cell} holds a formula whose value was never computed: open the file in a spreadsheet, "
                "save it, and import it again"
            ).format(cell=value.cell),
        )
    if isinstance(value, ErrorValue):
        raise CellError(
            ErrorCode.SPREADSHEET_ERROR,
            _("cell {cell} holds the error « {code} »").format(cell=value.cell, code=value.code),
        )
    return cell_text(value).strip()


def check_storable_text(value: Any) -> None:
    """Refuse a text no database can store (NUL characters, unpaired surrogates)."""
    if not isinstance(value, str):
        return
    if "\x00" in value:
        raise CellError(
            ErrorCode.INVALID_CHARACTER,
            _("invalid character (NUL) in « {value} »").format(value=value.replace("\x00", "\\0")[:80]),
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise CellError(
            ErrorCode.INVALID_CHARACTER,
            _("invalid character in « {value} »").format(value=value.encode("utf-8", "replace").decode()[:80]),
        ) from None


def check_formula_prefix(raw: Any) -> None:
    """Refuse a value a spreadsheet would run as a formula once exported: starting with `=`, `+`, `-` or `@`
    (after spaces too), or with a tab or a carriage return."""
    text = cell_text(raw)
    bare = text.strip()
    if not bare:
        return
    if text[0] in _FORMULA_CONTROLS:
        prefix = _FORMULA_CONTROLS[text[0]]()
    elif bare[0] in FORMULA_PREFIXES:
        prefix = f"« {bare[0]} »"
    else:
        return
    raise CellError(
        ErrorCode.FORMULA_PREFIX,
        _(
            "« {value} » starts with {prefix}, which a spreadsheet would read as a formula: "
            "an identifier cannot start with =, +, -, @, a tab or a carriage return"
        ).format(value=bare[:80], prefix=prefix),
    )


_FORMULA_CONTROLS: dict[str, Callable[[], str]] = {"\t": lambda: _("a tab"), "\r": lambda: _("a carriage return")}


# --- values ----------------------------------------------------------------------------------------------------


def parse_date(value: str) -> dt.date:
    """An ISO (YYYY-MM-DD) or French (DD/MM/YYYY) date."""
    try:
        if len(value) == 10 and value[4] == "-":
            return dt.date.fromisoformat(value)
        match = _FR_DATE.fullmatch(value)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
    except ValueError:
        pass
    raise CellError(
        ErrorCode.INVALID_DATE,
        _("invalid date « {value} » (accepted formats: YYYY-MM-DD or DD/MM/YYYY)").format(value=value),
    )


_MONTH = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})|(?P<fmonth>\d{1,2})/(?P<fyear>\d{4})")


def parse_month(value: str) -> dt.date:
    """A month as its first day: YYYY-MM, MM/YYYY, or a date (ISO or French) that is the first of its month."""
    match = _MONTH.fullmatch(value)
    if match:
        try:
            return dt.date(int(match["year"] or match["fyear"]), int(match["month"] or match["fmonth"]), 1)
        except ValueError:
            pass
        raise CellError(
            ErrorCode.INVALID_DATE,
            _("invalid month « {value} » (accepted formats: YYYY-MM, MM/YYYY or the first day of the month)").format(
                value=value
            ),
        )
    day = parse_date(value)
    check_first_of_month(day, value)
    return day


def check_first_of_month(day: dt.date, shown: str) -> None:
    """Refuse a day other than the first of its month where a column names a month (`Column.month`)."""
    if day.day != 1:
        raise CellError(
            ErrorCode.INVALID_DATE,
            _("« {value} » is not the first day of a month: write the month as YYYY-MM or as {first}").format(
                value=shown, first=f"{day.replace(day=1):%Y-%m-%d}"
            ),
        )


def parse_datetime(value: str) -> dt.datetime:
    """An aware date-time: local (Paris) when written without offset."""
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
    raise CellError(
        ErrorCode.INVALID_DATETIME,
        _(
            "invalid date and time « {value} » (accepted formats: YYYY-MM-DDTHH:MM, YYYY-MM-DD HH:MM[:SS] "
            "or DD/MM/YYYY HH:MM)"
        ).format(value=value),
    )


def excel_serial(value: int | float | Decimal, epoch: dt.datetime | None) -> dt.datetime:
    """The moment an Excel date serial stands for (whole days since the workbook's epoch, plus a fraction)."""
    from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900, from_excel

    number = float(value)
    if not 0 < number <= _EXCEL_MAX_SERIAL:
        raise CellError(ErrorCode.INVALID_DATE, _("invalid date « {value} »").format(value=cell_text(value)))
    moment = from_excel(number, epoch or CALENDAR_WINDOWS_1900)
    return moment if isinstance(moment, dt.datetime) else dt.datetime.combine(moment, dt.time(0))


def check_date_range(day: dt.date, shown: str) -> None:
    """Refuse a date before EARLIEST_DATE or after today."""
    if day < EARLIEST_DATE:
        raise CellError(
            ErrorCode.DATE_TOO_EARLY,
            _("date « {value} » is before {earliest}: check the year").format(
                value=shown, earliest=f"{EARLIEST_DATE:%d/%m/%Y}"
            ),
        )
    if day > timezone.localdate():
        raise CellError(ErrorCode.DATE_IN_FUTURE, _("date « {value} » is in the future").format(value=shown))


def parse_boolean(value: str) -> bool:
    token = normalize_token(value)
    if token in TRUE_TOKENS:
        return True
    if token in FALSE_TOKENS:
        return False
    raise CellError(
        ErrorCode.INVALID_BOOLEAN,
        _("invalid yes/no value « {value} » (accepted values: {accepted})").format(
            value=value, accepted=", ".join((*TRUE_TOKENS, *FALSE_TOKENS))
        ),
    )


def check_range(column: Column, number: int | Decimal, raw: str) -> None:
    """Refuse a number outside the column's bounds."""
    if column.minimum is not None:
        minimum = Decimal(str(column.minimum))
        if column.exclusive_minimum and number <= minimum:
            raise CellError(
                ErrorCode.BELOW_MINIMUM,
                _("value « {value} » out of range (must be greater than {minimum})").format(
                    value=raw, minimum=number_text(minimum)
                ),
            )
        if number < minimum:
            raise CellError(
                ErrorCode.BELOW_MINIMUM,
                _("value « {value} » out of range (must be greater than or equal to {minimum})").format(
                    value=raw, minimum=number_text(minimum)
                ),
            )
    if column.maximum is not None:
        maximum = Decimal(str(column.maximum))
        if number > maximum:
            raise CellError(
                ErrorCode.ABOVE_MAXIMUM,
                _("value « {value} » out of range (must be less than or equal to {maximum})").format(
                    value=raw, maximum=number_text(maximum)
                ),
            )


def compact(text: str) -> str:
    """A number without its thousands separators."""
    for space in _SPACES:
        if space in text:
            text = text.replace(space, "")
    return text


def number_text(number: Decimal) -> str:
    """A number in French (decimal comma), as quoted in messages."""
    return format(number.normalize(), "f").replace(".", ",")


def parse_parties(value: Any, partners_by_code: dict[str, int]) -> str:
    """Partner codes separated by « | » (`partners_by_code`: lower-case code -> primary key) as the sorted primary
    keys joined by « | »."""
    raw = stripped_text(value) if value is not None else ""
    ids: list[int] = []
    for code in (part.strip() for part in raw.split("|")):
        if not code:
            continue
        pk = partners_by_code.get(code.lower())
        if pk is None:
            raise CellError(
                ErrorCode.UNKNOWN_PARTNER,
                _("unknown partner « {code} » (partners of the plan: {codes})").format(
                    code=code, codes=", ".join(sorted(partners_by_code))
                ),
            )
        if pk not in ids:
            ids.append(pk)
    if not ids:
        raise CellError(ErrorCode.REQUIRED, _("required value missing"))
    return "|".join(str(pk) for pk in sorted(ids))


# --- one converter per column ----------------------------------------------------------------------------------


class CellParsers:
    """The converters of a format's columns: a cell to the value staged for (or given to) the database.

    `sqlite_datetimes`: date-times as SQLite stores them (the bulk importer writes them straight in SQL);
    otherwise as ISO 8601 text with their offset. `epoch`: the workbook's date system, for Excel serials.
    """

    def __init__(self, fmt: RecordFormat, *, sqlite_datetimes: bool = False, epoch: dt.datetime | None = None):
        self.fmt = fmt
        self.sqlite_datetimes = sqlite_datetimes
        self.epoch = epoch
        self.model_fields: dict[str, models.Field[Any, Any]] = {
            f.name: f for f in fmt.model._meta.get_fields() if isinstance(f, models.Field)
        }

    def empty(self, column: Column) -> Any:
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

    def converter(self, column: Column) -> Converter:
        """A function turning a cell into the value staged for the database, raising CellError.

        The general path strips, parses and checks; in front of it, a fast path per type skips work
        on the common case (a clean text, a plain number, a spelling already seen).
        """
        convert = self._general_converter(column)
        if column.type == ColumnType.TEXT and not column.pattern:
            max_length = getattr(self.model_fields.get(column.field), "max_length", None) or 1 << 30
            unsafe = "".join(FORMULA_PREFIXES) if column.formula_prefix_refused else ""

            def text(value: Any) -> Any:
                if value.__class__ is str and 0 < len(value) <= max_length and not value[0].isspace():
                    if not value[-1].isspace() and value[0] not in unsafe:
                        return value
                return convert(value)

            return text
        if column.type == ColumnType.DECIMAL and (column.minimum or 0) == 0 and column.maximum is None:
            model_field = self.model_fields[column.field]
            assert isinstance(model_field, models.DecimalField)
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
                except CellError as invalid:
                    result = invalid
                if len(cache) >= CACHE_LIMIT:
                    cache.clear()
                cache[value] = result
            if result.__class__ is CellError:
                raise result.with_traceback(None)  # a cached refusal must not pile up tracebacks
            return result

        return cached

    def _general_converter(self, column: Column) -> Converter:
        parse_text = self._text_parser(column)
        parse_typed = self._typed_parser(column)
        required = column.required
        empty = self.empty(column)
        prefix_refused = column.formula_prefix_refused

        def convert(value: Any) -> Any:
            if prefix_refused:
                check_formula_prefix(value)
            if value.__class__ is str:
                text = value.strip()
                if text:
                    return parse_text(text)
            elif value is not None:
                if parse_typed is not None and not isinstance(value, FormulaWithoutValue | ErrorValue):
                    return parse_typed(value)
                text = stripped_text(value)
                if text:
                    return parse_text(text)
            if required:
                raise CellError(ErrorCode.REQUIRED, _("required value missing"))
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
                    raise CellError(ErrorCode.PATTERN_MISMATCH, str(column.pattern_reason))
                if max_length and len(raw) > max_length:
                    raise CellError(
                        ErrorCode.TEXT_TOO_LONG,
                        _("text too long ({length} characters, at most {maximum})").format(
                            length=len(raw), maximum=max_length
                        ),
                    )
                return raw

            return text
        if kind == ColumnType.INTEGER:
            return lambda raw: self._integer(column, compact(raw), raw)
        if kind == ColumnType.DECIMAL:
            return lambda raw: self._decimal(column, raw)
        if kind == ColumnType.DATE:

            def date(raw: str) -> str:
                day = parse_month(raw) if column.month else parse_date(raw)
                check_date_range(day, raw)
                return day.isoformat()

            return date
        if kind == ColumnType.DATETIME:
            return lambda raw: self._datetime_value(parse_datetime(raw), raw)
        if kind == ColumnType.BOOLEAN:
            return parse_boolean
        if kind == ColumnType.CHOICE:
            accepted = ", ".join(spelling for option in column.options for spelling in option.spellings)
            choices = column.choices

            def choice(raw: str) -> str:
                code = choices.get(normalize_token(raw))
                if code is None:
                    raise CellError(
                        ErrorCode.UNKNOWN_CHOICE,
                        _("unknown value « {value} » (accepted values: {accepted})").format(
                            value=raw, accepted=accepted
                        ),
                    )
                return code

            return choice
        raise ValueError(f"unsupported column type {kind}")

    def _typed_parser(self, column: Column) -> Converter | None:
        """Spreadsheet cells that are not text: numbers, dates, booleans."""
        kind = column.type
        if kind == ColumnType.DATE:

            def date(value: Any) -> str:
                if isinstance(value, dt.datetime):
                    day = value.date()
                elif isinstance(value, dt.date):
                    day = value
                elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                    day = excel_serial(value, self.epoch).date()
                    described = _("{serial} (Excel date serial, i.e. {date})").format(
                        serial=cell_text(value), date=f"{day:%d/%m/%Y}"
                    )
                    check_date_range(day, described)
                    return day.isoformat()
                else:
                    raise CellError(
                        ErrorCode.INVALID_DATE, _("invalid date « {value} »").format(value=cell_text(value))
                    )
                check_date_range(day, f"{day:%d/%m/%Y}")
                if column.month:
                    check_first_of_month(day, f"{day:%d/%m/%Y}")
                return day.isoformat()

            return date
        if kind == ColumnType.DATETIME:

            def moment(value: Any) -> Any:
                if isinstance(value, dt.datetime):
                    naive = value
                elif isinstance(value, dt.date):
                    naive = dt.datetime.combine(value, dt.time(0))
                elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                    naive = excel_serial(value, self.epoch)
                else:
                    raise CellError(
                        ErrorCode.INVALID_DATETIME,
                        _("invalid date and time « {value} »").format(value=cell_text(value)),
                    )
                aware = naive if naive.tzinfo else timezone.make_aware(naive.replace(microsecond=0))
                return self._datetime_value(aware, f"{timezone.localtime(aware):%d/%m/%Y %H:%M}")

            return moment
        if kind == ColumnType.INTEGER:

            def integer(value: Any) -> int:
                if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
                    text = stripped_text(value)
                    return self._integer(column, compact(text), text)
                quoted = cell_text(value)
                if value != int(value):
                    raise CellError(
                        ErrorCode.INVALID_INTEGER, _("invalid whole number « {value} »").format(value=quoted)
                    )
                return self._integer(column, str(int(value)), quoted)

            return integer
        if kind == ColumnType.DECIMAL:

            def number(value: Any) -> str:
                if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
                    return self._decimal(column, stripped_text(value))
                return self._decimal(column, repr(value) if isinstance(value, float) else str(value))

            return number
        if kind == ColumnType.BOOLEAN:

            def boolean(value: Any) -> bool:
                if isinstance(value, bool):
                    return value
                if isinstance(value, int | float | Decimal) and value in (0, 1):
                    return bool(value)
                return parse_boolean(stripped_text(value))

            return boolean
        return None

    def _integer(self, column: Column, compacted: str, raw: str) -> int:
        if not _INTEGER.fullmatch(compacted):
            raise CellError(ErrorCode.INVALID_INTEGER, _("invalid whole number « {value} »").format(value=raw))
        number = int(compacted)
        check_range(column, number, raw)
        if number > MAX_INTEGER:
            raise CellError(ErrorCode.NUMBER_TOO_LARGE, _("number too large « {value} »").format(value=raw))
        return number

    def _decimal(self, column: Column, raw: str) -> str:
        model_field = self.model_fields[column.field]
        assert isinstance(model_field, models.DecimalField)
        compacted = compact(raw)
        if "," in compacted and "." not in compacted and compacted.count(",") == 1:
            compacted = compacted.replace(",", ".")
        if not _DECIMAL.fullmatch(compacted):
            raise CellError(ErrorCode.INVALID_NUMBER, _("invalid number « {value} »").format(value=raw))
        quantum = Decimal(1).scaleb(-model_field.decimal_places)
        try:
            number = Decimal(compacted).quantize(quantum, rounding=ROUND_HALF_UP)
        except InvalidOperation:
            raise CellError(ErrorCode.NUMBER_TOO_LARGE, _("number too large « {value} »").format(value=raw)) from None
        check_range(column, number if column.exclusive_minimum else Decimal(compacted), raw)
        if number.adjusted() >= model_field.max_digits - model_field.decimal_places:
            raise CellError(ErrorCode.NUMBER_TOO_LARGE, _("number too large « {value} »").format(value=raw))
        return format(number, "f")

    def _datetime_value(self, moment: dt.datetime, described: str) -> Any:
        check_date_range(timezone.localtime(moment).date(), described)
        if self.sqlite_datetimes:
            return connection.ops.adapt_datetimefield_value(moment)
        return moment.isoformat()

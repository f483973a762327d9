"""The shape of a record format: its columns, their types and enumeration values.

A format maps columns to model fields with a type and, for enumerations, the French spellings a partner may
write. Spellings are compared after `normalize_token` (lower case, no accents, spaces and hyphens as
underscores), so "Héroïne", "heroine" and "HEROINE" are the same value; the first spelling of each value is its
canonical form, the one the published schemas and templates offer.
"""

import datetime as dt
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.functional import Promise

from copil.records.models import RECORD_KINDS

if TYPE_CHECKING:
    from copil.records.models import Record

# Record dates are refused before this day (and after today): an earlier date is a typing error in practice.
EARLIEST_DATE = dt.date(2000, 1, 1)
# A text starting with one of these is a formula to a spreadsheet (OWASP « CSV injection »), after a tab or CR too.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class ColumnType(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    DATETIME = "datetime"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    REFERENCE = "reference"  # another record of the plan, by its partner identifier
    PARTNERS = "partners"  # partner codes of the plan, separated by "|"


@dataclass(frozen=True)
class Choice:
    """One value of an enumeration: the stored code and its French spellings, canonical first."""

    code: str
    spellings: tuple[str, ...]

    @property
    def canonical(self) -> str:
        return self.spellings[0]


@dataclass(frozen=True)
class Column:
    name: str
    field: str
    type: ColumnType
    required: bool = False
    options: tuple[Choice, ...] = ()  # for CHOICE columns
    references: str = ""  # record kind key in RECORD_KINDS, for REFERENCE columns
    minimum: float | None = None
    exclusive_minimum: bool = False
    maximum: float | None = None
    decimal_char: str = ","  # the decimal mark the published schema declares; both marks are read
    pattern: str = ""  # for TEXT columns: a regular expression the whole value must match
    pattern_reason: str | Promise = ""  # the French reason a value not matching `pattern` is refused
    echo_refused: bool = True  # False: a refused value is never repeated in messages (it may be an identity)
    # True: a value starting like a spreadsheet formula (`FORMULA_PREFIXES`) is refused; for identifiers, which
    # are echoed into every export and error report
    formula_prefix_refused: bool = False
    # DATE columns only: the value names a month, stored as its first day; « AAAA-MM » and « MM/AAAA » are read as
    # that day and any other day of the month is refused (the records of one month must share their date).
    month: bool = False
    title: str = ""
    description: str = ""  # for the published format: speaks of files and cells
    hint: str = ""  # for forms, in the user's words; the description when empty

    @property
    def form_hint(self) -> str:
        """The help text of the column's form field: what the user is asked, not how a file is written."""
        return self.hint or self.description

    @property
    def choices(self) -> dict[str, str]:
        """Normalized spelling -> stored code; the code itself is accepted too."""
        mapping: dict[str, str] = {}
        for option in self.options:
            for spelling in option.spellings:
                mapping.setdefault(normalize_token(spelling), option.code)
            mapping.setdefault(normalize_token(option.code), option.code)
        return mapping

    @property
    def enum(self) -> list[str]:
        """The canonical spelling of each value, as published in schemas and template drop-down lists."""
        return [option.canonical for option in self.options]

    def canonical(self, code: str) -> str:
        """The canonical spelling of a stored code."""
        return next(option.canonical for option in self.options if option.code == code)


@dataclass(frozen=True)
class RecordFormat:
    kind: str  # key in RECORD_KINDS
    file_stem: str  # conventional file name, without ".csv"
    columns: tuple[Column, ...]
    title: str = ""
    description: str = ""
    period_column: str = ""  # the date `--replace-period` selects records by
    date_order: tuple[tuple[str, str], ...] = ()  # (earlier, later) date columns

    @property
    def model(self) -> type["Record"]:
        return RECORD_KINDS[self.kind]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def choice_labels(self, column: Column) -> dict[str, str]:
        """Code -> the French label of each value of an enumeration column, the one label every page shows for it
        (forms, lists, dashboard, exports' breakdowns): the record model's own choice label."""
        field = self.model._meta.get_field(column.field)
        labels = {str(code): str(label) for code, label in getattr(field, "choices", None) or ()}
        return {option.code: labels.get(option.code, option.canonical) for option in column.options}


def normalize_token(value: str) -> str:
    """Lower-case, accent-free, underscore-separated form of an enumeration token."""
    decomposed = unicodedata.normalize("NFKD", value.strip().lower())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "_".join(bare.replace("-", " ").replace("'", " ").replace("’", " ").split())


def accepted_tokens(column: Column) -> list[str]:
    """The spellings to show a partner for an enumeration: its French spellings, not the internal codes."""
    return [spelling for option in column.options for spelling in option.spellings]

"""Why a value, a row or a file is refused: a stable code next to each French reason.

The codes are part of the API's error payload (`code`) and what tests assert; the reasons are for people and
may be reworded. A code never changes meaning once published.
"""

from enum import StrEnum


class ErrorCode(StrEnum):
    # a cell
    REQUIRED = "required"
    INVALID_VALUE = "invalid_value"
    INVALID_CHARACTER = "invalid_character"
    FORMULA_PREFIX = "formula_prefix"
    FORMULA_WITHOUT_VALUE = "formula_without_value"
    SPREADSHEET_ERROR = "spreadsheet_error"
    TEXT_TOO_LONG = "text_too_long"
    PATTERN_MISMATCH = "pattern_mismatch"
    INVALID_INTEGER = "invalid_integer"
    INVALID_NUMBER = "invalid_number"
    NUMBER_TOO_LARGE = "number_too_large"
    BELOW_MINIMUM = "below_minimum"
    ABOVE_MAXIMUM = "above_maximum"
    INVALID_DATE = "invalid_date"
    INVALID_DATETIME = "invalid_datetime"
    DATE_TOO_EARLY = "date_too_early"
    DATE_IN_FUTURE = "date_in_future"
    INVALID_BOOLEAN = "invalid_boolean"
    UNKNOWN_CHOICE = "unknown_choice"
    UNKNOWN_PARTNER = "unknown_partner"
    UNKNOWN_REFERENCE = "unknown_reference"
    # a row
    DATE_ORDER = "date_order"
    DUPLICATE_IDENTIFIER = "duplicate_identifier"
    IDENTIFIER_TAKEN = "identifier_taken"
    INVALID_RECORD = "invalid_record"  # refused by the model's own validation (`full_clean`)
    # a file
    EMPTY_FILE = "empty_file"
    UNREADABLE_FILE = "unreadable_file"
    UNKNOWN_KIND = "unknown_kind"
    UNDETERMINED_KIND = "undetermined_kind"
    PARTNER_NOT_IN_PLAN = "partner_not_in_plan"
    UNKNOWN_COLUMN = "unknown_column"
    DUPLICATE_COLUMN = "duplicate_column"
    MISSING_COLUMN = "missing_column"
    MERGED_CELLS = "merged_cells"
    VALUE_WITHOUT_HEADER = "value_without_header"
    EXTRA_VALUES = "extra_values"
    TRUNCATED_FILE = "truncated_file"


class CellError(Exception):
    """A value refused by a cell parser or a row check: its stable `code` and its French `reason`."""

    def __init__(self, code: ErrorCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason

    def __repr__(self) -> str:
        return f"CellError({self.code.value!r}, {self.reason!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CellError) and (other.code, other.reason) == (self.code, self.reason)

    def __hash__(self) -> int:
        return hash((self.code, self.reason))

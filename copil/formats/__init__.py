"""The record formats, below every channel that reads or writes records (forms, API, file imports, exports).

A format is one table per record kind with French column names (`FORMATS`); its cells are checked by the same
parsers whatever the channel (`CellParsers`, `RowParser`), each refusal a `CellError` carrying a stable
`ErrorCode` and a French reason; `record_cells` writes a record back as the cells of its format.
"""

from copil.formats.catalogue import FORMATS, FORMATS_BY_FILE_STEM
from copil.formats.cells import CellParsers, ErrorValue, FormulaWithoutValue, cell_text
from copil.formats.columns import (
    EARLIEST_DATE,
    FORMULA_PREFIXES,
    Choice,
    Column,
    ColumnType,
    RecordFormat,
    accepted_tokens,
    normalize_token,
)
from copil.formats.errors import CellError, ErrorCode
from copil.formats.references import referable_records, split_reference
from copil.formats.render import (
    display_cells,
    display_value,
    prefetch_paths,
    record_cells,
    reference_label,
    related_paths,
)
from copil.formats.rows import ParsedRow, RowParser, column_of_field, validation_errors

__all__ = [
    "EARLIEST_DATE",
    "FORMATS",
    "FORMATS_BY_FILE_STEM",
    "FORMULA_PREFIXES",
    "CellError",
    "CellParsers",
    "Choice",
    "Column",
    "ColumnType",
    "ErrorCode",
    "ErrorValue",
    "FormulaWithoutValue",
    "ParsedRow",
    "RecordFormat",
    "RowParser",
    "accepted_tokens",
    "cell_text",
    "display_cells",
    "display_value",
    "column_of_field",
    "normalize_token",
    "prefetch_paths",
    "record_cells",
    "reference_label",
    "referable_records",
    "related_paths",
    "split_reference",
    "validation_errors",
]

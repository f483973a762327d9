"""Cells written to CSV and XLSX files that a spreadsheet opens: text never becomes a formula.

A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by Excel and
LibreOffice (CSV injection, OWASP). CSV cells get the OWASP treatment — a leading apostrophe — unless they
are plain numbers (`-1,5`, a longitude, cannot run anything); XLSX text cells are always stored as strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?")


def neutralised_csv_cell(value: Any) -> Any:
    """The value as a CSV cell a spreadsheet shows as text: an apostrophe before a leading formula character."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralised_csv_row(row: Iterable[Any]) -> list[Any]:
    return [neutralised_csv_cell(value) for value in row]


def xlsx_string_cells(sheet: Any, row: Iterable[Any]) -> list[Any]:
    """The row as write-only cells of `sheet`, every text stored as a string (never a formula)."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in row:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        cells.append(cell)
    return cells

"""The rows of an imported file, whatever its format: CSV, XLSX or ODS, streamed, never loaded whole.

A `Table` yields `(line, cells)` for every non-empty row, `line` being the physical line of a CSV file
(header = 1) or the row number of the sheet, so errors point where the partner will look.

- CSV: the encoding is decided by a first pass over the bytes (UTF-8 with or without BOM; UTF-16 with
  BOM; else Windows-1252, or Latin-1 when a byte undefined in Windows-1252 appears), then the file is
  decoded as a stream. A file mixing UTF-8 and another encoding, or cut in the middle of a UTF-8
  character, is refused. The delimiter (`;`, `,` or tab) is taken from the header line. Cells are strings.
- XLSX: read with openpyxl in read-only mode, formulas as their cached values (`data_only=True`). A
  formula whose value was never computed (a file written by a program, not saved by a spreadsheet)
  yields `FormulaWithoutValue`, an error cell (`#DIV/0!`…) `CellError`; dates come as `datetime`, numbers
  as `int`/`float` (an Excel date serial in a date column is converted by the importer). Merged ranges
  are read from the sheet's XML before the rows (openpyxl's read-only mode does not report them).
- ODS: `content.xml` is parsed as a stream with `xml.etree.ElementTree.iterparse`, rows discarded as
  soon as they are read (odfpy builds the whole document tree in memory, far too slow and large for big
  files). Repeated rows and columns are honoured without expanding empty ones; spanned cells are merges.

Only the first visible sheet of a workbook is read.
"""

import codecs
import csv
import datetime as dt
import io
import itertools
import re
import tempfile
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from django.utils.translation import gettext as _

from copil.formats.cells import ErrorValue as CellError  # noqa: N814 (a spreadsheet's error value, e.g. #N/A)
from copil.formats.cells import FormulaWithoutValue
from copil.imports.results import ImportError_, ImportRejected

CHUNK = 1 << 20
DELIMITERS = (";", ",", "\t")
SPREADSHEET_SUFFIXES = {".xlsx": "xlsx", ".xlsm": "xlsx", ".ods": "ods"}
# Bytes Windows-1252 leaves undefined: a file holding one is Latin-1 (ISO 8859-1).
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
# "é", "è", "à"… encoded in UTF-8 (0xC3 then a continuation byte): seen in a file that is not valid UTF-8,
# they mean part of it was saved in UTF-8 and part in another encoding.
_UTF8_ACCENT = re.compile(rb"\xc3[\x80-\xbf]")
_MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"[^>]*>")
_CELL_REF = re.compile(r"([A-Z]+)([0-9]+)")
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


@dataclass(frozen=True)
class MergedRange:
    """Cells merged in a spreadsheet (1-based, inclusive)."""

    ref: str
    min_row: int
    min_col: int
    max_row: int
    max_col: int


def column_letter(index: int) -> str:
    """Spreadsheet column name of a 1-based column index (1 → A, 27 → AA)."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index


def _merged_range(ref: str) -> MergedRange:
    first, _sep, last = ref.partition(":")
    (c1, r1), (c2, r2) = _CELL_REF.fullmatch(first).groups(), _CELL_REF.fullmatch(last or first).groups()
    return MergedRange(ref, int(r1), _column_index(c1), int(r2), _column_index(c2))


@dataclass
class Table:
    """The rows of one file (or of the first sheet of a workbook)."""

    file_name: str
    format: str  # "csv", "xlsx" or "ods"
    sheet: str | None = None
    estimated_rows: int | None = None  # data rows, an estimate for progress bars
    merged: list[MergedRange] = field(default_factory=list)  # merged ranges known so far
    truncated_last_line: bool = False  # CSV: the file ends without a line break (the last row may be cut)
    opened: IO[Any] | None = None  # the file `open_table` opened itself, closed with the table

    def rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        raise NotImplementedError

    def close(self) -> None:
        if self.opened is not None:
            self.opened.close()

    def reject(self, reason: str, line: int | None = None, column: str | None = None) -> ImportRejected:
        return ImportRejected([ImportError_(self.file_name, line, column, None, reason)])


def open_table(source: str | Path | IO[bytes] | IO[str], file_name: str) -> Table:
    """Open an imported file as a table of rows, choosing the reader from its content (and its name).

    Raises ImportRejected for an empty, truncated, damaged or unsupported file.
    """
    if isinstance(source, str | Path):
        try:
            stream: IO[Any] = Path(source).open("rb")
        except FileNotFoundError:
            raise ImportRejected([ImportError_(file_name, None, None, None, _("file not found"))]) from None
        try:
            table = _open_stream(stream, file_name)
        except BaseException:
            stream.close()
            raise
        table.opened = stream
        return table
    return _open_stream(source, file_name)


def _open_stream(stream: IO[Any], file_name: str) -> Table:
    head = stream.read(0)
    if isinstance(head, str):
        return _TextCsvTable(stream, file_name)
    stream = _seekable(stream)
    start = stream.read(8)
    stream.seek(0)
    if not start:
        raise ImportRejected([ImportError_(file_name, None, None, None, _("the file is empty (0 bytes)"))])
    suffix = Path(file_name).suffix.lower()
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRejected(
            [
                ImportError_(
                    file_name,
                    None,
                    None,
                    None,
                    _("Excel 97-2003 workbooks (.xls) are not read: save the file as XLSX, ODS or CSV"),
                )
            ]
        )
    if start.startswith(b"PK"):
        return _open_zip(stream, file_name)
    if suffix in SPREADSHEET_SUFFIXES:
        raise ImportRejected(
            [
                ImportError_(
                    file_name,
                    None,
                    None,
                    None,
                    _("the file is named {suffix} but is not a spreadsheet (damaged or renamed file?)").format(
                        suffix=suffix
                    ),
                )
            ]
        )
    return CsvTable(stream, file_name)


def _seekable(stream: IO[bytes]) -> IO[bytes]:
    """The stream itself when it can be re-read, else a temporary copy (stdin, network streams)."""
    try:
        if stream.seekable():
            stream.seek(0)
            return stream
    except (AttributeError, OSError, ValueError):
        pass
    copy = tempfile.SpooledTemporaryFile(max_size=16 * CHUNK)
    while chunk := stream.read(CHUNK):
        copy.write(chunk)
    copy.seek(0)
    return copy  # type: ignore[return-value]


def _damaged(file_name: str, kind: str) -> ImportRejected:
    return ImportRejected(
        [
            ImportError_(
                file_name,
                None,
                None,
                None,
                _("the {kind} file is truncated or damaged and cannot be read; save it again and retry").format(
                    kind=kind
                ),
            )
        ]
    )


def _open_zip(stream: IO[bytes], file_name: str) -> Table:
    suffix = Path(file_name).suffix.lower()
    kind = {"xlsx": "XLSX", "ods": "ODS"}.get(SPREADSHEET_SUFFIXES.get(suffix, ""), "XLSX/ODS")
    try:
        archive = zipfile.ZipFile(stream)
        names = set(archive.namelist())
        if "xl/workbook.xml" in names:
            return XlsxTable(stream, archive, file_name)
        if "content.xml" in names and "mimetype" in names and archive.read("mimetype").strip() == _ODS_MIMETYPE:
            return OdsTable(archive, file_name)
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, OSError):
        raise _damaged(file_name, kind) from None
    raise ImportRejected(
        [
            ImportError_(
                file_name,
                None,
                None,
                None,
                _("this ZIP archive is neither an XLSX nor an ODS workbook"),
            )
        ]
    )


# --- CSV ------------------------------------------------------------------------------------------------------


@dataclass
class _Encoding:
    name: str
    newlines: int
    ends_with_newline: bool


def _detect_encoding(stream: IO[bytes], file_name: str) -> _Encoding:
    """Decide the encoding with one pass over the bytes (C-speed decoding, nothing kept)."""
    start = stream.read(4)
    stream.seek(0)
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        data_newlines, last = 0, b""
        while chunk := stream.read(CHUNK):
            data_newlines += chunk.count(b"\n")
            last = chunk[-2:]
        stream.seek(0)
        return _Encoding("utf-16", data_newlines, last in (b"\n\x00", b"\x00\n"))
    if b"\x00" in start[:4]:
        # UTF-16 without a byte order mark: every other byte of Latin text is NUL
        encoding = "utf-16-le" if start[1:2] == b"\x00" else "utf-16-be"
        newlines, last = 0, b""
        while chunk := stream.read(CHUNK):
            newlines += chunk.count(b"\n")
            last = chunk[-2:]
        stream.seek(0)
        return _Encoding(encoding, newlines, last in (b"\n\x00", b"\x00\n"))
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    undefined_cp1252 = accents_in_utf8 = False
    newlines = offset = 0
    first_bad_line = first_nul_line = 0
    last = b""
    while chunk := stream.read(CHUNK):
        if not first_nul_line and b"\x00" in chunk:
            first_nul_line = newlines + chunk.count(b"\n", 0, chunk.index(b"\x00")) + 1
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                utf8 = False
                first_bad_line = newlines + chunk.count(b"\n", 0, error.start) + 1
        if not undefined_cp1252 and _CP1252_UNDEFINED.search(chunk):
            undefined_cp1252 = True
        if not accents_in_utf8 and _UTF8_ACCENT.search(chunk):
            accents_in_utf8 = True
        newlines += chunk.count(b"\n")
        offset += len(chunk)
        last = chunk[-1:]
    stream.seek(0)
    ends_with_newline = last in (b"\n", b"\r")
    if first_nul_line:
        raise ImportRejected(
            [
                ImportError_(
                    file_name,
                    first_nul_line,
                    None,
                    None,
                    _("the file contains null characters: is it really a CSV file?"),
                )
            ]
        )
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise ImportRejected(
                [
                    ImportError_(
                        file_name,
                        newlines + 1,
                        None,
                        None,
                        _("the file ends in the middle of a character: it seems truncated"),
                    )
                ]
            ) from None
        return _Encoding("utf-8-sig", newlines, ends_with_newline)
    if accents_in_utf8:
        raise ImportRejected(
            [
                ImportError_(
                    file_name,
                    first_bad_line,
                    None,
                    None,
                    _(
                        "the file mixes two encodings (UTF-8 and another one, such as Windows-1252) and its accented "
                        "letters cannot be read reliably; save it again as UTF-8"
                    ),
                )
            ]
        )
    return _Encoding("latin-1" if undefined_cp1252 else "cp1252", newlines, ends_with_newline)


def _sniff_delimiter(line: str) -> str:
    unquoted = re.sub(r'"[^"]*"', "", line)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ";"


class _CsvRows:
    """Shared by byte and text CSV sources: csv.reader over a line iterator, physical line numbers."""

    file_name: str

    def _csv_rows(self, lines: Iterator[str]) -> Iterator[tuple[int, Sequence[Any]]]:
        leading: list[str] = []
        for text in lines:
            leading.append(text)
            if text.strip():
                break
        if not leading:
            return
        reader = csv.reader(itertools.chain(leading, lines), delimiter=_sniff_delimiter(leading[-1]), strict=True)
        next_line = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise self._csv_error(error, next_line) from None
            line, next_line = next_line, reader.line_num + 1
            for cell in cells:
                if cell and not cell.isspace():
                    yield line, cells
                    break

    def _csv_error(self, error: csv.Error, line: int) -> ImportRejected:
        message = str(error)
        if "unexpected end of data" in message:
            reason = _("a quotation mark opened on this line is never closed: the file seems truncated")
        elif "expected after" in message:
            reason = _(
                "misplaced quotation mark: a quoted value must end with a quotation mark followed by the delimiter"
            )
        elif "field larger than field limit" in message:
            reason = _("value longer than 131,072 characters: a quotation mark is probably never closed")
        else:
            reason = _("unreadable CSV line ({error})").format(error=message)
        return ImportRejected([ImportError_(self.file_name, line, None, None, reason)])


class CsvTable(_CsvRows, Table):
    """A CSV file given as bytes: encoding detected first, then decoded as a stream."""

    def __init__(self, stream: IO[bytes], file_name: str):
        encoding = _detect_encoding(stream, file_name)
        Table.__init__(
            self,
            file_name,
            "csv",
            estimated_rows=max(encoding.newlines - (1 if encoding.ends_with_newline else 0), 0),
            truncated_last_line=not encoding.ends_with_newline,
        )
        self.encoding = encoding.name
        self._stream = stream

    def rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        text = io.TextIOWrapper(self._stream, encoding=self.encoding, newline="")  # type: ignore[arg-type]
        try:
            yield from self._csv_rows(iter(text))
        finally:
            if not self._stream.closed:
                text.detach()  # leave the stream open: its owner closes it


class _TextCsvTable(_CsvRows, Table):
    """A CSV file already decoded (a text stream)."""

    def __init__(self, stream: IO[str], file_name: str):
        Table.__init__(self, file_name, "csv")
        self._stream = stream

    def rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        lines = (line.removeprefix("\ufeff") if i == 0 else line for i, line in enumerate(self._stream))
        yield from self._csv_rows(lines)


# --- XLSX -----------------------------------------------------------------------------------------------------


def _scan_merges(archive: zipfile.ZipFile, member: str) -> list[MergedRange]:
    """The merged ranges of a sheet, found in its raw XML (they follow the cell data)."""
    found: list[MergedRange] = []
    tail = b""
    with archive.open(member) as raw:
        while chunk := raw.read(CHUNK):
            data = tail + chunk
            found.extend(_merged_range(ref.decode()) for ref in _MERGE_CELL.findall(data))
            # keep an unfinished element for the next chunk (a complete one was already matched)
            cut = data.rfind(b"<")
            tail = data[cut:] if cut >= 0 and b">" not in data[cut:] else b""
    return sorted(found, key=lambda merge: (merge.min_row, merge.min_col))


class XlsxTable(Table):
    """The first visible worksheet of an XLSX workbook, read with openpyxl in read-only mode."""

    def __init__(self, stream: IO[bytes], archive: zipfile.ZipFile, file_name: str):
        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        super().__init__(file_name, "xlsx")
        try:
            stream.seek(0)
            self.workbook = load_workbook(stream, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, zlib.error, KeyError, ValueError, EOFError, OSError):
            raise _damaged(file_name, "XLSX") from None
        except ElementTree.ParseError:
            raise _damaged(file_name, "XLSX") from None
        sheets = [ws for ws in self.workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
        if not sheets:
            raise self.reject(_("the workbook has no visible worksheet"))
        self.worksheet = sheets[0]
        self.sheet = self.worksheet.title
        self.epoch = self.workbook.epoch
        try:
            self.merged = _scan_merges(self.workbook._archive, self.worksheet._worksheet_path)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
            raise _damaged(file_name, "XLSX") from None
        max_row = self.worksheet.max_row
        self.estimated_rows = max_row - 1 if max_row and max_row > 1 else None

    def rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        parser = _XlsxSheetParser(
            self.worksheet._get_source(),
            self.worksheet._shared_strings,
            data_only=True,
            epoch=self.workbook.epoch,
            date_formats=self.workbook._date_formats,
            timedelta_formats=self.workbook._timedelta_formats,
        )
        try:
            for number, cells in parser.parse():
                if not cells:
                    continue
                values: list[Any] = [None] * cells[-1]["column"]
                filled = False
                for cell in cells:
                    value = cell["value"]
                    if value is None:
                        continue
                    if cell["data_type"] == "e":
                        value = CellError(f"{column_letter(cell['column'])}{number}", str(value))
                    elif isinstance(value, str) and not value.strip():
                        continue
                    values[cell["column"] - 1] = value
                    filled = True
                if filled:
                    yield number, values
        except (zipfile.BadZipFile, zlib.error, EOFError, ElementTree.ParseError, OSError, ValueError, KeyError):
            raise _damaged(self.file_name, "XLSX") from None
        finally:
            parser.source.close()

    def close(self) -> None:
        self.workbook.close()
        super().close()


def _xlsx_parser_class() -> type:
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        """openpyxl's sheet parser, marking formula cells that carry no cached value."""

        def parse_cell(self, element):  # noqa: ANN001, ANN201 - openpyxl's signature
            cell = super().parse_cell(element)
            # A formula never computed has no cached value; an empty text result is typed "str".
            if (
                cell["value"] is None
                and element.find(FORMULA_TAG) is not None
                and not element.findtext(VALUE_TAG)
                and element.get("t") != "str"
            ):
                cell["value"] = FormulaWithoutValue(f"{column_letter(cell['column'])}{cell['row']}")
                cell["data_type"] = "f"
            return cell

    return Parser


def _XlsxSheetParser(*args: Any, **kwargs: Any) -> Any:  # noqa: N802 - a class built on first use
    global _XLSX_PARSER
    if _XLSX_PARSER is None:
        _XLSX_PARSER = _xlsx_parser_class()
    return _XLSX_PARSER(*args, **kwargs)


_XLSX_PARSER: type | None = None


# --- ODS ------------------------------------------------------------------------------------------------------

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_ODS_TABLE = _TABLE + "table"
_ODS_ROW = _TABLE + "table-row"
_ODS_CELL = _TABLE + "table-cell"
_ODS_COVERED = _TABLE + "covered-table-cell"
_ODS_MAX_REPEAT = 1024  # a non-empty cell repeated further than this is a formatting artefact
MAX_COLUMNS = 1024  # far more than any record format has: a value further right is refused, not read


def _ods_text(element: ElementTree.Element) -> str:
    """The text of a cell: its paragraphs joined by line breaks, `text:s` spaces and tabs restored."""
    paragraphs = []
    for paragraph in element:
        if paragraph.tag in (_TEXT + "p", _TEXT + "h"):
            paragraphs.append(_ods_inline(paragraph))
    return "\n".join(paragraphs)


def _ods_inline(element: ElementTree.Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == _TEXT + "s":
            parts.append(" " * int(child.get(_TEXT + "c", "1")))
        elif child.tag == _TEXT + "tab":
            parts.append("\t")
        elif child.tag == _TEXT + "line-break":
            parts.append("\n")
        else:
            parts.append(_ods_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _ods_value(cell: ElementTree.Element, ref: str) -> Any:
    value_type = cell.get(_OFFICE + "value-type")
    if cell.get(_CALCEXT + "value-type") == "error":
        return CellError(ref, _ods_text(cell))
    if value_type in ("float", "percentage", "currency"):
        try:
            return Decimal(cell.get(_OFFICE + "value", ""))
        except InvalidOperation:
            return _ods_text(cell)
    if value_type == "date":
        raw = cell.get(_OFFICE + "date-value", "")
        try:
            return dt.date.fromisoformat(raw) if len(raw) == 10 else dt.datetime.fromisoformat(raw)
        except ValueError:
            return _ods_text(cell)
    if value_type == "boolean":
        return cell.get(_OFFICE + "boolean-value") == "true"
    if value_type is None and cell.get(_TABLE + "formula"):
        return _ods_text(cell) or FormulaWithoutValue(ref)
    text = _ods_text(cell)
    return text if text.strip() else None


class OdsTable(Table):
    """The first sheet of an ODS workbook, streamed from `content.xml`."""

    def __init__(self, archive: zipfile.ZipFile, file_name: str):
        super().__init__(file_name, "ods")
        self.archive = archive

    def rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        try:
            with self.archive.open("content.xml") as content:
                yield from self._rows(content)
        except (zipfile.BadZipFile, zlib.error, EOFError, ElementTree.ParseError, OSError):
            raise _damaged(self.file_name, "ODS") from None

    def _rows(self, content: IO[bytes]) -> Iterator[tuple[int, Sequence[Any]]]:
        stack: list[ElementTree.Element] = []
        depth = 0  # tables open around the current element; rows of nested tables are ignored
        row_number = 0
        for event, element in ElementTree.iterparse(content, events=("start", "end")):
            if event == "start":
                stack.append(element)
                if element.tag == _ODS_TABLE:
                    depth += 1
                    if depth == 1:
                        self.sheet = element.get(_TABLE + "name")
                continue
            stack.pop()
            if element.tag == _ODS_TABLE:
                depth -= 1
                if depth == 0:
                    return  # only the first sheet is read
                continue
            if element.tag != _ODS_ROW or depth != 1:
                continue
            repeat = int(element.get(_TABLE + "number-rows-repeated", "1"))
            cells = self._cells(element, row_number + 1)
            if stack:
                stack[-1].remove(element)  # the parsed tree never grows with the file
            if cells is None:
                row_number += repeat
                continue
            for _copy in range(min(repeat, _ODS_MAX_REPEAT)):
                row_number += 1
                yield row_number, list(cells)
            row_number += max(repeat - _ODS_MAX_REPEAT, 0)

    def _cells(self, row: ElementTree.Element, number: int) -> list[Any] | None:
        values: list[Any] = []
        pending_empty = 0
        column = 0
        for cell in row:
            if cell.tag not in (_ODS_CELL, _ODS_COVERED):
                continue
            repeat = int(cell.get(_TABLE + "number-columns-repeated", "1"))
            value = None
            if cell.tag == _ODS_CELL:
                ref = f"{column_letter(column + 1)}{number}"
                value = _ods_value(cell, ref)
                spanned_columns = int(cell.get(_TABLE + "number-columns-spanned", "1"))
                spanned_rows = int(cell.get(_TABLE + "number-rows-spanned", "1"))
                if spanned_columns > 1 or spanned_rows > 1:
                    last = f"{column_letter(column + spanned_columns)}{number + spanned_rows - 1}"
                    self.merged.append(_merged_range(f"{ref}:{last}"))
            if value is None:
                pending_empty += repeat
            else:
                if column >= MAX_COLUMNS:
                    raise self.reject(
                        _(
                            "a value lies in column {column}, beyond the {limit} columns a file may have; "
                            "delete the columns to the right of the data and retry"
                        ).format(column=column_letter(column + 1), limit=MAX_COLUMNS),
                        line=number,
                        column=column_letter(column + 1),
                    )
                values.extend([None] * pending_empty)
                pending_empty = 0
                values.extend([value] * min(repeat, _ODS_MAX_REPEAT, MAX_COLUMNS - column))
            column += repeat
        return values if values else None

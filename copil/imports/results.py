"""What an import tells its caller: the errors of a rejected file, or the report of an accepted one.

Errors are located by file, line, column and value, with a French reason, so a partner can fix the
whole file in one go; they are also offered as a CSV file (`errors_csv`) for large files.
"""

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from copil.access.spreadsheets import neutralised_csv_row
from copil.formats.errors import ErrorCode

# `ImportRejected.errors` keeps this many errors; the rest are only counted, so a file where every one
# of a million rows is wrong cannot exhaust memory.
MAX_ERRORS = 10_000
MAX_ERRORS_IN_MESSAGE = 500


@dataclass(frozen=True)
class ImportError_:
    """One problem found in an imported file, located precisely enough for a partner to fix it."""

    file_name: str
    line: int | None
    column: str | None
    value: str | None
    reason: str
    # stable code of the reason (`copil.formats.ErrorCode`); errors reading the file itself keep the default
    code: str = ErrorCode.UNREADABLE_FILE.value

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
    """A file was refused as a whole and nothing was written.

    `errors` lists the problems found, in file order (at most MAX_ERRORS of them); `error_count` counts
    them all.
    """

    def __init__(self, errors: list[ImportError_], error_count: int | None = None):
        self.errors = list(errors)
        self.error_count = max(error_count or 0, len(self.errors))
        super().__init__(self.message())

    @property
    def file_name(self) -> str:
        return self.errors[0].file_name if self.errors else ""

    def message(self) -> str:
        """French lines, one per error (cut after MAX_ERRORS_IN_MESSAGE; `errors` keeps more)."""
        lines = [str(error) for error in self.errors[:MAX_ERRORS_IN_MESSAGE]]
        hidden = self.error_count - min(len(self.errors), MAX_ERRORS_IN_MESSAGE)
        if hidden > 0:
            lines.append(ngettext("… and {count} more error", "… and {count} more errors", hidden).format(count=hidden))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.message()


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do): rows read and records created, updated, unchanged,
    deleted."""

    kind: str
    file_name: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    dry_run: bool = False
    # seconds spent per phase (read_validate_stage, checks, write, history), for benchmarks and logs
    timings: dict[str, float] = field(default_factory=dict, repr=False, compare=False)

    def summary(self) -> str:
        """One French line for the console or the web page."""
        parts = [
            ngettext("{count} row read", "{count} rows read", self.rows).format(count=self.rows),
            ngettext("{count} record created", "{count} records created", self.created).format(count=self.created),
            ngettext("{count} updated", "{count} updated", self.updated).format(count=self.updated),
            ngettext("{count} unchanged", "{count} unchanged", self.unchanged).format(count=self.unchanged),
        ]
        if self.deleted:
            parts.append(ngettext("{count} deleted", "{count} deleted", self.deleted).format(count=self.deleted))
        text = _("{file}: {counts}").format(file=self.file_name, counts=", ".join(parts))
        if self.dry_run:
            text += " " + _("(dry run: nothing was written)")
        return text


def errors_csv(rejection: ImportRejected) -> bytes:
    """The errors of a rejected import as a CSV file a spreadsheet opens directly (UTF-8 with BOM, `;`).

    Columns: file, line, column, value, reason (French headers); a last row says how many errors were
    only counted when there were more than MAX_ERRORS.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("file"), _("line"), _("column"), _("value"), _("error")])
    for error in rejection.errors:
        row = ["" if error.line is None else error.line, error.column or "", error.value or "", error.reason]
        writer.writerow(neutralised_csv_row([error.file_name, *row]))
    hidden = rejection.error_count - len(rejection.errors)
    if hidden > 0:
        writer.writerow(
            [
                rejection.file_name,
                "",
                "",
                "",
                ngettext("… and {count} more error", "… and {count} more errors", hidden).format(count=hidden),
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")

"""Outside intake: the deal-point reports the police's national reporting platform forwards, as a CSV file.

The file has one report a row under the columns `date`, `commune`, `adresse`, `description` (`;` or `,`
separated, UTF-8 or Windows-1252, column names in any case and with or without accents). Every row becomes a
signalement of the plan's « point de deal suspecté » category, source « plateforme nationale de signalement »,
routed like the others (`actions.create_signalement`). The file goes in whole or not at all: every row is
checked first (a French error naming its line and its column), then all are created in one transaction. Each
row's client identifier is derived from a hash of its content, so importing the same file again (or a later
export repeating some rows) adds nothing twice.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copil.access.actors import Actor
from copil.formats.cells import check_date_range, parse_date, parse_datetime
from copil.formats.errors import CellError
from copil.plans.models import Plan

from .models import Category, Signalement

COLUMNS = ("date", "commune", "adresse", "description")
CATEGORY = "point_de_deal"
MAX_LENGTHS = {"commune": 120, "adresse": 300}
MAX_BYTES = 5 * 1024 * 1024
# The namespace of the client identifiers of imported rows (a fixed, arbitrary UUID: never change it, or a
# re-import would duplicate every row imported before).
INTAKE_NAMESPACE = uuid.UUID("0b6f7c9e-4f0e-4d55-9a43-5c1f1b0f2a7d")


class IntakeError(Exception):
    """The file is refused: every problem found, each naming its line and column."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class IntakeRow:
    line: int
    observed_at: dt.datetime
    commune: str
    address: str
    description: str

    @property
    def client_id(self) -> uuid.UUID:
        """The same row always gets the same identifier (the idempotency key of `create_signalement`)."""
        content = "\x1f".join((self.observed_at.isoformat(), self.commune, self.address, self.description))
        return uuid.uuid5(INTAKE_NAMESPACE, content)


@dataclass
class IntakeReport:
    rows: int = 0
    created: int = 0
    signalements: list[Signalement] = field(default_factory=list)

    @property
    def unchanged(self) -> int:
        return self.rows - self.created


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.strip().lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def _text(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise IntakeError([_("The file is neither UTF-8 nor Windows-1252 text.")])  # pragma: no cover - cp1252 decodes


def _moment(value: str) -> dt.datetime:
    try:
        moment = parse_datetime(value)
    except CellError:
        day = parse_date(value)  # its CellError names the accepted date formats
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))
    check_date_range(moment.date(), value)
    return moment


def read_rows(content: bytes) -> list[IntakeRow]:
    """The rows of a national-channel file, checked; IntakeError listing every problem otherwise."""
    if len(content) > MAX_BYTES:
        raise IntakeError([_("The file is larger than 5 MB.")])
    text = _text(content)
    if not text.strip():
        raise IntakeError([_("The file is empty.")])
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [_fold(name) for name in next(reader)]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise IntakeError(
            [
                _("Line 1: missing column(s) {columns} (expected: {expected}).").format(
                    columns=", ".join(f"« {name} »" for name in missing),
                    expected=", ".join(COLUMNS),
                )
            ]
        )
    position = {name: header.index(name) for name in COLUMNS}
    errors: list[str] = []
    rows: list[IntakeRow] = []
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {name: (cells[index].strip() if index < len(cells) else "") for name, index in position.items()}
        row_errors: list[str] = []

        def refuse(column: str, reason: str, line: int = line, row_errors: list[str] = row_errors) -> None:
            row_errors.append(
                _("Line {line}, column « {column} »: {reason}").format(line=line, column=column, reason=reason)
            )

        moment = None
        if not values["date"]:
            refuse("date", _("the date is required"))
        else:
            try:
                moment = _moment(values["date"])
            except CellError as error:
                refuse("date", error.reason)
        if not values["description"]:
            refuse("description", _("the description is required"))
        else:
            from .names import find_personal_data

            for reason in find_personal_data(values["description"]):
                refuse("description", reason)
        if not values["commune"] and not values["adresse"]:
            refuse("adresse", _("an address or a commune is required to locate the report"))
        for column, limit in MAX_LENGTHS.items():
            if len(values[column]) > limit:
                refuse(column, _("at most {n} characters").format(n=limit))
        if row_errors or moment is None:
            errors += row_errors
            continue
        rows.append(IntakeRow(line, moment, values["commune"], values["adresse"], values["description"]))
    if errors:
        raise IntakeError(errors)
    if not rows:
        raise IntakeError([_("The file has no report (only its header line).")])
    return rows


def import_national_channel(
    plan: Plan, content: bytes, *, actor: Actor | None, now: dt.datetime | None = None
) -> IntakeReport:
    """Import a national-channel file into the plan's queue, all or nothing; a row already imported is left
    as it is (same client identifier). `now`: the moment the rows are received (default: the present)."""
    from . import actions

    rows = read_rows(content)
    report = IntakeReport(rows=len(rows))
    with transaction.atomic():
        category = Category.objects.filter(plan=plan, code=CATEGORY).first()
        if category is None:
            actions.ensure_default_categories(plan)
            category = Category.objects.get(plan=plan, code=CATEGORY)
        for row in rows:
            signalement, created = actions.create_signalement(
                plan,
                actor=actor,
                client_id=row.client_id,
                category=category,
                description=row.description,
                observed_at=row.observed_at,
                address=row.address,
                commune=row.commune,
                source=Signalement.Source.NATIONAL_CHANNEL,
                now=now,
            )
            report.created += int(created)
            report.signalements.append(signalement)
    return report

"""Import of the SSMSI « base statistique communale / départementale de la délinquance enregistrée » (data.gouv.fr).

The file is streamed (`.csv` or `.csv.gz`, hundreds of MB): every line's shape is checked, only the rows of the
kept indicators are parsed and stored, chunk by chunk, in one transaction that a bad line rolls back (all or
nothing; idempotent on geography, code, year, indicator and unit). Columns are found by name, so both
published layouts are read:

- current: `CODGEO_<year>;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;est_diffuse;insee_pop;…`
  (départemental base: `Code_departement;Code_region;annee;indicateur;…`, no `est_diffuse`);
- older: `CODGEO_2023;annee;classe;unité.de.compte;valeur.publiée;faits;tauxpourmille;…;POP;millPOP;LOG;millLOG`
  (départemental: `Code.département;Code.région;annee;classe;unité.de.compte;faits;…`).
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal

from django.db import connection, transaction
from django.utils.translation import gettext as _

from .models import OfficialFigure

DRUG_INDICATORS = ("Usage de stupéfiants", "Usage de stupéfiants (AFD)", "Trafic de stupéfiants")
"""Kept by default: the drug indicators of the base (unit « Mis en cause »)."""

MISSING = {"NA", ""}
RATE_PLACES = Decimal("0.000001")
CHUNK = 20_000
LARGEST_WHOLE = 2**31 - 1  # the stored integer columns' range on every database
LARGEST_RATE = Decimal(1_000_000)  # the stored rate's 12 digits, 6 of them decimals

COLUMNS: dict[str, tuple[str, ...]] = {
    "year": ("annee",),
    "indicator": ("indicateur", "classe"),
    "unit": ("unite_de_compte", "unité.de.compte"),
    "count": ("nombre", "faits"),
    "rate": ("taux_pour_mille", "tauxpourmille"),
    "published": ("est_diffuse", "valeur.publiée"),
    "population": ("insee_pop", "POP"),
    "population_year": ("insee_pop_millesime", "millPOP"),
}
OPTIONAL = {"published", "population", "population_year", "rate"}
CODE_PATTERNS = {
    OfficialFigure.Geography.COMMUNE: re.compile(r"(?:\d{5}|2[AB]\d{3})"),
    OfficialFigure.Geography.DEPARTEMENT: re.compile(r"(?:\d{2}|2[AB]|97\d)"),
}
Key = tuple[str, str, int, str, str]


class SsmsiFileError(ValueError):
    """A malformed file, located by line and column (both as the file's user sees them)."""

    def __init__(self, line: int, column: str | None, message: str) -> None:
        self.line, self.column = line, column
        if column is None:
            text = _("line {line}: {message}").format(line=line, message=message)
        else:
            text = _("line {line}, column « {column} »: {message}").format(line=line, column=column, message=message)
        super().__init__(text)


@dataclass(frozen=True)
class ImportSummary:
    rows_read: int
    kept: int
    created: int
    updated: int
    unchanged: int


def open_text(path: Path | str) -> io.TextIOWrapper:
    """The file as text, gunzipped when it is gzip (by its first bytes, whatever its name)."""
    raw = open(path, "rb")  # noqa: SIM115 - the wrapper owns and closes it
    if raw.peek(2)[:2] == b"\x1f\x8b":
        raw = gzip.GzipFile(fileobj=raw)  # type: ignore[assignment]
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def iter_figures(lines: Iterable[str], indicators: Iterable[str], counter: list[int]) -> Iterator[tuple[Key, dict]]:
    """The file's kept figures, one by one; `counter[0]` counts the data rows read. Raises SsmsiFileError."""
    kept = set(indicators)
    reader = csv.reader(lines, delimiter=";", quotechar='"')
    header = next(reader, None)
    if not header:
        raise SsmsiFileError(1, None, _("the file is empty"))
    geography, positions = _layout(header)
    width = len(header)
    indicator_at, code_at = positions["indicator"], positions["code"]
    parse = _RowParser(header, positions, geography)
    seen: set[int] = set()  # hashes of the keys met: a duplicate is refused without keeping the keys themselves
    for row in reader:
        counter[0] += 1
        if len(row) != width:
            raise SsmsiFileError(
                reader.line_num, None, _("{found} columns instead of {expected}").format(found=len(row), expected=width)
            )
        if row[indicator_at] not in kept:
            continue
        line = reader.line_num
        key, fields = parse(row, line)
        digest = hash(key)
        if digest in seen:
            raise SsmsiFileError(line, header[code_at], _("the same figure appears twice in the file"))
        seen.add(digest)
        yield key, fields


def import_file(path: Path | str, indicators: Iterable[str] = DRUG_INDICATORS) -> ImportSummary:
    """Stream the file and store its kept figures chunk by chunk, all in one transaction: a bad line anywhere
    rolls everything back, so the database is left as it was."""
    counter, kept, created, updated, unchanged = [0], 0, 0, 0, 0
    with open_text(path) as lines, transaction.atomic():
        chunk: dict[Key, dict] = {}
        try:
            for key, fields in iter_figures(lines, indicators, counter):
                chunk[key] = fields
                if len(chunk) >= CHUNK:
                    counts = store(chunk)
                    created, updated, unchanged = created + counts[0], updated + counts[1], unchanged + counts[2]
                    kept += len(chunk)
                    chunk = {}
        except (UnicodeDecodeError, gzip.BadGzipFile, EOFError, csv.Error) as error:
            raise SsmsiFileError(counter[0] + 1, None, _("unreadable file ({error})").format(error=error)) from error
        counts = store(chunk)
        created, updated, unchanged = created + counts[0], updated + counts[1], unchanged + counts[2]
        kept += len(chunk)
    return ImportSummary(counter[0], kept, created, updated, unchanged)


FIELDS = ("published", "count", "rate_per_thousand", "population", "population_year")
KEY_FIELDS = ("geography", "code", "year", "indicator", "unit")


def store(figures: dict[Key, dict]) -> tuple[int, int, int]:
    """Create or update the figures; rows already equal are left untouched (a re-import changes nothing)."""
    if not figures:
        return 0, 0, 0
    existing = {
        row[1:6]: row
        for row in OfficialFigure.objects.filter(
            geography__in={key[0] for key in figures},
            code__in={key[1] for key in figures},
            year__in={key[2] for key in figures},
            indicator__in={key[3] for key in figures},
        ).values_list("pk", *KEY_FIELDS, *FIELDS)
    }
    new, changed = [], []
    for key, values in figures.items():
        row = existing.get(key)
        stored = tuple(values[name] for name in FIELDS)
        if row is None:
            new.append((*key, *stored))
        elif row[6:] != stored:
            changed.append(OfficialFigure(pk=row[0], **dict(zip(KEY_FIELDS, key, strict=True)), **values))
    if new:
        # One prepared INSERT for the chunk: the ORM's bulk_create spent most of the import preparing each value.
        table = connection.ops.quote_name(OfficialFigure._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(name) for name in (*KEY_FIELDS, *FIELDS))
        placeholders = ", ".join(["%s"] * (len(KEY_FIELDS) + len(FIELDS)))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", new)
    OfficialFigure.objects.bulk_update(changed, FIELDS, batch_size=2000)
    return len(new), len(changed), len(figures) - len(new) - len(changed)


def _layout(header: list[str]) -> tuple[str, dict[str, int]]:
    first = header[0].strip()
    if first.upper().startswith("CODGEO"):
        geography = OfficialFigure.Geography.COMMUNE
    elif first in {"Code_departement", "Code.département"}:
        geography = OfficialFigure.Geography.DEPARTEMENT
    else:
        raise SsmsiFileError(
            1,
            first,
            _("unknown layout: the first column must be CODGEO_<year> (communes) or Code_departement (départements)"),
        )
    positions = {"code": 0}
    for role, names in COLUMNS.items():
        found = [i for i, name in enumerate(header) if name.strip() in names]
        if found:
            positions[role] = found[0]
        elif role not in OPTIONAL:
            raise SsmsiFileError(1, names[0], _("column missing from the header"))
    return geography, positions


class _RowParser:
    """Turns a kept row into its key and stored values; positions looked up once per file, not per row."""

    def __init__(self, header: list[str], positions: dict[str, int], geography: str) -> None:
        self.header, self.geography = header, str(geography)
        self.pattern = CODE_PATTERNS[geography]
        self.at = {role: positions.get(role, -1) for role in ("code", *COLUMNS)}

    def __call__(self, row: list[str], line: int) -> tuple[Key, dict]:
        at = self.at

        def cell(role: str) -> str | None:
            index = at[role]
            return row[index].strip() if index >= 0 else None

        def error(role: str, message: str) -> SsmsiFileError:
            return SsmsiFileError(line, self.header[at[role]], message)

        code = cell("code")
        if not self.pattern.fullmatch(code):
            raise error("code", _("« {value} » is not an INSEE code").format(value=code))
        year = _integer(cell("year"))
        if year is not None and year < 100:
            year += 2000  # older files give the year on two digits
        if year is None or not 1990 <= year <= 2100:
            raise error("year", _("« {value} » is not a year").format(value=cell("year")))
        published_text = cell("published")
        if published_text is None or published_text == "diff":
            published = True
        elif published_text == "ndiff":
            published = False
        else:
            raise error("published", _("« {value} » is neither diff nor ndiff").format(value=published_text))
        population = _whole(cell("population"))
        if population is False:
            raise error("population", _("not a whole number"))
        population_year = _whole(cell("population_year"))
        if population_year is False:
            raise error("population_year", _("not a year"))
        count = rate = None
        if published:
            count = _whole(cell("count"))
            if count is False:
                raise error("count", _("not a whole number"))
            if count is None:
                raise error("count", _("a published figure has no value"))
            if population != 0:  # no inhabitants, no rate (whatever the file says: NA, Inf)
                rate = _decimal(cell("rate"))
                if rate is False:
                    raise error("rate", _("not a number (decimal comma expected)"))
        key = (self.geography, code, year, cell("indicator"), cell("unit"))
        return key, {
            "published": published,
            "count": count,
            "rate_per_thousand": rate,
            "population": population,
            "population_year": population_year,
        }


def _integer(text: str | None) -> int | None:
    try:
        return int(text) if text not in MISSING and text is not None else None
    except ValueError:
        return None


def _whole(text: str | None) -> int | None | Literal[False]:
    """A whole number (« 12 » or « 12,0 »), None for NA, False when it is not one."""
    if text is None or text in MISSING:
        return None
    if text.isascii() and text.isdigit():
        number = int(text)
    else:
        value = _decimal(text)
        if value is None or value is False or value != value.to_integral_value():
            return False
        number = int(value)
    return number if number <= LARGEST_WHOLE else False


def _decimal(text: str | None) -> Decimal | None | Literal[False]:
    """A non-negative finite number with a decimal comma (kept to 6 places), None for NA, False when it is not one."""
    if text is None or text in MISSING:
        return None
    try:
        value = Decimal(text.replace(",", "."))
        if not value.is_finite() or value < 0 or value >= LARGEST_RATE:
            return False
        return value.quantize(RATE_PLACES)
    except InvalidOperation:  # unreadable, or too many digits for 6 places
        return False

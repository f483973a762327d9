"""The corpus of awkward import files: what partners really send, each with Copil's expected verdict.

Every case builds its file (bytes) from code, so the corpus lives in the tests and is written into a
temporary folder; `python -m tests.imports.corpus DIR` writes it out for a look. A case is either
accepted (the intent is unambiguous: Latin-1, decimal commas, Excel date serials…) or rejected with the
exact (line, column) of every error, and after a rejection the database must be unchanged.

For CSV files the published Table Schema is run through frictionless too. Its verdict must equal
Copil's, except where a case documents why they differ (`disagreement`): Copil's tolerances (decimal
point, JJ/MM/AAAA dates, enumeration spellings, columns in any order, blank lines) and Copil's checks that
a Table Schema cannot express (dates in the future, references to other files, date order, partners of
the plan).

The state the cases run against (see `corpus_state` in test_corpus.py): plan `test-plan` with partners
`police` (who imports) and `mairie`; operations OPE-1 and OPE-2 of `police`, OPE-M1 of `mairie`.
"""

import codecs
import datetime as dt
import io
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SEIZURE_HEADER = "identifiant;date;substance;quantite;unite;operation"
VALID_SEIZURES = [
    "S1;2023-03-01;cannabis;35;kg;OPE-1",
    "S2;2023-03-02;héroïne;5,1;kg;",
    "S3;2023-03-15;crack;548;g;OPE-2",
]
CAMERA_HEADER = "identifiant;nom;adresse;latitude;longitude;installee_le;retiree_le;vision_nocturne;rayon_m"
OBSERVATION_HEADER = "identifiant;date_heure;adresse;latitude;longitude;personnes;source"
DEAL_POINT_HEADER = "identifiant;nom;adresse;latitude;longitude;reseau;identifie_le;neutralise_le;zone;installation"
AGREEMENT_HEADER = "identifiant;intitule;signee_le;axe;signataires"

TOLERANCE = "Copil tolerance beyond the schema: "
SEMANTIC = "Copil check a Table Schema cannot express: "


@dataclass(frozen=True)
class Case:
    """One corpus file and what must happen to it."""

    name: str
    file_name: str
    kind: str
    build: Callable[[], bytes]
    accepted: bool
    errors: tuple[tuple[int | None, str | None], ...] = ()  # (line, column) of each error, in order
    reason: str = ""  # a piece of the first error's French text
    rows: int | None = None  # rows read, for accepted files
    frictionless_valid: bool | None = None  # expected frictionless verdict (CSV only)
    disagreement: str = ""  # why frictionless and Copil disagree, when they do
    check: Callable[[], None] | None = None  # extra assertions on the imported records

    @property
    def is_csv(self) -> bool:
        return self.file_name.endswith(".csv")


def text(body: str, encoding: str = "utf-8") -> Callable[[], bytes]:
    return lambda: body.encode(encoding)


def lines(*rows: str, header: str = SEIZURE_HEADER, newline: str = "\n") -> str:
    return newline.join([header, *rows]) + newline


# --- spreadsheet builders -------------------------------------------------------------------------------------


def xlsx(
    rows: list[list[Any]], *, merge: str = "", number_formats: dict[str, str] | None = None, title: str = "saisies"
):
    """An XLSX workbook whose first sheet holds `rows` (row 1: header)."""

    def build() -> bytes:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = title
        for row in rows:
            sheet.append(row)
        for cell, number_format in (number_formats or {}).items():
            sheet[cell].number_format = number_format
        if merge:
            sheet.merge_cells(merge)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    return build


def with_cached_values(build: Callable[[], bytes], values: dict[str, str], cell_type: str = "n") -> Callable[[], bytes]:
    """Give formula cells the cached value a spreadsheet program saves with them (openpyxl writes none);
    `cell_type` is the cell's `t` attribute (`e` for an error value)."""

    def patched() -> bytes:
        source = zipfile.ZipFile(io.BytesIO(build()))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    xml = data.decode()
                    for cell, value in values.items():
                        start = xml.index(f'<c r="{cell}"')
                        end = xml.index("</c>", start)
                        cell_xml = xml[start:end].replace("<v />", f"<v>{value}</v>")
                        cell_xml = cell_xml.replace(f'<c r="{cell}"', f'<c r="{cell}" t="{cell_type}"', 1)
                        xml = xml[:start] + cell_xml + xml[end:]
                    data = xml.encode()
                target.writestr(item, data)
        return out.getvalue()

    return patched


def ods(rows: list[list[Any]]) -> Callable[[], bytes]:
    """An ODS workbook written by odfpy: strings, floats (Decimal or int), dates and booleans typed."""

    def build() -> bytes:
        from odf.opendocument import OpenDocumentSpreadsheet
        from odf.table import Table, TableCell, TableRow
        from odf.text import P

        document = OpenDocumentSpreadsheet()
        table = Table(name="saisies")
        for row in rows:
            table_row = TableRow()
            for value in row:
                if value is None:
                    cell = TableCell()
                elif isinstance(value, dt.date):
                    cell = TableCell(valuetype="date", datevalue=value.isoformat())
                    cell.addElement(P(text=f"{value:%d/%m/%Y}"))
                elif isinstance(value, int | float):
                    cell = TableCell(valuetype="float", value=str(value))
                    cell.addElement(P(text=str(value).replace(".", ",")))
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                table_row.addElement(cell)
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
        buffer = io.BytesIO()
        document.write(buffer)
        return buffer.getvalue()

    return build


ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"'
)


def ods_xml(table_xml: str) -> Callable[[], bytes]:
    """An ODS file with a hand-written table, as LibreOffice writes them (repeated rows and columns…)."""

    def build() -> bytes:
        content = (
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NAMESPACES} office:version="1.2">'
            f'<office:body><office:spreadsheet><table:table table:name="saisies">{table_xml}</table:table>'
            '<table:table table:name="autre"><table:table-row><table:table-cell office:value-type="string">'
            "<text:p>ignorée</text:p></table:table-cell></table:table-row></table:table>"
            "</office:spreadsheet></office:body></office:document-content>"
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
            archive.writestr("content.xml", content)
            archive.writestr(
                "META-INF/manifest.xml",
                '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
            )
        return buffer.getvalue()

    return build


def s(value: str) -> str:
    return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'


def f(value: str, shown: str = "") -> str:
    cell = f'<table:table-cell office:value-type="float" office:value="{value}">'
    return f"{cell}<text:p>{shown or value}</text:p></table:table-cell>"


def d(value: str) -> str:
    cell = f'<table:table-cell office:value-type="date" office:date-value="{value}">'
    return f"{cell}<text:p>{value}</text:p></table:table-cell>"


def row(*cells: str, repeat: int = 1) -> str:
    attribute = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{attribute}>{''.join(cells)}</table:table-row>"


EMPTY_CELLS = '<table:table-cell table:number-columns-repeated="1018"/>'
ODS_HEADER = row(*(s(name) for name in SEIZURE_HEADER.split(";")), EMPTY_CELLS)


def truncated(build: Callable[[], bytes], keep: float = 0.6) -> Callable[[], bytes]:
    return lambda: build()[: int(len(build()) * keep)]


# --- checks on imported records -------------------------------------------------------------------------------


def seizure(external_id: str) -> Any:
    from copil.records.models import Seizure

    return Seizure.objects.get(partner__code="police", external_id=external_id)


def expect_seizure(external_id: str, **values: Any) -> Callable[[], None]:
    def check() -> None:
        record = seizure(external_id)
        actual = {name: getattr(record, name) for name in values}
        assert actual == values, (external_id, actual, values)

    return check


def expect_all(*checks: Callable[[], None]) -> Callable[[], None]:
    def check() -> None:
        for one in checks:
            one()

    return check


def expect_camera(external_id: str, **values: Any) -> Callable[[], None]:
    def check() -> None:
        from copil.records.models import Camera

        record = Camera.objects.get(external_id=external_id)
        assert {name: getattr(record, name) for name in values} == values

    return check


def expect_observation(external_id: str, moment: dt.datetime) -> Callable[[], None]:
    def check() -> None:
        from copil.records.models import FieldObservation

        assert FieldObservation.objects.get(external_id=external_id).observed_at == moment

    return check


PARIS = dt.timezone(dt.timedelta(hours=1))  # winter time, for the observations below
D = dt.date
Q = __import__("decimal").Decimal


def future_date() -> str:
    return (dt.date.today() + dt.timedelta(days=400)).isoformat()


# --- the corpus -----------------------------------------------------------------------------------------------

CASES: list[Case] = [
    # encodings and layout
    Case("utf8", "saisies.csv", "seizure", text(lines(*VALID_SEIZURES)), True, rows=3, frictionless_valid=True),
    Case(
        "utf8-bom-crlf",
        "saisies-bom.csv",
        "seizure",
        lambda: codecs.BOM_UTF8 + lines(*VALID_SEIZURES, newline="\r\n").encode(),
        True,
        rows=3,
        frictionless_valid=True,
        check=expect_seizure("S2", substance="heroin", quantity=Q("5.1")),
    ),
    Case(
        "latin1",
        "saisies-latin1.csv",
        "seizure",
        text(lines("S1;2023-03-01;héroïne;5,1;kg;", "S2;2023-03-02;cocaïne;2;kg;"), "latin-1"),
        True,
        rows=2,
        frictionless_valid=True,
        check=expect_all(expect_seizure("S1", substance="heroin"), expect_seizure("S2", substance="cocaine")),
    ),
    Case(
        "windows-1252",
        "cameras-cp1252.csv",
        "camera",
        text(
            lines(
                "K1;Caméra cœur de ville – l’église;Rue de l’Église;48.43;0.09;2023-06-01;;oui;50",
                header=CAMERA_HEADER,
            ),
            "cp1252",
        ),
        True,
        rows=1,
        frictionless_valid=True,
        check=expect_camera("K1", name="Caméra cœur de ville – l’église", address="Rue de l’Église"),
    ),
    Case(
        "utf16-tab",
        "saisies-utf16.csv",
        "seizure",
        lambda: codecs.BOM_UTF16_LE + lines(*VALID_SEIZURES, newline="\r\n").replace(";", "\t").encode("utf-16-le"),
        True,
        rows=3,
        frictionless_valid=True,
        check=expect_seizure("S3", quantity=Q("548")),
    ),
    Case(
        "mixed-encodings",
        "saisies-mixte.csv",
        "seizure",
        lambda: lines("S1;2023-03-01;héroïne;1;kg;").encode() + "S2;2023-03-02;cocaïne;1;kg;\n".encode("cp1252"),
        False,
        errors=((3, None),),
        reason="mélange deux encodages",
        frictionless_valid=False,
    ),
    Case(
        "comma-delimiter",
        "saisies-virgules.csv",
        "seizure",
        text(
            lines(
                'S1,2023-03-01,cocaïne,"2,15",kg,',
                "S2,2023-03-02,crack,548,g,",
                header=SEIZURE_HEADER.replace(";", ","),
            )
        ),
        True,
        rows=2,
        frictionless_valid=True,
        check=expect_seizure("S1", quantity=Q("2.150")),
    ),
    Case(
        "tab-delimiter",
        "saisies-tab.csv",
        "seizure",
        text(lines(*(r.replace(";", "\t") for r in VALID_SEIZURES), header=SEIZURE_HEADER.replace(";", "\t"))),
        True,
        rows=3,
        frictionless_valid=True,
    ),
    Case(
        "decimal-point",
        "saisies-point.csv",
        "seizure",
        text(lines("S1;2023-03-01;crack;0.548;kg;")),
        True,
        rows=1,
        frictionless_valid=False,
        disagreement=TOLERANCE + "a decimal point is read as well as the published decimal comma.",
        check=expect_seizure("S1", quantity=Q("0.548")),
    ),
    Case(
        "thousands-separator",
        "saisies-milliers.csv",
        "seizure",
        text(lines("S1;2023-03-01;cannabis;1 250,5;g;", "S2;2023-03-02;cannabis;2\u202f000;g;")),
        True,
        rows=2,
        frictionless_valid=False,
        disagreement=TOLERANCE + "spaces grouping thousands, as French spreadsheets write them, are ignored.",
        check=expect_all(expect_seizure("S1", quantity=Q("1250.5")), expect_seizure("S2", quantity=Q("2000"))),
    ),
    Case(
        "blank-lines",
        "saisies-lignes-vides.csv",
        "seizure",
        text(SEIZURE_HEADER + "\n\n" + VALID_SEIZURES[0] + "\n \n" + "\n".join(VALID_SEIZURES[1:]) + "\n\n"),
        True,
        rows=3,
        frictionless_valid=False,
        disagreement=TOLERANCE + "empty rows are skipped; frictionless reports them as blank rows.",
    ),
    Case(
        "delimiters-only-row",
        "saisies-ligne-de-separateurs.csv",
        "seizure",
        text(lines(VALID_SEIZURES[0], ";;;;;", *VALID_SEIZURES[1:])),
        True,
        rows=3,
        frictionless_valid=False,
        disagreement=TOLERANCE + "a row of empty cells (what a spreadsheet exports for a blank row) is skipped.",
    ),
    Case(
        "quoted-multiline-text",
        "cameras-retour-ligne.csv",
        "camera",
        text(lines('K1;"Caméra\nnord";"1, rue ""Haute""";48.43;0.09;2023-06-01;;non;', header=CAMERA_HEADER)),
        True,
        rows=1,
        frictionless_valid=True,
        check=expect_camera("K1", name="Caméra\nnord", address='1, rue "Haute"'),
    ),
    Case(
        "header-only",
        "saisies-entete.csv",
        "seizure",
        text(SEIZURE_HEADER + "\n"),
        True,
        rows=0,
        frictionless_valid=True,
    ),
    Case(
        "columns-reordered",
        "saisies-ordre.csv",
        "seizure",
        text(lines("kg;2023-03-01;S1;cannabis;35", header="unite;date;identifiant;substance;quantite")),
        True,
        rows=1,
        frictionless_valid=False,
        disagreement=TOLERANCE + "columns are matched by name, in any order, optional ones may be left out.",
        check=expect_seizure("S1", unit="kg", quantity=Q("35")),
    ),
    Case(
        "upper-case-header-with-accents",
        "cameras-entete.csv",
        "camera",
        text(lines("K1;Gare;2023-06-01;OUI", header="Identifiant;Nom;Installée le;Vision nocturne")),
        True,
        rows=1,
        frictionless_valid=False,
        disagreement=TOLERANCE + "column names are compared without case, accents or spaces.",
        check=expect_camera("K1", night_vision=True),
    ),
    # values
    Case(
        "french-dates",
        "saisies-dates-fr.csv",
        "seizure",
        text(lines("S1;15/03/2023;crack;548;g;", "S2;1/4/2023;crack;5;g;")),
        True,
        rows=2,
        frictionless_valid=False,
        disagreement=TOLERANCE + "JJ/MM/AAAA dates are read as well as the published AAAA-MM-JJ.",
        check=expect_all(expect_seizure("S1", seized_on=D(2023, 3, 15)), expect_seizure("S2", seized_on=D(2023, 4, 1))),
    ),
    Case(
        "enumeration-spellings",
        "saisies-orthographes.csv",
        "seizure",
        text(lines("S1;2023-03-01;HEROINE;1;kilos;", "S2;2023-03-01;Résine de cannabis;1;Grammes;")),
        True,
        rows=2,
        frictionless_valid=False,
        disagreement=TOLERANCE + "enumeration values in any case, without accents, and synonyms.",
        check=expect_all(
            expect_seizure("S1", substance="heroin", unit="kg"), expect_seizure("S2", substance="cannabis", unit="g")
        ),
    ),
    Case(
        "reference-to-another-partner",
        "saisies-reference-mairie.csv",
        "seizure",
        text(lines("S1;2023-03-01;cannabis;1;kg;mairie:OPE-M1")),
        True,
        rows=1,
        frictionless_valid=True,
    ),
    Case(
        "booleans",
        "cameras-booleens.csv",
        "camera",
        text(
            lines("K1;A;;;;2023-06-01;;Oui;", "K2;B;;;;2023-06-01;;X;", "K3;C;;;;2023-06-01;;;", header=CAMERA_HEADER)
        ),
        True,
        rows=3,
        frictionless_valid=True,
        check=expect_all(
            expect_camera("K1", night_vision=True),
            expect_camera("K2", night_vision=True),
            expect_camera("K3", night_vision=False),
        ),
    ),
    Case(
        "datetimes",
        "observations_terrain-dates-heures.csv",
        "field_observation",
        text(
            lines(
                "F1;2023-01-31T22:15;;48.43;0.09;12;maraude",
                "F2;2023-01-31 22:15:30;;48.43;0.09;3;patrouille",
                "F3;31/01/2023 22:15;;48.43;0.09;0;caméra",
                header=OBSERVATION_HEADER,
            )
        ),
        True,
        rows=3,
        frictionless_valid=False,
        disagreement=TOLERANCE + "seconds, a space instead of T and JJ/MM/AAAA HH:MM are read too.",
        check=expect_all(
            expect_observation("F1", dt.datetime(2023, 1, 31, 22, 15, tzinfo=PARIS)),
            expect_observation("F2", dt.datetime(2023, 1, 31, 22, 15, 30, tzinfo=PARIS)),
        ),
    ),
    Case(
        "invalid-date",
        "saisies-31-fevrier.csv",
        "seizure",
        text(lines("S1;31/02/2023;cannabis;1;kg;")),
        False,
        errors=((2, "date"),),
        reason="date invalide « 31/02/2023 »",
        frictionless_valid=False,
    ),
    Case(
        "date-before-2000",
        "saisies-1999.csv",
        "seizure",
        text(lines("S1;1999-12-31;cannabis;1;kg;")),
        False,
        errors=((2, "date"),),
        reason="antérieure au 01/01/2000",
        frictionless_valid=False,
    ),
    Case(
        "date-in-future",
        "saisies-futur.csv",
        "seizure",
        lambda: lines(f"S1;{future_date()};cannabis;1;kg;").encode(),
        False,
        errors=((2, "date"),),
        reason="dans le futur",
        frictionless_valid=True,
        disagreement=SEMANTIC + "a date after today (a schema cannot say « today »).",
    ),
    Case(
        "excel-serial-in-csv",
        "saisies-numero-de-serie.csv",
        "seizure",
        text(lines("S1;45000;cannabis;1;kg;")),
        False,
        errors=((2, "date"),),
        reason="date invalide « 45000 »",
        frictionless_valid=False,
    ),
    Case(
        "unknown-enumeration-value",
        "saisies-ecstasy.csv",
        "seizure",
        text(lines(*VALID_SEIZURES[:2], "S3;2023-03-15;ecstasy;1;g;")),
        False,
        errors=((4, "substance"),),
        reason="valeur inconnue « ecstasy »",
        frictionless_valid=False,
    ),
    Case(
        "negative-and-zero-quantities",
        "saisies-quantites.csv",
        "seizure",
        text(lines("S1;2023-03-01;cannabis;-1,5;kg;", "S2;2023-03-01;cannabis;0;kg;")),
        False,
        errors=((2, "quantite"), (3, "quantite")),
        reason="strictement supérieure à 0",
        frictionless_valid=False,
    ),
    Case(
        "not-a-number",
        "saisies-beaucoup.csv",
        "seizure",
        text(lines("S1;2023-03-01;cannabis;beaucoup;kg;")),
        False,
        errors=((2, "quantite"),),
        reason="nombre invalide",
        frictionless_valid=False,
    ),
    Case(
        "duplicate-identifier",
        "saisies-doublon.csv",
        "seizure",
        text(lines(*VALID_SEIZURES, "S2;2023-04-01;crack;1;g;")),
        False,
        errors=((5, "identifiant"),),
        reason="figure deux fois dans le fichier (lignes 3 et 5)",
        frictionless_valid=False,
    ),
    Case(
        "missing-required-value",
        "saisies-valeur-manquante.csv",
        "seizure",
        text(lines("S1;2023-03-01;;1;kg;", ";2023-03-01;crack;1;g;")),
        False,
        errors=((2, "substance"), (3, "identifiant")),
        reason="valeur obligatoire manquante",
        frictionless_valid=False,
    ),
    Case(
        "missing-required-column",
        "saisies-sans-quantite.csv",
        "seizure",
        text(lines("S1;2023-03-01;cannabis;kg", header="identifiant;date;substance;unite")),
        False,
        errors=((1, "quantite"),),
        reason="colonne obligatoire absente",
        frictionless_valid=False,
    ),
    Case(
        "unknown-column",
        "saisies-poids.csv",
        "seizure",
        text(lines("S1;2023-03-01;cannabis;1;kg;;3", header=SEIZURE_HEADER + ";poids")),
        False,
        errors=((1, "poids"),),
        reason="colonne inconnue",
        frictionless_valid=False,
    ),
    Case(
        "value-without-header",
        "saisies-colonne-sans-nom.csv",
        "seizure",
        text(lines("S1;2023-03-01;cannabis;1;kg;;oups", header=SEIZURE_HEADER + ";")),
        False,
        errors=((2, None),),
        reason="valeur dans une colonne sans en-tête",
        frictionless_valid=False,
    ),
    Case(
        "more-values-than-columns",
        "saisies-trop-de-valeurs.csv",
        "seizure",
        text(lines("S1;2023-03-01;cannabis;1;kg;;en trop")),
        False,
        errors=((2, None),),
        reason="plus de valeurs que de colonnes",
        frictionless_valid=False,
    ),
    Case(
        "unknown-reference",
        "saisies-operation-inconnue.csv",
        "seizure",
        text(lines("S1;2023-03-01;cannabis;1;kg;OPE-404", "S2;2023-03-01;cannabis;1;kg;mairie:OPE-1")),
        False,
        errors=((2, "operation"), (3, "operation")),
        reason="aucun enregistrement « OPE-404 » du partenaire « police » dans operations.csv",
        frictionless_valid=True,
        disagreement=SEMANTIC + "the operation must exist in the partner's operations (another file).",
    ),
    Case(
        "dates-out-of-order",
        "points_de_deal-dates.csv",
        "deal_point",
        text(lines("P1;Gare;;;;;2023-05-01;2023-04-30;;", header=DEAL_POINT_HEADER)),
        False,
        errors=((2, "neutralise_le"),),
        reason="précède identifie_le",
        frictionless_valid=True,
        disagreement=SEMANTIC + "a deal point cannot be neutralized before it was identified.",
    ),
    Case(
        "unknown-signatory",
        "conventions-signataire.csv",
        "agreement",
        text(lines("C1;Convention;2023-01-01;;police|ars", header=AGREEMENT_HEADER)),
        False,
        errors=((2, "signataires"),),
        reason="partenaire inconnu « ars »",
        frictionless_valid=True,
        disagreement=SEMANTIC + "signatories must be partners of the plan.",
    ),
    Case(
        "invalid-boolean",
        "cameras-peut-etre.csv",
        "camera",
        text(lines("K1;A;;;;2023-06-01;;peut-être;", header=CAMERA_HEADER)),
        False,
        errors=((2, "vision_nocturne"),),
        reason="valeur oui/non invalide",
        frictionless_valid=False,
    ),
    Case(
        "text-too-long",
        "cameras-nom-trop-long.csv",
        "camera",
        text(lines(f"K1;{'x' * 201};;;;2023-06-01;;;", header=CAMERA_HEADER)),
        False,
        errors=((2, "nom"),),
        reason="texte trop long (201 caractères, 200 au plus)",
        frictionless_valid=False,
    ),
    Case(
        "latitude-out-of-range",
        "observations_terrain-latitude.csv",
        "field_observation",
        text(lines("F1;2023-01-31T22:15;;95;0.09;1;maraude", header=OBSERVATION_HEADER)),
        False,
        errors=((2, "latitude"),),
        reason="hors limites « 95 »",
        frictionless_valid=False,
    ),
    # truncated and empty files
    Case(
        "truncated-mid-row",
        "saisies-tronque.csv",
        "seizure",
        text(lines(*VALID_SEIZURES) + "S4;2023-03-0"),
        False,
        errors=((5, "date"), (5, "substance"), (5, "quantite"), (5, "unite"), (5, None)),
        reason="date invalide « 2023-03-0 »",
        frictionless_valid=False,
    ),
    Case(
        "truncated-in-quoted-value",
        "saisies-guillemet.csv",
        "seizure",
        text(lines(*VALID_SEIZURES) + 'S4;2023-03-01;"cocaïne;1;kg;\n'),
        False,
        errors=((5, None),),
        reason="guillemet ouvert sur cette ligne n'est jamais refermé",
        frictionless_valid=False,
    ),
    Case(
        "truncated-inside-a-character",
        "saisies-caractere-coupe.csv",
        "seizure",
        lambda: (SEIZURE_HEADER + "\nS1;2023-03-01;h").encode() + "é".encode()[:1],
        False,
        errors=((2, None),),
        reason="se termine au milieu d'un caractère",
        frictionless_valid=False,
    ),
    Case(
        "zero-bytes",
        "saisies-vide.csv",
        "seizure",
        lambda: b"",
        False,
        errors=((None, None),),
        reason="le fichier est vide (0 octet)",
        frictionless_valid=False,
    ),
    Case(
        "blank-lines-only",
        "saisies-blanc.csv",
        "seizure",
        text("\n \r\n\n"),
        False,
        errors=((None, None),),
        reason="le fichier est vide",
        frictionless_valid=False,
    ),
    Case(
        "null-bytes",
        "saisies-binaire.csv",
        "seizure",
        lambda: lines(VALID_SEIZURES[0]).encode() + b"S2\x00\x00\x01;\n",
        False,
        errors=((3, None),),
        reason="caractères nuls",
        frictionless_valid=False,
    ),
    Case(
        "utf16-without-bom",
        "saisies-utf16-sans-bom.csv",
        "seizure",
        lambda: lines(*VALID_SEIZURES).encode("utf-16-le"),
        True,
        rows=3,
        frictionless_valid=True,
        check=expect_seizure("S2", substance="heroin"),
    ),
    # spreadsheets
    Case(
        "xlsx-typed-cells",
        "saisies.xlsx",
        "seizure",
        xlsx(
            [
                SEIZURE_HEADER.split(";"),
                ["S1", dt.datetime(2023, 3, 1), "cannabis", 35, "kg", "OPE-1"],
                ["S2", dt.datetime(2023, 3, 2), "héroïne", 5.1, "kg", None],
                [1234, dt.datetime(2023, 3, 3), "crack", 0.548, "g", None],
            ]
        ),
        True,
        rows=3,
        check=expect_all(expect_seizure("S2", quantity=Q("5.1")), expect_seizure("1234", quantity=Q("0.548"))),
    ),
    Case(
        "xlsx-excel-date-serials",
        "saisies-numeros-de-serie.xlsx",
        "seizure",
        xlsx(
            [
                SEIZURE_HEADER.split(";"),
                ["S1", 44986, "cannabis", 1, "kg", None],
                ["S2", 45000.75, "crack", 2, "g", None],
            ]
        ),
        True,
        rows=2,
        check=expect_all(expect_seizure("S1", seized_on=D(2023, 3, 1)), expect_seizure("S2", seized_on=D(2023, 3, 15))),
    ),
    Case(
        "xlsx-empty-rows",
        "saisies-lignes-vides.xlsx",
        "seizure",
        xlsx(
            [
                [],
                SEIZURE_HEADER.split(";"),
                [],
                ["S1", dt.datetime(2023, 3, 1), "cannabis", 1, "kg"],
                [None, None],
                ["S2", "02/03/2023", "crack", "2,5", "g"],
            ]
        ),
        True,
        rows=2,
        check=expect_seizure("S2", seized_on=D(2023, 3, 2), quantity=Q("2.5")),
    ),
    Case(
        "xlsx-formulas-with-cached-values",
        "saisies-formules.xlsx",
        "seizure",
        with_cached_values(
            xlsx([SEIZURE_HEADER.split(";"), ["S1", dt.datetime(2023, 3, 1), "cannabis", "=1000*1.25", "g", None]]),
            {"D2": "1250"},
        ),
        True,
        rows=1,
        check=expect_seizure("S1", quantity=Q("1250")),
    ),
    Case(
        "xlsx-formula-without-value",
        "saisies-formule-sans-valeur.xlsx",
        "seizure",
        xlsx(
            [
                SEIZURE_HEADER.split(";"),
                ["S1", dt.datetime(2023, 3, 1), "cannabis", 2, "g", None],
                ["S2", dt.datetime(2023, 3, 1), "cannabis", "=D2*2", "g", None],
            ]
        ),
        False,
        errors=((3, "quantite"),),
        reason="la cellule D3 contient une formule dont la valeur n'a jamais été calculée",
    ),
    Case(
        "xlsx-error-value",
        "saisies-div0.xlsx",
        "seizure",
        with_cached_values(
            xlsx([SEIZURE_HEADER.split(";"), ["S1", dt.datetime(2023, 3, 1), "cannabis", "=1/0", "g", None]]),
            {"D2": "#DIV/0!"},
            cell_type="e",
        ),
        False,
        errors=((2, "quantite"),),
        reason="la cellule D2 contient l'erreur « #DIV/0! »",
    ),
    Case(
        "xlsx-merged-header",
        "saisies-entete-fusionne.xlsx",
        "seizure",
        xlsx(
            [
                ["identifiant", "date", "substance", "quantite", "unite", None],
                ["S1", dt.datetime(2023, 3, 1), "cannabis", 1, "kg"],
            ],
            merge="E1:F1",
        ),
        False,
        errors=((1, None),),
        reason="cellules fusionnées E1:F1 dans la ligne d'en-tête",
    ),
    Case(
        "xlsx-merged-values",
        "saisies-valeurs-fusionnees.xlsx",
        "seizure",
        xlsx(
            [
                SEIZURE_HEADER.split(";"),
                ["S1", dt.datetime(2023, 3, 1), "cannabis", 1, "kg"],
                ["S2", None, "cannabis", 2, "kg"],
            ],
            merge="B2:B3",
        ),
        False,
        errors=((2, None), (3, "date")),
        reason="cellules fusionnées B2:B3",
    ),
    Case(
        "xlsx-truncated",
        "saisies-tronque.xlsx",
        "seizure",
        truncated(xlsx([SEIZURE_HEADER.split(";"), ["S1", dt.datetime(2023, 3, 1), "cannabis", 1, "kg"]])),
        False,
        errors=((None, None),),
        reason="est tronqué ou endommagé",
    ),
    Case(
        "xls-97-2003",
        "saisies.xls",
        "seizure",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
        False,
        errors=((None, None),),
        reason="(.xls) ne sont pas lus",
    ),
    Case(
        "ods-typed-cells",
        "saisies.ods",
        "seizure",
        ods(
            [
                SEIZURE_HEADER.split(";"),
                ["S1", dt.date(2023, 3, 1), "cannabis", 35, "kg", "OPE-1"],
                ["S2", dt.date(2023, 3, 2), "héroïne", 5.1, "kg", None],
            ]
        ),
        True,
        rows=2,
        check=expect_all(expect_seizure("S1", seized_on=D(2023, 3, 1)), expect_seizure("S2", quantity=Q("5.1"))),
    ),
    Case(
        "ods-repeated-rows-and-columns",
        "saisies-repetitions.ods",
        "seizure",
        ods_xml(
            ODS_HEADER
            + row(s("S1"), d("2023-03-01"), s("cannabis"), f("1.25", "1,25"), s("kg"), EMPTY_CELLS)
            + row('<table:table-cell table:number-columns-repeated="1024"/>', repeat=3)
            + row(s("S2"), d("2023-03-02"), s("crack"), f("5"), s("g"))
            + row('<table:table-cell table:number-columns-repeated="1024"/>', repeat=1048570)
        ),
        True,
        rows=2,
        check=expect_seizure("S2", seized_on=D(2023, 3, 2), quantity=Q("5")),
    ),
    Case(
        "ods-spanned-header",
        "saisies-entete-fusionne.ods",
        "seizure",
        ods_xml(
            row(
                s("identifiant"),
                '<table:table-cell table:number-columns-spanned="2" office:value-type="string">'
                "<text:p>date</text:p></table:table-cell>",
                "<table:covered-table-cell/>",
                s("quantite"),
                s("unite"),
            )
            + row(s("S1"), d("2023-03-01"), s("cannabis"), f("1"), s("kg"))
        ),
        False,
        errors=((1, None),),
        reason="cellules fusionnées B1:C1 dans la ligne d'en-tête",
    ),
    Case(
        "ods-formula-without-value",
        "saisies-formule.ods",
        "seizure",
        ods_xml(
            ODS_HEADER
            + row(s("S1"), d("2023-03-01"), s("cannabis"), '<table:table-cell table:formula="of:=[.X9]*2"/>', s("kg"))
        ),
        False,
        errors=((2, "quantite"),),
        reason="la cellule D2 contient une formule",
    ),
    Case(
        "ods-truncated",
        "saisies-tronque.ods",
        "seizure",
        truncated(ods([SEIZURE_HEADER.split(";"), ["S1", dt.date(2023, 3, 1), "cannabis", 1, "kg", None]]), 0.5),
        False,
        errors=((None, None),),
        reason="est tronqué ou endommagé",
    ),
]

assert len({case.name for case in CASES}) == len(CASES), "case names are unique"
assert all((case.frictionless_valid is not None) == case.is_csv for case in CASES), (
    "every CSV has a frictionless verdict"
)


def write_corpus(directory: Path) -> list[Path]:
    """Write every corpus file into `directory` (for a look, or to run other validators on them)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for case in CASES:
        path = directory / case.file_name
        path.write_bytes(case.build())
        paths.append(path)
    return paths


if __name__ == "__main__":  # pragma: no cover
    for written in write_corpus(Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")):
        print(written)

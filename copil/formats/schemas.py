"""The published formats: a Table Schema per record kind, a filled example, CSV and XLSX templates.

Everything here is generated from the record formats (`copil.formats`) and the record models
(text lengths, decimal places), so the published schemas cannot drift from what the importer accepts:
`copil schemas` writes them under `schemas/<file stem>/` (schema.json, exemple.csv) and a test
regenerates them and compares with the committed files.

The schemas follow the Table Schema specification as schema.data.gouv.fr uses it (version 1: French
titles and descriptions, `example`, `constraints`, `missingValues`). Copil is more tolerant than the
schemas on purpose, and each tolerance is stated in the field's description: decimal comma or point,
JJ/MM/AAAA dates, enumeration spellings in any case, with or without accents, and synonyms; columns in
any order, optional columns left out; blank lines skipped. Some checks cannot be written in a Table
Schema and are Copil's only: dates not in the future, paired dates in order, references to records of
other files, signatories that are partners of the plan.
"""

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models

from copil.formats.catalogue import FORMATS, FORMATS_BY_FILE_STEM
from copil.formats.columns import EARLIEST_DATE, Column, ColumnType, RecordFormat

SCHEMA_VERSION = "1.0.0"
# A text a spreadsheet would not read as a formula (`Column.formula_prefix_refused`).
FORMULA_SAFE_PATTERN = r"[^=+\-@\t\r].*"
TABLE_SCHEMA = "https://frictionlessdata.io/schemas/table-schema.json"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
TRUE_VALUES = ["oui", "Oui", "OUI", "o", "O", "vrai", "Vrai", "VRAI", "true", "True", "TRUE", "1", "x", "X"]
FALSE_VALUES = ["non", "Non", "NON", "n", "N", "faux", "Faux", "FAUX", "false", "False", "FALSE", "0"]
CSV_DELIMITER = ";"
TEMPLATE_ROWS = 5000  # rows of the XLSX template that carry drop-down lists
DATE_NOTE = (
    "Format AAAA-MM-JJ (Copil accepte aussi JJ/MM/AAAA), à partir du 01/01/2000 et jamais dans le futur ; "
    "une date antérieure au début du plan est acceptée (elle sert de point de comparaison)."
)
CHOICE_NOTE = "Copil accepte aussi ces valeurs sans accents, en majuscules, et les synonymes : {synonyms}."

# A filled example per kind, coherent across files (the operation of a seizure exists in operations.csv…),
# so the examples import as they are, in IMPORT_ORDER, for a partner whose plan has the partners
# `prefecture` and `police-nationale`.
EXAMPLES: dict[str, list[dict[str, str]]] = {
    "network": [
        {"identifiant": "RES-2023-01", "nom": "Réseau de la gare", "identifie_le": "2023-02-08", "demantele_le": ""},
        {
            "identifiant": "RES-2023-02",
            "nom": "Réseau des Hauts",
            "identifie_le": "2023-05-11",
            "demantele_le": "2024-03-12",
        },
    ],
    "deal_point": [
        {
            "identifiant": "PDD-2023-001",
            "nom": "Parvis de la gare",
            "adresse": "Place de la Gare",
            "latitude": "48.432100",
            "longitude": "0.091200",
            "reseau": "RES-2023-01",
            "identifie_le": "2023-03-10",
            "neutralise_le": "",
            "zone": "police",
            "installation": "très installé",
        },
        {
            "identifiant": "PDD-2023-002",
            "nom": "Square des Hauts",
            "adresse": "Rue du Limousin",
            "latitude": "48.441700",
            "longitude": "0.106200",
            "reseau": "RES-2023-02",
            "identifie_le": "2023-05-20",
            "neutralise_le": "2024-03-12",
            "zone": "police",
            "installation": "ponctuel",
        },
    ],
    "operation": [
        {
            "identifiant": "OPE-2023-0001",
            "date": "2023-04-05",
            "type": "voie publique",
            "point_de_deal": "PDD-2023-001",
            "effectifs": "12",
            "personnes_controlees": "85",
            "affaires_nouvelles": "3",
        },
        {
            "identifiant": "OPE-2023-0002",
            "date": "2023-06-16",
            "type": "contrôle",
            "point_de_deal": "",
            "effectifs": "8",
            "personnes_controlees": "",
            "affaires_nouvelles": "",
        },
    ],
    "seizure": [
        {
            "identifiant": "SAI-2023-0001",
            "date": "2023-04-05",
            "substance": "cannabis",
            "quantite": "1,25",
            "unite": "kg",
            "operation": "OPE-2023-0001",
        },
        {
            "identifiant": "SAI-2023-0002",
            "date": "2023-06-16",
            "substance": "crack",
            "quantite": "8,5",
            "unite": "g",
            "operation": "OPE-2023-0002",
        },
        {
            "identifiant": "SAI-2023-0003",
            "date": "2023-07-01",
            "substance": "héroïne",
            "quantite": "12",
            "unite": "g",
            "operation": "",
        },
    ],
    "arrest": [
        {"identifiant": "INT-2023-0001", "date": "2023-04-05", "role": "trafiquant", "operation": "OPE-2023-0001"},
        {"identifiant": "INT-2023-0002", "date": "2023-06-16", "role": "usager", "operation": ""},
    ],
    "conviction": [
        {
            "identifiant": "CON-2023-0001",
            "date": "2023-09-12",
            "pseudonyme": "3f5a9c0e1b7d4a2f8e6c1d0b9a7f5e3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e",
            "peine": "18 mois d'emprisonnement dont 6 avec sursis",
            "emprisonnement_mois": "18",
            "recidiviste": "oui",
            "deferement": "oui",
            "interdiction_sejour": "oui",
            "obligation_soins": "non",
            "reconduite_frontiere": "non",
        },
    ],
    "camera": [
        {
            "identifiant": "CAM-001",
            "nom": "Gare — parvis",
            "adresse": "Place de la Gare",
            "latitude": "48.432000",
            "longitude": "0.091000",
            "installee_le": "2023-03-01",
            "retiree_le": "",
            "vision_nocturne": "oui",
            "rayon_m": "60",
        },
        {
            "identifiant": "CAM-002",
            "nom": "Rue du Limousin",
            "adresse": "Rue du Limousin",
            "latitude": "48.441600",
            "longitude": "0.106100",
            "installee_le": "2023-06-15",
            "retiree_le": "",
            "vision_nocturne": "non",
            "rayon_m": "40",
        },
    ],
    "prevention_action": [
        {
            "identifiant": "ACT-2023-001",
            "date": "2023-05-04",
            "type": "maraude",
            "intitule": "Maraude du jeudi soir",
            "personnes_touchees": "14",
        },
        {
            "identifiant": "ACT-2023-002",
            "date": "2023-10-10",
            "type": "intervention scolaire",
            "intitule": "Lycée Alain — classes de seconde",
            "personnes_touchees": "120",
        },
    ],
    "care_referral": [
        {
            "identifiant": "ORI-2023-0001",
            "date": "2023-05-04",
            "destination": "csapa",
            "pseudonyme": "9b2e4d6f8a0c1e3b5d7f9a1c3e5b7d9f0a2c4e6b8d0f1a3c5e7b9d1f3a5c7e9b",
            "issue": "admis",
        },
        {
            "identifiant": "ORI-2023-0002",
            "date": "2023-05-11",
            "destination": "hébergement",
            "pseudonyme": "1c3e5a7b9d0f2a4c6e8b0d1f3a5c7e9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c",
            "issue": "en attente",
        },
    ],
    "capacity_reading": [
        {"identifiant": "CAP-2023-06-01", "date": "2023-06-01", "type": "personnes hébergées", "valeur": "512"},
        {"identifiant": "CAP-2023-06-02", "date": "2023-06-02", "type": "personnes hébergées", "valeur": "526"},
    ],
    "deployment_reading": [
        {"identifiant": "DEP-2023-06-01-PN", "date": "2023-06-01", "force": "police nationale", "effectifs": "180"},
        {"identifiant": "DEP-2023-06-01-GM", "date": "2023-06-01", "force": "gendarmerie mobile", "effectifs": "72"},
    ],
    "eviction_procedure": [
        {"identifiant": "EXP-2023-001", "ouverte_le": "2023-03-15", "issue": "expulsion", "close_le": "2023-11-30"},
        {"identifiant": "EXP-2023-002", "ouverte_le": "2023-09-01", "issue": "en cours", "close_le": ""},
    ],
    "field_observation": [
        {
            "identifiant": "OBS-2023-0001",
            "date_heure": "2023-06-15T22:30",
            "adresse": "Place de la Gare",
            "latitude": "48.432100",
            "longitude": "0.091200",
            "personnes": "12",
            "source": "maraude",
        },
        {
            "identifiant": "OBS-2023-0002",
            "date_heure": "2023-06-16T01:10",
            "adresse": "Square des Hauts",
            "latitude": "48.441700",
            "longitude": "0.106200",
            "personnes": "5",
            "source": "patrouille",
        },
    ],
    "agreement": [
        {
            "identifiant": "CONV-2023-01",
            "intitule": "Convention de coordination police nationale — préfecture",
            "signee_le": "2023-01-20",
            "axe": "répression",
            "signataires": "prefecture|police-nationale",
        },
    ],
    # --- Issue 14: fixed fines, weapons seized --------------------------------------------------------------
    "drug_fine": [
        {
            "identifiant": "AFD-2023-0001",
            "date": "2023-05-04",
            "adresse": "Place de la Gare",
            "latitude": "48.432100",
            "longitude": "0.091200",
            "montant": "200",
            "statut": "payée",
        },
        {
            "identifiant": "AFD-2023-0002",
            "date": "2023-05-11",
            "adresse": "Square des Hauts",
            "latitude": "",
            "longitude": "",
            "montant": "450",
            "statut": "majorée",
        },
    ],
    "weapon_seizure": [
        {
            "identifiant": "ARM-2023-001",
            "date": "2023-05-04",
            "categorie": "arme à feu",
            "nombre": "2",
            "munitions": "35",
            "operation": "OPE-2023-0001",
        },
        {
            "identifiant": "ARM-2023-002",
            "date": "2023-05-04",
            "categorie": "arme blanche",
            "nombre": "3",
            "munitions": "",
            "operation": "",
        },
    ],
    "asset_seizure": [
        {
            "identifiant": "AVO-2023-001",
            "date": "2023-04-05",
            "categorie": "numéraire",
            "valeur_eur": "12500",
            "operation": "OPE-2023-0001",
        },
        {
            "identifiant": "AVO-2023-002",
            "date": "2023-04-05",
            "categorie": "véhicule",
            "valeur_eur": "18000",
            "operation": "OPE-2023-0001",
        },
    ],
    "street_price": [
        {
            "identifiant": "PRIX-2023-CANNABIS",
            "valable_du": "2023-01-01",
            "substance": "cannabis",
            "prix_gramme_eur": "10",
        },
        {
            "identifiant": "PRIX-2023-COCAINE",
            "valable_du": "2023-01-01",
            "substance": "cocaïne",
            "prix_gramme_eur": "65",
        },
    ],
    # --- Issue 14, kinds2 ---
    "street_count": [
        {
            "identifiant": "CPT-2023-0001",
            "date_heure": "2023-09-20T22:00",
            "zone": "Porte de la Chapelle",
            "personnes": "46",
        },
        {"identifiant": "CPT-2023-0002", "date_heure": "2023-09-20T22:00", "zone": "Stalingrad", "personnes": "38"},
    ],
    # --- Issue 14, kinds3: administrative measures ---
    "administrative_measure": [
        {
            "identifiant": "MES-2025-001",
            "mesure": "interdiction de paraître",
            "pseudonyme": "7d2e9a4c1b6f3e8d0a5c2b7e4f1a9d6c3b8e5f2a7d4c1e9b6a3f0d8c5e2b7a4f",
            "adresse": "Place de la Gare",
            "latitude": "",
            "longitude": "",
            "demandee_le": "2025-07-02",
            "arretee_le": "2025-07-09",
            "notifiee_le": "2025-07-15",
            "violee_le": "",
            "poursuivie_le": "",
            "duree_jours": "30",
        },
        {
            "identifiant": "MES-2025-002",
            "mesure": "fermeture administrative",
            "pseudonyme": "",
            "adresse": "12 rue des Lilas",
            "latitude": "",
            "longitude": "",
            "demandee_le": "2025-08-04",
            "arretee_le": "2025-08-20",
            "notifiee_le": "",
            "violee_le": "",
            "poursuivie_le": "",
            "duree_jours": "90",
        },
    ],
    # --- Issue 14, kinds3: the penal chain ---
    "penal_step": [
        {
            "identifiant": "PEN-2025-0001",
            "date": "2025-03-04",
            "pseudonyme": "3f6a9c2e5b8d1f4a7c0e3b6d9f2a5c8e1b4d7f0a3c6e9b2d5f8a1c4e7b0d3f6a",
            "etape": "garde à vue",
            "ferme_mois": "",
            "sursis_mois": "",
        },
        {
            "identifiant": "PEN-2025-0002",
            "date": "2025-03-06",
            "pseudonyme": "3f6a9c2e5b8d1f4a7c0e3b6d9f2a5c8e1b4d7f0a3c6e9b2d5f8a1c4e7b0d3f6a",
            "etape": "condamnation",
            "ferme_mois": "24",
            "sursis_mois": "12",
        },
    ],
    # --- Issue 14, family 6: harm reduction and care activity ---
    "care_activity": [
        {
            "identifiant": "RDR-2023-0001",
            "site": "Halte soins addictions Paris",
            "type_site": "halte soins addictions",
            "mois": "2023-09-01",
            "file_active": "512",
            "passages": "7480",
            "consommations_supervisees": "5820",
            "kits_base": "",
            "seringues": "6100",
            "overdoses": "4",
            "personnes_hebergees": "",
        },
        {
            "identifiant": "RDR-2023-0002",
            "site": "Maraude crack nord-est",
            "type_site": "maraude",
            "mois": "2023-09-01",
            "file_active": "310",
            "passages": "",
            "consommations_supervisees": "",
            "kits_base": "1450",
            "seringues": "300",
            "overdoses": "1",
            "personnes_hebergees": "12",
        },
    ],
}
assert set(EXAMPLES) == set(FORMATS), "every kind has an example"


def _format(kind: str) -> RecordFormat:
    """The format of a record kind or file stem; raises KeyError for an unknown one."""
    fmt = FORMATS.get(kind) or FORMATS_BY_FILE_STEM.get(kind)
    if fmt is None:
        raise KeyError(kind)
    return fmt


def _model_field(fmt: RecordFormat, column: Column) -> models.Field[Any, Any]:
    model_field = fmt.model._meta.get_field(column.field)
    assert isinstance(model_field, models.Field)
    return model_field


def _synonyms(column: Column) -> list[str]:
    return [spelling for option in column.options for spelling in option.spellings[1:]]


def _schema_field(fmt: RecordFormat, column: Column) -> dict[str, Any]:
    """One Table Schema field from a column of the import format and its model field."""
    model_field = _model_field(fmt, column)
    example = EXAMPLES[fmt.kind][0].get(column.name, "")
    entry: dict[str, Any] = {"name": column.name, "title": column.title, "description": column.description}
    constraints: dict[str, Any] = {"required": column.required}
    if column.type == ColumnType.TEXT:
        entry["type"] = "string"
        if getattr(model_field, "max_length", None):
            constraints["maxLength"] = model_field.max_length
        if column.pattern:
            constraints["pattern"] = column.pattern
        elif column.formula_prefix_refused:
            constraints["pattern"] = FORMULA_SAFE_PATTERN
        if column.field == "external_id":
            constraints["unique"] = True
    elif column.type == ColumnType.INTEGER:
        entry["type"] = "integer"
        if column.minimum is not None:
            constraints["minimum"] = int(column.minimum)
        constraints["maximum"] = 2_147_483_647
    elif column.type == ColumnType.DECIMAL:
        entry["type"] = "number"
        entry["decimalChar"] = column.decimal_char
        if column.minimum is not None:
            assert isinstance(model_field, models.DecimalField)
            step = Decimal(1).scaleb(-model_field.decimal_places)
            minimum = Decimal(str(column.minimum)) + (step if column.exclusive_minimum else 0)
            constraints["minimum"] = float(minimum) if minimum != int(minimum) else int(minimum)
        if column.maximum is not None:
            constraints["maximum"] = int(column.maximum)
    elif column.type == ColumnType.DATE:
        entry["type"] = "date"
        entry["format"] = "default"
        entry["description"] = f"{column.description} {DATE_NOTE}"
        constraints["minimum"] = EARLIEST_DATE.isoformat()
    elif column.type == ColumnType.DATETIME:
        entry["type"] = "datetime"
        entry["format"] = DATETIME_FORMAT
        constraints["minimum"] = dt.datetime.combine(EARLIEST_DATE, dt.time(0)).strftime(DATETIME_FORMAT)
    elif column.type == ColumnType.BOOLEAN:
        entry["type"] = "boolean"
        entry["trueValues"] = TRUE_VALUES
        entry["falseValues"] = FALSE_VALUES
    elif column.type == ColumnType.CHOICE:
        entry["type"] = "string"
        constraints["enum"] = column.enum
        synonyms = _synonyms(column)
        if synonyms:
            entry["description"] = f"{column.description} {CHOICE_NOTE.format(synonyms=', '.join(synonyms))}"
    else:  # references and signatories: identifiers checked by Copil against the plan's records and partners
        entry["type"] = "string"
    if example and column.type == ColumnType.DECIMAL and column.decimal_char != ".":
        # frictionless checks examples without the field's decimalChar: give the value as a JSON number
        entry["example"] = float(example.replace(column.decimal_char, "."))
    elif example:
        entry["example"] = example
    entry["constraints"] = constraints
    return entry


def schema_json(kind: str) -> dict[str, Any]:
    """The Table Schema of a record kind (or file stem), as a JSON-ready dictionary."""
    fmt = _format(kind)
    return {
        "$schema": TABLE_SCHEMA,
        "name": f"copil-{fmt.file_stem.replace('_', '-')}",
        "title": f"Copil — {fmt.title}",
        "description": (
            f"{fmt.description} Fichier CSV encodé en UTF-8, séparateur point-virgule, une ligne par "
            f"enregistrement, nommé {fmt.file_stem}.csv (ou classeur XLSX/ODS, première feuille). "
            "Les colonnes peuvent venir dans n'importe quel ordre ; une colonne facultative peut être omise."
        ),
        "countryCode": "FR",
        "version": SCHEMA_VERSION,
        "contributors": [{"title": "Copil", "role": "author"}],
        "licenses": [
            {
                "title": "Licence Ouverte / Open Licence version 2.0",
                "name": "etalab-2.0",
                "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
            }
        ],
        "resources": [{"title": "Exemple de fichier valide", "path": "exemple.csv"}],
        "missingValues": [""],
        "fields": [_schema_field(fmt, column) for column in fmt.columns],
        "primaryKey": ["identifiant"],
    }


def schema_text(kind: str) -> str:
    """schema.json as written on disk: indented UTF-8 JSON ending with a newline."""
    return json.dumps(schema_json(kind), ensure_ascii=False, indent=2) + "\n"


def example_csv(kind: str) -> bytes:
    """The filled example of a kind as a CSV file: UTF-8 with BOM (Excel reads its accents), `;`, every column."""
    fmt = _format(kind)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\n")
    writer.writerow([column.name for column in fmt.columns])
    for row in EXAMPLES[fmt.kind]:
        writer.writerow([row.get(column.name, "") for column in fmt.columns])
    return buffer.getvalue().encode("utf-8-sig")


def _typed_example(column: Column, text: str) -> Any:
    """An example value as a spreadsheet cell: real dates and numbers, text otherwise."""
    if not text:
        return None
    if column.type == ColumnType.DATE:
        return dt.date.fromisoformat(text)
    if column.type == ColumnType.DATETIME:
        return dt.datetime.strptime(text, DATETIME_FORMAT)
    if column.type == ColumnType.INTEGER:
        return int(text)
    if column.type == ColumnType.DECIMAL:
        return float(text.replace(",", "."))
    return text


def xlsx_template(kind: str) -> bytes:
    """An XLSX template of a kind: the example rows on a first sheet named after the file stem, drop-down
    lists on enumerations and yes/no columns, dates formatted, and a notice sheet describing each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    fmt = _format(kind)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = fmt.file_stem
    lists = workbook.create_sheet("listes")
    notice = workbook.create_sheet("notice")
    sheet.append([column.name for column in fmt.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in EXAMPLES[fmt.kind]:
        sheet.append([_typed_example(column, row.get(column.name, "")) for column in fmt.columns])
    last_row = TEMPLATE_ROWS + 1
    list_column = 0
    for index, column in enumerate(fmt.columns, 1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(column.name) + 4)
        cells = f"{letter}2:{letter}{last_row}"
        validation = None
        if column.type == ColumnType.CHOICE:
            list_column += 1
            list_letter = get_column_letter(list_column)
            lists.cell(row=1, column=list_column, value=column.name)
            for position, value in enumerate(column.enum, 2):
                lists.cell(row=position, column=list_column, value=value)
            source = f"={quote_sheetname(lists.title)}!${list_letter}$2:${list_letter}${len(column.enum) + 1}"
            validation = DataValidation(type="list", formula1=source, allow_blank=not column.required)
        elif column.type == ColumnType.BOOLEAN:
            validation = DataValidation(type="list", formula1='"oui,non"', allow_blank=True)
        if validation is not None:
            validation.error = "Choisissez une valeur de la liste."
            validation.errorTitle = column.title
            validation.prompt = column.description
            validation.promptTitle = column.title
            validation.showErrorMessage = True
            validation.showInputMessage = True
            sheet.add_data_validation(validation)
            validation.add(cells)
        if column.type in (ColumnType.DATE, ColumnType.DATETIME):
            number_format = "dd/mm/yyyy" if column.type == ColumnType.DATE else "dd/mm/yyyy hh:mm"
            for line in range(2, len(EXAMPLES[fmt.kind]) + 2):
                sheet.cell(row=line, column=index).number_format = number_format
    lists.sheet_state = "hidden"
    notice.append(["colonne", "titre", "obligatoire", "description", "valeurs acceptées"])
    for cell in notice[1]:
        cell.font = Font(bold=True)
    for column in fmt.columns:
        entry = _schema_field(fmt, column)
        accepted = ", ".join(column.enum) if column.type == ColumnType.CHOICE else ""
        if column.type == ColumnType.BOOLEAN:
            accepted = "oui, non"
        notice.append([column.name, column.title, "oui" if column.required else "non", entry["description"], accepted])
    for letter, width in zip("ABCDE", (22, 26, 12, 100, 50), strict=True):
        notice.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def schema_files() -> dict[str, bytes]:
    """Every published file, by path relative to the schemas folder."""
    files: dict[str, bytes] = {}
    for fmt in FORMATS.values():
        files[f"{fmt.file_stem}/schema.json"] = schema_text(fmt.kind).encode("utf-8")
        files[f"{fmt.file_stem}/exemple.csv"] = example_csv(fmt.kind)
    files["README.md"] = _readme().encode("utf-8")
    return files


def _readme() -> str:
    lines = [
        "# Formats d'import de Copil",
        "",
        "Un schéma de données ([Table Schema](https://specs.frictionlessdata.io/table-schema/)) par type",
        "d'enregistrement, avec un fichier d'exemple valide. Ces fichiers sont générés par `copil schemas`",
        "à partir des formats d'import (`copil/formats/catalogue.py`) : ne les modifiez pas à la main.",
        "",
        "| fichier | schéma | contenu |",
        "|---|---|---|",
    ]
    for fmt in FORMATS.values():
        lines.append(
            f"| `{fmt.file_stem}.csv` | [{fmt.file_stem}/schema.json]({fmt.file_stem}/schema.json) | {fmt.title} |"
        )
    lines += [
        "",
        "Copil est volontairement plus tolérant que ces schémas : virgule ou point décimal, dates JJ/MM/AAAA,",
        "valeurs d'énumération sans accents, en majuscules ou synonymes, colonnes dans n'importe quel ordre,",
        "colonnes facultatives absentes, lignes vides ignorées, fichiers en UTF-8, Windows-1252 ou Latin-1,",
        "classeurs XLSX et ODS. Il vérifie aussi ce qu'un schéma ne peut pas exprimer : dates jamais dans le",
        "futur, dates appariées dans l'ordre, références à des enregistrements existants du plan.",
        "",
    ]
    return "\n".join(lines)


def write_schemas(directory: str | Path) -> list[Path]:
    """Write every published file under `directory`; returns the paths written."""
    root = Path(directory)
    written = []
    for relative, content in schema_files().items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(path)
    return written


def stale_schemas(directory: str | Path) -> list[str]:
    """The published files missing from `directory` or different from what the formats produce."""
    root = Path(directory)
    stale = []
    for relative, content in schema_files().items():
        path = root / relative
        if not path.is_file() or path.read_bytes() != content:
            stale.append(relative)
    return stale

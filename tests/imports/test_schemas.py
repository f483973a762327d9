"""The published formats: schemas generated from the formats and models, committed copies current, valid
for frictionless, examples and templates that import, and the pages that serve them."""

import io
import json
from pathlib import Path

import frictionless
import pytest
from django.core.management import CommandError, call_command
from django.db import models
from django.test import override_settings
from openpyxl import load_workbook

import copil
from copil.formats import FORMATS, FORMATS_BY_FILE_STEM, ColumnType
from copil.formats.schemas import (
    EXAMPLES,
    FORMULA_SAFE_PATTERN,
    example_csv,
    schema_files,
    schema_json,
    stale_schemas,
    write_schemas,
    xlsx_template,
)
from copil.imports.importer import IMPORT_ORDER, import_records
from copil.records.models import RECORD_KINDS, Agreement
from tests.factories import make_partner

SCHEMAS = Path(copil.__file__).resolve().parent.parent / "schemas"
BOOKKEEPING = {"id", "plan", "partner", "version", "created_at", "updated_at"}


def test_committed_schemas_are_what_the_formats_generate(tmp_path):
    assert stale_schemas(SCHEMAS) == [], "run `copil schemas` and commit schemas/"
    call_command("schemas", output=str(tmp_path), stdout=io.StringIO())
    generated = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(SCHEMAS).as_posix() for p in SCHEMAS.rglob("*") if p.is_file())
    assert generated == committed == sorted(schema_files())
    for name in generated:
        assert (tmp_path / name).read_bytes() == (SCHEMAS / name).read_bytes(), name


def test_schemas_check_command_fails_on_a_stale_copy(tmp_path):
    write_schemas(tmp_path)
    out = io.StringIO()
    call_command("schemas", output=str(tmp_path), check=True, stdout=out)
    assert out.getvalue().strip() == "les schémas publiés sont à jour"
    (tmp_path / "saisies" / "schema.json").write_text("{}")
    (tmp_path / "cameras" / "exemple.csv").unlink()
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 fichiers publiés ne sont pas à jour"):
        call_command("schemas", output=str(tmp_path), check=True, stderr=err)
    assert err.getvalue().split() == ["saisies/schema.json", "cameras/exemple.csv"]


def test_every_model_field_has_a_column_and_every_enumeration_matches_the_model():
    for kind, fmt in FORMATS.items():
        model = RECORD_KINDS[kind]
        fields = {f.name for f in model._meta.get_fields() if isinstance(f, models.Field) and not f.auto_created}
        assert {c.field for c in fmt.columns} == fields - BOOKKEEPING, kind
        for column in fmt.columns:
            model_field = model._meta.get_field(column.field)
            if column.type == ColumnType.CHOICE:
                assert {o.code for o in column.options} == {code for code, _label in model_field.choices}, column.name
            if not model_field.null and not model_field.has_default() and not getattr(model_field, "blank", True):
                assert column.required, column.name  # a value the database needs is a required column
            assert column.title and column.description, column.name


def test_schema_fields_follow_the_models():
    schema = schema_json("saisies")
    fields = {field["name"]: field for field in schema["fields"]}
    assert [field["name"] for field in schema["fields"]] == [c.name for c in FORMATS["seizure"].columns]
    assert fields["identifiant"]["constraints"] == {
        "required": True,
        "maxLength": 100,
        "pattern": FORMULA_SAFE_PATTERN,
        "unique": True,
    }
    assert fields["substance"]["constraints"]["enum"] == ["cannabis", "héroïne", "cocaïne", "crack", "autre"]
    assert fields["quantite"] | {"description": ""} == {
        "name": "quantite",
        "title": "Quantité",
        "description": "",
        "type": "number",
        "decimalChar": ",",
        "example": 1.25,
        "constraints": {"required": True, "minimum": 0.001},
    }
    assert fields["date"]["constraints"] == {"required": True, "minimum": "2000-01-01"}
    assert schema["primaryKey"] == ["identifiant"] and schema["missingValues"] == [""]
    camera = {field["name"]: field for field in schema_json("camera")["fields"]}
    assert camera["nom"]["constraints"]["maxLength"] == 200
    assert camera["vision_nocturne"]["trueValues"][:3] == ["oui", "Oui", "OUI"]
    with pytest.raises(KeyError):
        schema_json("drones")


@pytest.mark.parametrize("stem", sorted(FORMATS_BY_FILE_STEM))
def test_frictionless_accepts_each_schema_and_its_example(stem):
    folder = SCHEMAS / stem
    schema = frictionless.Schema.from_descriptor(json.loads((folder / "schema.json").read_text()))
    assert len(schema.fields) == len(FORMATS_BY_FILE_STEM[stem].columns)
    with frictionless.system.use_context(trusted=True):
        report = frictionless.validate(str(folder / "exemple.csv"), schema=str(folder / "schema.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_schema_refuses_the_identifiers_copil_refuses(tmp_path):
    """An identifier a spreadsheet would read as a formula fails the published schema as it fails the import."""
    folder = SCHEMAS / "saisies"
    lines = (folder / "exemple.csv").read_text(encoding="utf-8-sig").splitlines()
    header, first = lines[0], lines[1].split(";")
    rows = [";".join([identifier, *first[1:]]) for identifier in ("=1+1", "@A1", "-5", "S=1")]
    path = tmp_path / "saisies.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    with frictionless.system.use_context(trusted=True):
        report = frictionless.validate(str(path), schema=str(folder / "schema.json"))
    refused = report.flatten(["rowNumber", "fieldName", "type"])
    assert refused == [
        [2, "identifiant", "constraint-error"],
        [3, "identifiant", "constraint-error"],
        [4, "identifiant", "constraint-error"],
    ]


@pytest.fixture
def example_partners(plan):
    return make_partner(plan, code="police-nationale"), make_partner(plan, role="coordinator", code="prefecture")


@pytest.mark.django_db
def test_every_example_imports_and_reimports_unchanged(plan, example_partners, tmp_path):
    police, _prefecture = example_partners
    for kind in IMPORT_ORDER:
        fmt = FORMATS[kind]
        path = tmp_path / f"{fmt.file_stem}.csv"
        path.write_bytes(example_csv(kind))
        report = import_records(path, plan=plan, partner=police)
        assert (report.kind, report.rows, report.created) == (kind, len(EXAMPLES[kind]), len(EXAMPLES[kind]))
        again = import_records(path, plan=plan, partner=police)
        assert (again.created, again.updated, again.unchanged) == (0, 0, len(EXAMPLES[kind]))
    assert sorted(Agreement.objects.get().parties.values_list("code", flat=True)) == ["police-nationale", "prefecture"]


def _values(model) -> list[tuple]:
    skip = {"id", "created_at", "updated_at"}
    names = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
    return sorted(model.objects.values_list(*names))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["seizure", "field_observation", "conviction", "camera"])
def test_xlsx_template_imports_like_the_csv_example(kind, plan, example_partners, tmp_path):
    police, _prefecture = example_partners
    for referenced in IMPORT_ORDER[: IMPORT_ORDER.index("operation") + 1]:
        if referenced != kind:
            path = tmp_path / f"{FORMATS[referenced].file_stem}.csv"
            path.write_bytes(example_csv(referenced))
            import_records(path, plan=plan, partner=police)
    model = RECORD_KINDS[kind]
    csv_path = tmp_path / f"{FORMATS[kind].file_stem}.csv"
    csv_path.write_bytes(example_csv(kind))
    import_records(csv_path, plan=plan, partner=police)
    from_csv = _values(model)
    model.objects.all().delete()
    xlsx_path = tmp_path / f"{FORMATS[kind].file_stem}.xlsx"
    xlsx_path.write_bytes(xlsx_template(kind))
    report = import_records(xlsx_path, plan=plan, partner=police)
    assert report.rows == len(EXAMPLES[kind])
    assert _values(model) == from_csv


def test_xlsx_template_has_drop_down_lists_and_a_notice():
    workbook = load_workbook(io.BytesIO(xlsx_template("saisies")))
    assert workbook.sheetnames == ["saisies", "listes", "notice"]
    sheet, lists = workbook["saisies"], workbook["listes"]
    assert lists.sheet_state == "hidden"
    assert [c.value for c in sheet[1]] == [c.name for c in FORMATS["seizure"].columns]
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert set(validations) == {"C2:C5001", "E2:E5001"}
    substance = validations["C2:C5001"]
    assert (substance.type, substance.formula1, substance.allow_blank) == ("list", "='listes'!$A$2:$A$6", False)
    assert [lists.cell(row=r, column=1).value for r in range(1, 7)] == [
        "substance",
        "cannabis",
        "héroïne",
        "cocaïne",
        "crack",
        "autre",
    ]
    assert [lists.cell(row=r, column=2).value for r in range(2, 5)] == ["g", "kg", "unités"]
    cameras = load_workbook(io.BytesIO(xlsx_template("cameras")))["cameras"]
    (night,) = [v for v in cameras.data_validations.dataValidation if str(v.sqref).startswith("H2")]
    assert night.formula1 == '"oui,non"'
    notice = workbook["notice"]
    assert [c.value for c in notice[1]] == ["colonne", "titre", "obligatoire", "description", "valeurs acceptées"]
    assert notice.cell(row=3, column=1).value == "date" and notice.cell(row=3, column=3).value == "oui"


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.imports.urls")
def test_formats_pages_and_downloads(client):
    page = client.get("/formats/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Formats d'import" in html
    for stem in FORMATS_BY_FILE_STEM:
        assert f'href="/formats/{stem}.xlsx"' in html and f'href="/formats/{stem}/schema.json"' in html
    assert "héroïne, cocaïne" in html

    schema = client.get("/formats/saisies/schema.json")
    assert schema.status_code == 200 and schema["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(schema.content) == schema_json("seizure")
    assert schema.content == (SCHEMAS / "saisies" / "schema.json").read_bytes()

    example = client.get("/formats/saisies.csv")
    assert example.status_code == 200 and example["Content-Disposition"] == 'attachment; filename="saisies.csv"'
    assert example.content == (SCHEMAS / "saisies" / "exemple.csv").read_bytes()

    template = client.get("/formats/releves_capacite.xlsx")
    assert template["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert load_workbook(io.BytesIO(template.content)).sheetnames[0] == "releves_capacite"

    assert client.get("/formats/drones.csv").status_code == 404
    assert client.get("/formats/drones/schema.json").status_code == 404

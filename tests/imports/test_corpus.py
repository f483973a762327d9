"""The corpus of awkward files (tests/imports/corpus.py): Copil's verdict, an unchanged database after every
rejection, and frictionless' verdict on the published schemas for every CSV file."""

from pathlib import Path

import frictionless
import pytest

import copil
from copil.formats import FORMATS
from copil.imports.importer import ImportRejected, import_records
from copil.records.models import Seizure
from tests.imports.conftest import database_dump
from tests.imports.corpus import CASES, Case, write_corpus

SCHEMAS = Path(copil.__file__).resolve().parent.parent / "schemas"

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus_state(plan, police, city, write_csv):
    """Operations the corpus refers to, and a previous import the rejected files must leave untouched."""
    operations = "identifiant;date;type\nOPE-1;2023-02-01;perquisition\nOPE-2;2023-02-02;contrôle\n"
    import_records(write_csv("operations.csv", operations), plan=plan, partner=police)
    import_records(
        write_csv("operations.csv", "identifiant;date;type\nOPE-M1;2023-02-01;contrôle\n"), plan=plan, partner=city
    )
    import_records(
        write_csv("saisies.csv", "identifiant;date;substance;quantite;unite\nS-OLD;2022-12-01;cannabis;3;kg\n"),
        plan=plan,
        partner=police,
    )
    return plan, police


def test_the_corpus_has_at_least_thirty_bad_files():
    assert len(CASES) >= 30
    assert len({case.file_name for case in CASES}) == len(CASES)
    assert sum(not case.accepted for case in CASES) >= 20
    assert {Path(case.file_name).suffix for case in CASES} == {".csv", ".xlsx", ".xls", ".ods"}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_corpus_file(case: Case, corpus_state, tmp_path):
    plan, police = corpus_state
    path = tmp_path / case.file_name
    path.write_bytes(case.build())
    before = database_dump()
    if case.accepted:
        report = import_records(path, plan=plan, partner=police, kind=case.kind)
        assert report.rows == case.rows
        if case.check:
            case.check()
        assert Seizure.objects.filter(external_id="S-OLD").exists()
        return
    with pytest.raises(ImportRejected) as caught:
        import_records(path, plan=plan, partner=police, kind=case.kind)
    errors = caught.value.errors
    assert [(error.line, error.column) for error in errors] == list(case.errors), str(caught.value)
    assert case.reason in str(errors[0]), str(errors[0])
    assert all(error.file_name == case.file_name for error in errors)
    assert database_dump() == before


@pytest.mark.parametrize("case", [case for case in CASES if case.is_csv], ids=lambda case: case.name)
def test_frictionless_agrees_with_copil_unless_documented(case: Case, tmp_path):
    path = tmp_path / case.file_name
    path.write_bytes(case.build())
    schema = SCHEMAS / FORMATS[case.kind].file_stem / "schema.json"
    with frictionless.system.use_context(trusted=True):  # absolute paths are refused otherwise
        report = frictionless.validate(str(path), schema=str(schema))
    assert report.valid == case.frictionless_valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    if case.frictionless_valid == case.accepted:
        assert not case.disagreement, "a case where both agree documents no disagreement"
    else:
        assert case.disagreement, "a disagreement with frictionless must be documented in the corpus"


def test_corpus_can_be_written_out(tmp_path):
    paths = write_corpus(tmp_path / "corpus")
    assert len(paths) == len(CASES) and all(path.exists() for path in paths)

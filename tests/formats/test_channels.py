"""The same row through the three channels (file import, web form, API): the same verdict, the same code.

Identifiers a spreadsheet would read as formulas are refused everywhere, and references resolve by one rule
(`copil.formats.referable_records`): a record the person entering cannot read is as unknown as a record that
does not exist, so no channel tells which identifiers another partner uses.
"""

import csv
import io

import pytest

from copil.formats import ErrorCode
from copil.imports.importer import ImportRejected, import_records
from copil.records.models import Operation, Seizure
from tests.access.conftest import sample

HEADER = "identifiant;date;substance;quantite;unite;operation\n"


def _csv(*rows: dict[str, str]) -> bytes:
    """The rows as a file, cells quoted where CSV needs it (a carriage return inside a cell)."""
    buffer = io.StringIO()
    buffer.write(HEADER)
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(row.values() for row in rows)
    return buffer.getvalue().encode()


def _row(identifier: str, operation: str = "") -> dict[str, str]:
    return {
        "identifiant": identifier,
        "date": "2024-03-01",
        "substance": "cannabis",
        "quantite": "1,5",
        "unite": "kg",
        "operation": operation,
    }


def _through_import(world, row: dict[str, str], *, actor) -> tuple[str, str] | None:
    """(column, code) of the first refusal of the row as a file imported by `actor` for police-1, else None."""
    try:
        import_records(
            io.BytesIO(_csv(row)),
            plan=world.plan,
            partner=world.partners["police-1"],
            file_name="saisies.csv",
            actor=actor,
            channel="web",
        )
    except ImportRejected as rejection:
        return rejection.errors[0].column, rejection.errors[0].code
    return None


def _through_form(world, client, row: dict[str, str]) -> tuple[str, str] | None:
    data = {**row, "plan": world.plan.slug, "partenaire": world.partners["police-1"].pk}
    response = client.post("/enregistrements/seizure/nouveau/", data)
    if response.status_code == 302:
        return None
    errors = response.context["form"].errors.as_data()
    column = next(iter(errors))
    return column, errors[column][0].code


def _through_api(api, row: dict[str, str]) -> tuple[str, str] | None:
    body = {**row, "quantite": "1.5", "unite": "kg", "operation": row["operation"] or None}
    response = api.post("/api/records/seizure", body)
    if response.status_code == 201:
        return None
    assert response.status_code == 422, response.json()
    error = response.json()["detail"][0]
    return error["loc"][-1], error["code"]


def _operation(world, partner_key: str, external_id: str) -> Operation:
    partner = world.partners[partner_key]
    return Operation.objects.create(plan=world.plan, partner=partner, **sample("operation", partner, external_id))


@pytest.mark.parametrize("identifier", ["=1+1", "+33 6", "-12", "@SUM(A1)", "\t=1", "\rA", " =A1"])
def test_identifiers_read_as_formulas_are_refused_by_every_channel(world, client_for, api_for, identifier):
    expected = ("identifiant", ErrorCode.FORMULA_PREFIX)
    assert _through_import(world, _row(identifier), actor=None) == expected
    assert _through_form(world, client_for("police"), _row(identifier)) == expected
    assert _through_api(api_for("police"), _row(identifier)) == expected
    assert not Seizure.objects.exists()


def test_formula_refusal_names_line_and_column_in_french(world):
    with pytest.raises(ImportRejected) as rejected:
        import_records(
            io.BytesIO(_csv(_row("S-1"), _row("=HYPERLINK()"))),
            plan=world.plan,
            partner=world.partners["police-1"],
            kind="seizure",
        )
    (error,) = rejected.value.errors
    assert (error.line, error.column, error.code) == (3, "identifiant", ErrorCode.FORMULA_PREFIX)
    assert "ligne 3, colonne « identifiant »" in str(error) and "formule" in str(error)
    assert not Seizure.objects.exists()


def test_identifiers_with_such_characters_inside_are_accepted(world, client_for, api_for):
    assert _through_import(world, _row("S-1=2"), actor=None) is None
    assert _through_form(world, client_for("police"), _row("S+2")) is None
    assert _through_api(api_for("police"), _row("S@3")) is None
    assert Seizure.objects.count() == 3


def test_a_reference_resolves_by_the_same_rule_in_every_channel(world, client_for, api_for):
    """police-1 may link to its own operations, not to police-2's, which it cannot read: that operation is
    refused exactly like one that does not exist, by the importer as by the form and the API."""
    _operation(world, "police-1", "OPE-OWN")
    _operation(world, "police-2", "OPE-OTHER")
    user, client, api = world.users["police"], client_for("police"), api_for("police")
    unknown = ("operation", ErrorCode.UNKNOWN_REFERENCE)
    for reference, verdict in [
        ("OPE-OWN", None),
        ("police-2:OPE-OTHER", unknown),
        ("police-2:OPE-NONE", unknown),
    ]:
        assert _through_import(world, _row("S-file", reference), actor=user) == verdict, reference
        assert _through_form(world, client, _row("S-form", reference)) == verdict, reference
        assert _through_api(api, _row("S-api", reference)) == verdict, reference
        Seizure.objects.all().delete()


def test_an_unreadable_reference_reads_as_a_missing_one(world):
    _operation(world, "police-2", "OPE-OTHER")
    user = world.users["police"]
    reasons = []
    for reference in ("police-2:OPE-OTHER", "police-2:OPE-NONE"):
        with pytest.raises(ImportRejected) as rejected:
            import_records(
                io.BytesIO(_csv(_row("S-1", reference))),
                plan=world.plan,
                partner=world.partners["police-1"],
                kind="seizure",
                actor=user,
            )
        reasons.append(rejected.value.errors[0].reason.replace(reference.split(":")[1], "…"))
    assert reasons[0] == reasons[1]


def test_the_system_links_to_any_record_of_the_plan(world):
    """The command line and plan files act as the system: every record of the plan may be named."""
    _operation(world, "police-2", "OPE-OTHER")
    assert _through_import(world, _row("S-1", "police-2:OPE-OTHER"), actor=None) is None
    assert Seizure.objects.get().operation.external_id == "OPE-OTHER"

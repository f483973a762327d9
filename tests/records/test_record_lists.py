"""The record lists: filters, sorting, pagination, CSV and XLSX exports (audited), a bounded number of queries,
and what a role may not list — a police user gets no referral to care by any of them."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from copil.access.models import AuditEvent
from copil.records.models import RECORD_KINDS
from tests.access.conftest import sample


def _seizures(world, count=60):
    partner = world.partners["police-1"]
    model = RECORD_KINDS["seizure"]
    records = []
    for number in range(count):
        values = sample("seizure", partner, f"S-{number:03d}")
        values.update(
            seized_on=dt.date(2024, 1, 1) + dt.timedelta(days=number),
            substance="crack" if number % 2 else "cannabis",
            quantity=Decimal(number + 1),
        )
        records.append(model(plan=world.plan, partner=partner, **values))
    return model.objects.bulk_create(records)


def test_filters_sorting_and_pagination(world, client_for):
    _seizures(world)
    client = client_for("police")
    page = client.get("/enregistrements/seizure/")
    assert page.status_code == 200
    assert len(page.context["rows"]) == 50 and page.context["page"].paginator.count == 60
    assert page.context["rows"][0][0].external_id == "S-059"  # latest first
    second = client.get("/enregistrements/seizure/?page=2")
    assert [r.external_id for r, _cells in second.context["rows"]][-1] == "S-000"

    filtered = client.get("/enregistrements/seizure/?du=2024-01-11&au=2024-01-20&substance=crack&tri=quantite")
    ids = [r.external_id for r, _cells in filtered.context["rows"]]
    assert ids == ["S-011", "S-013", "S-015", "S-017", "S-019"]
    by_plan = client.get(f"/enregistrements/seizure/?plan={world.foreign_plan.slug}")
    assert by_plan.context["page"].paginator.count == 0
    by_partner = client.get("/enregistrements/seizure/?partenaire=police-1&tri=-identifiant")
    assert by_partner.context["rows"][0][0].external_id == "S-059"
    invalid = client.get("/enregistrements/seizure/?du=hier")
    assert invalid.context["page"].paginator.count == 0 and "du" in invalid.context["form"].errors


def test_exports_follow_the_filters_and_are_audited(world, client_for):
    _seizures(world, 5)
    client = client_for("police")
    response = client.get("/enregistrements/seizure/?substance=crack&export=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["plan", "partenaire", "identifiant", "date"]
    assert [row[2] for row in rows[1:]] == ["S-003", "S-001"]
    assert rows[1][4:7] == ["crack", "4", "g"]  # canonical spellings, as a partner's file

    response = client.get("/enregistrements/seizure/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 6 and values[1][3] == dt.datetime(2024, 1, 5)

    events = AuditEvent.objects.filter(action="export").order_by("pk")
    assert [(e.details["format"], e.details["rows"], e.channel) for e in events] == [
        ("csv", 2, "web"),
        ("xlsx", 5, "web"),
    ]
    assert events[0].details["filters"] == {"substance": "crack"}


@pytest.mark.parametrize("kind", ["seizure", "agreement", "deal_point"])
def test_the_list_takes_a_bounded_number_of_queries(world, client_for, django_assert_max_num_queries, kind):
    role = {"seizure": "police", "agreement": "coordinator", "deal_point": "police"}[kind]
    partner = world.partners[f"{role}-1"]
    model = RECORD_KINDS[kind]
    if kind == "deal_point":
        network = RECORD_KINDS["network"].objects.create(
            plan=world.plan, partner=partner, **sample("network", partner, "N")
        )
    for number in range(40):
        values = sample(kind, partner, f"R-{number}")
        parties = values.pop("parties", None)
        if kind == "deal_point":
            values["network"] = network
        record = model.objects.create(plan=world.plan, partner=partner, **values)
        if parties:
            record.parties.set(parties)
    client = client_for(role)
    client.get(f"/enregistrements/{kind}/")  # session, caches
    with django_assert_max_num_queries(12):
        response = client.get(f"/enregistrements/{kind}/")
    assert len(response.context["rows"]) == 40


def test_a_police_user_gets_no_referral_through_any_page(world, client_for):
    care = world.partners["care-1"]
    referral = RECORD_KINDS["care_referral"].objects.create(
        plan=world.plan, partner=care, **sample("care_referral", care, "SECRET-REF")
    )
    police = client_for("police")
    for url in [
        "/enregistrements/care_referral/",
        "/enregistrements/care_referral/?partenaire=care-1",
        "/enregistrements/care_referral/?tri=pseudonyme",
        "/enregistrements/care_referral/?export=csv",
        "/enregistrements/care_referral/?export=xlsx",
        "/enregistrements/care_referral/nouveau/",
    ]:
        response = police.get(url)
        assert response.status_code == 403, url
        assert b"SECRET-REF" not in response.content
    for url in [
        f"/enregistrements/care_referral/{referral.pk}/",
        f"/enregistrements/care_referral/{referral.pk}/modifier/",
    ]:
        assert police.get(url).status_code in {403, 404}
    assert police.post(f"/enregistrements/care_referral/{referral.pk}/supprimer/", {"version": 1}).status_code == 403
    index = police.get("/enregistrements/")
    assert b"/enregistrements/care_referral/" not in index.content
    assert not AuditEvent.objects.filter(action="export").exists()
    # the coordinator neither; the care partner that made it does
    assert client_for("coordinator").get("/enregistrements/care_referral/").status_code == 403
    assert b"SECRET-REF" in client_for("care").get("/enregistrements/care_referral/").content


def test_exported_text_never_becomes_a_spreadsheet_formula(world, client_for):
    """A deal point named `=1+1` at `=HYPERLINK(…)` comes out as text: an apostrophe before it in the CSV
    (OWASP), a string cell in the XLSX; plain negative numbers stay numbers."""
    partner = world.partners["police-1"]
    model = RECORD_KINDS["deal_point"]
    values = {**sample("deal_point", partner, "=1+1"), "name": '=HYPERLINK("http://x.example","clic")'}
    values["address"] = "@SUM(A1)"
    model.objects.create(plan=world.plan, partner=partner, **values)
    model.objects.create(plan=world.plan, partner=partner, **{**sample("deal_point", partner, "\tTAB"), "name": "-2+3"})
    client = client_for("police")

    response = client.get("/enregistrements/deal_point/?export=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    assert "'=1+1" in cells and "'@SUM(A1)" in cells and "'-2+3" in cells and "'\tTAB" in cells
    assert not [cell for cell in cells if cell[:1] in {"=", "+", "@", "\t", "\r"}]
    assert not [cell for cell in cells if cell[:1] == "-" and not cell.lstrip("-").replace(",", "").isdigit()]

    response = client.get("/enregistrements/deal_point/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert {"=1+1", "@SUM(A1)", "-2+3"} <= {cell.value for cell in cells}
    assert {cell.data_type for cell in cells} == {"s"}


def test_csv_neutralisation_leaves_plain_numbers_alone():
    from copil.access.spreadsheets import neutralised_csv_cell

    assert neutralised_csv_cell("-1,5") == "-1,5" and neutralised_csv_cell("+33") == "+33"
    assert neutralised_csv_cell("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert neutralised_csv_cell("\r=1") == "'\r=1" and neutralised_csv_cell("a=b") == "a=b"
    assert neutralised_csv_cell(-3) == -3

"""Dry runs, period replacement, previews, error reports, the audit trail, progress and error caps."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection

from copil.access.audit import events_for
from copil.access.models import AuditEvent
from copil.imports import history, results, validation
from copil.imports.importer import (
    ImportRejected,
    errors_csv,
    import_records,
    parse_replace_period,
    preview_import,
)
from copil.records.models import Agreement, FieldObservation, Seizure
from tests.factories import make_partner
from tests.imports.conftest import database_dump

pytestmark = pytest.mark.django_db

HEADER = "identifiant;date;substance;quantite;unite\n"
FIRST = (
    HEADER
    + "S1;2023-01-10;cannabis;1;kg\nS2;2023-02-10;crack;2;g\nS3;2023-03-10;héroïne;3;g\nS4;2023-07-01;crack;4;g\n"
)


@pytest.fixture
def seizures(write_csv, plan, police):
    import_records(write_csv("saisies.csv", FIRST), plan=plan, partner=police)
    return write_csv


def test_dry_run_counts_and_writes_nothing(seizures, plan, police):
    before = database_dump()
    path = seizures(
        "saisies.csv", HEADER + "S1;2023-01-10;cannabis;1;kg\nS2;2023-02-10;crack;2,5;g\nS9;2023-03-01;autre;1;g\n"
    )
    report = import_records(
        path, plan=plan, partner=police, dry_run=True, replace_period=(dt.date(2023, 1, 1), dt.date(2023, 6, 30))
    )
    assert (report.rows, report.created, report.updated, report.unchanged, report.deleted) == (3, 1, 1, 1, 1)
    assert report.summary() == (
        "saisies.csv : 3 lignes lues, 1 enregistrement créé, 1 mis à jour, 1 inchangé, 1 supprimé "
        "(simulation : rien n'a été enregistré)"
    )
    assert database_dump() == before


def test_replace_period_deletes_the_partners_records_of_the_period_missing_from_the_file(seizures, plan, police, city):
    import_records(seizures("saisies.csv", HEADER + "S2;2023-02-10;crack;2;g\n"), plan=plan, partner=city)
    path = seizures("saisies.csv", HEADER + "S1;2023-01-10;cannabis;1,5;kg\nS5;2023-06-30;cannabis;5;kg\n")
    report = import_records(
        path, plan=plan, partner=police, replace_period=parse_replace_period("2023-01-01..30/06/2023")
    )
    assert (report.created, report.updated, report.unchanged, report.deleted) == (1, 1, 0, 2)
    assert sorted(Seizure.objects.filter(partner=police).values_list("external_id", flat=True)) == ["S1", "S4", "S5"]
    assert Seizure.objects.filter(partner=city, external_id="S2").exists(), "another partner's records stay"
    deleted = AuditEvent.objects.filter(action="delete", object_type="records.seizure")
    assert sorted(event.before["external_id"] for event in deleted) == ["S2", "S3"]


def test_replace_period_on_date_times_takes_whole_days(write_csv, plan, police):
    header = "identifiant;date_heure;latitude;longitude;personnes;source\n"
    rows = "".join(
        f"{name};{moment};48.4;0.1;1;maraude\n"
        for name, moment in [("F1", "2023-01-31T23:59"), ("F2", "2023-02-01T00:00"), ("F3", "2023-02-28T23:59")]
    )
    path = write_csv("observations_terrain.csv", header + rows)
    import_records(path, plan=plan, partner=police)
    path.write_text(header)
    report = import_records(path, plan=plan, partner=police, replace_period=(dt.date(2023, 2, 1), dt.date(2023, 2, 28)))
    assert report.deleted == 2
    assert list(FieldObservation.objects.values_list("external_id", flat=True)) == ["F1"]


def test_replace_period_detaches_records_that_referred_to_a_deleted_one(write_csv, plan, police):
    import_records(
        write_csv("operations.csv", "identifiant;date;type\nO1;2023-02-01;contrôle\n"), plan=plan, partner=police
    )
    import_records(
        write_csv("saisies.csv", HEADER.strip() + ";operation\nS1;2023-02-01;crack;1;g;O1\n"), plan=plan, partner=police
    )
    import_records(
        write_csv("operations.csv", "identifiant;date;type\n"),
        plan=plan,
        partner=police,
        replace_period=(dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
    )
    assert Seizure.objects.get(external_id="S1").operation is None


@pytest.mark.parametrize(
    "text, reason",
    [
        ("2023-01-01", "attendu : DÉBUT..FIN"),
        ("2023-02-01..2023-01-01", "elle se termine avant de commencer"),
        ("2023-02-30..2023-03-01", "date invalide « 2023-02-30 »"),
    ],
)
def test_replace_period_syntax(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_replace_period(text)
    assert parse_replace_period(" 01/01/2023 .. 2023-06-30 ") == (dt.date(2023, 1, 1), dt.date(2023, 6, 30))


def test_preview_gives_first_rows_every_error_and_never_writes(seizures, plan, police):
    before = database_dump()
    rows = "".join(f"P{i};2023-01-{i:02d};cannabis;{i};kg\n" for i in range(1, 13))
    path = seizures("saisies.csv", HEADER + rows + "P13;2023-02-30;ecstasy;-1;kg\nP1;2023-01-01;cannabis;1;kg\n")
    preview = preview_import(path, plan, police, rows=3)
    assert (preview.kind, preview.file_name, preview.total_rows, preview.valid) == ("seizure", "saisies.csv", 14, False)
    assert preview.header == HEADER.strip().split(";")
    assert preview.rows == [
        (2, ["P1", "2023-01-01", "cannabis", "1", "kg"]),
        (3, ["P2", "2023-01-02", "cannabis", "2", "kg"]),
        (4, ["P3", "2023-01-03", "cannabis", "3", "kg"]),
    ]
    assert [(e.line, e.column) for e in preview.errors] == [
        (14, "date"),
        (14, "substance"),
        (14, "quantite"),
        (15, "identifiant"),
    ]
    assert preview.error_count == 4 and preview.report is None

    good = preview_import(seizures("saisies.csv", HEADER + rows), plan, police)
    assert good.valid and len(good.rows) == 10 and good.errors == []
    assert (good.report.created, good.report.unchanged, good.report.dry_run) == (12, 0, True)
    assert database_dump() == before


def test_preview_of_an_unreadable_file(plan, police):
    preview = preview_import(io.BytesIO(b""), plan, police, file_name="vide.csv")
    assert (preview.valid, preview.kind, preview.rows) == (False, None, [])
    assert str(preview.errors[0]) == "vide.csv : le fichier est vide (0 octet)"


def test_errors_csv_lists_file_line_column_value_and_reason(seizures, plan, police):
    with pytest.raises(ImportRejected) as caught:
        import_records(
            seizures("saisies.csv", HEADER + "S9;2023-02-30;cannabis;1;kg\n;2023-01-01;x;1;kg\n"),
            plan=plan,
            partner=police,
        )
    data = errors_csv(caught.value)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["fichier", "ligne", "colonne", "valeur", "erreur"]
    assert rows[1] == [
        "saisies.csv",
        "2",
        "date",
        "2023-02-30",
        "date invalide « 2023-02-30 » (formats acceptés : AAAA-MM-JJ ou JJ/MM/AAAA)",
    ]
    assert [row[:3] for row in rows[2:]] == [["saisies.csv", "3", "identifiant"], ["saisies.csv", "3", "substance"]]


def test_errors_beyond_the_cap_are_counted_not_kept(monkeypatch, write_csv, plan, police):
    monkeypatch.setattr(validation, "MAX_ERRORS", 5)
    path = write_csv("saisies.csv", HEADER + "".join(f"S{i};2023-01-01;ecstasy;1;kg\n" for i in range(12)))
    with pytest.raises(ImportRejected) as caught:
        import_records(path, plan=plan, partner=police)
    assert (len(caught.value.errors), caught.value.error_count) == (5, 12)
    assert str(caught.value).splitlines()[-1] == "… et 7 autres erreurs"
    assert errors_csv(caught.value).decode("utf-8-sig").splitlines()[-1] == "saisies.csv;;;;… et 7 autres erreurs"


def test_message_is_cut_but_errors_are_kept(monkeypatch, write_csv, plan, police):
    monkeypatch.setattr(results, "MAX_ERRORS_IN_MESSAGE", 2)
    path = write_csv("saisies.csv", HEADER + "".join(f"S{i};2023-01-01;ecstasy;1;kg\n" for i in range(4)))
    with pytest.raises(ImportRejected) as caught:
        import_records(path, plan=plan, partner=police)
    assert len(caught.value.errors) == 4
    assert str(caught.value).splitlines()[2] == "… et 2 autres erreurs"


def test_the_audit_trail_keeps_every_change(seizures, plan, police, django_user_model):
    user = django_user_model.objects.create_user("agent", password="x" * 12)
    s1 = Seizure.objects.get(external_id="S1")
    path = seizures(
        "saisies.csv",
        FIRST.replace("S1;2023-01-10;cannabis;1;kg", "S1;2023-01-10;cannabis;1,5;kg") + "S5;2023-08-01;autre;1;g\n",
    )
    import_records(path, plan=plan, partner=police, actor=user, channel="web")
    (update,) = [e for e in events_for(s1) if e.action == "update"]
    assert (update.before["quantity"], update.after["quantity"]) == ("1.000", "1.500")
    assert (update.before["version"], update.after["version"], update.actor_label, update.channel) == (
        1,
        2,
        "agent",
        "web",
    )
    (created,) = events_for(Seizure.objects.get(external_id="S5"))
    assert created.action == "create" and created.after["external_id"] == "S5"
    summary = AuditEvent.objects.get(pk=update.details["batch"])
    assert (summary.action, summary.plan_id, summary.partner_id) == ("import", plan.pk, police.pk)
    assert summary.details | {"model": ""} == {
        "model": "",
        "file": "saisies.csv",
        "kind": "seizure",
        "part": 1,
        "rows": 5,
        "unchanged": 3,
        "created": 1,
        "updated": 1,
        "deleted": 0,
    }

    imports = AuditEvent.objects.filter(action="import").count()
    import_records(path, plan=plan, partner=police)
    assert AuditEvent.objects.filter(action="import").count() == imports + 1, "an import that changes nothing is logged"
    assert len(events_for(s1)) == 2


def test_large_creations_are_summarised_in_the_audit_trail(monkeypatch, write_csv, plan, police):
    monkeypatch.setattr(history, "AUDIT_CREATED_DETAIL", 2)
    monkeypatch.setattr(history, "AUDIT_CHUNK", 2)
    import_records(write_csv("saisies.csv", FIRST), plan=plan, partner=police)
    assert not AuditEvent.objects.filter(action="create", object_type="records.seizure").exists()
    summary = AuditEvent.objects.get(action="import")
    assert (summary.details["created"], summary.details["created_events"]) == (4, False)
    created_at = dt.datetime.fromisoformat(summary.details["created_at"])
    assert Seizure.objects.filter(partner=police, created_at=created_at).count() == 4

    path = write_csv("saisies.csv", FIRST.replace(";1;kg", ";7;kg").replace(";2;g", ";8;g").replace(";3;g", ";9;g"))
    import_records(path, plan=plan, partner=police)
    parts = AuditEvent.objects.filter(action="import").order_by("pk")[1:]
    assert [event.details["part"] for event in parts] == [1, 2]
    assert AuditEvent.objects.filter(action="update").count() == 3


def test_agreement_signatories_changes_count_as_updates_and_bump_the_version(write_csv, plan, police, city, prefecture):
    header = "identifiant;intitule;signee_le;signataires\n"
    path = write_csv("conventions.csv", header + "C1;Convention;2023-01-01;police|mairie\nC2;Autre;2023-01-02;police\n")
    import_records(path, plan=plan, partner=prefecture)
    path.write_text(header + "C1;Convention;2023-01-01;mairie|prefecture\nC2;Autre;2023-01-02;police\n")
    dry = import_records(path, plan=plan, partner=prefecture, dry_run=True)
    report = import_records(path, plan=plan, partner=prefecture)
    assert (dry.updated, report.updated, report.unchanged) == (1, 1, 1)
    c1 = Agreement.objects.get(external_id="C1")
    assert (set(c1.parties.values_list("code", flat=True)), c1.version) == ({"mairie", "prefecture"}, 2)


def test_progress_is_reported(monkeypatch, write_csv, plan, police):
    monkeypatch.setattr(validation, "PROGRESS_EVERY", 2)
    calls = []
    path = write_csv("saisies.csv", HEADER + "".join(f"S{i};2023-01-01;crack;1;g\n" for i in range(5)))
    import_records(path, plan=plan, partner=police, on_progress=lambda done, total: calls.append((done, total)))
    assert calls == [(2, 5), (4, 5), (5, 5)]


def test_dates_must_lie_between_2000_and_today_but_may_precede_the_plan(write_csv, plan, police):
    assert plan.started_on == dt.date(2023, 1, 1)
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    path = write_csv(
        "saisies.csv", HEADER + f"S1;2012-05-01;crack;1;g\nS2;{tomorrow};crack;1;g\nS3;01/01/2000;crack;1;g\n"
    )
    with pytest.raises(ImportRejected) as caught:
        import_records(path, plan=plan, partner=police)
    assert [(e.line, e.column) for e in caught.value.errors] == [(3, "date")]
    assert f"date « {tomorrow} » dans le futur" in str(caught.value)
    path.write_text(HEADER + "S1;2012-05-01;crack;1;g\nS3;01/01/2000;crack;1;g\n")
    assert import_records(path, plan=plan, partner=police).created == 2


def test_no_staging_table_is_left_behind(seizures, plan, police):
    with pytest.raises(ImportRejected):
        import_records(seizures("saisies.csv", HEADER + "S1;2023-02-30;crack;1;g\n"), plan=plan, partner=police)
    import_records(seizures("saisies.csv", FIRST), plan=plan, partner=police)
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_temp_master WHERE type = 'table'")
            tables += [row[0] for row in cursor.fetchall()]
    assert not [t for t in tables if t.startswith("copil_import")]


def test_quantities_are_rounded_to_the_gram(write_csv, plan, police):
    path = write_csv("saisies.csv", HEADER + "S1;2023-01-01;crack;0,0005;kg\nS2;2023-01-01;crack;1,23449;kg\n")
    import_records(path, plan=plan, partner=police)
    assert dict(Seizure.objects.values_list("external_id", "quantity")) == {
        "S1": Decimal("0.001"),
        "S2": Decimal("1.234"),
    }
    with pytest.raises(ImportRejected, match="strictement supérieure à 0"):
        import_records(write_csv("saisies.csv", HEADER + "S3;2023-01-01;crack;0,0004;kg\n"), plan=plan, partner=police)


def test_a_name_in_the_pseudonym_column_is_refused_and_nothing_is_stored(write_csv, plan):
    care = make_partner(plan, role="care", code="caarud", name="CAARUD")
    good = "3f5a9c0e1b7d4a2f8e6c1d0b9a7f5e3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e"
    path = write_csv(
        "orientations_soins.csv",
        "identifiant;date;destination;pseudonyme\n"
        f"O1;2023-03-01;csapa;{good}\n"
        "O2;2023-03-02;csapa;DIALLO Awa 12/05/1990\n"
        f"O3;2023-03-03;csapa;{good.upper()}\n",
    )
    before = database_dump()
    with pytest.raises(ImportRejected) as rejected:
        import_records(path, plan=plan, partner=care)
    errors = [(e.line, e.column) for e in rejected.value.errors]
    assert errors == [(3, "pseudonyme"), (4, "pseudonyme")]
    assert "pas un pseudonyme" in rejected.value.errors[0].reason
    shown = str(rejected.value) + errors_csv(rejected.value).decode("utf-8-sig") + repr(rejected.value.errors)
    assert "DIALLO" not in shown  # the refused value is not echoed: it may be an identity
    assert database_dump() == before

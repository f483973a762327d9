"""Outside intake: the national reporting platform's CSV, into the same queue, all or nothing, idempotent."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from copil.signalements.intake import IntakeError, import_national_channel, read_rows
from copil.signalements.models import Signalement
from tests.factories import make_partner, make_plan

GOOD = (
    "date;commune;adresse;description\n"
    "2023-04-02 21:30;Alençon;Rue du Limousin;Va-et-vient devant le hall du 12, guetteurs le soir\n"
    "03/04/2023;Alençon;Place du Champ-Perrault;Transactions signalées près des bancs\n"
)


@pytest.fixture
def plan(db):
    plan = make_plan(slug="ville")
    make_partner(plan, "coordinator")
    return plan


def test_rows_become_national_channel_deal_point_signalements_once(plan):
    report = import_national_channel(plan, GOOD.encode(), actor=None)
    assert (report.rows, report.created, report.unchanged) == (2, 2, 0)
    stored = list(Signalement.objects.filter(plan=plan).order_by("observed_at"))
    assert [s.source for s in stored] == [Signalement.Source.NATIONAL_CHANNEL] * 2
    assert {s.category.code for s in stored} == {"point_de_deal"}
    assert [s.status for s in stored] == [Signalement.Status.NEW] * 2
    assert stored[0].address == "Rue du Limousin" and stored[0].commune == "Alençon"
    assert timezone.localtime(stored[0].observed_at).strftime("%d/%m/%Y %H:%M") == "02/04/2023 21:30"
    assert stored[0].reporter_partner is None
    # The same file again, and a later export repeating one row with a new one: nothing twice.
    again = import_national_channel(plan, GOOD.encode(), actor=None)
    assert (again.rows, again.created, again.unchanged) == (2, 0, 2)
    later = GOOD + "2023-04-05;Alençon;Rue de Vendée;Regroupement et échanges rapides en soirée\n"
    assert import_national_channel(plan, later.encode(), actor=None).created == 1
    assert Signalement.objects.filter(plan=plan).count() == 3


def test_a_windows_file_with_commas_and_accented_headers_reads_too(plan):
    content = "Date,Commune,Adresse,Description\n2023-04-02,Alençon,Rue de Bretagne,Deal suspecté\n"
    rows = read_rows(content.encode("cp1252"))
    assert [(r.commune, r.address, r.description) for r in rows] == [("Alençon", "Rue de Bretagne", "Deal suspecté")]


def test_errors_name_the_line_and_column_and_nothing_is_stored(plan):
    bad = (
        "date;commune;adresse;description\n"
        "2023-04-02;Alençon;Rue du Limousin;Guetteurs le soir\n"
        "32/13/2023;Alençon;Rue de Vendée;Transactions\n"
        "2023-04-03;;;Transactions\n"
        "2023-04-04;Alençon;Rue de Bretagne;\n"
    )
    with pytest.raises(IntakeError) as caught:
        import_national_channel(plan, bad.encode(), actor=None)
    errors = caught.value.errors
    assert errors[0].startswith("Ligne 3, colonne « date » : date invalide « 32/13/2023 »")
    assert errors[1] == (
        "Ligne 4, colonne « adresse » : une adresse ou une commune est obligatoire pour situer le signalement"
    )
    assert errors[2] == "Ligne 5, colonne « description » : la description est obligatoire"
    assert len(errors) == 3
    assert not Signalement.objects.filter(plan=plan).exists()


def test_a_missing_column_or_a_name_in_the_text_is_refused(plan):
    with pytest.raises(IntakeError) as caught:
        read_rows(b"date;adresse;description\n2023-04-02;Rue X;Deal\n")
    assert caught.value.errors == [
        "Ligne 1 : colonne(s) manquante(s) « commune » (attendu : date, commune, adresse, description)."
    ]
    named = "date;commune;adresse;description\n2023-04-02;Alençon;Rue X;M. Dupont Kévin né le 12/03/1995 vend\n"
    with pytest.raises(IntakeError) as caught:
        read_rows(named.encode())
    assert caught.value.errors and all(e.startswith("Ligne 2, colonne « description » : ") for e in caught.value.errors)


def test_the_command_imports_and_says_what_it_did(plan, tmp_path):
    path = tmp_path / "plateforme.csv"
    path.write_text(GOOD, encoding="utf-8")
    out = StringIO()
    call_command("import_signalements", "ville", str(path), stdout=out)
    assert "2 signalements lus : 2 ajoutés, 0 déjà importés." in out.getvalue()
    call_command("import_signalements", "ville", str(path), stdout=out)
    assert "2 signalements lus : 0 ajoutés, 2 déjà importés." in out.getvalue()
    with pytest.raises(CommandError, match="Plan inconnu"):
        call_command("import_signalements", "nulle-part", str(path))
    path.write_text("date;commune;adresse;description\n2999-01-01;A;B;C\n", encoding="utf-8")
    with pytest.raises(CommandError, match="rien n'a été importé"):
        call_command("import_signalements", "ville", str(path))


def test_the_upload_page_is_the_coordinators_and_says_what_is_wrong(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = f"/plans/{world.plan.slug}/signalements/import/"
    client.force_login(world.users["police"])
    assert client.get(url).status_code == 403
    client.force_login(world.users["coordinator"])
    page = client.get(url)
    assert page.status_code == 200 and "Importer les signalements de la plateforme nationale" in page.content.decode()
    bad = SimpleUploadedFile("p.csv", b"date;commune;adresse;description\n2023-02-30;A;B;Deal\n", "text/csv")
    refused = client.post(url, {"file": bad})
    assert refused.status_code == 400
    assert "Ligne 2, colonne « date »" in refused.content.decode()
    assert not Signalement.objects.filter(plan=world.plan).exists()
    good = SimpleUploadedFile("p.csv", GOOD.encode(), "text/csv")
    done = client.post(url, {"file": good}, follow=True)
    assert "2 signalements lus : 2 ajoutés, 0 déjà importés." in done.content.decode()
    stored = Signalement.objects.filter(plan=world.plan, source=Signalement.Source.NATIONAL_CHANNEL)
    assert stored.count() == 2 and {s.reporter for s in stored} == {world.users["coordinator"]}

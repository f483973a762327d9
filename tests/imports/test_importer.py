import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from copil.imports.importer import ImportRejected, import_records
from copil.records.models import Agreement, Camera, DealPoint, FieldObservation, Network, Operation, Seizure
from tests.factories import make_partner, make_plan
from tests.imports.conftest import record_counts

pytestmark = pytest.mark.django_db

SEIZURES = """identifiant;date;substance;quantite;unite;operation
S1;2023-03-01;cannabis;35;kg;
S2;2023-03-02;Héroïne;5,1;kg;
S3;15/03/2023;crack;548;g;
"""


def rejected(path, **kwargs) -> ImportRejected:
    with pytest.raises(ImportRejected) as caught:
        import_records(path, **kwargs)
    return caught.value


def test_valid_seizures_with_decimal_comma_and_french_dates(write_csv, plan, police):
    report = import_records(write_csv("saisies.csv", SEIZURES), plan=plan, partner=police)

    assert (report.kind, report.rows, report.created, report.updated, report.unchanged) == (
        "seizure",
        3,
        3,
        0,
        0,
    )
    heroin = Seizure.objects.get(partner=police, external_id="S2")
    assert (heroin.substance, heroin.quantity, heroin.unit, heroin.plan) == (
        "heroin",
        Decimal("5.1"),
        "kg",
        plan,
    )
    assert Seizure.objects.get(external_id="S3").seized_on == dt.date(2023, 3, 15)
    assert report.summary() == ("saisies.csv : 3 lignes lues, 3 enregistrements créés, 0 mis à jour, 0 inchangé")


def test_comma_delimiter_and_decimal_point(write_csv, plan, police):
    path = write_csv(
        "saisies.csv",
        'identifiant,date,substance,quantite,unite\nS1,2023-03-01,cocaine,"2,15",kg\nS2,2023-03-02,crack,0.548,kg\n',
    )
    import_records(path, plan=plan, partner=police)
    assert dict(Seizure.objects.values_list("external_id", "quantity")) == {
        "S1": Decimal("2.150"),
        "S2": Decimal("0.548"),
    }


def test_references_between_kinds_and_partners(write_csv, plan, police, city):
    import_records(
        write_csv("reseaux.csv", "identifiant;nom;identifie_le\nR1;Réseau du centre;2022-06-01\n"),
        plan=plan,
        partner=police,
    )
    import_records(
        write_csv(
            "points_de_deal.csv",
            "identifiant;nom;adresse;latitude;longitude;reseau;identifie_le;neutralise_le\n"
            "P1;Place de la gare;1 place de la gare;48,4321;0,0912;R1;2022-07-01;\n",
        ),
        plan=plan,
        partner=police,
    )
    import_records(
        write_csv(
            "operations.csv",
            "identifiant;date;type;point_de_deal;effectifs\nO1;2023-02-01;voie publique;P1;40\n",
        ),
        plan=plan,
        partner=police,
    )
    import_records(
        write_csv("interpellations.csv", "identifiant;date;role;operation\nA1;2023-02-01;vendeur;police:O1\n"),
        plan=plan,
        partner=city,
    )

    point = DealPoint.objects.get(external_id="P1")
    assert point.network == Network.objects.get(external_id="R1")
    assert (point.latitude, point.longitude) == (Decimal("48.432100"), Decimal("0.091200"))
    operation = Operation.objects.get(external_id="O1")
    assert (operation.deal_point, operation.kind, operation.staff_engaged) == (point, "public_road", 40)
    assert operation.arrests.get().partner == city


def test_agreement_parties_set_and_updated(write_csv, plan, police, city, prefecture):
    header = "identifiant;intitule;signee_le;axe;signataires\n"
    path = write_csv(
        "conventions.csv", header + "C1;Convention vidéoprotection;01/02/2023;vidéoprotection;police|mairie\n"
    )
    import_records(path, plan=plan, partner=prefecture)
    agreement = Agreement.objects.get(external_id="C1")
    assert (agreement.axis, set(agreement.parties.all())) == ("videoprotection", {police, city})

    path.write_text(header + "C1;Convention vidéoprotection;01/02/2023;vidéoprotection;police|mairie|prefecture\n")
    report = import_records(path, plan=plan, partner=prefecture)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert set(agreement.parties.all()) == {police, city, prefecture}

    report = import_records(path, plan=plan, partner=prefecture)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)


def test_reimport_is_idempotent_and_changed_row_updates(write_csv, plan, police):
    path = write_csv("saisies.csv", SEIZURES)
    import_records(path, plan=plan, partner=police)
    before = Seizure.objects.get(external_id="S1")

    again = import_records(path, plan=plan, partner=police)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Seizure.objects.count() == 3
    assert Seizure.objects.get(external_id="S1").updated_at == before.updated_at

    path.write_text(SEIZURES.replace("S1;2023-03-01;cannabis;35;kg;", "S1;2023-03-01;cannabis;36,5;kg;"))
    changed = import_records(path, plan=plan, partner=police)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)
    after = Seizure.objects.get(external_id="S1")
    assert after.pk == before.pk and after.quantity == Decimal("36.5") and after.updated_at > before.updated_at
    assert (before.version, after.version) == (1, 2)
    assert Seizure.objects.count() == 3


def test_same_identifier_of_another_partner_is_another_record(write_csv, plan, police, city):
    path = write_csv("saisies.csv", SEIZURES)
    import_records(path, plan=plan, partner=police)
    report = import_records(path, plan=plan, partner=city)
    assert report.created == 3 and Seizure.objects.count() == 6


def test_windows_1252_file_with_accents(write_csv, plan, police):
    text = (
        "Identifiant;Nom;Adresse;Installée le;Vision nocturne\n"
        "K1;Caméra Hôtel de ville;Rue de l'Église;01/06/2023;oui\n"
    )
    path = write_csv("cameras.csv", text, encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")

    import_records(path, plan=plan, partner=police)
    camera = Camera.objects.get(external_id="K1")
    assert (camera.name, camera.address, camera.night_vision) == (
        "Caméra Hôtel de ville",
        "Rue de l'Église",
        True,
    )


def test_utf8_bom_crlf_blank_lines_and_file_object(plan, police):
    data = (
        "\ufeffidentifiant;nom;installee_le;vision_nocturne\r\nK1;Gare;2023-06-01;non\r\n\r\nK2;Église;2023-06-02;\r\n"
    )
    report = import_records(io.BytesIO(data.encode("utf-8")), plan=plan, partner=police, kind="camera")
    assert report.rows == 2
    assert dict(Camera.objects.values_list("name", "night_vision")) == {"Gare": False, "Église": False}


def test_datetimes_are_read_in_paris_time(write_csv, plan, police):
    path = write_csv(
        "observations_terrain.csv",
        "identifiant;date_heure;latitude;longitude;personnes;source\n"
        "F1;2023-01-31T22:15;48.43;0.09;12;maraude\n"
        "F2;2023-07-31 22:15:30;48.43;0.09;3;patrouille\n"
        "F3;31/01/2023 22:15;48.43;0.09;0;caméra\n",
    )
    import_records(path, plan=plan, partner=police)
    paris = ZoneInfo("Europe/Paris")
    observed = dict(FieldObservation.objects.values_list("external_id", "observed_at"))
    assert observed["F1"] == dt.datetime(2023, 1, 31, 22, 15, tzinfo=paris)
    assert observed["F1"].astimezone(dt.UTC).hour == 21
    assert observed["F2"] == dt.datetime(2023, 7, 31, 22, 15, 30, tzinfo=paris)
    assert observed["F3"] == observed["F1"]


def test_kind_inferred_from_header_when_file_name_is_free(write_csv, plan, police):
    path = write_csv("export_janvier.csv", "identifiant;date;force;effectifs\nD1;2023-01-02;police nationale;120\n")
    assert import_records(path, plan=plan, partner=police).kind == "deployment_reading"


def test_kind_that_cannot_be_inferred_is_a_clear_error(write_csv, plan, police):
    ambiguous = rejected(
        write_csv("export.csv", "identifiant;date;type\nX;2023-01-01;maraude\n"), plan=plan, partner=police
    )
    assert str(ambiguous).startswith(
        "export.csv : impossible de déterminer le type d'enregistrement : "
        "les colonnes correspondent à plusieurs formats (operation, prevention_action)"
    )
    unknown = rejected(write_csv("export.csv", "identifiant;poids\nX;3\n"), plan=plan, partner=police)
    assert "ne correspondent à aucun format" in str(unknown)


@pytest.fixture
def imported(write_csv, plan, police):
    """A previously imported file, which a rejected import must leave intact."""
    import_records(write_csv("saisies.csv", SEIZURES), plan=plan, partner=police)
    return Seizure.objects.get(external_id="S2")


def assert_nothing_written(before: dict[str, int], imported: Seizure) -> None:
    assert record_counts() == before
    current = Seizure.objects.get(pk=imported.pk)
    assert (current.quantity, current.seized_on, current.updated_at) == (
        imported.quantity,
        imported.seized_on,
        imported.updated_at,
    )


def test_bad_date_rejects_the_whole_file(write_csv, plan, police, imported):
    before = record_counts()
    path = write_csv(
        "saisies.csv",
        "identifiant;date;substance;quantite;unite\nS2;2023-03-02;heroine;9;kg\nS9;31/02/2023;cannabis;1;kg\n",
    )
    error = rejected(path, plan=plan, partner=police)

    assert [(e.line, e.column, e.value) for e in error.errors] == [(3, "date", "31/02/2023")]
    assert str(error) == (
        "saisies.csv, ligne 3, colonne « date » : date invalide « 31/02/2023 » "
        "(formats acceptés : AAAA-MM-JJ ou JJ/MM/AAAA)"
    )
    assert_nothing_written(before, imported)


def test_every_error_is_reported_with_its_physical_line(write_csv, plan, police, imported):
    before = record_counts()
    path = write_csv(
        "saisies.csv",
        "identifiant;date;substance;quantite;unite\n"
        "S10;2023-03-02;cannabis;-3;kg\n"
        "\n"
        'S11;2023-03-02;"cocaïne\nrose";1;kg\n'
        "S12;2023-03-02;Cannabis;1;kilos\n"
        "S13;2023-13-02;crack;0;g\n",
    )
    error = rejected(path, plan=plan, partner=police)

    assert [(e.line, e.column) for e in error.errors] == [
        (2, "quantite"),
        (4, "substance"),
        (7, "date"),
        (7, "quantite"),
    ]
    lines = str(error).splitlines()
    assert lines[0] == (
        "saisies.csv, ligne 2, colonne « quantite » : valeur hors limites « -3 » (doit être strictement supérieure à 0)"
    )
    assert lines[1].startswith("saisies.csv, ligne 4, colonne « substance » : valeur inconnue « cocaïne rose » ")
    assert "valeurs acceptées : cannabis, résine de cannabis" in str(error)
    assert_nothing_written(before, imported)


def test_negative_quantity(write_csv, plan, police, imported):
    before = record_counts()
    path = write_csv("saisies.csv", "identifiant;date;substance;quantite;unite\nS20;2023-03-02;cannabis;-1,5;kg\n")
    error = rejected(path, plan=plan, partner=police)
    assert [(e.line, e.column, e.value) for e in error.errors] == [(2, "quantite", "-1,5")]
    assert_nothing_written(before, imported)


def test_unknown_substance_lists_accepted_values(write_csv, plan, police, imported):
    before = record_counts()
    path = write_csv("saisies.csv", SEIZURES.replace("S3;15/03/2023;crack", "S3;15/03/2023;ecstasy"))
    error = rejected(path, plan=plan, partner=police)
    assert str(error) == (
        "saisies.csv, ligne 4, colonne « substance » : valeur inconnue « ecstasy » (valeurs acceptées : "
        "cannabis, résine de cannabis, herbe de cannabis, héroïne, cocaïne, crack, cocaïne basée, autre)"
    )
    assert_nothing_written(before, imported)


def test_missing_and_unknown_columns(write_csv, plan, police, imported):
    before = record_counts()
    path = write_csv("saisies.csv", "identifiant;date;substance;unite;poids\nS30;2023-03-02;cannabis;kg;3\n")
    error = rejected(path, plan=plan, partner=police)
    assert [(e.line, e.column) for e in error.errors] == [(1, "poids"), (1, "quantite")]
    assert str(error).splitlines()[1] == "saisies.csv, ligne 1, colonne « quantite » : colonne obligatoire absente"
    assert_nothing_written(before, imported)


def test_duplicate_identifier_names_both_lines(write_csv, plan, police, imported):
    before = record_counts()
    path = write_csv("saisies.csv", SEIZURES + "S2;2023-04-01;crack;1;g;\n")
    error = rejected(path, plan=plan, partner=police)
    assert [(e.line, e.column) for e in error.errors] == [(5, "identifiant")]
    assert "« S2 » figure deux fois dans le fichier (lignes 3 et 5)" in str(error)
    assert_nothing_written(before, imported)


def test_unknown_reference_and_unknown_partner(write_csv, plan, police, city, imported):
    before = record_counts()
    path = write_csv(
        "saisies.csv",
        "identifiant;date;substance;quantite;unite;operation\n"
        "S40;2023-03-02;cannabis;1;kg;O404\n"
        "S41;2023-03-02;cannabis;1;kg;mairie:O1\n",
    )
    error = rejected(path, plan=plan, partner=police)
    assert [(e.line, e.column, e.value) for e in error.errors] == [
        (2, "operation", "O404"),
        (3, "operation", "mairie:O1"),
    ]
    assert "aucun enregistrement « O404 » du partenaire « police » dans operations.csv" in str(error)
    assert "du partenaire « mairie »" in str(error)

    parties = write_csv(
        "conventions.csv", "identifiant;intitule;signee_le;signataires\nC1;Convention;2023-01-01;police|ars\n"
    )
    error = rejected(parties, plan=plan, partner=police)
    assert [(e.line, e.column, e.value) for e in error.errors] == [(2, "signataires", "police|ars")]
    assert "partenaire inconnu « ars »" in str(error)
    assert_nothing_written(before, imported)


def test_reference_to_another_plan_is_unknown(write_csv, plan, police):
    other = make_plan()
    other_police = make_partner(other, code="police")
    import_records(
        write_csv("operations.csv", "identifiant;date;type\nO1;2023-02-01;perquisition\n"),
        plan=other,
        partner=other_police,
    )
    error = rejected(
        write_csv("interpellations.csv", "identifiant;date;role;operation\nA1;2023-02-01;usager;O1\n"),
        plan=plan,
        partner=police,
    )
    assert [(e.line, e.column) for e in error.errors] == [(2, "operation")]


def test_date_order_is_checked(write_csv, plan, police):
    error = rejected(
        write_csv(
            "points_de_deal.csv",
            "identifiant;nom;identifie_le;neutralise_le\nP1;Gare;2023-05-01;2023-04-30\nP2;Halles;2023-05-01;2023-05-01\n",
        ),
        plan=plan,
        partner=police,
    )
    assert [(e.line, e.column) for e in error.errors] == [(2, "neutralise_le")]
    assert DealPoint.objects.count() == 0


def test_booleans_integers_and_types(write_csv, plan, police):
    header = (
        "identifiant;date;recidiviste;deferement;interdiction_sejour;obligation_soins;"
        "reconduite_frontiere;emprisonnement_mois\n"
    )
    path = write_csv(
        "condamnations.csv",
        header + "J1;2023-01-10;Oui;x;VRAI;1;;12\nJ2;2023-01-10;peut-être;non;faux;0;n;douze\n",
    )
    error = rejected(path, plan=plan, partner=police)
    assert [(e.line, e.column) for e in error.errors] == [(3, "recidiviste"), (3, "emprisonnement_mois")]
    assert "oui, o, vrai, true, 1, x, non, n, faux, false, 0" in str(error)

    path.write_text(header + "J1;2023-01-10;Oui;x;VRAI;1;;12\n")
    import_records(path, plan=plan, partner=police)
    from copil.records.models import Conviction

    conviction = Conviction.objects.get()
    assert (conviction.repeat_offender, conviction.referral_to_court, conviction.residence_ban) == (
        True,
        True,
        True,
    )
    assert (conviction.care_order, conviction.removal_order, conviction.prison_months) == (True, False, 12)


def test_partner_of_another_plan_is_refused(write_csv, plan):
    stranger = make_partner(make_plan(), code="intrus")
    error = rejected(write_csv("saisies.csv", SEIZURES), plan=plan, partner=stranger)
    assert "n'appartient pas au plan" in str(error)
    assert Seizure.objects.count() == 0

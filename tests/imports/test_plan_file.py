import datetime as dt
from decimal import Decimal

import pytest

from copil.imports.importer import ImportRejected
from copil.imports.plan_file import PlanFileError, import_plan_directory, load_plan_file
from copil.plans.models import Action, Axis, Decision, Meeting, Partner, Plan, Target, Territory
from copil.records.models import Agreement, Arrest, DealPoint, Network, Operation, Seizure
from tests.imports.conftest import record_counts

pytestmark = pytest.mark.django_db

PLAN_TOML = """
[[territories]]
insee_code = "61"
name = "Orne"
level = "departement"
population = 276903

[[territories]]
insee_code = "61001"
name = "Alençon"
level = "commune"
population = 25848
parent = "61"

[plan]
slug = "alencon"
name = "Plan anti-crack d'Alençon"
territory = "61001"
started_on = 2023-01-01
description = "Plan de lutte contre le crack."

[[axes]]
code = "repression"
title = "Répression du trafic"

[[axes]]
code = "prevention_care"
title = "Prévention et soins"

[[partners]]
code = "prefecture"
name = "Préfecture de l'Orne"
role = "coordinator"
axes = ["repression", "prevention_care"]

[[partners]]
code = "police-nationale"
name = "Police nationale"
role = "police"
axes = ["repression"]

[[partners]]
code = "mairie"
name = "Mairie d'Alençon"
role = "city"

[[actions]]
title = "Renforcer les patrouilles"
axis = "repression"
owner = "police-nationale"
status = "done"
due_on = 2023-06-30

[[meetings]]
held_on = 2024-07-02
title = "COPIL de juillet"
place = "Préfecture"
attendees = ["prefecture", "mairie"]
decisions = [
  "Étendre la vidéoprotection",
  { text = "Poursuivre les patrouilles", action = "Renforcer les patrouilles" },
]
"""


def plan_counts() -> dict[str, int]:
    models = (Territory, Plan, Axis, Partner, Action, Meeting, Decision)
    counts = {model.__name__: model.objects.count() for model in models}
    counts["partner_axes"] = Partner.axes.through.objects.count()
    counts["attendees"] = Meeting.attendees.through.objects.count()
    return counts


@pytest.fixture
def plan_file(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(PLAN_TOML)
    return path


def test_plan_file_loads_everything(plan_file):
    plan = load_plan_file(plan_file)

    assert (plan.slug, plan.name, plan.started_on, plan.ended_on) == (
        "alencon",
        "Plan anti-crack d'Alençon",
        dt.date(2023, 1, 1),
        None,
    )
    assert plan.territory.parent.name == "Orne"
    assert list(plan.axes.values_list("code", "position")) == [("repression", 0), ("prevention_care", 1)]
    prefecture = plan.partners.get(code="prefecture")
    assert (prefecture.role, set(prefecture.axes.values_list("code", flat=True))) == (
        "coordinator",
        {"repression", "prevention_care"},
    )
    action = plan.actions.get()
    assert (action.owner.code, action.axis.code, action.status, action.due_on) == (
        "police-nationale",
        "repression",
        "done",
        dt.date(2023, 6, 30),
    )
    meeting = plan.meetings.get()
    assert set(meeting.attendees.values_list("code", flat=True)) == {"prefecture", "mairie"}
    assert dict(meeting.decisions.values_list("text", "action__title")) == {
        "Étendre la vidéoprotection": None,
        "Poursuivre les patrouilles": "Renforcer les patrouilles",
    }


def test_plan_file_is_idempotent_and_updates(plan_file):
    load_plan_file(plan_file)
    first = plan_counts()
    load_plan_file(plan_file)
    assert plan_counts() == first

    plan_file.write_text(PLAN_TOML.replace('role = "city"', 'role = "city"\naxes = ["prevention_care"]'))
    load_plan_file(plan_file)
    assert plan_counts() == {**first, "partner_axes": first["partner_axes"] + 1}
    assert Partner.objects.get(code="mairie").axes.get().code == "prevention_care"


def test_plan_file_errors_name_file_and_key(plan_file):
    plan_file.write_text(
        PLAN_TOML.replace('role = "city"', 'role = "polise"')
        .replace("started_on = 2023-01-01", "started_on = 2023-01-01\nended_on = 2022-12-31")
        .replace('owner = "police-nationale"', 'owner = "gendarmerie"')
        .replace('level = "commune"', 'level = "commune"\ncouleur = "bleu"')
    )
    with pytest.raises(PlanFileError) as caught:
        load_plan_file(plan_file)

    assert caught.value.errors == [
        "plan.toml, territories[2].couleur : clé inconnue (clés admises : insee_code, level, name, parent, population)",
        "plan.toml, plan.ended_on : le plan se termine avant de commencer",
        "plan.toml, partners[3].role : rôle inconnu « polise » (valeurs admises : "
        "coordinator, police, justice, city, housing, care, health, public)",
        "plan.toml, actions[1].owner : partenaire inconnu « gendarmerie » "
        "(connus : mairie, police-nationale, prefecture)",
    ]
    assert plan_counts() == dict.fromkeys(plan_counts(), 0)


def test_invalid_toml_is_reported(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text("[plan\nslug = 1\n")
    with pytest.raises(PlanFileError, match=r"^plan\.toml : TOML invalide"):
        load_plan_file(path)


def write_directory(root, plan_toml: str = PLAN_TOML) -> None:
    (root / "plan.toml").write_text(plan_toml)
    police = root / "police-nationale"
    police.mkdir()
    # Written in reverse dependency order on purpose: the loader must sort them.
    (police / "saisies.csv").write_text(
        "identifiant;date;substance;quantite;unite;operation\nS1;2023-03-01;crack;12,5;g;O1\n"
    )
    (police / "operations.csv").write_text("identifiant;date;type;point_de_deal\nO1;2023-03-01;perquisition;P1\n")
    (police / "points_de_deal.csv").write_text("identifiant;nom;reseau;identifie_le\nP1;Gare;R1;2023-01-15\n")
    (police / "reseaux.csv").write_text("identifiant;nom\nR1;Réseau de la gare\n")
    mairie = root / "mairie"
    mairie.mkdir()
    (mairie / "interpellations.csv").write_text(
        "identifiant;date;role;operation\nA1;2023-03-01;usager;police-nationale:O1\n"
    )
    prefecture = root / "prefecture"
    prefecture.mkdir()
    (prefecture / "conventions.csv").write_text(
        "identifiant;intitule;signee_le;signataires\nC1;Convention police-mairie;2023-02-01;police-nationale|mairie\n"
    )


def test_plan_directory_imports_in_dependency_order(tmp_path):
    write_directory(tmp_path)
    reports = import_plan_directory(tmp_path)

    assert [(r.file_name, r.created) for r in reports] == [
        ("police-nationale/reseaux.csv", 1),
        ("police-nationale/points_de_deal.csv", 1),
        ("police-nationale/operations.csv", 1),
        ("police-nationale/saisies.csv", 1),
        ("mairie/interpellations.csv", 1),
        ("prefecture/conventions.csv", 1),
    ]
    assert Seizure.objects.get().operation.deal_point.network == Network.objects.get()
    assert Arrest.objects.get().operation == Operation.objects.get()
    assert set(Agreement.objects.get().parties.values_list("code", flat=True)) == {
        "police-nationale",
        "mairie",
    }

    again = import_plan_directory(tmp_path)
    assert [(r.created, r.updated, r.unchanged) for r in again] == [(0, 0, 1)] * 6
    assert DealPoint.objects.count() == 1


def test_plan_directory_is_atomic(tmp_path):
    write_directory(tmp_path)
    (tmp_path / "mairie" / "interpellations.csv").write_text(
        "identifiant;date;role;operation\nA1;2023-03-01;usager;O1\n"
    )
    with pytest.raises(ImportRejected) as caught:
        import_plan_directory(tmp_path)
    assert [(e.file_name, e.line, e.column) for e in caught.value.errors] == [
        ("mairie/interpellations.csv", 2, "operation")
    ]
    assert record_counts() == dict.fromkeys(record_counts(), 0)
    assert plan_counts() == dict.fromkeys(plan_counts(), 0)


def test_plan_directory_unknown_partner_folder(tmp_path):
    write_directory(tmp_path)
    (tmp_path / "gendarmerie").mkdir()
    with pytest.raises(PlanFileError, match="le dossier « gendarmerie » ne correspond à aucun partenaire du plan"):
        import_plan_directory(tmp_path)
    assert plan_counts() == dict.fromkeys(plan_counts(), 0)


def test_plan_file_targets(plan_file):
    targets = (
        '\n[[targets]]\nindicator = "cameras_in_service"\nvalue = 80\nnote = "80 caméras à la fin du plan"\n'
        '\n[[targets]]\nindicator = "deal_points_active"\nvalue = 2.5\ndirection = "down"\n'
    )
    plan_file.write_text(PLAN_TOML + targets)
    plan = load_plan_file(plan_file)
    assert sorted(plan.targets.values_list("indicator", "value", "direction", "note")) == [
        ("cameras_in_service", 80, "up", "80 caméras à la fin du plan"),
        ("deal_points_active", Decimal("2.5"), "down", ""),
    ]
    load_plan_file(plan_file)
    assert Target.objects.count() == 2  # loading again updates, never duplicates

    plan_file.write_text(
        PLAN_TOML
        + '\n[[targets]]\nindicator = "cameras"\nvalue = 80\n'
        + '\n[[targets]]\nindicator = "arrests"\nvalue = -1\ndirection = "sideways"\n'
        + '\n[[targets]]\nindicator = "arrests"\nvalue = 3\n'
    )
    with pytest.raises(PlanFileError) as caught:
        load_plan_file(plan_file)
    assert caught.value.errors == [
        "plan.toml, targets[1].indicator : indicateur inconnu « cameras »",
        "plan.toml, targets[2].value : objectif invalide « -1 » : un nombre positif est attendu",
        "plan.toml, targets[2].direction : sens inconnu « sideways » (valeurs admises : up, down)",
        "plan.toml, targets[3].indicator : l’indicateur « arrests » a deux objectifs",
    ]
    assert Target.objects.count() == 2

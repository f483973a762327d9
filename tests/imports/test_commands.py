import io

import pytest
from django.core.management import CommandError, call_command

from copil.records.models import Seizure
from tests.imports.conftest import record_counts
from tests.imports.test_plan_file import write_directory

pytestmark = pytest.mark.django_db


def test_import_command_prints_summary(write_csv, plan, police):
    path = write_csv("saisies.csv", "identifiant;date;substance;quantite;unite\nS1;2023-03-01;cannabis;35;kg\n")
    out = io.StringIO()
    call_command("import", str(path), plan=plan.slug, partner=police.code, stdout=out)
    assert out.getvalue().strip() == "saisies.csv : 1 ligne lue, 1 enregistrement créé, 0 mis à jour, 0 inchangé"
    assert Seizure.objects.count() == 1


def test_import_command_fails_on_rejection_and_prints_every_error(write_csv, plan, police):
    path = write_csv(
        "donnees.csv",
        "identifiant;date;substance;quantite;unite\nS1;2023-02-30;cannabis;35;kg\nS2;2023-03-01;cannabis;-2;kg\n",
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="import refusé : 2 erreurs, rien n'a été enregistré"):
        call_command("import", str(path), plan=plan.slug, partner=police.code, kind="seizure", stderr=err)
    assert err.getvalue().splitlines() == [
        "donnees.csv, ligne 2, colonne « date » : date invalide « 2023-02-30 » "
        "(formats acceptés : AAAA-MM-JJ ou JJ/MM/AAAA)",
        "donnees.csv, ligne 3, colonne « quantite » : valeur hors limites « -2 » "
        "(doit être strictement supérieure à 0)",
    ]
    assert record_counts() == dict.fromkeys(record_counts(), 0)


def test_import_command_unknown_partner(write_csv, plan):
    path = write_csv("saisies.csv", "identifiant;date;substance;quantite;unite\n")
    with pytest.raises(CommandError, match="partenaire inconnu « douane »"):
        call_command("import", str(path), plan=plan.slug, partner="douane")


def test_import_plan_command(tmp_path):
    write_directory(tmp_path)
    out = io.StringIO()
    call_command("import-plan", str(tmp_path / "plan.toml"), stdout=out)
    assert out.getvalue().strip() == "plan « Plan anti-crack d'Alençon » chargé"

    out = io.StringIO()
    call_command("import-plan", str(tmp_path), stdout=out)
    assert out.getvalue().splitlines()[-1] == "6 fichiers importés"

    (tmp_path / "plan.toml").write_text("[plan]\nslug = 'alencon'\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="plan non chargé"):
        call_command("import-plan", str(tmp_path), stderr=err)
    assert "plan.toml, plan.name : valeur obligatoire manquante" in err.getvalue()

import importlib
import io

import pytest
from django.core.management import CommandError, call_command

from copil.__main__ import main
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
    call_command("import_plan", str(tmp_path / "plan.toml"), stdout=out)
    assert out.getvalue().strip() == "plan « Plan anti-crack d'Alençon » chargé"

    out = io.StringIO()
    call_command("import_plan", str(tmp_path), stdout=out)
    assert out.getvalue().splitlines()[-1] == "6 fichiers importés"

    (tmp_path / "plan.toml").write_text("[plan]\nslug = 'alencon'\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="plan non chargé"):
        call_command("import_plan", str(tmp_path), stderr=err)
    assert "plan.toml, plan.name : valeur obligatoire manquante" in err.getvalue()


def test_the_copil_command_keeps_the_hyphenated_name_of_import_plan(tmp_path, capsys):
    write_directory(tmp_path)
    main(["copil", "import-plan", str(tmp_path / "plan.toml")])
    assert capsys.readouterr().out.strip() == "plan « Plan anti-crack d'Alençon » chargé"
    main(["copil", "help", "import-plan"])
    assert capsys.readouterr().out.startswith("usage: copil import_plan ")


HEADER = "identifiant;date;substance;quantite;unite\n"


def test_import_command_dry_run_and_replace_period(write_csv, plan, police):
    path = write_csv("saisies.csv", HEADER + "S1;2023-03-01;cannabis;35;kg\nS2;2023-04-01;crack;1;g\n")
    call_command("import", str(path), plan=plan.slug, partner=police.code, stdout=io.StringIO())
    path.write_text(HEADER + "S1;2023-03-01;cannabis;36;kg\n")
    out = io.StringIO()
    call_command(
        "import",
        str(path),
        "--dry-run",
        "--replace-period",
        "2023-01-01..2023-12-31",
        plan=plan.slug,
        partner=police.code,
        stdout=out,
    )
    assert out.getvalue().strip() == (
        "saisies.csv : 1 ligne lue, 0 enregistrement créé, 1 mis à jour, 0 inchangé, 1 supprimé "
        "(simulation : rien n'a été enregistré)"
    )
    assert Seizure.objects.count() == 2
    call_command(
        "import",
        str(path),
        "--replace-period",
        "2023-01-01..2023-12-31",
        plan=plan.slug,
        partner=police.code,
        stdout=io.StringIO(),
    )
    assert list(Seizure.objects.values_list("external_id", "quantity")) == [("S1", 36)]
    with pytest.raises(CommandError, match="elle se termine avant de commencer"):
        call_command(
            "import", str(path), "--replace-period", "2023-12-31..2023-01-01", plan=plan.slug, partner=police.code
        )


def test_import_command_draws_a_progress_bar_on_stderr(write_csv, plan, police):
    path = write_csv("saisies.csv", HEADER + "".join(f"S{i};2023-03-01;cannabis;1;kg\n" for i in range(30)))
    err = io.StringIO()
    call_command(
        "import", str(path), "--progress", plan=plan.slug, partner=police.code, stdout=io.StringIO(), stderr=err
    )
    assert err.getvalue() == "\r[##############################] 100 % — 30 / 30 lignes\n"
    quiet = io.StringIO()
    call_command("import", str(path), plan=plan.slug, partner=police.code, stdout=io.StringIO(), stderr=quiet)
    assert quiet.getvalue() == "", "no bar when stderr is not a terminal"


def test_progress_bar_skips_small_files_and_throttles():
    from django.core.management.base import OutputWrapper

    progress_bar = importlib.import_module("copil.imports.management.commands.import").ProgressBar
    small, stream = io.StringIO(), io.StringIO()
    bar = progress_bar(OutputWrapper(small))
    bar(10, 100)
    bar(100, 100)
    assert small.getvalue() == ""
    bar = progress_bar(OutputWrapper(stream), width=10, interval=3600)
    for done in (10_000, 20_000, 30_000):
        bar(done, 200_000)
    bar(200_000, 200_000)
    assert stream.getvalue().split("\r")[1:] == [
        "[----------] 5 % — 10\u202f000 / 200\u202f000 lignes",
        "[##########] 100 % — 200\u202f000 / 200\u202f000 lignes\n",
    ]
    unknown = io.StringIO()
    bar = progress_bar(OutputWrapper(unknown), min_rows=0)
    bar(5, None)
    assert unknown.getvalue() == "\r5 lignes lues"


def test_import_command_reads_xlsx(plan, police, tmp_path):
    from tests.imports.test_spreadsheets import workbook_bytes

    path = tmp_path / "saisies.xlsx"
    path.write_bytes(workbook_bytes([HEADER.strip().split(";"), ["S1", "2023-03-01", "crack", 1, "g"]]))
    out = io.StringIO()
    call_command("import", str(path), plan=plan.slug, partner=police.code, stdout=out)
    assert out.getvalue().strip() == "saisies.xlsx : 1 ligne lue, 1 enregistrement créé, 0 mis à jour, 0 inchangé"

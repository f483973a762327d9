"""`copil import-ssmsi`: both layouts, gzip, withheld figures, zero population, Corsica, idempotence, refusals."""

import gzip
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from copil.official_statistics.models import OfficialFigure

DATA = Path(__file__).parent / "data"


def figures():
    return {
        (f.geography, f.code, f.year, f.indicator): (f.published, f.count, f.rate_per_thousand, f.population)
        for f in OfficialFigure.objects.all()
    }


@pytest.fixture
def imported(db):
    call_command("import_ssmsi", str(DATA / "communes.csv"))
    return figures()


def test_only_drug_indicators_are_kept_by_default(imported):
    assert not any(key[3] == "Cambriolages de logement" for key in imported)
    assert imported[("commune", "61001", 2024, "Usage de stupéfiants")] == (True, 349, Decimal("13.502"), 25848)
    assert imported[("commune", "61001", 2024, "Trafic de stupéfiants")][1] == 41


def test_an_indicator_chosen_on_the_command_line_is_kept(db):
    call_command("import_ssmsi", str(DATA / "communes.csv"), indicators=["Cambriolages de logement"])
    assert figures()[("commune", "61001", 2024, "Cambriolages de logement")][1] == 120


def test_withheld_figures_are_empty_never_zero_nor_the_complement(imported):
    """ndiff: no count, no rate; complement_info (2,4 and 3,1) appears nowhere."""
    assert imported[("commune", "61002", 2024, "Usage de stupéfiants")] == (False, None, None, 800)
    assert imported[("commune", "2B033", 2024, "Trafic de stupéfiants")] == (False, None, None, 47000)


def test_a_commune_without_population_has_no_rate(imported):
    assert imported[("commune", "61003", 2024, "Usage de stupéfiants")] == (True, 0, None, 0)


def test_corsica_codes_are_kept_as_written(imported):
    assert imported[("commune", "2A004", 2024, "Usage de stupéfiants")][1] == 210


def test_the_older_layout_and_two_digit_years(db):
    call_command("import_ssmsi", str(DATA / "communes-2023.csv"))
    found = figures()
    assert found[("commune", "61001", 2016, "Usage de stupéfiants")] == (True, 250, Decimal("9.6719"), 25848)
    assert found[("commune", "61002", 2017, "Usage de stupéfiants")] == (False, None, None, 800)
    assert len(found) == 3


def test_the_departemental_base_and_gzip(db, tmp_path):
    packed = tmp_path / "departements.csv.gz"
    with open(DATA / "departements.csv", "rb") as source, gzip.open(packed, "wb") as target:
        shutil.copyfileobj(source, target)
    call_command("import_ssmsi", str(packed))
    found = figures()
    assert found[("departement", "61", 2024, "Usage de stupéfiants")] == (True, 1024, Decimal("3.6981"), 276903)
    assert found[("departement", "2A", 2024, "Usage de stupéfiants")][1] == 420


def test_reimport_changes_nothing(imported, capsys):
    call_command("import_ssmsi", str(DATA / "communes.csv"))
    assert figures() == imported
    assert "0 créés, 0 mis à jour, 7 inchangés" in capsys.readouterr().out


def _bad_copy(tmp_path, line: int, old: str, new: str) -> Path:
    lines = (DATA / "communes.csv").read_text(encoding="utf-8").splitlines()
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("line", "old", "new", "message"),
    [
        (3, "349", "trois", "ligne 3, colonne « nombre » : n'est pas un nombre entier"),
        (3, "13,5020", "13.5.0", "ligne 3, colonne « taux_pour_mille »"),
        (9, '"ndiff"', '"peut-être"', "ligne 9, colonne « est_diffuse »"),
        (8, '"2A004"', '"2C004"', "ligne 8, colonne « CODGEO_2024 » : « 2C004 » n'est pas un code INSEE"),
        (5, "120;8,5;", "120;", "ligne 5 : 12 colonnes au lieu de 13"),
        (4, "41;", "NA;", "ligne 4, colonne « nombre » : un chiffre diffusé n'a pas de valeur"),
        (3, ";25848;", ";99999999999;", "ligne 3, colonne « insee_pop » : n'est pas un nombre entier"),
        (3, "13,5020", "1e9", "ligne 3, colonne « taux_pour_mille » : n'est pas un nombre"),
    ],
)
def test_a_malformed_file_is_refused_with_line_and_column_and_nothing_changes(
    imported, tmp_path, line, old, new, message
):
    with pytest.raises(CommandError, match="rien n'a été importé") as refused:
        call_command("import_ssmsi", str(_bad_copy(tmp_path, line, old, new)))
    assert message in str(refused.value)
    assert figures() == imported


def test_a_file_of_another_kind_is_refused(db, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("date;identifiant\n2024-01-01;1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="ligne 1, colonne « date »"):
        call_command("import_ssmsi", str(path))
    assert not OfficialFigure.objects.exists()


def test_the_same_figure_twice_is_refused(imported, tmp_path):
    lines = (DATA / "communes.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "twice.csv"
    path.write_text("\n".join([*lines, lines[2]]) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="ligne 10, colonne « CODGEO_2024 » : le même chiffre figure deux fois"):
        call_command("import_ssmsi", str(path))
    assert figures() == imported


def test_a_broken_gzip_is_refused_in_french(imported, tmp_path):
    packed = gzip.compress((DATA / "communes.csv").read_bytes())
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(CommandError, match="fichier illisible"):
        call_command("import_ssmsi", str(path))
    assert figures() == imported

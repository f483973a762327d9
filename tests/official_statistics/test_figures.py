"""The official rates of a plan's territory, its département and France, and the bilan's sentence."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from copil.official_statistics.figures import departement_code, format_rate, official_comparison, official_sentence
from copil.official_statistics.models import OfficialFigure
from tests.factories import make_plan, make_territory

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _french():
    with translation.override("fr"):
        yield


@pytest.fixture
def imported(db):
    call_command("import_ssmsi", str(DATA / "communes.csv"))
    call_command("import_ssmsi", str(DATA / "communes-2023.csv"))
    call_command("import_ssmsi", str(DATA / "departements.csv"))


def plan_on(code: str, name: str, **fields):
    return make_plan(territory=make_territory(insee_code=code, name=name, **fields))


@pytest.mark.parametrize(
    ("code", "level", "expected"),
    [("75056", "commune", "75"), ("2A004", "commune", "2A"), ("97411", "commune", "974"), ("11", "region", None)],
)
def test_the_departement_is_read_from_the_commune_code(db, code, level, expected):
    assert departement_code(make_territory(insee_code=code, level=level)) == expected


def test_the_departement_of_the_territory_tree_comes_first(db):
    orne = make_territory(insee_code="61", name="Orne", level="departement")
    assert departement_code(make_territory(insee_code="99999", parent=orne)) == "61"


def test_the_sentence_compares_the_territory_with_its_departement(imported):
    comparison = official_comparison(plan_on("61001", "Alençon"))
    assert [row.year for row in comparison.years] == [2016, 2017, 2023, 2024]
    assert official_sentence(comparison) == (
        "En 2024, 13,5 personnes mises en cause pour usage de stupéfiants pour 1 000 habitants à Alençon, "
        "contre 3,7 dans le département."
    )
    assert official_sentence(comparison, 2016).startswith("En 2016, 9,7 personnes")


def test_a_withheld_figure_is_said_withheld_never_zero_nor_the_complement(imported):
    comparison = official_comparison(plan_on("61002", "Commune retenue"))
    row = comparison.years[-1]
    assert (row.territory.status, row.territory.value) == ("withheld", None)
    assert row.territory_text == "non diffusé"
    assert official_sentence(comparison) == (
        "En 2024, le nombre de personnes mises en cause pour usage de stupéfiants à Commune retenue n'est pas "
        "diffusé par le SSMSI."
    )


def test_a_commune_without_population_has_no_rate(imported):
    row = official_comparison(plan_on("61003", "Commune vide")).years[-1]
    assert row.territory.status == "no_population"
    assert format_rate(row.territory) == "sans population"


def test_communes_are_never_summed_into_their_departement(db):
    call_command("import_ssmsi", str(DATA / "communes.csv"))
    row = official_comparison(plan_on("61001", "Alençon")).years[-1]
    assert row.territory.status == "published"
    assert row.departement.status == "missing"
    assert official_sentence(official_comparison(plan_on("61004", "Autre"))) is None


def _departements(year: int, count: int, *, withheld: int = 0) -> None:
    OfficialFigure.objects.bulk_create(
        OfficialFigure(
            geography="departement",
            code=f"{n + 1:02d}",
            year=year,
            indicator="Usage de stupéfiants",
            unit="Mis en cause",
            published=n >= withheld,
            count=100 + n if n >= withheld else None,
            rate_per_thousand=Decimal("1") if n >= withheld else None,
            population=50_000 + n,
        )
        for n in range(count)
    )


def test_france_is_given_only_for_complete_years_of_departements(db):
    _departements(2022, 96)
    _departements(2023, 95)
    _departements(2024, 96, withheld=1)
    years = {row.year: row for row in official_comparison(plan_on("01001", "Ain-ville")).years}
    expected = Decimal(sum(100 + n for n in range(96))) * 1000 / Decimal(sum(50_000 + n for n in range(96)))
    assert years[2022].france.value == expected
    assert years[2023].france.status == "missing"
    assert years[2024].france.status == "missing"
    assert official_sentence(official_comparison(plan_on("01002", "Autre")), 2022) is None


def test_the_sentence_names_france_when_it_is_known(db):
    _departements(2022, 96)
    OfficialFigure.objects.create(
        geography="commune",
        code="01001",
        year=2022,
        indicator="Usage de stupéfiants",
        unit="Mis en cause",
        published=True,
        count=12,
        rate_per_thousand=Decimal("4.25"),
        population=2800,
    )
    assert official_sentence(official_comparison(plan_on("01001", "Ain-ville"))) == (
        "En 2022, 4,3 personnes mises en cause pour usage de stupéfiants pour 1 000 habitants à Ain-ville, "
        "contre 1,0 dans le département et 2,9 en France."
    )

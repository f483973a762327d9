"""The actions_du_plan and budget_du_plan formats (issue 14, family 8): a budget year is written YYYY or as its
1 January, may lie a few years ahead (a budget planned for the plan's next years), and any other day is refused with
a message naming it; statuses read the plan follow-up tables' words."""

import datetime as dt

import pytest
from django.utils import timezone

from copil.formats import FORMATS, CellError, CellParsers, ColumnType


@pytest.fixture
def year_parser(db):
    fmt = FORMATS["budget_line"]
    column = fmt.column("annee")
    assert column.type == ColumnType.DATE and column.year and column.required
    return CellParsers(fmt).converter(column)


@pytest.mark.parametrize("raw", ["2020", "2020-01-01", "01/01/2020"])
def test_a_year_is_read_as_its_first_of_january(year_parser, raw):
    assert year_parser(raw) == "2020-01-01"


def test_a_spreadsheet_year_is_a_number_or_the_first_of_january(year_parser):
    assert year_parser(2021) == "2021-01-01"
    assert year_parser(2021.0) == "2021-01-01"  # ODS and some XLSX writers store every number as a float
    assert year_parser(dt.date(2021, 1, 1)) == "2021-01-01"
    with pytest.raises(CellError, match="n'est pas le 1er janvier d'une année"):
        year_parser(dt.date(2021, 3, 1))


def test_a_year_of_the_plan_ahead_is_accepted_not_one_too_far(year_parser):
    next_year = timezone.localdate().year + 1
    assert year_parser(str(next_year)) == f"{next_year}-01-01"
    with pytest.raises(CellError, match="trop lointaine"):
        year_parser(str(next_year + 20))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2020-06-30", "« 2020-06-30 » n'est pas le 1er janvier d'une année : indiquer l'année au format AAAA"),
        ("1999", "antérieure au 01/01/2000"),
        ("deux mille", "date invalide"),
    ],
)
def test_another_day_or_no_year_is_refused(year_parser, raw, message):
    with pytest.raises(CellError, match=message):
        year_parser(raw)


def test_amounts_are_non_negative_euros(db):
    fmt = FORMATS["budget_line"]
    parser = CellParsers(fmt).converter(fmt.column("engage"))
    assert parser("2 450 000,50") == "2450000.50"
    with pytest.raises(CellError):
        parser("-10")


@pytest.mark.parametrize(
    ("raw", "code"),
    [("Réalisée", "done"), ("en cours", "in_progress"), ("Prévue", "planned"), ("abandonnée", "cancelled")],
)
def test_the_statuses_read_the_follow_up_tables_words(db, raw, code):
    fmt = FORMATS["plan_measure"]
    assert CellParsers(fmt).converter(fmt.column("statut"))(raw) == code

"""The activite_rdr format (issue 14, family 6): a month is written YYYY-MM, MM/YYYY or as its first day; any other
day of the month is refused with a message naming it, so that the sites' rows of one month share their date."""

import datetime as dt

import pytest

from copil.formats import FORMATS, CellError, CellParsers, ColumnType


@pytest.fixture
def month_parser(db):
    fmt = FORMATS["care_activity"]
    column = fmt.column("mois")
    assert column.type == ColumnType.DATE and column.month and column.required
    return CellParsers(fmt).converter(column)


@pytest.mark.parametrize("raw", ["2023-09", "2023-9", "09/2023", "2023-09-01", "01/09/2023"])
def test_a_month_is_read_as_its_first_day(month_parser, raw):
    assert month_parser(raw) == "2023-09-01"


def test_a_spreadsheet_date_must_be_the_first_of_its_month(month_parser):
    assert month_parser(dt.date(2023, 9, 1)) == "2023-09-01"
    with pytest.raises(CellError, match="n'est pas le premier jour d'un mois.*2023-09-01"):
        month_parser(dt.date(2023, 9, 15))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2023-09-15", "« 2023-09-15 » n'est pas le premier jour d'un mois : indiquer le mois au format AAAA-MM"),
        ("15/09/2023", "« 15/09/2023 » n'est pas le premier jour d'un mois"),
        ("2023-13", "mois invalide « 2023-13 »"),
        ("septembre", "date invalide"),
    ],
)
def test_another_day_or_no_month_is_refused(month_parser, raw, message):
    with pytest.raises(CellError, match=message):
        month_parser(raw)


def test_the_counts_are_whole_non_negative_numbers(db):
    fmt = FORMATS["care_activity"]
    counts = [c for c in fmt.columns if c.type == ColumnType.INTEGER]
    assert [c.name for c in counts] == [
        "file_active",
        "passages",
        "consommations_supervisees",
        "kits_base",
        "seringues",
        "overdoses",
        "personnes_hebergees",
    ]
    parser = CellParsers(fmt).converter(fmt.column("overdoses"))
    with pytest.raises(CellError):
        parser("-1")

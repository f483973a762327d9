import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from copil.indicators.periods import format_date_fr as format_date
from copil.reports.formatting import elide_de, format_mass, format_number, join_words


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


@pytest.mark.parametrize(
    ("grams", "expected"),
    [
        (35000, "35\u00a0kg"),
        (Decimal("5100.000"), "5,1\u00a0kg"),
        (2150, "2,15\u00a0kg"),
        (548, "548\u00a0g"),
        (Decimal("0.5"), "0,5\u00a0g"),
        (999, "999\u00a0g"),
        (1000, "1\u00a0kg"),
        (1_250_000, "1,25\u00a0t"),
        (Decimal("2154.9"), "2,15\u00a0kg"),
        (Decimal("2155"), "2,16\u00a0kg"),
    ],
)
def test_masses_read_like_the_seed_articles(grams, expected):
    assert format_mass(grams) == expected


def test_numbers_use_french_grouping_and_decimal_comma():
    assert format_number(12345) == "12\xa0345"
    assert format_number(Decimal("1234.50")) == "1\xa0234,5"
    assert format_number(357) == "357"
    assert format_number(412.3456) == "412,35"


def test_dates_and_lists():
    assert format_date(dt.date(2024, 7, 1)) == "1er juillet 2024"
    assert format_date(dt.date(2024, 6, 30)) == "30 juin 2024"
    assert join_words(["a"]) == "a"
    assert join_words(["a", "b", "c"]) == "a, b et c"
    assert elide_de("héroïne") == "d’héroïne"
    assert elide_de("crack") == "de crack"

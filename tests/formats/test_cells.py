"""Each refusal of a cell parser carries its stable code, whatever the wording of its French reason."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from copil.formats import FORMATS, CellError, CellParsers, ErrorCode, ErrorValue, FormulaWithoutValue

SEIZURE = CellParsers(FORMATS["seizure"])
OBSERVATION = CellParsers(FORMATS["field_observation"])
CONVICTION = CellParsers(FORMATS["conviction"])


def _refusal(parsers: CellParsers, column: str, raw: object) -> ErrorCode:
    convert = parsers.converter(parsers.fmt.column(column))
    with pytest.raises(CellError) as refused:
        convert(raw)
    assert refused.value.reason  # a French reason goes with every code
    return refused.value.code


@pytest.mark.parametrize(
    ("parsers", "column", "raw", "code"),
    [
        (SEIZURE, "identifiant", "", ErrorCode.REQUIRED),
        (SEIZURE, "identifiant", "=A1", ErrorCode.FORMULA_PREFIX),
        (SEIZURE, "identifiant", "x" * 500, ErrorCode.TEXT_TOO_LONG),
        (SEIZURE, "date", "31/02/2023", ErrorCode.INVALID_DATE),
        (SEIZURE, "date", "1999-12-31", ErrorCode.DATE_TOO_EARLY),
        (SEIZURE, "date", "2999-01-01", ErrorCode.DATE_IN_FUTURE),
        (SEIZURE, "date", 9_999_999, ErrorCode.INVALID_DATE),
        (SEIZURE, "date", FormulaWithoutValue("B2"), ErrorCode.FORMULA_WITHOUT_VALUE),
        (SEIZURE, "date", ErrorValue("B2", "#N/A"), ErrorCode.SPREADSHEET_ERROR),
        (SEIZURE, "substance", "sel", ErrorCode.UNKNOWN_CHOICE),
        (SEIZURE, "quantite", "beaucoup", ErrorCode.INVALID_NUMBER),
        (SEIZURE, "quantite", "0", ErrorCode.BELOW_MINIMUM),
        (SEIZURE, "quantite", "1e400", ErrorCode.INVALID_NUMBER),
        (SEIZURE, "quantite", "1" * 40, ErrorCode.NUMBER_TOO_LARGE),
        (OBSERVATION, "latitude", "91", ErrorCode.ABOVE_MAXIMUM),
        (OBSERVATION, "personnes", "2,5", ErrorCode.INVALID_INTEGER),
        (OBSERVATION, "personnes", Decimal("2.5"), ErrorCode.INVALID_INTEGER),
        (OBSERVATION, "personnes", "9999999999", ErrorCode.NUMBER_TOO_LARGE),
        (OBSERVATION, "date_heure", "hier soir", ErrorCode.INVALID_DATETIME),
        (CONVICTION, "recidiviste", "peut-être", ErrorCode.INVALID_BOOLEAN),
        (CONVICTION, "pseudonyme", "Jean Dupont", ErrorCode.PATTERN_MISMATCH),
    ],
)
def test_each_refusal_has_its_code(parsers, column, raw, code):
    assert _refusal(parsers, column, raw) == code


def test_a_cached_refusal_keeps_its_code():
    convert = SEIZURE.converter(FORMATS["seizure"].column("substance"))
    for _attempt in range(2):
        with pytest.raises(CellError) as refused:
            convert("sel")
        assert refused.value.code == ErrorCode.UNKNOWN_CHOICE


def test_values_within_the_rules_pass():
    today = timezone.localdate()
    assert SEIZURE.converter(FORMATS["seizure"].column("date"))(dt.datetime(2024, 3, 1)) == "2024-03-01"
    assert SEIZURE.converter(FORMATS["seizure"].column("date"))(today.strftime("%d/%m/%Y")) == today.isoformat()
    assert SEIZURE.converter(FORMATS["seizure"].column("quantite"))("1 234,5") == "1234.500"
    assert SEIZURE.converter(FORMATS["seizure"].column("identifiant"))(" S-1 ") == "S-1"

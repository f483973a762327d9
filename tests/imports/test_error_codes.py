"""Every refusal of a file carries a stable code next to its French reason (`copil.formats.ErrorCode`)."""

import io

import pytest

from copil.formats import ErrorCode
from copil.imports.importer import ImportRejected, import_records, preview_import
from tests.factories import make_partner, make_plan

pytestmark = pytest.mark.django_db

HEADER = "identifiant;date;substance;quantite;unite;operation"
ROW = "S1;2023-03-01;cannabis;35;kg;"


def _codes(text: str, plan, partner, **kwargs) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(ImportRejected) as rejected:
        import_records(io.BytesIO(text.encode()), plan=plan, partner=partner, **kwargs)
    return [(error.line, error.column, error.code) for error in rejected.value.errors]


@pytest.mark.parametrize(
    ("text", "kwargs", "expected"),
    [
        ("", {"kind": "seizure"}, [(None, None, ErrorCode.UNREADABLE_FILE)]),
        ("\n", {"kind": "seizure"}, [(None, None, ErrorCode.EMPTY_FILE)]),
        (f"{HEADER}\n{ROW}\n", {"kind": "drones"}, [(None, None, ErrorCode.UNKNOWN_KIND)]),
        ("identifiant;couleur\nS1;bleu\n", {}, [(None, None, ErrorCode.UNDETERMINED_KIND)]),
        (
            "identifiant;date;substance;quantite;poids;unite\n",
            {"kind": "seizure"},
            [(1, "poids", ErrorCode.UNKNOWN_COLUMN)],
        ),
        ("identifiant;date;substance;unite\n", {"kind": "seizure"}, [(1, "quantite", ErrorCode.MISSING_COLUMN)]),
        (
            f"{HEADER};date\n",
            {"kind": "seizure"},
            [(1, "date", ErrorCode.DUPLICATE_COLUMN)],
        ),
        (f"{HEADER}\n{ROW};extra\n", {"kind": "seizure"}, [(2, None, ErrorCode.EXTRA_VALUES)]),
        (f"{HEADER};\n{ROW};stray\n", {"kind": "seizure"}, [(2, None, ErrorCode.VALUE_WITHOUT_HEADER)]),
        (f"{HEADER}\n{ROW}\n{ROW}\n", {"kind": "seizure"}, [(3, "identifiant", ErrorCode.DUPLICATE_IDENTIFIER)]),
        (
            f"{HEADER}\nS1;2023-03-01;cannabis;35;kg;OPE-9\n",
            {"kind": "seizure"},
            [(2, "operation", ErrorCode.UNKNOWN_REFERENCE)],
        ),
        (f"{HEADER}\nS1;2023-03-01;cannabis", {"kind": "seizure"}, [(2, None, ErrorCode.TRUNCATED_FILE)]),
    ],
)
def test_each_file_refusal_has_its_code(plan, police, text, kwargs, expected):
    codes = _codes(text, plan, police, **kwargs)
    assert set(expected) <= set(codes), codes


def test_a_partner_of_another_plan_is_refused_with_its_code(plan):
    other = make_partner(make_plan(), code="ailleurs")
    assert _codes(f"{HEADER}\n{ROW}\n", plan, other, kind="seizure") == [(None, None, ErrorCode.PARTNER_NOT_IN_PLAN)]


def test_the_preview_keeps_the_codes(plan, police):
    preview = preview_import(io.BytesIO(f"{HEADER}\nS1;2999-01-01;sel;35;kg;\n".encode()), plan, police, "seizure")
    assert [(error.column, error.code) for error in preview.errors] == [
        ("date", ErrorCode.DATE_IN_FUTURE),
        ("substance", ErrorCode.UNKNOWN_CHOICE),
    ]

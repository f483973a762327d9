"""The bilan states the plan's own execution (issue 14, family 8) as the Cour des comptes' audit of the Paris plan
crack reads it: « 19 des 33 actions du plan sont réalisées ; 24,1 M€ engagés pour 9 M€ prévus. »"""

import datetime as dt
from decimal import Decimal

from copil.indicators.periods import Period
from copil.reports.bilan import build_bilan
from copil.reports.export import bilan_rows
from copil.reports.formatting import format_money
from tests.factories import make_partner, make_record
from tests.reports.seeds import PARIS, plain

YEAR = Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def _coordination(plan, period=YEAR) -> str:
    bilan = build_bilan(plan, period, charts=False, compare_with=None)
    sections = [section for section in bilan.sections if section.axis == "coordination"]
    return " ".join(plain(sentence.text) for section in sections for sentence in section.sentences)


def _status(partner, code, status, day):
    make_record("plan_measure", partner, external_id=f"{code}-{day}", code=code, title=code, status=status, as_of=day)


def _line(partner, code, year, planned, committed, spent="0"):
    make_record(
        "budget_line",
        partner,
        external_id=f"{code}-{year}",
        code=code,
        funder="Ville",
        year=dt.date(year, 1, 1),
        axis="prevention_care",
        planned_eur=Decimal(planned),
        committed_eur=Decimal(committed),
        spent_eur=Decimal(spent),
    )


def test_money_reads_as_the_communiques_print_it():
    assert [plain(format_money(v)) for v in (24_100_000, 9_000_000, 850_000, Decimal("1234.56"))] == [
        "24,1 M€",
        "9 M€",
        "850 000 €",
        "1 235 €",
    ]


def test_the_bilan_states_measures_done_among_all_and_the_budget_to_date(plan):
    prefecture = make_partner(plan, role="coordinator", code="pref")
    _status(prefecture, "1", "in_progress", dt.date(2023, 6, 1))
    _status(prefecture, "1", "done", dt.date(2024, 6, 1))
    _status(prefecture, "2", "done", dt.date(2024, 3, 1))
    _status(prefecture, "3", "in_progress", dt.date(2024, 3, 1))
    _status(prefecture, "4", "cancelled", dt.date(2024, 3, 1))
    _status(prefecture, "5", "done", dt.date(2025, 3, 1))  # after the period: not stated
    _line(prefecture, "1", 2023, "500000", "350000")
    _line(prefecture, "1", 2024, "500000", "500000", "620000")
    _line(prefecture, "1", 2025, "500000", "9000000")  # a year not begun

    text = _coordination(plan)

    assert "2 des 4 actions du plan sont réalisées ; 850 000 € engagés pour 1 M€ prévus ; 620 000 € dépensés." in text
    assert "Autres actions : 1 en cours et 1 abandonnée." in text


def test_one_measure_done_reads_in_the_singular_and_the_budget_alone_reads_without_measures(plan):
    prefecture = make_partner(plan, role="coordinator", code="pref")
    _status(prefecture, "1", "done", dt.date(2024, 3, 1))
    _status(prefecture, "2", "done", dt.date(2024, 3, 1))
    _status(prefecture, "2", "planned", dt.date(2024, 4, 1))  # back to planned
    assert "1 des 2 actions du plan est réalisée." in _coordination(plan)
    other = make_partner(plan, role="city", code="ville")
    _line(other, "9", 2024, "0", "2500000")
    assert "1 des 2 actions du plan est réalisée ; 2,5 M€ engagés." in _coordination(plan)


def test_nothing_is_said_without_measures_or_budget(plan):
    assert "actions du plan" not in _coordination(plan)
    assert "engagés" not in _coordination(plan)


def test_the_paris_demo_bilan_states_the_audit_of_the_plan_crack(paris):
    """demo/paris.py and demo/paris/SOURCE.md: the Cour des comptes' audit flash of December 2021."""
    bilan = build_bilan(paris, PARIS, charts=False, compare_with=None)
    text = plain(bilan.text)

    assert "19 des 33 actions du plan sont réalisées ; 24,1 M€ engagés pour 9 M€ prévus." in text
    assert "Autres actions : 10 en cours, 2 non engagées et 2 abandonnées." in text
    assert "dépensés" not in text  # the demo records no money spent
    rows = {(row[0], row[5], row[6]): row[7] for row in bilan_rows(bilan)}  # the CSV: the budget by funder
    assert rows[("budget_committed_by_funder", "valeur", "Ville de Paris")] == "5900000"
    assert rows[("budget_planned_by_funder", "valeur", "ARS Île-de-France")] == "3600000"

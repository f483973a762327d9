"""The honesty rules of comparisons (issue 13): each rule, here, with the figures that break it if it slips."""

import datetime as dt
from decimal import Decimal

import pytest

from copil.indicators.engine import compute_many
from copil.indicators.periods import Period
from copil.reports.bilan import build_bilan
from copil.reports.comparisons import (
    BEFORE_PLAN,
    PREVIOUS_PERIOD,
    YEAR_BEFORE,
    compare_results,
    comparison_text,
    earlier_period,
)
from tests.factories import make_partner, make_record
from tests.reports.seeds import plain

FIRST_HALF_2024 = Period(dt.date(2024, 1, 1), dt.date(2024, 6, 30))


def _networks(partner, count: int, day: dt.date) -> None:
    for _ in range(count):
        make_record("network", partner, dismantled_on=day)


def _compare(plan, code: str, basis: str = YEAR_BEFORE):
    results = compute_many([code], FIRST_HALF_2024, plan=plan)
    return compare_results(plan, results, FIRST_HALF_2024, basis)[code]


def test_earlier_periods_for_each_basis(plan):
    assert earlier_period(FIRST_HALF_2024, YEAR_BEFORE, plan) == Period(dt.date(2023, 1, 1), dt.date(2023, 6, 30))
    assert earlier_period(FIRST_HALF_2024, PREVIOUS_PERIOD, plan) == Period(dt.date(2023, 7, 3), dt.date(2023, 12, 31))
    # The plan starts on 2023-01-01: the 182 days before it.
    assert earlier_period(FIRST_HALF_2024, BEFORE_PLAN, plan) == Period(dt.date(2022, 7, 3), dt.date(2022, 12, 31))
    leap = Period(dt.date(2024, 2, 29), dt.date(2024, 2, 29))
    assert earlier_period(leap, YEAR_BEFORE, plan).start == dt.date(2023, 2, 28)


def test_a_clear_increase_is_a_hausse_with_its_percentage(police):
    _networks(police, 30, dt.date(2023, 3, 1))
    _networks(police, 60, dt.date(2024, 3, 1))
    comparison = _compare(police.plan, "networks_dismantled")
    assert comparison.verdict == "hausse" and comparison.trend == "up"
    assert plain(comparison_text(comparison)) == (
        "Réseaux de trafic démantelés : 60, contre 30 sur la même période de 2023 (+100 %) : hausse."
    )  # the same half-year one year apart: +100 %, though 2024's has a 29 February (182 days against 181)


def test_a_change_the_test_does_not_support_is_sans_evolution_nette(police):
    _networks(police, 30, dt.date(2023, 3, 1))
    _networks(police, 36, dt.date(2024, 3, 1))
    comparison = _compare(police.plan, "networks_dismantled")
    text = plain(comparison_text(comparison))
    assert comparison.verdict == "stable" and comparison.trend == "flat"
    assert text.endswith(": sans évolution nette.") and "hausse" not in text
    assert "(+20 %)" in text


def test_no_percentage_when_the_earlier_count_is_under_ten(police):
    _networks(police, 3, dt.date(2023, 3, 1))
    _networks(police, 12, dt.date(2024, 3, 1))
    comparison = _compare(police.plan, "networks_dismantled")
    text = plain(comparison_text(comparison))
    assert comparison.percent is None and "%" not in text
    assert "12 contre 3 sur la même période de 2023" in text


def test_masses_state_their_change_and_seizures_without_a_verdict(police):
    for day, grams in [(dt.date(2023, 3, 1), "100")] * 12 + [(dt.date(2024, 3, 1), "400")] * 12:
        make_record("seizure", police, seized_on=day, quantity=Decimal(grams), unit="g")
    comparison = _compare(police.plan, "seizure_mass")
    text = plain(comparison_text(comparison))
    assert comparison.kind == "sum" and comparison.verdict is None
    assert text == (
        "Quantités de stupéfiants saisies : 4,8 kg (12 saisies), contre 1,2 kg (12 saisies) "
        "sur la même période de 2023 (+300 %)."
    )
    assert "hausse" not in text and "significati" not in text


def test_a_partner_who_joined_later_makes_the_figure_not_comparable_said_once(police):
    gendarmerie = make_partner(police.plan, role="police", code="gendarmerie", name="Gendarmerie")
    _networks(police, 30, dt.date(2023, 3, 1))
    _networks(police, 30, dt.date(2024, 3, 1))
    _networks(gendarmerie, 30, dt.date(2024, 3, 1))
    make_record("operation", gendarmerie, occurred_on=dt.date(2024, 3, 2))
    comparison = _compare(police.plan, "networks_dismantled")
    assert comparison.kind == "not_comparable" and comparison.late_partners == ("Gendarmerie",)
    bilan = build_bilan(police.plan, FIRST_HALF_2024, charts=False)
    text = plain(bilan.text)
    assert text.count("Gendarmerie a commencé à enregistrer après cette période") == 1
    assert "réseaux de trafic démantelés" in plain(bilan.introduction)
    assert "Réseaux de trafic démantelés : 60" not in text


def test_the_bilan_states_each_comparison_after_its_axis_figures(police):
    _networks(police, 30, dt.date(2023, 3, 1))
    _networks(police, 60, dt.date(2024, 3, 1))
    text = plain(build_bilan(police.plan, FIRST_HALF_2024, charts=False).text)
    assert "Réseaux de trafic démantelés : 60, contre 30 sur la même période de 2023 (+100 %) : hausse." in text
    assert "non comparable" not in text.lower()
    without = plain(build_bilan(police.plan, FIRST_HALF_2024, charts=False, compare_with=None).text)
    assert "contre 30" not in without


def test_stocks_read_from_the_period_start(police):
    make_record("deal_point", police, identified_on=dt.date(2023, 5, 1))
    make_record("deal_point", police, identified_on=dt.date(2023, 6, 1), neutralized_on=dt.date(2024, 2, 1))
    comparison = _compare(police.plan, "deal_points_active")
    assert comparison.kind == "stock"
    assert plain(comparison_text(comparison)) == "De 2 points de deal actifs au 31 décembre 2023 à 1 au 30 juin 2024."


@pytest.mark.parametrize("basis", [PREVIOUS_PERIOD, BEFORE_PLAN])
def test_other_bases_on_request(police, basis):
    _networks(police, 20, dt.date(2022, 12, 1))
    _networks(police, 20, dt.date(2024, 3, 1))
    comparison = _compare(police.plan, "networks_dismantled", basis)
    text = plain(comparison_text(comparison))
    assert ("période précédente" if basis == PREVIOUS_PERIOD else "avant le plan") in text


def test_the_paris_seed_compares_its_trafficker_arrests_with_the_same_period_of_2022(paris):
    from tests.reports.seeds import PARIS

    text = plain(build_bilan(paris, PARIS, charts=False).text)
    assert "357 interpellations de trafiquants" in text  # the seed sentence, unchanged
    assert "Interpellations de trafiquants : 357, contre 285 sur la même période de 2022 (+25 %) : hausse." in text


def test_a_sum_other_than_masses_counts_its_records_not_seizures(police):
    for day in [dt.date(2023, 3, 1)] * 10 + [dt.date(2024, 3, 1)] * 10:
        make_record("prevention_action", police, held_on=day, people_reached=20)
    text = plain(comparison_text(_compare(police.plan, "people_reached")))
    assert text.startswith("Personnes sensibilisées : 200 (10 enregistrements), contre 200 (10 enregistrements)")
    assert "saisie" not in text and "hausse" not in text


def test_a_partner_recording_other_kinds_earlier_does_not_make_a_new_kind_comparable(police):
    """Fines recorded in 2023, operations only from 2024: « 40 opérations contre 0 » would state a zero nobody
    recorded."""
    for _ in range(12):
        make_record("drug_fine", police, issued_on=dt.date(2023, 3, 1), amount=Decimal("200"))
        make_record("drug_fine", police, issued_on=dt.date(2024, 3, 1), amount=Decimal("200"))
    for _ in range(40):
        make_record("operation", police, occurred_on=dt.date(2024, 3, 2))
    results = compute_many(["operations", "drug_fines"], FIRST_HALF_2024, plan=police.plan)
    comparisons = compare_results(police.plan, results, FIRST_HALF_2024, YEAR_BEFORE)
    assert comparisons["operations"].kind == "not_comparable"
    assert comparisons["drug_fines"].kind == "count"

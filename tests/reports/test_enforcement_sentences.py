"""The bilan states the enforcement figures of issue 14 in the words of the prefectures' communiqués."""

import datetime as dt
from decimal import Decimal

from copil.indicators.periods import Period
from copil.reports.bilan import build_bilan
from tests.factories import make_record
from tests.reports.seeds import ALENCON, plain

YEAR = Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31))


def _repression(plan) -> str:
    bilan = build_bilan(plan, YEAR, charts=False)
    section = next(section for section in bilan.sections if section.axis == "repression")
    return " ".join(plain(sentence.text) for sentence in section.sentences)


def test_the_bilan_states_the_fixed_fines_against_the_previous_period(plan, police):
    for n in range(4):
        make_record("drug_fine", police, issued_on=dt.date(2023, 2, 1 + n), amount=Decimal("200"))
    for n in range(3):
        make_record("drug_fine", police, issued_on=dt.date(2022, 2, 1 + n), amount=Decimal("200"))

    text = _repression(plan)

    assert "4 AFD ont été dressées pour usage de stupéfiants, contre 3 sur la période précédente." in text


def test_a_single_fixed_fine_reads_in_the_singular(plan, police):
    make_record("drug_fine", police, issued_on=dt.date(2023, 2, 1), amount=Decimal("200"))

    assert "1 amende forfaitaire délictuelle (AFD) a été dressée pour usage de stupéfiants" in _repression(plan)


def test_the_bilan_states_weapons_by_category_and_ammunition(plan, police):
    make_record("weapon_seizure", police, seized_on=dt.date(2023, 2, 1), category="firearm", quantity=1, rounds=35)
    make_record("weapon_seizure", police, seized_on=dt.date(2023, 3, 1), category="blade", quantity=4)

    text = _repression(plan)

    assert "5 armes ont été saisies (1 arme à feu et 4 armes blanches)." in text
    assert "35 munitions ont été saisies." in text


def test_the_bilan_states_persons_checked_and_new_cases(plan, police):
    make_record("operation", police, occurred_on=dt.date(2023, 3, 1), persons_checked=27_000, cases_opened=98)
    make_record("operation", police, occurred_on=dt.date(2023, 4, 1), persons_checked=12, cases_opened=2)

    text = _repression(plan)

    assert "27 012 personnes ont été contrôlées lors des opérations." in text
    assert "100 affaires nouvelles ont été ouvertes à la suite des opérations." in text


def test_the_alencon_demo_bilan_states_its_fines_weapons_and_checks(alencon):
    """The demo rows of demo/alencon.py (`add_enforcement`) reach the seed plan's bilan."""
    bilan = build_bilan(alencon, ALENCON, charts=False)
    sections = [section for section in bilan.sections if section.axis == "repression"]  # outcome and output parts
    text = " ".join(plain(sentence.text) for section in sections for sentence in section.sentences)

    assert "275 AFD ont été dressées pour usage de stupéfiants, contre 152 sur la période précédente." in text
    assert "25 armes ont été saisies (5 armes à feu, 17 armes blanches et 3 répliques)." in text
    assert "100 munitions ont été saisies." in text
    assert "1 310 personnes ont été contrôlées lors des opérations." in text
    assert "21 affaires nouvelles ont été ouvertes à la suite des opérations." in text
    assert "La valeur de revente des stupéfiants saisis est estimée à 613 200 €." in text
    assert "82 800 € d'avoirs criminels ont été saisis (58 900 € en numéraire et 23 900 € en véhicules)." in text


def test_the_bilan_states_criminal_assets_in_euros(plan, police):
    make_record("asset_seizure", police, seized_on=dt.date(2023, 2, 1), category="cash", value_eur=Decimal("12500"))
    make_record("asset_seizure", police, seized_on=dt.date(2023, 3, 1), category="vehicle", value_eur=Decimal("1e6"))

    text = _repression(plan)

    assert "1 012 500 € d'avoirs criminels ont été saisis (12 500 € en numéraire et 1 000 000 € en véhicules)." in text


def test_the_bilan_states_the_street_value_of_the_seizures(plan, police):
    make_record("street_price", police, valid_from=dt.date(2022, 1, 1), substance="cannabis", price_per_gram=9)
    make_record("seizure", police, seized_on=dt.date(2023, 5, 1), substance="cannabis", quantity=112_800, unit="g")

    text = _repression(plan)

    assert "La valeur de revente des stupéfiants saisis est estimée à 1 015 200 €." in text

"""The engine on the enforcement figures of issue 14: fixed fines for drug use (AFD), weapons seized, persons
checked and new cases opened during operations."""

import datetime as dt
from decimal import Decimal

from copil.indicators.engine import compute
from copil.indicators.periods import Period
from tests.factories import make_partner, make_plan, make_record

D = dt.date
FIRST_HALF = Period(D(2023, 1, 1), D(2023, 6, 30))
TODAY = D(2025, 1, 1)


def run(code, period, plan):
    return compute(code, period, plan=plan, today=TODAY)


def test_drug_fines_count_by_date_and_status(plan, police):
    for day, status in [
        (D(2022, 12, 31), "paid"),
        (D(2023, 1, 1), "paid"),
        (D(2023, 3, 10), "increased"),
        (D(2023, 6, 30), "notified"),
        (D(2023, 7, 1), "paid"),
    ]:
        make_record("drug_fine", police, issued_on=day, status=status, amount=Decimal("200"))

    fines = run("drug_fines", FIRST_HALF, plan)
    assert fines.value == 3
    assert fines.breakdown == {"paid": 1, "increased": 1, "notified": 1}
    assert run("drug_fines_paid", FIRST_HALF, plan).value == 1


def test_weapons_and_ammunition_seized_are_summed_apart(plan, police):
    make_record("weapon_seizure", police, seized_on=D(2023, 2, 1), category="firearm", quantity=2, rounds=35)
    make_record("weapon_seizure", police, seized_on=D(2023, 2, 1), category="blade", quantity=5)
    make_record("weapon_seizure", police, seized_on=D(2023, 4, 1), category="firearm", quantity=0, rounds=100)
    make_record("weapon_seizure", police, seized_on=D(2023, 7, 1), category="replica", quantity=9, rounds=9)

    weapons = run("weapons_seized", FIRST_HALF, plan)
    assert weapons.value == 7
    assert weapons.breakdown == {"firearm": 2, "blade": 5}
    assert run("ammunition_seized", FIRST_HALF, plan).value == 135


def test_persons_checked_and_cases_opened_sum_the_operations_that_recorded_them(plan, police):
    make_record("operation", police, occurred_on=D(2023, 3, 1), persons_checked=27_000, cases_opened=100)
    make_record("operation", police, occurred_on=D(2023, 5, 1), persons_checked=150)
    make_record("operation", police, occurred_on=D(2023, 5, 2))
    make_record("operation", police, occurred_on=D(2023, 8, 1), persons_checked=999, cases_opened=9)

    assert run("persons_checked", FIRST_HALF, plan).value == 27_150
    assert run("cases_opened", FIRST_HALF, plan).value == 100


def test_criminal_assets_are_summed_in_euros_by_category(plan, police):
    make_record("asset_seizure", police, seized_on=D(2023, 2, 1), category="cash", value_eur=Decimal("12500.50"))
    make_record("asset_seizure", police, seized_on=D(2023, 2, 1), category="vehicle", value_eur=Decimal("18000"))
    make_record("asset_seizure", police, seized_on=D(2023, 9, 1), category="cash", value_eur=Decimal("999"))

    assets = run("assets_seized", FIRST_HALF, plan)
    assert assets.value == Decimal("30500.50")
    assert assets.breakdown == {"cash": Decimal("12500.50"), "vehicle": Decimal("18000")}


def test_street_value_prices_each_seizure_at_its_plans_price_of_the_day(plan, police):
    make_record("street_price", police, valid_from=D(2023, 1, 1), substance="cannabis", price_per_gram=Decimal("10"))
    make_record("street_price", police, valid_from=D(2023, 4, 1), substance="cannabis", price_per_gram=Decimal("8"))
    elsewhere = make_partner(make_plan(slug="ailleurs"), role="police", code="police-ailleurs")
    make_record("street_price", elsewhere, valid_from=D(2022, 1, 1), substance="crack", price_per_gram=Decimal("99"))

    def seized(day, substance, quantity, unit):
        make_record("seizure", police, seized_on=day, substance=substance, quantity=Decimal(quantity), unit=unit)

    seized(D(2023, 2, 1), "cannabis", "1", "kg")  # 1 000 g × 10 €
    seized(D(2023, 5, 1), "cannabis", "500", "g")  # 500 g × 8 €
    seized(D(2023, 5, 1), "crack", "10", "g")  # no price in this plan
    seized(D(2023, 5, 1), "cannabis", "3", "unit")  # not a mass

    value = run("seizure_street_value", FIRST_HALF, plan)
    assert value.value == Decimal("14000.00")
    assert value.breakdown == {"cannabis": Decimal("14000.00")}
    assert run("seizure_street_value", Period(D(2022, 7, 1), D(2022, 12, 31)), plan).value == 0

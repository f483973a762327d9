"""The street value of seizures read from the mass roll-up's cells (issue 16): each day's mass of a substance priced
at the plan's street price in force that day equals the record-table path's per-seizure pricing, and a write of a
seizure or of a price is read at once."""

import dataclasses
import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from copil.indicators import engine
from copil.indicators.periods import Period
from copil.records import actions
from tests.factories import make_partner, make_plan, make_record

D = dt.date
PERIOD = Period(D(2023, 1, 1), D(2023, 12, 31))
TODAY = D(2024, 6, 30)
CODE = "seizure_street_value"


def rolled(plan, period: Period = PERIOD) -> dict:
    return dataclasses.asdict(engine.compute_many([CODE], period, plan=plan, today=TODAY)[CODE])


def scanned(plan, period: Period = PERIOD) -> dict:
    with engine.record_tables():
        return rolled(plan, period)


def price(partner, substance: str, valid_from: dt.date, per_gram: str):
    return make_record(
        "street_price", partner, substance=substance, valid_from=valid_from, price_per_gram=Decimal(per_gram)
    )


def seized(partner, day: dt.date, substance: str, quantity: str, unit: str = "g"):
    return make_record("seizure", partner, seized_on=day, substance=substance, quantity=Decimal(quantity), unit=unit)


def test_the_street_value_from_the_mass_cells_equals_the_record_tables(plan, police):
    customs = make_partner(plan, role="police", code="douane", name="Douane")
    price(police, "cannabis", D(2022, 6, 1), "10")
    price(police, "cannabis", D(2023, 4, 1), "8")  # a price change inside the period
    price(police, "cocaine", D(2023, 1, 1), "60")
    price(customs, "cocaine", D(2023, 1, 1), "65.50")  # same day: the last entered is in force
    elsewhere = make_partner(make_plan(slug="ailleurs"), role="police", code="police-ailleurs")
    price(elsewhere, "crack", D(2022, 1, 1), "99")  # another plan's price: not this plan's
    seized(police, D(2023, 1, 1), "cannabis", "1.250", "kg")  # first day of the period, 10 €
    seized(customs, D(2023, 3, 31), "cannabis", "0.333")  # the day before the change, 10 €
    seized(police, D(2023, 4, 1), "cannabis", "500")  # the day of the change, 8 €
    seized(police, D(2023, 4, 1), "cannabis", "0.001")  # a milligram
    seized(customs, D(2023, 7, 14), "cocaine", "12.345")  # 65.50 €
    seized(police, D(2023, 5, 1), "crack", "10")  # no price for crack in this plan: no value, still a record
    seized(police, D(2023, 5, 1), "heroin", "3", "unit")  # not a mass: not a record of the street value
    seized(police, D(2022, 12, 31), "cannabis", "5")  # before the period
    seized(police, D(2024, 1, 1), "cannabis", "7")  # after it

    figure = rolled(plan)
    assert figure == scanned(plan)
    expected = (Decimal("1250") * 10 + Decimal("0.333") * 10 + Decimal("500") * 8 + Decimal("0.001") * 8) + Decimal(
        "12.345"
    ) * Decimal("65.50")
    assert figure["value"] == expected.quantize(Decimal("0.01"))
    assert list(figure["breakdown"]) == ["cannabis", "cocaine"]
    assert figure["record_count"] == 6
    # Each half-year on its own (the price change falls in the first), and flow_totals as comparisons read it.
    for half in (Period(D(2023, 1, 1), D(2023, 6, 30)), Period(D(2023, 7, 1), D(2023, 12, 31))):
        assert rolled(plan, half) == scanned(plan, half)
        totals = engine.flow_totals([CODE], half, plan=plan)
        with engine.record_tables():
            assert totals == engine.flow_totals([CODE], half, plan=plan)


def test_the_street_value_reads_the_mass_cells_not_the_seizures(plan, police):
    price(police, "cannabis", D(2022, 1, 1), "10")
    seized(police, D(2023, 2, 1), "cannabis", "2")
    with CaptureQueriesContext(connection) as queries:
        assert rolled(plan)["value"] == Decimal("20.00")
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "records_seizure" not in read
    assert "'seizure_mass'" in read


def test_a_write_of_a_seizure_or_a_price_is_read_at_once(plan, police):
    cannabis = price(police, "cannabis", D(2022, 1, 1), "10")
    first = actions.create_record(
        None,
        "seizure",
        plan=plan,
        partner=police,
        data={
            "external_id": "S-1",
            "seized_on": D(2023, 3, 4),
            "substance": "cannabis",
            "quantity": Decimal("2"),
            "unit": "g",
        },
    )
    assert rolled(plan)["value"] == Decimal("20.00")  # now cached
    second = actions.create_record(
        None,
        "seizure",
        plan=plan,
        partner=police,
        data={
            "external_id": "S-2",
            "seized_on": D(2023, 9, 1),
            "substance": "cocaine",
            "quantity": Decimal("1"),
            "unit": "kg",
        },
    )
    assert rolled(plan)["value"] == Decimal("20.00")  # cocaine has no price yet
    assert rolled(plan)["record_count"] == 2
    assert rolled(plan) == scanned(plan)
    actions.create_record(
        None,
        "street_price",
        plan=plan,
        partner=police,
        data={
            "external_id": "P-1",
            "substance": "cocaine",
            "valid_from": D(2023, 6, 1),
            "price_per_gram": Decimal("60"),
        },
    )
    assert rolled(plan)["value"] == Decimal("60020.00")
    actions.update_record(None, cannabis, {"price_per_gram": Decimal("12")}, expected_version=cannabis.version)
    assert rolled(plan)["value"] == Decimal("60024.00")
    first.refresh_from_db()
    actions.update_record(None, first, {"quantity": Decimal("3")}, expected_version=first.version)
    assert rolled(plan)["value"] == Decimal("60036.00")
    second.refresh_from_db()
    actions.delete_record(None, second)
    assert rolled(plan)["value"] == Decimal("36.00")
    assert rolled(plan) == scanned(plan)

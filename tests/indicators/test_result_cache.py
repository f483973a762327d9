"""compute_many caches each indicator's result under the versions of what it reads (issue 16): a write of one kind
recomputes that kind's indicators only, and no result is ever stale after a write."""

import dataclasses
import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from copil.indicators import engine
from copil.indicators.catalogue import get_catalogue
from copil.indicators.periods import Period
from copil.records import actions
from tests.factories import make_partner, make_record

PERIOD = Period(dt.date(2023, 1, 1), dt.date(2023, 6, 30))
TODAY = dt.date(2023, 12, 31)
CODES = ["seizures", "seizure_mass", "seizure_street_value", "arrests", "trafficker_arrests"]


def figures(plan) -> dict:
    results = engine.compute_many(CODES, PERIOD, plan=plan, today=TODAY)
    return {code: dataclasses.asdict(result) for code, result in results.items()}


def scanned(plan) -> dict:
    with engine.record_tables():
        return figures(plan)


def seizure(plan, partner, external_id: str, quantity: str = "1.5"):
    data = {
        "external_id": external_id,
        "seized_on": dt.date(2023, 3, 4),
        "substance": "crack",
        "quantity": Decimal(quantity),
        "unit": "g",
    }
    return actions.create_record(None, "seizure", plan=plan, partner=partner, data=data)


def test_every_write_is_read_at_once(plan, police):
    make_record("arrest", police, arrested_on=dt.date(2023, 2, 1), role="trafficker")
    make_record("street_price", police, substance="crack", price_per_gram=Decimal("50"), valid_from=dt.date(2022, 1, 1))
    assert figures(plan) == scanned(plan)
    record = seizure(plan, police, "S-1")
    assert figures(plan)["seizures"]["value"] == 1
    assert figures(plan) == scanned(plan)
    actions.update_record(None, record, {"quantity": Decimal("3")}, expected_version=record.version)
    assert figures(plan)["seizure_mass"]["value"] == Decimal("3.000")
    assert figures(plan) == scanned(plan)
    # A new street price is read by the street value, though no seizure was written.
    make_record("street_price", police, substance="crack", price_per_gram=Decimal("70"), valid_from=dt.date(2023, 1, 1))
    assert figures(plan)["seizure_street_value"]["value"] == scanned(plan)["seizure_street_value"]["value"]
    assert figures(plan)["seizure_street_value"]["value"] == Decimal("210")
    # A partner's new name is read in the sources of every kind.
    police.name = "Police nationale d'Alençon"
    police.save()
    assert figures(plan) == scanned(plan)
    record.refresh_from_db()
    actions.delete_record(None, record)
    assert figures(plan)["seizures"]["value"] == 0
    assert figures(plan) == scanned(plan)


def test_a_write_of_one_kind_keeps_the_other_kinds_results(plan, police):
    customs = make_partner(plan, role="police", code="douane", name="Douane")
    make_record("arrest", customs, arrested_on=dt.date(2023, 2, 1), role="user")
    seizure(plan, police, "S-1")
    figures(plan)
    make_record("arrest", police, arrested_on=dt.date(2023, 4, 1), role="trafficker")
    seizure_cells = [get_catalogue()[code] for code in ("seizures", "seizure_mass", "seizure_street_value")]
    with CaptureQueriesContext(connection) as queries:
        after = figures(plan)
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "records_seizure" not in read
    assert not any(f"'{d.code}'" in read for d in seizure_cells)
    assert "'arrests'" in read
    assert after["arrests"]["value"] == 2
    assert after == scanned(plan)


def test_flow_totals_and_series_are_cached_per_kind_and_never_stale(plan, police):
    from copil.indicators.series import series

    year = Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    codes = ["seizures", "seizure_mass", "seizure_street_value", "arrests"]

    def totals() -> dict:
        return engine.flow_totals(codes, year, plan=plan)

    def monthly(code: str) -> list:
        return [(point.period, point.value, point.breakdown) for point in series(code, year, plan=plan)]

    def scanned_totals() -> dict:
        with engine.record_tables():
            return totals()

    make_record("street_price", police, substance="crack", price_per_gram=Decimal("50"), valid_from=dt.date(2022, 1, 1))
    make_record("arrest", police, arrested_on=dt.date(2023, 2, 1), role="trafficker")
    record = seizure(plan, police, "S-1")
    assert totals() == scanned_totals() and totals()["seizures"] == (1, 1)
    assert monthly("seizure_mass")[2][1] == Decimal("1.500")
    # A write of arrests: the seizure figures are read from the cache, the arrests' again.
    make_record("arrest", police, arrested_on=dt.date(2023, 4, 1), role="user")
    with CaptureQueriesContext(connection) as queries:
        assert totals()["arrests"] == (2, 2)
        assert monthly("seizure_mass")[2][1] == Decimal("1.500")
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "'arrests'" in read and "'seizures'" not in read and "'seizure_mass'" not in read
    # A write of a seizure, then of a price: never a stale figure.
    actions.update_record(None, record, {"quantity": Decimal("3")}, expected_version=record.version)
    assert monthly("seizure_mass")[2][1] == Decimal("3.000")
    assert totals() == scanned_totals() and totals()["seizure_street_value"] == (Decimal("150.00"), 1)
    make_record("street_price", police, substance="crack", price_per_gram=Decimal("70"), valid_from=dt.date(2023, 1, 1))
    assert totals() == scanned_totals() and totals()["seizure_street_value"] == (Decimal("210.00"), 1)
    record.refresh_from_db()
    actions.delete_record(None, record)
    assert totals() == scanned_totals() and totals()["seizures"] == (0, 0)
    assert monthly("seizure_mass")[2][1] == Decimal("0.000")

"""Comparisons read the earlier period and each partner's first record from the daily roll-up (issue 16): the same
figures as the record tables, and never stale after a write."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from copil.indicators import engine
from copil.indicators.catalogue import get_catalogue
from copil.indicators.periods import Period
from copil.records import actions
from copil.records.models import RECORD_KINDS
from copil.reports.comparisons import first_recorded
from tests.factories import make_partner, make_record

EARLIER = Period(dt.date(2023, 1, 1), dt.date(2023, 6, 30))
FLOWS = [code for code, definition in get_catalogue().items() if definition.is_flow]


def _records(plan, police):
    customs = make_partner(plan, role="police", code="douane", name="Douane")
    make_record("seizure", police, seized_on=dt.date(2023, 2, 3), substance="cannabis", quantity=2, unit="kg")
    make_record("seizure", customs, seized_on=dt.date(2023, 5, 9), substance="cocaine", quantity=30, unit="g")
    make_record("seizure", customs, seized_on=dt.date(2023, 1, 20), substance="other", quantity=4, unit="unit")
    make_record("arrest", police, arrested_on=dt.date(2023, 3, 1), role="trafficker")
    make_record("arrest", customs, arrested_on=dt.date(2023, 4, 1), role="user")
    return customs


def _scanned(function, *args, **kwargs):
    with engine.record_tables():
        return function(*args, **kwargs)


def test_first_records_and_earlier_totals_equal_the_record_tables(plan, police):
    _records(plan, police)
    assert first_recorded(plan) == _scanned(first_recorded, plan)
    assert first_recorded(plan)[("seizure", "Douane")] == dt.date(2023, 1, 20)
    assert engine.flow_totals(FLOWS, EARLIER, plan=plan) == _scanned(engine.flow_totals, FLOWS, EARLIER, plan=plan)
    assert engine.flow_totals(["seizures"], EARLIER, plan=plan)["seizures"] == (3, 3)


def test_the_counted_kinds_are_not_scanned(plan, police):
    _records(plan, police)
    tables = {RECORD_KINDS[kind]._meta.db_table for kind in ("seizure", "arrest")}
    with CaptureQueriesContext(connection) as queries:
        first_recorded(plan)
        engine.flow_totals(["seizures", "arrests", "seizure_mass"], EARLIER, plan=plan)
    scanning = [q["sql"] for q in queries.captured_queries if any(f'"{table}"' in q["sql"] for table in tables)]
    assert scanning == []


def test_a_write_is_read_at_once(plan, police):
    customs = _records(plan, police)
    assert engine.flow_totals(["seizures"], EARLIER, plan=plan)["seizures"] == (3, 3)
    record = actions.create_record(
        None,
        "seizure",
        plan=plan,
        partner=customs,
        data={
            "external_id": "LATE-1",
            "seized_on": dt.date(2023, 1, 2),
            "substance": "crack",
            "quantity": Decimal("1.5"),
            "unit": "g",
        },
    )
    assert engine.flow_totals(["seizures"], EARLIER, plan=plan)["seizures"] == (4, 4)
    assert first_recorded(plan)[("seizure", "Douane")] == dt.date(2023, 1, 2)
    actions.delete_record(None, record)
    assert engine.flow_totals(["seizures"], EARLIER, plan=plan)["seizures"] == (3, 3)
    assert first_recorded(plan)[("seizure", "Douane")] == dt.date(2023, 1, 20)
    assert first_recorded(plan) == _scanned(first_recorded, plan)

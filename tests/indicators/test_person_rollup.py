"""The persons' first appearances (issue 16): distinct persons read without a scan of the records, checked and
repaired like the daily roll-up, and filled by their migration from the records already stored."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from copil.indicators import engine, rollup
from copil.indicators.models import NO_EARLIER_DAY, PersonRollup
from copil.indicators.periods import Period
from copil.records import actions
from copil.records.models import Conviction
from tests.factories import make_partner, make_plan

D = dt.date
TODAY = D(2024, 6, 30)


def convict(court, external_id, day, person, **flags):
    data = {"external_id": external_id, "convicted_on": day, "pseudonym": f"{person:064x}" if person else "", **flags}
    return actions.create_record(None, "conviction", plan=court.plan, partner=court, data=data)


def cells(code: str) -> dict:
    rows = PersonRollup.objects.filter(indicator=code).order_by("day", "previous_month")
    return {(row.day, row.previous_month): row.record_count for row in rows}


def test_each_record_is_counted_with_the_month_of_its_persons_previous_one(plan):
    court = make_partner(plan, role="justice", code="tj")
    convict(court, "J1", D(2023, 1, 20), 1)
    convict(court, "J2", D(2023, 3, 5), 1, repeat_offender=True)
    convict(court, "J3", D(2023, 3, 5), 2)
    convict(court, "J4", D(2023, 3, 9), None)  # no pseudonym: a person of its own, always a first appearance
    march = D(2023, 3, 1)
    assert cells("convicted_persons") == {
        (D(2023, 1, 20), NO_EARLIER_DAY): 1,
        (D(2023, 3, 5), NO_EARLIER_DAY): 1,
        (D(2023, 3, 5), D(2023, 1, 1)): 1,
        (D(2023, 3, 9), NO_EARLIER_DAY): 1,
    }
    assert cells("repeat_offenders_convicted") == {(D(2023, 3, 5), NO_EARLIER_DAY): 1}
    # Person 1 is seen in January and March: once over the quarter, once over March alone.
    reader = engine._Reader(rollup.get_catalogue()["convicted_persons"])
    assert reader.first_appearances(plan.pk, Period(D(2023, 1, 1), D(2023, 3, 31))) == 3
    assert reader.first_appearances(plan.pk, Period(march, D(2023, 3, 31))) == 3
    assert reader.first_appearances(plan.pk, Period(D(2023, 2, 1), D(2023, 2, 28))) == 0


def test_a_write_moves_only_the_cells_of_the_persons_it_concerns(plan):
    court = make_partner(plan, role="justice", code="tj")
    first = convict(court, "J1", D(2023, 1, 20), 1)
    convict(court, "J2", D(2023, 3, 5), 1)
    convict(court, "J3", D(2023, 2, 5), 2)
    actions.update_record(None, first, {"pseudonym": f"{2:064x}"}, expected_version=first.version)
    # Person 1 keeps March alone; person 2 is first seen in January, again in February.
    assert cells("convicted_persons") == {
        (D(2023, 1, 20), NO_EARLIER_DAY): 1,
        (D(2023, 2, 5), D(2023, 1, 1)): 1,
        (D(2023, 3, 5), NO_EARLIER_DAY): 1,
    }
    first.refresh_from_db()
    actions.delete_record(None, first)
    assert cells("convicted_persons") == {(D(2023, 2, 5), NO_EARLIER_DAY): 1, (D(2023, 3, 5), NO_EARLIER_DAY): 1}
    assert rollup.verify() == []


def test_verify_reports_a_drifted_first_appearance_in_french_and_repairs_it(plan):
    court = make_partner(plan, role="justice", code="tj")
    convict(court, "J1", D(2023, 1, 20), 1)
    PersonRollup.objects.filter(indicator="convicted_persons").update(record_count=3)
    drifts = rollup.verify()
    assert [rollup.describe(d) for d in drifts] == [
        f"écart « convicted_persons » (premières apparitions), plan {plan.pk}, 20/01/2023, mois précédent aucun : "
        "agrégé 3 enregistrement(s), attendu 1"
    ]
    with pytest.raises(CommandError, match="1 écart"):
        call_command("rollup", verify=True, stdout=io.StringIO(), stderr=io.StringIO())
    assert rollup.verify() == []
    assert engine.compute("convicted_persons", Period(D(2023, 1, 1), D(2023, 1, 31)), plan=plan, today=TODAY).value == 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_first_appearances_of_the_records_already_stored():
    plan = make_plan()
    court = make_partner(plan, role="justice", code="tj")
    executor = MigrationExecutor(connection)
    executor.migrate([("indicators", "0001_daily_rollup_and_data_version")])
    # Records stored by the release before the person roll-up (a bulk insert sends no signal).
    Conviction.objects.bulk_create(
        [
            Conviction(plan=plan, partner=court, external_id="J1", convicted_on=D(2023, 1, 20), pseudonym="a" * 64),
            Conviction(plan=plan, partner=court, external_id="J2", convicted_on=D(2023, 4, 2), pseudonym="a" * 64),
            Conviction(plan=plan, partner=court, external_id="J3", convicted_on=D(2023, 4, 3), pseudonym=""),
        ]
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert cells("convicted_persons") == {
        (D(2023, 1, 20), NO_EARLIER_DAY): 1,
        (D(2023, 4, 2), D(2023, 1, 1)): 1,
        (D(2023, 4, 3), NO_EARLIER_DAY): 1,
    }
    # The daily roll-up of these records is `copil rollup --rebuild`'s (they bypassed it); their persons are right.
    assert [drift for drift in rollup.verify() if isinstance(drift, rollup.PersonDrift)] == []

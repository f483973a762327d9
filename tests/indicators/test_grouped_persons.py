"""Distinct persons (issue 16): the person figures of one kind, each with its own filter, are counted in one query
over the records grouped per person, equal to each figure counted on its own, and cached under the kind's version
only (a conviction write recounts them, a seizure write does not)."""

import dataclasses
import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from copil.indicators import engine
from copil.indicators.catalogue import get_catalogue
from copil.indicators.periods import Period
from copil.records import actions
from tests.factories import make_partner, make_record

D = dt.date
PERIOD = Period(D(2023, 1, 1), D(2023, 12, 31))
TODAY = D(2024, 6, 30)


def person_codes(kind: str) -> list[str]:
    return [d.code for d in get_catalogue().values() if d.source == kind and d.aggregation == "distinct"]


def rolled(plan, codes) -> dict:
    return {
        code: dataclasses.asdict(r) for code, r in engine.compute_many(codes, PERIOD, plan=plan, today=TODAY).items()
    }


def scanned(plan, codes) -> dict:
    with engine.record_tables():
        return rolled(plan, codes)


def convicted(partner, day, person, **flags):
    pseudonym = "" if person is None else f"{person:064x}"
    return make_record("conviction", partner, convicted_on=day, pseudonym=pseudonym, **flags)


def test_the_person_figures_of_a_kind_in_one_query_equal_each_counted_alone(plan, police):
    court = make_partner(plan, role="justice", code="tj")
    codes = person_codes("conviction")
    assert len(codes) >= 3  # the catalogue's filtered variants (repeat offenders, residence bans…)
    convicted(court, D(2023, 1, 1), 1, repeat_offender=True)
    convicted(court, D(2023, 2, 1), 1, repeat_offender=False, residence_ban=True)  # same person, other flags
    convicted(court, D(2023, 3, 1), 2, repeat_offender=True, residence_ban=True, removal_order=True)
    convicted(court, D(2023, 4, 1), 3, referral_to_court=True)
    convicted(court, D(2023, 5, 1), None, repeat_offender=True)  # no pseudonym: a person of their own
    convicted(court, D(2023, 5, 2), None, repeat_offender=True)
    convicted(court, D(2022, 12, 31), 4, repeat_offender=True)  # before the period
    convicted(court, D(2024, 1, 1), 5, removal_order=True)  # after it
    with CaptureQueriesContext(connection) as queries:
        figures = rolled(plan, codes)
    distinct = [q["sql"] for q in queries.captured_queries if "records_conviction" in q["sql"]]
    # Every conviction figure in one query per window read: the period, and the year before it (the baseline).
    assert len(distinct) == 2, distinct
    assert all("2023-01-01" in sql or "2022-01-01" in sql for sql in distinct)
    assert figures == scanned(plan, codes)
    assert figures["convicted_persons"]["value"] == 5  # persons 1, 2, 3 and the two without a pseudonym
    assert figures["repeat_offenders_convicted"]["value"] == 4  # 1, 2 and the two without a pseudonym
    assert figures["repeat_offenders_residence_ban"]["value"] == 1  # person 1's flags are on two records: not met


def test_a_conviction_write_recounts_the_persons_a_seizure_write_does_not(plan, police):
    court = make_partner(plan, role="justice", code="tj")
    codes = person_codes("conviction")
    convicted(court, D(2023, 3, 1), 1, repeat_offender=True)
    assert rolled(plan, codes)["repeat_offenders_convicted"]["value"] == 1
    make_record("seizure", police, seized_on=D(2023, 3, 1))
    with CaptureQueriesContext(connection) as queries:
        assert rolled(plan, codes)["repeat_offenders_convicted"]["value"] == 1
    assert not any("records_conviction" in q["sql"] for q in queries.captured_queries)
    record = convicted(court, D(2023, 6, 1), 2, repeat_offender=False)
    figures = rolled(plan, codes)
    assert figures["convicted_persons"]["value"] == 2 and figures["repeat_offenders_convicted"]["value"] == 1
    actions.update_record(None, record, {"repeat_offender": True}, expected_version=record.version)
    assert rolled(plan, codes)["repeat_offenders_convicted"]["value"] == 2
    record.refresh_from_db()
    actions.delete_record(None, record)
    figures = rolled(plan, codes)
    assert figures == scanned(plan, codes)
    assert figures["convicted_persons"]["value"] == 1

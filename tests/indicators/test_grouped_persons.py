"""Distinct persons (issue 16): for one plan, read from the person roll-up's first appearances without a scan of
the records (a period starting within a month reads that month's records only); over several plans, the figures of
one kind, each with its own filter, are counted in one query over the records grouped per person. Each equals the
figure counted from the records on its own, and is cached under the kind's version only (a conviction write
recounts them, a seizure write does not)."""

import dataclasses
import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from copil.indicators import engine
from copil.indicators.catalogue import get_catalogue
from copil.indicators.periods import Period
from copil.records import actions
from tests.factories import make_partner, make_plan, make_record

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


def convict_the_sample(court):
    convicted(court, D(2023, 1, 1), 1, repeat_offender=True)
    convicted(court, D(2023, 2, 1), 1, repeat_offender=False, residence_ban=True)  # same person, other flags
    convicted(court, D(2023, 3, 1), 2, repeat_offender=True, residence_ban=True, removal_order=True)
    convicted(court, D(2023, 4, 1), 3, referral_to_court=True)
    convicted(court, D(2023, 5, 1), None, repeat_offender=True)  # no pseudonym: a person of their own
    convicted(court, D(2023, 5, 2), None, repeat_offender=True)
    convicted(court, D(2022, 12, 31), 4, repeat_offender=True)  # before the period
    convicted(court, D(2024, 1, 1), 5, removal_order=True)  # after it


def test_one_plans_person_figures_are_read_from_the_first_appearances_without_a_scan(plan, police):
    court = make_partner(plan, role="justice", code="tj")
    codes = person_codes("conviction")
    assert len(codes) >= 3  # the catalogue's filtered variants (repeat offenders, residence bans…)
    convict_the_sample(court)
    with CaptureQueriesContext(connection) as queries:
        figures = rolled(plan, codes)
    assert not [q["sql"] for q in queries.captured_queries if "records_conviction" in q["sql"]]
    assert figures == scanned(plan, codes)
    assert figures["convicted_persons"]["value"] == 5  # persons 1, 2, 3 and the two without a pseudonym
    assert figures["repeat_offenders_convicted"]["value"] == 4  # 1, 2 and the two without a pseudonym
    assert figures["repeat_offenders_residence_ban"]["value"] == 1  # person 1's flags are on two records: not met


def test_a_period_starting_within_a_month_adds_the_persons_seen_earlier_that_month(plan, police):
    court = make_partner(plan, role="justice", code="tj")
    convicted(court, D(2023, 3, 2), 1, repeat_offender=True)  # earlier in the month, and again within the period
    convicted(court, D(2023, 3, 20), 1, repeat_offender=True)
    convicted(court, D(2023, 3, 5), 2)  # earlier in the month only
    convicted(court, D(2023, 2, 10), 3)  # the month before, and again within the period
    convicted(court, D(2023, 4, 2), 3)
    convicted(court, D(2023, 3, 15), 4)  # within the period only, twice
    convicted(court, D(2023, 5, 1), 4)
    reader = engine._Reader(get_catalogue()["convicted_persons"])
    for start, end in [
        (D(2023, 3, 10), D(2023, 5, 31)),
        (D(2023, 3, 3), D(2023, 3, 20)),
        (D(2023, 2, 11), D(2023, 4, 30)),
    ]:
        period = Period(start, end)
        with engine.record_tables():
            expected = engine.compute("convicted_persons", period, plan=plan, today=TODAY).value
        assert reader.first_appearances(plan.pk, period) == expected, period
    assert reader.first_appearances(plan.pk, Period(D(2023, 3, 10), D(2023, 5, 31))) == 3  # persons 1, 3 and 4


def test_the_person_figures_of_several_plans_in_one_query_equal_each_counted_alone(plan, police):
    other = make_plan(territory=plan.territory)
    court, other_court = make_partner(plan, role="justice", code="tj"), make_partner(other, role="justice", code="tj2")
    codes = person_codes("conviction")
    convict_the_sample(court)
    convicted(other_court, D(2023, 6, 1), 9, repeat_offender=True)
    reader = engine._Reader(get_catalogue()["convicted_persons"])
    windows = [((plan.pk, other.pk), PERIOD)]
    with CaptureQueriesContext(connection) as queries:
        assert reader.flow(windows, value_only=True).value == 6
    distinct = [q["sql"] for q in queries.captured_queries if "records_conviction" in q["sql"]]
    assert len(distinct) == 1, distinct  # every conviction figure of the two plans in one query
    grouped = {code: engine._Reader(get_catalogue()[code]).flow(windows, value_only=True).value for code in codes}
    with engine.record_tables():
        alone = {code: engine._Reader(get_catalogue()[code]).flow(windows, value_only=True).value for code in codes}
    assert grouped == alone


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

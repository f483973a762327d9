"""The engine on harm reduction and care activity (issue 14, family 6): one record per site and month; the flows
add up over months and sites, the active file is a monthly series (sites added up within a month, never months)."""

import datetime as dt

from copil.indicators.catalogue import get_indicator
from copil.indicators.engine import compute, record_tables
from copil.indicators.periods import Period
from tests.factories import make_partner, make_record

D = dt.date
Q1 = Period(D(2024, 1, 1), D(2024, 3, 31))
TODAY = D(2026, 6, 1)
FLOWS = (
    "care_passages",
    "care_supervised_consumptions",
    "care_crack_kits",
    "care_syringes",
    "care_overdoses",
    "care_people_housed",
)


def run(code, period, plan):
    return compute(code, period, plan=plan, today=TODAY)


def _month(partner, month, site="HSA", site_type="hsa", **counts):
    return make_record("care_activity", partner, site=site, site_type=site_type, month=month, **counts)


def test_the_flows_add_up_over_months_and_sites_within_the_period(plan):
    hsa = make_partner(plan, role="care", code="gaia", name="Gaïa")
    caarud = make_partner(plan, role="health", code="caarud", name="CAARUD Nord")
    _month(hsa, D(2023, 12, 1), passages=9000, supervised_consumptions=7000, overdoses=9)  # before the period
    _month(hsa, D(2024, 1, 1), passages=7000, supervised_consumptions=5800, syringes=6000, overdoses=3)
    _month(hsa, D(2024, 3, 1), passages=7400, supervised_consumptions=6000, syringes=6200, overdoses=2)
    _month(caarud, D(2024, 2, 1), "CAARUD", "caarud", passages=1800, crack_kits=2500, syringes=1400, people_housed=9)
    _month(caarud, D(2024, 4, 1), "CAARUD", "caarud", passages=5000, crack_kits=9999)  # after the period

    figures = {code: run(code, Q1, plan).value for code in FLOWS}

    assert figures == {
        "care_passages": 16200,
        "care_supervised_consumptions": 11800,
        "care_crack_kits": 2500,
        "care_syringes": 13600,
        "care_overdoses": 5,
        "care_people_housed": 9,
    }
    assert run("care_passages", Q1, plan).sources == [("Gaïa", 2), ("CAARUD Nord", 1)]
    with record_tables():  # the roll-up agrees with the record tables
        assert {code: run(code, Q1, plan).value for code in FLOWS} == figures


def test_the_active_file_is_a_range_over_months_never_a_sum(plan):
    hsa = make_partner(plan, role="care", code="gaia")
    caarud = make_partner(plan, role="care", code="caarud")
    _month(hsa, D(2024, 1, 1), active_file=500)
    _month(caarud, D(2024, 1, 1), "CAARUD", "caarud", active_file=300)  # the same month: the sites add up
    _month(hsa, D(2024, 2, 1), active_file=520)
    _month(hsa, D(2024, 3, 1), active_file=610)
    _month(hsa, D(2024, 4, 1), active_file=5000)  # after the period

    result = run("care_active_file", Q1, plan)

    assert (result.minimum, result.maximum, result.days) == (520, 800, 3)
    assert result.value is None  # no total: 1 930 people would count the same people three times
    assert get_indicator("care_active_file").step == "month"
    assert get_indicator("care_active_file").person_count
    with record_tables():
        assert (run("care_active_file", Q1, plan).minimum, run("care_active_file", Q1, plan).maximum) == (520, 800)

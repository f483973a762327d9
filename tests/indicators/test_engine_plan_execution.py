"""The engine on the plan's own execution (issue 14, family 8): a measure's status at a date is its latest snapshot on
or before it; the budget to date adds up the lines of the years begun, by axis and by funder."""

import datetime as dt
from decimal import Decimal

from copil.indicators.engine import compute
from copil.indicators.periods import Period
from copil.indicators.series import series
from tests.factories import make_partner, make_plan, make_record

D = dt.date
YEAR_2021 = Period(D(2021, 1, 1), D(2021, 12, 31))
TODAY = D(2026, 6, 1)


def run(code, period, plan):
    return compute(code, period, plan=plan, today=TODAY)


def _status(partner, code, status, day, axis="prevention_care", external_id=None):
    return make_record(
        "plan_measure",
        partner,
        external_id=external_id or f"{code}-{day}",
        code=code,
        title=f"Mesure {code}",
        axis=axis,
        status=status,
        as_of=day,
    )


def test_each_measure_counts_once_at_its_latest_status_on_or_before_the_period_end(plan):
    prefecture = make_partner(plan, role="coordinator", code="pref", name="Préfecture")
    ars = make_partner(plan, role="health", code="ars", name="ARS")
    _status(prefecture, "1", "planned", D(2019, 6, 1))
    _status(prefecture, "1", "in_progress", D(2020, 6, 1))
    _status(ars, "1", "done", D(2021, 6, 1))  # another partner's snapshot of the same measure: the latest wins
    _status(prefecture, "2", "done", D(2020, 3, 1))
    _status(prefecture, "2", "in_progress", D(2021, 3, 1))  # reopened: no longer done
    _status(prefecture, "3", "in_progress", D(2021, 2, 1), axis="housing")
    _status(prefecture, "3", "done", D(2022, 2, 1), axis="housing")  # after the period: not yet
    _status(prefecture, "4", "cancelled", D(2020, 1, 1))

    measures = run("plan_measures", YEAR_2021, plan)
    done = run("plan_measures_done", YEAR_2021, plan)

    assert measures.value == 4
    assert measures.per_10000 is None  # the plan's own measures are no rate of its territory's people
    assert measures.breakdown == {"in_progress": 2, "done": 1, "cancelled": 1}
    assert measures.start_value == 3  # at the end of 2020: measures 1, 2 and 4 had a status
    assert done.value == 1 and done.breakdown == {"prevention_care": 1}
    assert done.start_value == 1  # measure 2 was done at the end of 2020
    assert run("plan_measures_done", Period(D(2022, 1, 1), D(2022, 12, 31)), plan).value == 2


def test_no_snapshot_yet_is_no_figure_and_plans_do_not_mix_their_codes(plan):
    other = make_plan(slug="autre")
    _status(make_partner(other, role="coordinator", code="pref2"), "1", "done", D(2020, 1, 1))
    assert run("plan_measures", YEAR_2021, plan).value is None
    prefecture = make_partner(plan, role="coordinator", code="pref")
    _status(prefecture, "1", "planned", D(2020, 1, 1))
    assert run("plan_measures", YEAR_2021, plan).value == 1
    assert run("plan_measures_done", YEAR_2021, plan).value == 0


def _line(partner, code, funder, year, axis, planned="0", committed="0", spent="0"):
    return make_record(
        "budget_line",
        partner,
        external_id=f"{code}-{funder}-{year}",
        code=code,
        funder=funder,
        year=D(year, 1, 1),
        axis=axis,
        planned_eur=Decimal(planned),
        committed_eur=Decimal(committed),
        spent_eur=Decimal(spent),
    )


def test_the_budget_to_date_adds_up_the_years_begun_by_axis_and_by_funder(plan):
    prefecture = make_partner(plan, role="coordinator", code="pref", name="Préfecture")
    _line(prefecture, "12", "ARS", 2019, "prevention_care", "1000000", "1500000.50", "1400000")
    _line(prefecture, "12", "ARS", 2020, "prevention_care", "1000000", "2500000", "2500000")
    _line(prefecture, "13", "Ville de Paris", 2020, "housing", "500000", "850000", "0")
    _line(prefecture, "13", "Ville de Paris", 2022, "housing", "500000", "999999", "0")  # not begun in 2021

    planned = run("budget_planned", YEAR_2021, plan)
    committed = run("budget_committed", YEAR_2021, plan)
    spent = run("budget_spent", YEAR_2021, plan)
    by_funder = run("budget_committed_by_funder", YEAR_2021, plan)

    assert planned.value == Decimal("2500000.00")
    assert planned.per_10000 is not None  # money per inhabitant compares across plans
    assert committed.value == Decimal("4850000.50")
    assert spent.value == Decimal("3900000.00")
    assert planned.breakdown == {"prevention_care": Decimal("2000000.00"), "housing": Decimal("500000.00")}
    assert committed.breakdown == {"prevention_care": Decimal("4000000.50"), "housing": Decimal("850000.00")}
    assert by_funder.breakdown == {"ARS": Decimal("4000000.50"), "Ville de Paris": Decimal("850000.00")}
    assert committed.start_value == Decimal("4850000.50")  # nothing begun in 2021 itself
    assert run("budget_committed", Period(D(2019, 1, 1), D(2019, 12, 31)), plan).value == Decimal("1500000.50")


def test_the_monthly_series_of_measures_done_agrees_with_the_engine(plan):
    prefecture = make_partner(plan, role="coordinator", code="pref")
    _status(prefecture, "1", "done", D(2020, 3, 1))
    _status(prefecture, "1", "in_progress", D(2021, 3, 1))
    _status(prefecture, "2", "done", D(2021, 5, 1))
    half = Period(D(2021, 1, 1), D(2021, 6, 30))
    points = series("plan_measures_done", half, plan=plan, step="month", today=TODAY)
    assert [point.value for point in points] == [1, 1, 0, 0, 1, 1]
    assert [run("plan_measures_done", point.period, plan).value for point in points] == [1, 1, 0, 0, 1, 1]

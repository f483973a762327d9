"""Indicator series: each slice of the period reads exactly as `compute` reads it over that slice."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from copil.indicators.engine import compute
from copil.indicators.periods import Period
from copil.indicators.series import series, slices
from tests.factories import make_partner, make_record

D = dt.date
TODAY = D(2025, 1, 1)


def assert_matches_engine(code, period, plan, step="month", today=TODAY):
    """Every slice's figure equals the engine's figure over that slice."""
    points = series(code, period, plan=plan, step=step, today=today)
    for point in points:
        result = compute(code, point.period, plan=plan, today=today)
        assert (point.value, point.breakdown) == (result.value, result.breakdown), point.period
        assert (point.minimum, point.maximum, point.mean) == (result.minimum, result.maximum, result.mean)
    return points


def test_slices_clip_calendar_months_weeks_and_days_to_the_period():
    period = Period(D(2023, 1, 15), D(2023, 3, 10))
    assert slices(period, "month") == [
        Period(D(2023, 1, 15), D(2023, 1, 31)),
        Period(D(2023, 2, 1), D(2023, 2, 28)),
        Period(D(2023, 3, 1), D(2023, 3, 10)),
    ]
    weeks = slices(Period(D(2023, 1, 1), D(2023, 1, 20)), "week")  # 1 January 2023 is a Sunday
    assert weeks == [
        Period(D(2023, 1, 1), D(2023, 1, 1)),
        Period(D(2023, 1, 2), D(2023, 1, 8)),
        Period(D(2023, 1, 9), D(2023, 1, 15)),
        Period(D(2023, 1, 16), D(2023, 1, 20)),
    ]
    assert len(slices(period, "day")) == period.days
    with pytest.raises(ValueError, match="pas inconnu"):
        slices(period, "fortnight")


def test_monthly_masses_by_substance_match_the_engine(plan, police):
    for day, substance, quantity, unit in [
        (D(2023, 1, 20), "cannabis", "1.5", "kg"),  # before the clipped start: left out
        (D(2023, 2, 1), "cannabis", "1.5", "kg"),
        (D(2023, 2, 28), "crack", "12.5", "g"),
        (D(2023, 2, 10), "heroin", "3", "unit"),  # not a mass
        (D(2023, 4, 2), "heroin", "200", "g"),
    ]:
        make_record(
            "seizure", police, plan=plan, seized_on=day, substance=substance, quantity=Decimal(quantity), unit=unit
        )
    period = Period(D(2023, 1, 25), D(2023, 4, 30))
    points = assert_matches_engine("seizure_mass", period, plan)
    assert [p.value for p in points] == [Decimal("0"), Decimal("1512.5"), Decimal("0"), Decimal("200")]
    assert points[1].breakdown == {"cannabis": Decimal("1500.000"), "crack": Decimal("12.500")}
    assert points[0].period == Period(D(2023, 1, 25), D(2023, 1, 31))


def test_weekly_arrests_by_role_and_distinct_persons_per_month(plan, police):
    for day, role in [(D(2023, 1, 2), "trafficker"), (D(2023, 1, 8), "user"), (D(2023, 1, 9), "trafficker")]:
        make_record("arrest", police, arrested_on=day, role=role)
    weeks = assert_matches_engine("arrests", Period(D(2023, 1, 1), D(2023, 1, 15)), plan, step="week")
    assert [p.value for p in weeks] == [0, 2, 1]
    assert weeks[1].breakdown == {"trafficker": 1, "user": 1}

    care = make_partner(plan, role="care")
    for day, person in [(D(2023, 1, 3), "a"), (D(2023, 1, 20), "a"), (D(2023, 2, 3), "a"), (D(2023, 2, 4), "b")]:
        make_record("care_referral", care, referred_on=day, destination="csapa", pseudonym=person)
    months = assert_matches_engine("persons_referred_to_care", Period(D(2023, 1, 1), D(2023, 2, 28)), plan)
    assert [p.value for p in months] == [1, 2]


def test_cameras_in_service_at_each_slice_end(plan):
    city = make_partner(plan, role="city")
    make_record("camera", city, installed_on=D(2022, 5, 1))
    make_record("camera", city, installed_on=D(2023, 2, 10), removed_on=D(2023, 3, 31))  # gone on 31 March
    make_record("camera", city, installed_on=D(2023, 3, 5))
    make_record(
        "camera", city, plan=plan, installed_on=D(2023, 3, 6), removed_on=D(2023, 3, 1)
    )  # ends before it starts
    period = Period(D(2023, 1, 1), D(2023, 4, 30))
    points = assert_matches_engine("cameras_in_service", period, plan)
    assert [p.value for p in points] == [1, 2, 2, 2]
    days = assert_matches_engine("cameras_in_service", Period(D(2023, 3, 29), D(2023, 4, 1)), plan, step="day")
    assert [p.value for p in days] == [3, 3, 2, 2]


def test_readings_carry_forward_and_stop_at_today(plan):
    shelter_a, shelter_b = make_partner(plan, role="health"), make_partner(plan, role="health")
    for partner, day, value in [
        (shelter_a, D(2023, 1, 10), 100),
        (shelter_a, D(2023, 3, 5), 120),
        (shelter_b, D(2023, 2, 20), 30),
    ]:
        make_record("capacity_reading", partner, observed_on=day, kind="shelter_occupied", value=value)
    period = Period(D(2022, 12, 1), D(2023, 4, 30))
    points = assert_matches_engine("shelter_occupancy", period, plan)
    assert [p.value for p in points] == [None, 100, 130, 150, 150]
    cut = series("shelter_occupancy", period, plan=plan, today=D(2023, 3, 1))
    assert [p.value for p in cut] == [None, 100, 130, 130]  # March is read on 1 March; April is not known yet


def test_daily_series_summarised_per_week(plan, police):
    for day, staff in [(D(2023, 1, 2), 100), (D(2023, 1, 3), 300), (D(2023, 1, 9), 800)]:
        make_record("deployment_reading", police, deployed_on=day, force="police_nationale", staff=staff)
    make_record(
        "deployment_reading", police, plan=plan, deployed_on=D(2023, 1, 3), force="gendarmerie_mobile", staff=50
    )
    points = assert_matches_engine("staff_deployed", Period(D(2023, 1, 2), D(2023, 1, 22)), plan, step="week")
    assert [(p.minimum, p.maximum, p.mean, p.days) for p in points] == [
        (100, 350, Decimal("225.00"), 2),
        (800, 800, Decimal("800.00"), 1),
        (None, None, None, 0),
    ]
    assert points[0].headline == Decimal("225.00") and points[2].headline is None


def test_date_times_are_placed_by_their_local_date(plan):
    care = make_partner(plan, role="care")
    paris = ZoneInfo("Europe/Paris")
    for moment in [dt.datetime(2023, 1, 31, 23, 30, tzinfo=paris), dt.datetime(2023, 2, 1, 0, 15, tzinfo=paris)]:
        make_record("field_observation", care, observed_at=moment, people_count=3, source="outreach")
    points = assert_matches_engine("field_observations", Period(D(2023, 1, 1), D(2023, 2, 28)), plan)
    assert [p.value for p in points] == [1, 1]

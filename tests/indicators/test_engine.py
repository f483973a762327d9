"""The engine on small hand-made plans: every aggregation, period edges, scopes, baselines, targets."""

import dataclasses
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from copil.indicators.catalogue import get_catalogue, get_indicator
from copil.indicators.engine import compute, compute_many
from copil.indicators.periods import Period
from copil.plans.models import Target
from tests.factories import make_partner, make_plan, make_record, make_territory

D = dt.date
YEAR_2023 = Period(D(2023, 1, 1), D(2023, 12, 31))
FIRST_HALF = Period(D(2023, 1, 1), D(2023, 6, 30))
TODAY = D(2025, 1, 1)


def run(code, period, plan=None, **kwargs):
    return compute(code, period, plan=plan, today=kwargs.pop("today", TODAY), **kwargs)


@pytest.fixture
def justice(plan):
    return make_partner(plan, role="justice", code="parquet", name="Parquet")


# --- flows: count -------------------------------------------------------------------------------------------


def test_count_period_edges(plan, police):
    for day in [D(2022, 12, 31), D(2023, 1, 1), D(2023, 3, 10), D(2023, 6, 30), D(2023, 7, 1)]:
        make_record("network", police, name=str(day), dismantled_on=day)
    make_record("network", police, name="still active", dismantled_on=None)

    result = run("networks_dismantled", FIRST_HALF, plan)

    assert result.value == 3  # first day and last day in, the days either side out
    assert isinstance(result.value, int)
    assert result.record_count == 3
    assert result.sources == [("Police nationale", 3)]
    assert result.baseline_label == "sur la période précédente"
    assert result.baseline_period == Period(D(2022, 7, 4), D(2022, 12, 31))  # same length, right before
    assert result.baseline_value == 1  # the one on 31 December 2022
    assert run("networks_dismantled", Period(D(2023, 3, 10), D(2023, 3, 10)), plan).value == 1


def test_empty_period_gives_zero_not_an_error(plan, police):
    make_record("network", police, name="old", dismantled_on=D(2020, 1, 1))
    for code in ("networks_dismantled", "seizure_mass", "convicted_persons", "people_reached", "arrests"):
        result = run(code, FIRST_HALF, plan)
        assert result.value == 0, code
        assert result.record_count == 0 and result.sources == [] and result.breakdown == {}
    assert run("seizure_mass", FIRST_HALF, plan).value == Decimal(0)
    assert isinstance(run("seizure_mass", FIRST_HALF, plan).value, Decimal)


def test_every_catalogue_indicator_computes_on_an_empty_plan(plan):
    results = compute_many(get_catalogue(), FIRST_HALF, plan=plan, today=TODAY)
    assert set(results) == set(get_catalogue())
    assert results["staff_deployed"].minimum is None and results["staff_deployed"].days == 0
    assert results["hospital_places"].value is None  # nothing read yet: unknown, not zero
    assert results["cameras_in_service"].value == 0


def test_count_disaggregated_and_filtered(plan, police):
    other = make_partner(plan, role="police", code="pm", name="Police municipale")
    for role, partner in [
        ("trafficker", police),
        ("trafficker", police),
        ("user", other),
        ("trafficker", other),
    ]:
        make_record("arrest", partner, arrested_on=D(2023, 2, 1), role=role)
    make_record("arrest", police, arrested_on=D(2023, 7, 1), role="trafficker")

    arrests = run("arrests", FIRST_HALF, plan)
    assert arrests.value == 4
    assert arrests.breakdown == {"trafficker": 3, "user": 1}
    assert arrests.sources == [("Police municipale", 2), ("Police nationale", 2)]

    traffickers = run("trafficker_arrests", FIRST_HALF, plan)
    assert traffickers.value == 3 and traffickers.breakdown == {}
    assert traffickers.sources == [("Police nationale", 2), ("Police municipale", 1)]


# --- flows: sum ---------------------------------------------------------------------------------------------


def test_seizure_mass_converts_kilograms_and_leaves_out_units(plan, police):
    for substance, quantity, unit in [
        ("cannabis", "20", "kg"),
        ("cannabis", "15000", "g"),
        ("heroin", "5.1", "kg"),
        ("cocaine", "2.15", "kg"),
        ("crack", "548", "g"),
        ("crack", "12", "unit"),  # pills or doses: not a mass
    ]:
        make_record(
            "seizure",
            police,
            plan=plan,
            seized_on=D(2023, 4, 1),
            substance=substance,
            quantity=Decimal(quantity),
            unit=unit,
        )
    make_record(
        "seizure", police, plan=plan, seized_on=D(2023, 7, 1), substance="heroin", quantity=Decimal("1"), unit="kg"
    )

    result = run("seizure_mass", FIRST_HALF, plan)

    assert result.value == Decimal("42798")
    assert isinstance(result.value, Decimal)
    assert result.breakdown == {
        "cannabis": Decimal("35000"),
        "heroin": Decimal("5100"),
        "cocaine": Decimal("2150"),
        "crack": Decimal("548"),
    }
    assert list(result.breakdown) == ["cannabis", "heroin", "cocaine", "crack"]  # the model's order
    assert all(isinstance(v, Decimal) for v in result.breakdown.values())
    assert result.record_count == 5  # the seizure counted in units is not behind the mass
    assert run("seizures", FIRST_HALF, plan).value == 6


def test_heroin_and_crack_as_in_the_alencon_bilan(plan, police):
    make_record(
        "seizure", police, plan=plan, seized_on=D(2023, 5, 1), substance="heroin", quantity=Decimal("5.1"), unit="kg"
    )
    make_record(
        "seizure", police, plan=plan, seized_on=D(2023, 5, 2), substance="crack", quantity=Decimal("548"), unit="g"
    )
    result = run("seizure_mass", FIRST_HALF, plan)
    assert result.value == Decimal("5648")
    assert result.breakdown == {"heroin": Decimal("5100"), "crack": Decimal("548")}


def test_integer_sum_stays_an_integer_and_zero_entries_are_omitted(plan):
    care = make_partner(plan, role="care", name="Addictions France")
    make_record("prevention_action", care, held_on=D(2023, 3, 1), kind="awareness", people_reached=120)
    make_record("prevention_action", care, held_on=D(2023, 3, 2), kind="awareness", people_reached=30)
    make_record("prevention_action", care, held_on=D(2023, 3, 3), kind="training", people_reached=0)

    result = run("people_reached", FIRST_HALF, plan)
    assert result.value == 150 and isinstance(result.value, int)
    assert result.record_count == 3

    by_kind = dataclasses.replace(get_indicator("people_reached"), disaggregate=("kind",))
    assert run(by_kind, FIRST_HALF, plan).breakdown == {"awareness": 150}
    assert run("prevention_actions", FIRST_HALF, plan).breakdown == {"awareness": 2, "training": 1}


def test_datetime_records_are_placed_by_their_local_date(plan, police):
    paris = ZoneInfo("Europe/Paris")
    may_night = dt.datetime(2023, 5, 31, 23, 30, tzinfo=paris)  # 21:30 UTC
    june_night = dt.datetime(2023, 6, 1, 0, 30, tzinfo=paris)  # 31 May 22:30 UTC, but 1 June in Paris
    make_record("field_observation", police, observed_at=may_night, people_count=40, source="patrol")
    make_record("field_observation", police, observed_at=june_night, people_count=7, source="patrol")

    may = Period(D(2023, 5, 1), D(2023, 5, 31))
    assert run("field_observations", may, plan).value == 1
    assert run("people_observed", may, plan).value == 40
    assert run("people_observed", Period(D(2023, 6, 1), D(2023, 6, 1)), plan).value == 7
    assert run("field_observations", may, plan).breakdown == {"patrol": 1}


def test_evictions_count_by_closing_date_and_outcome(plan):
    landlord = make_partner(plan, role="housing", name="Orne Habitat")
    make_record(
        "eviction_procedure",
        landlord,
        plan=plan,
        opened_on=D(2022, 11, 1),
        outcome="evicted",
        closed_on=D(2023, 2, 1),
    )
    make_record(
        "eviction_procedure", landlord, plan=plan, opened_on=D(2023, 1, 5), outcome="left", closed_on=D(2023, 3, 1)
    )
    make_record("eviction_procedure", landlord, opened_on=D(2023, 2, 5))
    assert run("eviction_procedures_opened", FIRST_HALF, plan).value == 2
    assert run("evictions_carried_out", FIRST_HALF, plan).value == 1


# --- flows: distinct ----------------------------------------------------------------------------------------


def test_distinct_pseudonyms_count_persons(plan, justice):
    rows = [
        ("a", True, True),
        ("a", True, False),  # same person convicted twice
        ("b", False, False),
        ("c", True, False),
        ("", False, False),  # no pseudonym: a person of its own each
        ("", True, True),
    ]
    for pseudonym, repeat, ban in rows:
        make_record(
            "conviction",
            justice,
            plan=plan,
            convicted_on=D(2023, 5, 1),
            pseudonym=pseudonym,
            repeat_offender=repeat,
            residence_ban=ban,
        )
    make_record("conviction", justice, convicted_on=D(2023, 8, 1), pseudonym="d")

    assert run("convictions", FIRST_HALF, plan).value == 6
    persons = run("convicted_persons", FIRST_HALF, plan)
    assert persons.value == 5  # a, b, c and two without pseudonym
    assert persons.record_count == 6
    assert persons.definition.disclosure_threshold == 5
    assert run("repeat_offenders_convicted", FIRST_HALF, plan).value == 3  # a, c, one blank
    assert run("repeat_offenders_residence_ban", FIRST_HALF, plan).value == 2  # a, one blank


# --- stocks -------------------------------------------------------------------------------------------------


def test_camera_stock_at_period_end_and_change(plan):
    city = make_partner(plan, role="city", name="Ville d'Alençon")
    for installed, removed in [
        (D(2020, 1, 1), None),  # in service throughout
        (D(2021, 1, 1), D(2023, 3, 1)),  # removed during the period
        (D(2022, 12, 31), D(2023, 12, 31)),  # removed on the last day: out at the end
        (D(2023, 2, 1), None),  # installed during
        (D(2023, 12, 31), None),  # installed on the last day: in
        (D(2024, 1, 1), None),  # after
        (D(2021, 1, 1), D(2022, 12, 31)),  # removed the day before the start: out at the start too
    ]:
        make_record("camera", city, installed_on=installed, removed_on=removed)

    result = run("cameras_in_service", YEAR_2023, plan)

    assert result.value == 3
    assert result.start_value == 3  # 2020, 2021→2023-03, 2022-12-31
    assert result.change == 0
    assert result.record_count == 3
    assert result.baseline_value == 3 and result.baseline_label == "au 31 décembre 2022"

    assert run("cameras_installed", YEAR_2023, plan).value == 2
    whole = run("cameras_installed", Period(D(2020, 1, 1), D(2024, 12, 31)), plan)
    assert whole.breakdown == {"2020": 1, "2021": 2, "2022": 1, "2023": 2, "2024": 1}


def test_stock_grows_with_new_night_cameras(plan):
    city = make_partner(plan, role="city", name="Ville d'Alençon")
    for _ in range(52):
        make_record("camera", city, installed_on=D(2019, 6, 1))
    for month in range(1, 11):
        make_record("camera", city, installed_on=D(2023, month, 15), night_vision=True)
    for month in range(3, 13):
        make_record("camera", city, installed_on=D(2024, month, 1), night_vision=True)

    stock = run("cameras_in_service", Period(D(2023, 1, 1), D(2024, 12, 31)), plan)
    assert (stock.start_value, stock.value, stock.change) == (52, 72, 20)
    night = run("night_cameras_installed", Period(D(2023, 1, 1), D(2024, 12, 31)), plan)
    assert night.value == 20 and night.breakdown == {"2023": 10, "2024": 10}


def test_stock_is_read_no_later_than_today(plan):
    city = make_partner(plan, role="city")
    make_record("camera", city, installed_on=D(2023, 1, 10))
    make_record("camera", city, installed_on=D(2023, 9, 1))  # planned, after "today"
    result = run("cameras_in_service", YEAR_2023, plan, today=D(2023, 6, 1))
    assert result.value == 1 and result.as_of == D(2023, 6, 1)


def test_deal_points_active_and_neutralized(plan, police):
    make_record("deal_point", police, name="A", identified_on=D(2022, 5, 1), neutralized_on=D(2023, 4, 1))
    make_record("deal_point", police, name="B", identified_on=D(2022, 5, 1))
    make_record("deal_point", police, name="C", identified_on=D(2023, 2, 1), neutralized_on=D(2023, 6, 30))
    make_record("deal_point", police, name="D", identified_on=D(2023, 6, 1))

    active = run("deal_points_active", FIRST_HALF, plan)
    assert (active.start_value, active.value, active.change) == (2, 2, 0)
    assert run("deal_points_neutralized", FIRST_HALF, plan).value == 2


# --- readings -----------------------------------------------------------------------------------------------


def test_reading_takes_each_partners_latest_and_compares_with_before_the_plan(plan):
    samu = make_partner(plan, role="health", name="Samu social")
    red_cross = make_partner(plan, role="care", name="Croix-Rouge")
    occupied = "shelter_occupied"
    make_record("capacity_reading", samu, observed_on=D(2022, 12, 20), kind=occupied, value=150)
    make_record("capacity_reading", red_cross, observed_on=D(2022, 11, 2), kind=occupied, value=50)
    make_record(
        "capacity_reading", samu, plan=plan, observed_on=D(2023, 1, 1), kind=occupied, value=300
    )  # the plan's first day
    make_record("capacity_reading", samu, observed_on=D(2023, 9, 1), kind=occupied, value=410)
    make_record("capacity_reading", red_cross, observed_on=D(2023, 10, 5), kind=occupied, value=200)
    make_record(
        "capacity_reading", samu, plan=plan, observed_on=D(2023, 10, 6), kind=occupied, value=999
    )  # after the period
    make_record("capacity_reading", samu, observed_on=D(2023, 10, 1), kind="shelter_places", value=700)

    period = Period(D(2023, 1, 1), D(2023, 10, 5))
    result = run("shelter_occupancy", period, plan)

    assert result.value == 610
    assert result.baseline_value == 200 and result.baseline_label == "avant le plan"
    assert result.start_value == 200
    assert result.change == 410
    assert result.record_count == 2
    assert result.sources == [("Croix-Rouge", 1), ("Samu social", 1)]
    assert run("shelter_capacity", period, plan).value == 700
    # A shorter period ending before the Croix-Rouge's new reading carries its older one forward.
    assert run("shelter_occupancy", Period(D(2023, 9, 1), D(2023, 9, 30)), plan).value == 460


def test_hospital_places_against_before_the_plan(plan):
    ars = make_partner(plan, role="health", name="ARS")
    make_record("capacity_reading", ars, observed_on=D(2022, 6, 1), kind="hospital_places", value=35)
    make_record("capacity_reading", ars, observed_on=D(2023, 6, 1), kind="hospital_places", value=50)
    result = run("hospital_places", Period(D(2023, 1, 1), D(2023, 10, 5)), plan)
    assert (result.value, result.baseline_value, result.change) == (50, 35, 15)


# --- daily series -------------------------------------------------------------------------------------------


def test_daily_staff_summed_across_forces(plan, police):
    gendarmerie = make_partner(plan, role="police", code="gm", name="Gendarmerie mobile")
    national, mobile = "police_nationale", "gendarmerie_mobile"
    make_record("deployment_reading", police, deployed_on=D(2023, 3, 1), force=national, staff=60)
    make_record("deployment_reading", gendarmerie, deployed_on=D(2023, 3, 1), force=mobile, staff=40)
    make_record("deployment_reading", police, deployed_on=D(2023, 3, 2), force=national, staff=500)
    make_record("deployment_reading", gendarmerie, deployed_on=D(2023, 3, 2), force=mobile, staff=300)
    make_record("deployment_reading", police, deployed_on=D(2023, 3, 5), force=national, staff=150)
    make_record("deployment_reading", police, deployed_on=D(2023, 7, 1), force=national, staff=5000)

    result = run("staff_deployed", FIRST_HALF, plan)

    assert result.value is None
    assert (result.minimum, result.maximum, result.days) == (100, 800, 3)
    assert result.mean == Decimal("350")
    assert result.record_count == 5
    assert result.sources == [("Police nationale", 3), ("Gendarmerie mobile", 2)]

    empty = run("staff_deployed", Period(D(2023, 4, 1), D(2023, 4, 30)), plan)
    assert (empty.minimum, empty.maximum, empty.mean, empty.days, empty.record_count) == (
        None,
        None,
        None,
        0,
        0,
    )


def test_street_count_sums_the_zones_of_a_day_over_the_periods_last_30_days(plan, police):
    maraude = make_partner(plan, role="care", code="maraude", name="Maraude de nuit")
    night = dt.UTC

    def count(day, zone, people):
        at = dt.datetime(day.year, day.month, day.day, 21, 0, tzinfo=night)
        return make_record("street_count", maraude, counted_at=at, zone=zone, people_count=people)

    count(D(2023, 5, 31), "Stalingrad", 400)  # 31 days before the period's end: outside its last 30 days
    count(D(2023, 6, 1), "Stalingrad", 60)
    count(D(2023, 6, 1), "Porte de la Chapelle", 40)
    count(D(2023, 6, 15), "Stalingrad", 90)
    count(D(2023, 6, 15), "Porte de la Chapelle", 60)
    count(D(2023, 6, 30), "Stalingrad", 120)
    count(D(2023, 7, 1), "Stalingrad", 900)  # after the period

    result = run("street_users_daily", FIRST_HALF, plan)

    assert (result.minimum, result.maximum, result.days) == (100, 150, 3)
    assert result.mean == Decimal("123.33")
    assert result.record_count == 5
    assert result.sources == [("Maraude de nuit", 5)]
    assert get_indicator("street_users_daily").last_days == 30
    short = run("street_users_daily", Period(D(2023, 5, 31), D(2023, 6, 1)), plan)  # under 30 days: all of it
    assert (short.minimum, short.maximum, short.days) == (100, 400, 2)


# --- scope, rates, baselines and targets --------------------------------------------------------------------


def test_territory_scope_sums_the_plans_below_it(db):
    departement = make_territory(name="Orne", level="departement", population=280000)
    alencon = make_plan(territory=make_territory(name="Alençon", parent=departement, population=26000))
    argentan = make_plan(territory=make_territory(name="Argentan", parent=departement, population=13000))
    elsewhere = make_plan()
    for target_plan, count in [(alencon, 3), (argentan, 4), (elsewhere, 50)]:
        partner = make_partner(target_plan, role="police", name="Police nationale")
        for _ in range(count):
            make_record("arrest", partner, plan=target_plan, arrested_on=D(2023, 2, 1), role="trafficker")

    total = compute("arrests", FIRST_HALF, territory=departement, today=TODAY)
    assert total.value == 7
    assert total.population == 280000
    assert total.per_10000 == Decimal("0.25")
    assert total.sources == [("Police nationale", 7)]
    assert compute("arrests", FIRST_HALF, territory=alencon.territory, today=TODAY).value == 3
    assert run("arrests", FIRST_HALF, argentan).per_10000 == Decimal("3.08")


def test_territory_scope_with_readings_and_before_plan_baseline(db):
    region = make_territory(name="Région", level="region", population=None)
    first = make_plan(started_on=D(2023, 1, 1), territory=make_territory(parent=region))
    second = make_plan(started_on=D(2023, 3, 1), territory=make_territory(parent=region))
    for target_plan, before, after in [(first, 35, 50), (second, 10, 20)]:
        ars = make_partner(target_plan, role="health", name="ARS")
        make_record(
            "capacity_reading",
            ars,
            plan=target_plan,
            observed_on=target_plan.started_on - dt.timedelta(days=10),
            kind="hospital_places",
            value=before,
        )
        make_record(
            "capacity_reading", ars, plan=target_plan, observed_on=D(2023, 6, 1), kind="hospital_places", value=after
        )

    result = compute("hospital_places", YEAR_2023, territory=region, today=TODAY)
    assert result.value == 70
    assert result.baseline_value == 45  # each plan read just before its own start
    assert result.per_10000 is None  # population unknown


def test_compute_needs_exactly_one_scope(plan):
    with pytest.raises(ValueError):
        compute("arrests", FIRST_HALF, today=TODAY)
    with pytest.raises(ValueError):
        compute("arrests", FIRST_HALF, plan=plan, territory=plan.territory, today=TODAY)


def test_per_10000_and_target_attainment(plan, police):
    for _ in range(30):
        make_record("arrest", police, arrested_on=D(2023, 2, 1), role="trafficker")

    arrests = run("arrests", FIRST_HALF, plan)
    assert arrests.per_10000 == Decimal("15.00")  # 30 for 20,000 inhabitants
    assert arrests.target is None and arrests.attainment is None

    upward = dataclasses.replace(get_indicator("arrests"), target=Decimal(40), target_direction="up")
    result = run(upward, FIRST_HALF, plan)
    assert result.attainment == Decimal("0.75") and result.target_met is False

    downward = dataclasses.replace(get_indicator("arrests"), target=Decimal(45), target_direction="down")
    result = run(downward, FIRST_HALF, plan)
    assert result.attainment == Decimal("1.5") and result.target_met is True


def test_flow_baseline_before_the_plan(police):
    plan = police.plan  # starts on 1 January 2023
    make_record(
        "arrest", police, plan=plan, arrested_on=D(2022, 7, 1), role="user"
    )  # first of the 184 days before the plan
    make_record("arrest", police, arrested_on=D(2022, 6, 30), role="user")  # before that
    definition = dataclasses.replace(get_indicator("arrests"), baseline="before_plan")
    period = Period(D(2023, 7, 1), D(2023, 12, 31))
    assert period.days == 184
    result = run(definition, period, plan)
    assert result.baseline_value == 1
    assert result.baseline_label == "avant le plan"
    assert result.baseline_period == Period(D(2022, 7, 1), D(2022, 12, 31))


def test_compute_many_keeps_the_order_given(plan, police):
    make_record("arrest", police, arrested_on=D(2023, 2, 1), role="user")
    results = compute_many(["seizures", "arrests"], FIRST_HALF, plan=plan, today=TODAY)
    assert list(results) == ["seizures", "arrests"]
    assert results["arrests"].value == 1 and results["arrests"].code == "arrests"


def test_a_plans_own_target_overrides_the_catalogue(plan, police):
    for _ in range(30):
        make_record("arrest", police, arrested_on=D(2023, 2, 1), role="trafficker")
    Target.objects.create(plan=plan, indicator="arrests", value=Decimal(40))
    result = compute("arrests", FIRST_HALF, plan=plan, today=TODAY)
    assert (result.target, result.attainment, result.target_met) == (40, Decimal("0.75"), False)
    catalogue_target = dataclasses.replace(get_indicator("arrests"), target=Decimal(10), target_direction="up")
    assert run(catalogue_target, FIRST_HALF, plan).target == 40  # the plan's target wins
    Target.objects.filter(plan=plan).update(value=Decimal(20), direction="down")
    result = compute_many(["arrests", "seizures"], FIRST_HALF, plan=plan, today=TODAY)
    assert (result["arrests"].attainment, result["arrests"].target_met) == (Decimal("0.6667"), False)
    assert result["seizures"].target is None
    # A territory holds several plans: no single plan's target applies to their sum.
    assert compute("arrests", FIRST_HALF, territory=plan.territory, today=TODAY).target is None

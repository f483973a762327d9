"""The engine on issue 14's administrative measures (loi narcotrafic) and penal chain: each stage of a measure is
counted on the day it was reached."""

import datetime as dt
from decimal import Decimal

from copil.access.disclosure import Suppressed
from copil.indicators.engine import compute, record_tables
from copil.indicators.periods import Period
from copil.reports.disclosure import published_figure
from tests.factories import make_partner, make_plan, make_record, make_territory

D = dt.date
H2 = Period(D(2025, 7, 1), D(2025, 12, 31))
TODAY = D(2026, 6, 1)


def run(code, period, plan):
    return compute(code, period, plan=plan, today=TODAY)


def test_each_stage_of_a_measure_counts_in_the_period_it_was_reached(plan):
    prefecture = make_partner(plan, role="coordinator", code="prefecture")
    ban = {"measure": "appearance_ban"}
    # requested before the period, ordered and notified within it
    make_record("administrative_measure", prefecture, **ban, requested_on=D(2025, 6, 20), ordered_on=D(2025, 7, 2))
    # requested, ordered and notified within it, breached after it
    make_record(
        "administrative_measure",
        prefecture,
        **ban,
        requested_on=D(2025, 7, 1),
        ordered_on=D(2025, 7, 10),
        notified_on=D(2025, 12, 31),
        breached_on=D(2026, 1, 5),
    )
    # requested on the period's last day, nothing more yet
    make_record("administrative_measure", prefecture, **ban, requested_on=D(2025, 12, 31))
    # another measure: counted apart
    make_record(
        "administrative_measure",
        prefecture,
        measure="shop_closure",
        requested_on=D(2025, 8, 1),
        ordered_on=D(2025, 8, 9),
    )

    figures = {code: run(code, H2, plan).value for code in _MEASURE_CODES}
    assert figures == {
        "appearance_bans_requested": 2,
        "appearance_bans_ordered": 2,
        "appearance_bans_notified": 1,
        "appearance_bans_breached": 0,
        "appearance_bans_prosecuted": 0,
        "shop_closures_ordered": 1,
        "eviction_injunctions_ordered": 0,
    }
    next_half = Period(D(2026, 1, 1), D(2026, 5, 31))
    assert run("appearance_bans_breached", next_half, plan).value == 1
    with record_tables():  # the roll-up agrees with the record tables
        assert {code: run(code, H2, plan).value for code in _MEASURE_CODES} == figures


_MEASURE_CODES = (
    "appearance_bans_requested",
    "appearance_bans_ordered",
    "appearance_bans_notified",
    "appearance_bans_breached",
    "appearance_bans_prosecuted",
    "shop_closures_ordered",
    "eviction_injunctions_ordered",
)


def _step(partner, day, stage, person, **months):
    return make_record("penal_step", partner, occurred_on=day, stage=stage, pseudonym=f"{person:064x}", **months)


def test_penal_steps_count_per_stage_within_the_period(plan):
    parquet = make_partner(plan, role="justice", code="parquet")
    _step(parquet, D(2025, 6, 30), "custody", 1)  # before the period
    for person in (1, 2, 3):
        _step(parquet, D(2025, 7, 1), "custody", person)
    _step(parquet, D(2025, 7, 2), "referral", 1)
    _step(parquet, D(2025, 7, 2), "immediate_trial", 1)
    _step(parquet, D(2025, 12, 31), "sentence", 1, firm_months=24)

    steps = run("penal_steps", H2, plan)

    assert steps.value == 6
    assert steps.breakdown == {"custody": 3, "referral": 1, "immediate_trial": 1, "sentence": 1}


def test_the_mean_firm_sentence_is_over_the_sentences_that_have_one(plan):
    parquet = make_partner(plan, role="justice", code="parquet")
    _step(parquet, D(2025, 7, 10), "sentence", 1, firm_months=24, suspended_months=12)
    _step(parquet, D(2025, 8, 10), "sentence", 2, firm_months=30)
    _step(parquet, D(2025, 9, 10), "sentence", 3, firm_months=25)
    _step(parquet, D(2025, 9, 11), "sentence", 4, suspended_months=6)  # no firm prison: not in the mean
    _step(parquet, D(2025, 9, 12), "remand", 5, firm_months=99)  # not a sentence
    _step(parquet, D(2025, 6, 30), "sentence", 6, firm_months=120)  # before the period

    mean = run("firm_prison_months_mean", H2, plan)

    assert mean.value == Decimal("26.33") and mean.record_count == 3 and mean.per_10000 is None
    assert run("firm_prison_months_mean", Period(D(2024, 1, 1), D(2024, 12, 31)), plan).value is None
    with record_tables():
        assert run("firm_prison_months_mean", H2, plan).value == Decimal("26.33")


def test_a_mean_over_several_plans_is_over_their_persons_not_a_sum_of_means(db):
    departement = make_territory(name="Haute-Garonne", level="departement", population=1_400_000)
    big = make_partner(make_plan(territory=make_territory(parent=departement)), role="justice")
    small = make_partner(make_plan(territory=make_territory(parent=departement)), role="justice")
    for person in range(3):
        _step(big, D(2025, 8, 1), "sentence", person, firm_months=12)
    _step(small, D(2025, 8, 1), "sentence", 9, firm_months=48)

    mean = compute("firm_prison_months_mean", H2, territory=departement, today=TODAY)

    assert mean.value == Decimal("21.00") and mean.record_count == 4  # (3 × 12 + 48) / 4, not 12 + 48 nor 30


def test_a_published_mean_is_withheld_with_the_few_persons_behind_it(plan):
    parquet = make_partner(plan, role="justice", code="parquet")
    for person in range(4):
        _step(parquet, D(2025, 8, 1), "sentence", person, firm_months=3)
    code = "firm_prison_months_mean"

    few = run(code, H2, plan)
    assert isinstance(published_figure(few, {code: few}, {code}).value, Suppressed)
    assert published_figure(few, {code: few}, set()).value == Decimal("3.00")  # exact for who may see it
    _step(parquet, D(2025, 8, 2), "sentence", 5, firm_months=8)
    enough = run(code, H2, plan)
    assert published_figure(enough, {code: enough}, {code}).value == Decimal("4.00")  # 4 months, never « < 5 »

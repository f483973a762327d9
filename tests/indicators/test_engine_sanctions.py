"""The engine on issue 14's administrative measures (loi narcotrafic) and penal chain: each stage of a measure is
counted on the day it was reached."""

import datetime as dt

from copil.indicators.engine import compute, record_tables
from copil.indicators.periods import Period
from tests.factories import make_partner, make_record

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

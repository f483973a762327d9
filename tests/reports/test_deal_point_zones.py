"""Deal points by zone of competence and installation level (issue 14, family 9): « de 156 à 127 points de deal »."""

import datetime as dt

from copil.indicators.engine import compute
from copil.indicators.periods import Period
from copil.reports.bilan import build_bilan
from tests.factories import make_partner, make_plan, make_record, make_territory
from tests.reports.seeds import PARIS, plain

YEAR = Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
TODAY = dt.date(2026, 6, 1)


def test_deal_points_from_156_to_127_by_zone_with_density_and_entrenched_points(db):
    plan = make_plan(territory=make_territory(population=250_000), started_on=dt.date(2024, 1, 1))
    police = make_partner(plan, role="police", code="ddsp", name="DDSP")
    before, during = dt.date(2024, 6, 1), dt.date(2025, 5, 15)
    for _n in range(100):
        make_record("deal_point", police, identified_on=before, zone="police", installation="established")
    for n in range(56):
        neutralized = during if n < 29 else None
        installation = "entrenched" if n >= 44 else "occasional"
        make_record(
            "deal_point",
            police,
            identified_on=before,
            neutralized_on=neutralized,
            zone="gendarmerie",
            installation=installation,
        )

    by_zone = compute("deal_points_by_zone", YEAR, plan=plan, today=TODAY)
    assert (by_zone.start_value, by_zone.value) == (156, 127)
    assert by_zone.breakdown == {"police": 100, "gendarmerie": 27}
    assert compute("deal_points_entrenched", YEAR, plan=plan, today=TODAY).value == 12

    text = plain(build_bilan(plan, YEAR, charts=False).text)
    assert (
        "Le nombre de points de deal actifs est passé de 156 à 127 (50,8 pour 100 000 habitants) : "
        "100 en zone police et 27 en zone gendarmerie." in text
    )
    assert "12 des points de deal actifs sont très installés." in text


def test_paris_bilan_states_its_deal_points_by_zone(paris):
    text = plain(build_bilan(paris, PARIS, charts=False).text)
    assert "Le nombre de points de deal actifs est passé de 2 à 3 (" in text
    assert ") : 3 en zone police." in text
    assert "2 des points de deal actifs sont très installés." in text

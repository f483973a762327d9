"""The bilan states harm reduction and care activity (issue 14, family 6) in the words of the haltes soins addictions'
reports: « Les dispositifs de réduction des risques ont accueilli 12 400 passages ; 4 100 consommations supervisées à
la halte soins addictions ; 8 200 kits base et 15 000 seringues distribués ; 37 overdoses prises en charge. »"""

import datetime as dt

from copil.indicators.periods import Period
from copil.reports.bilan import build_bilan, sensitive_indicators
from copil.reports.export import bilan_rows
from tests.factories import make_partner, make_record
from tests.reports.seeds import PARIS, plain

H1 = Period(dt.date(2024, 1, 1), dt.date(2024, 6, 30))


def _care(plan, *, published=False, period=H1) -> str:
    bilan = build_bilan(plan, period, charts=False, published=published, compare_with=None)
    sections = [section for section in bilan.sections if section.axis == "prevention_care"]
    return " ".join(plain(sentence.text) for section in sections for sentence in section.sentences)


def _month(partner, month, site="HSA", site_type="hsa", **counts):
    make_record("care_activity", partner, site=site, site_type=site_type, month=month, **counts)


def test_the_bilan_states_every_part_that_has_data_in_one_sentence(plan):
    gaia = make_partner(plan, role="care", code="gaia")
    _month(gaia, dt.date(2024, 1, 1), passages=6200, supervised_consumptions=2100, crack_kits=4000, syringes=7000)
    _month(gaia, dt.date(2024, 2, 1), passages=6200, supervised_consumptions=2000, crack_kits=4200, syringes=8000)
    _month(gaia, dt.date(2024, 3, 1), overdoses=37)

    text = _care(plan)

    assert (
        "Les dispositifs de réduction des risques ont accueilli 12 400 passages ; 4 100 consommations supervisées à la "
        "halte soins addictions ; 8 200 kits base et 15 000 seringues distribués ; 37 overdoses prises en charge."
    ) in text
    assert "hébergées" not in text  # no one housed: the part is left out


def test_without_passages_the_parts_stand_under_the_services_name(plan):
    maraude = make_partner(plan, role="care", code="maraude")
    _month(maraude, dt.date(2024, 4, 1), "Maraude", "outreach", syringes=1, people_housed=12)

    text = _care(plan)

    assert (
        "Dispositifs de réduction des risques : 1 seringue distribuée ; 12 personnes hébergées ou mises à l'abri."
        in text
    )
    assert "passages" not in text and "kits base" not in text


def test_the_active_file_is_stated_as_its_range_over_the_months(plan):
    gaia = make_partner(plan, role="care", code="gaia")
    caarud = make_partner(plan, role="health", code="caarud")
    for month, people in [(1, 480), (2, 510), (3, 560)]:
        _month(gaia, dt.date(2024, month, 1), active_file=people)
    _month(caarud, dt.date(2024, 3, 1), "CAARUD", "caarud", active_file=300)

    text = _care(plan)

    assert (
        "La file active des dispositifs de réduction des risques et de soins a varié de 480 à 860 personnes selon "
        "les mois."
    ) in text


def test_a_published_bilan_hides_small_counts_of_persons(plan):
    assert {"care_overdoses", "care_people_housed", "care_active_file"} <= sensitive_indicators()
    assert not {"care_passages", "care_supervised_consumptions"} & sensitive_indicators()
    site = make_partner(plan, role="care", code="csapa")
    _month(site, dt.date(2024, 1, 1), "CSAPA", "csapa", passages=900, overdoses=2, people_housed=3, active_file=3)
    _month(site, dt.date(2024, 2, 1), "CSAPA", "csapa", passages=850, active_file=40)

    internal, published = _care(plan), _care(plan, published=True)

    assert "1 750 passages ; 2 overdoses prises en charge ; 3 personnes hébergées" in internal
    assert "de 3 à 40 personnes" in internal
    assert "1 750 passages ; < 5 overdoses prises en charge ; < 5 personnes hébergées" in published
    assert "de < 5 à 40 personnes" in published
    rows = bilan_rows(build_bilan(plan, H1, charts=False, published=True, compare_with=None))
    csv = {row[5]: row[7:9] for row in rows if row[0] == "care_active_file"}
    assert csv["minimum"] == ["< 5", "personnes"] and csv["maximum"] == ["40", "personnes"]
    assert csv["mois avec relevés"] == ["2", "mois"]


def test_the_paris_demo_bilan_states_its_harm_reduction_activity(paris):
    """demo/paris.py: the halte soins addictions, the CAARUD and the crack outreach team, January to September
    2023 (the figures of demo/readback.py)."""
    text = _care(paris, period=PARIS)

    assert (
        "Les dispositifs de réduction des risques ont accueilli 83 226 passages ; 53 657 consommations supervisées à "
        "la halte soins addictions ; 31 545 kits base et 74 922 seringues distribués ; 49 overdoses prises en charge ; "
        "164 personnes hébergées ou mises à l'abri."
    ) in text
    assert "a varié de 1 100 à 1 216 personnes selon les mois" in text

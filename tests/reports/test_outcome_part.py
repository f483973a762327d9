"""The bilan's two parts: what the plan is meant to change (outcome) first, then what the partners did (output)."""

import datetime as dt
from pathlib import Path

from django.core.management import call_command

from copil.indicators.periods import Period
from copil.reports.bilan import OFFICIAL_STATISTICS, OUTCOME, OUTPUT, build_bilan
from copil.reports.rendering import render_bilan
from tests.factories import make_partner, make_plan, make_record, make_territory
from tests.reports.seeds import plain

YEAR_2024 = Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
SSMSI = Path(__file__).parent.parent / "official_statistics" / "data"


def test_outcome_comes_first_and_outputs_follow(police):
    make_record("deal_point", police, identified_on=dt.date(2023, 5, 1))
    make_record("deal_point", police, identified_on=dt.date(2023, 6, 1), neutralized_on=dt.date(2024, 2, 1))
    make_record("network", police, dismantled_on=dt.date(2024, 3, 1))
    bilan = build_bilan(police.plan, YEAR_2024, charts=False)
    parts = [section.part for section in bilan.sections]
    assert parts[0] == OUTCOME and OUTPUT in parts and parts == sorted(parts)  # "outcome" < "output"
    outcome = plain(" ".join(s.text for s in bilan.sections[0].sentences))
    assert "1 point de deal restait actif au 31 décembre 2024" in outcome
    assert "De 2 points de deal actifs au 31 décembre 2023 à 1 au 31 décembre 2024." in outcome
    output = plain(" ".join(s.text for sec in bilan.sections if sec.part == OUTPUT for s in sec.sentences))
    assert "1 réseau de trafic a été démantelé" in output and "restait actif" not in output
    html = plain(render_bilan(bilan, "html"))
    assert html.index("Ce que le plan veut changer") < html.index("Ce que les partenaires ont fait")


def test_the_official_statistics_sentence_when_figures_are_loaded(db):
    plan = make_plan(territory=make_territory(insee_code="61001", name="Alençon"))
    police = make_partner(plan, role="police", code="police")
    make_record("network", police, dismantled_on=dt.date(2024, 3, 1))
    assert not any(s.axis == OFFICIAL_STATISTICS for s in build_bilan(plan, YEAR_2024, charts=False).sections)
    for name in ("communes.csv", "departements.csv"):
        call_command("import_ssmsi", str(SSMSI / name))
    bilan = build_bilan(plan, YEAR_2024, charts=False)
    (official,) = [s for s in bilan.sections if s.axis == OFFICIAL_STATISTICS]
    assert official.part == OUTCOME and official.sentences[0].notes
    assert plain(official.sentences[0].text).startswith(
        "En 2024, 13,5 personnes mises en cause pour usage de stupéfiants pour 1 000 habitants à Alençon"
    )

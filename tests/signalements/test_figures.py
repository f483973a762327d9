"""The signalements' figures (count, resolved, median take-in delay, per category) and their bilan sentence."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from copil.indicators.periods import Period
from copil.reports.bilan import build_bilan
from copil.signalements import figures
from copil.signalements.models import Signalement
from tests.factories import make_partner, make_plan
from tests.signalements.helpers import at, signalement

YEAR = Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
DAY = dt.timedelta(days=1)
RESOLVED, CLOSED, TAKEN = Signalement.Status.RESOLVED, Signalement.Status.CLOSED, Signalement.Status.TAKEN


@pytest.fixture
def plan(db):
    plan = make_plan()
    make_partner(plan, "coordinator")
    return plan


def test_counts_resolved_and_median_delay_in_total_and_per_category(plan):
    signalement(plan, at(dt.date(2023, 3, 1)), status=RESOLVED, taken_after=DAY)
    signalement(plan, at(dt.date(2023, 3, 2)), status=RESOLVED, taken_after=3 * DAY)
    signalement(plan, at(dt.date(2023, 3, 3)), status=CLOSED, taken_after=2 * DAY)  # closed: not resolved
    signalement(plan, at(dt.date(2023, 3, 4)), code="maraude", status=TAKEN, taken_after=dt.timedelta(hours=12))
    signalement(plan, at(dt.date(2023, 3, 5)), code="maraude")  # never taken in: no delay
    signalement(plan, at(dt.date(2022, 12, 31), hour=22), status=RESOLVED, taken_after=DAY)  # before the period
    signalement(make_plan(), at(dt.date(2023, 3, 1)), status=RESOLVED, taken_after=DAY)  # another plan

    result = figures.compute(plan, YEAR)

    assert result.total == figures.SignalementFigures(
        count=5, resolved=2, taken=4, median_take_days=Decimal("1.5")
    )  # delays 0.5, 1, 2, 3 days: median 1.5
    assert result.by_category["point_de_deal"] == figures.SignalementFigures(3, 2, 3, Decimal("2.0"))
    assert result.by_category["maraude"] == figures.SignalementFigures(2, 0, 1, Decimal("0.5"))
    assert set(result.by_category) == {"point_de_deal", "maraude"}


def test_a_period_is_read_by_the_local_date_of_creation(plan):
    signalement(plan, at(dt.date(2023, 12, 31), hour=23))  # 22:00 UTC, still 31 December in Paris
    signalement(plan, at(dt.date(2024, 1, 1), hour=0))
    assert figures.compute(plan, YEAR).total.count == 1
    assert figures.compute(plan, Period(dt.date(2024, 1, 1), dt.date(2024, 1, 1))).total.count == 1


def test_the_bilan_sentence_reads_like_the_issue():
    with translation.override("fr"):
        many = figures.SignalementFigures(count=214, resolved=187, taken=200, median_take_days=Decimal("2.0"))
        assert figures.bilan_sentence(many) == (
            "214 signalements entre partenaires, dont 187 résolus ; délai médian de prise en charge : 2 jours."
        )
        one = figures.SignalementFigures(count=1, resolved=1, taken=1, median_take_days=Decimal("1.5"))
        assert figures.bilan_sentence(one) == (
            "1 signalement entre partenaires, dont 1 résolu ; délai médian de prise en charge : 1,5 jour."
        )
        none_taken = figures.SignalementFigures(count=3, resolved=0, taken=0, median_take_days=None)
        assert figures.bilan_sentence(none_taken) == "3 signalements entre partenaires, dont 0 résolu."
        assert figures.bilan_sentence(figures.SignalementFigures(0, 0, 0, None)) is None


def test_a_published_bilan_withholds_a_median_of_few_delays_but_states_the_counts():
    with translation.override("fr"):
        few = figures.SignalementFigures(count=7, resolved=3, taken=4, median_take_days=Decimal("2.0"))
        assert figures.bilan_sentence(few, published=True) == "7 signalements entre partenaires, dont 3 résolus."
        assert "délai médian" in figures.bilan_sentence(few, published=False)
        enough = figures.SignalementFigures(count=7, resolved=3, taken=5, median_take_days=Decimal("2.0"))
        assert "délai médian de prise en charge : 2 jours" in figures.bilan_sentence(enough, published=True)


def test_the_bilan_states_them_in_the_coordination_section_with_their_sources(plan):
    landlord = make_partner(plan, "housing", name="Bailleur social")
    for day in range(1, 7):
        signalement(plan, at(dt.date(2023, 5, day)), status=RESOLVED, taken_after=2 * DAY, reporter_partner=landlord)
    signalement(plan, at(dt.date(2023, 5, 9)), source=Signalement.Source.NATIONAL_CHANNEL)

    bilan = build_bilan(plan, YEAR, charts=False, compare_with=None)

    section = next(s for s in bilan.sections if s.axis == "coordination")
    sentence = next(s for s in section.sentences if "signalements entre partenaires" in s.text)
    assert sentence.text == (
        "7 signalements entre partenaires, dont 6 résolus ; délai médian de prise en charge : 2 jours."
    )
    note = next(f for f in bilan.footnotes if f.number == sentence.notes[0])
    with translation.override("fr"):  # « plateforme nationale de signalement » (sig's msgid)
        national = str(Signalement.Source.NATIONAL_CHANNEL.label)
    assert note.sources == [("Bailleur social", 6), (national, 1)]


def test_no_signalement_no_sentence(plan):
    bilan = build_bilan(plan, YEAR, charts=False, compare_with=None)
    assert not any("signalement" in s.text for section in bilan.sections for s in section.sentences)


def test_the_bilan_csv_gives_the_signalements_figures_with_their_sources(plan):
    from copil.reports.export import bilan_rows

    landlord = make_partner(plan, "housing", name="Bailleur social")
    for day in range(1, 5):
        signalement(plan, at(dt.date(2023, 5, day)), status=RESOLVED, taken_after=2 * DAY, reporter_partner=landlord)
    signalement(plan, at(dt.date(2023, 5, 9)), status=TAKEN, taken_after=4 * DAY, reporter_partner=landlord)
    signalement(plan, at(dt.date(2022, 5, 9)), status=RESOLVED, reporter_partner=landlord)  # before the period

    def rows(**options):
        bilan = build_bilan(plan, YEAR, charts=False, compare_with=None, **options)
        return {row[5]: row for row in bilan_rows(bilan) if row[0] == "signalements"}

    live = rows()
    assert [live[m][7] for m in ("valeur", "dont résolus", "délai médian de prise en charge")] == ["5", "4", "2"]
    assert live["valeur"][2:5] == ["coordination", "2023-01-01", "2023-12-31"]
    assert live["valeur"][11:] == ["5", "Bailleur social (5)"]
    assert live["délai médian de prise en charge"][8] == "jours"
    published = rows(published=True)  # five delays: enough to state the median
    assert published["délai médian de prise en charge"][7] == "2"

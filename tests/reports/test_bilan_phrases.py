"""The bilan composes the catalogue's phrases: a new indicator with a phrase reaches its axis's section without new
code in the bilan, and a phrase's zero rule decides whether a zero figure is said."""

import dataclasses
import datetime as dt
from types import MappingProxyType

import pytest
from django.utils import timezone
from django.utils.translation import ngettext

from copil.indicators import phrases
from copil.indicators.catalogue import get_catalogue
from copil.indicators.periods import Period
from copil.records.models import Arrest, FieldObservation
from copil.reports import bilan as bilan_module
from copil.reports.bilan import build_bilan
from copil.reports.export import bilan_csv
from tests.factories import make_partner
from tests.reports.seeds import plain

YEAR = Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31))


def _use_phrases(monkeypatch, table: dict[str, phrases.Phrase]) -> None:
    ordered = {code: table[code] for code in get_catalogue() if code in table}
    monkeypatch.setattr(phrases, "PHRASES", MappingProxyType(ordered))
    monkeypatch.setattr(bilan_module, "INDICATORS", list(ordered))


@pytest.fixture
def observations(plan):
    care = make_partner(plan, role="care", name="Maraude de test")
    days = [dt.date(2022, 6, 1), dt.date(2023, 3, 1), dt.date(2023, 3, 2), dt.date(2023, 3, 3)]
    for n, day in enumerate(days):
        FieldObservation.objects.create(
            plan=plan,
            partner=care,
            external_id=f"obs-{n}",
            observed_at=timezone.make_aware(dt.datetime.combine(day, dt.time(22))),
            people_count=4,
            source="outreach",
        )
    return plan


def test_a_new_indicator_is_a_catalogue_entry_and_a_phrase(observations, monkeypatch):
    assert "observation" not in plain(build_bilan(observations, YEAR, charts=False).text)

    observed = phrases.Phrase(
        states=lambda n: ngettext("{n} field observation was made", "{n} field observations were made", n),
        comparison=phrases.against_baseline,
    )
    _use_phrases(monkeypatch, {**phrases.PHRASES, "field_observations": observed})
    bilan = build_bilan(observations, YEAR, charts=False)

    care = next(section for section in bilan.sections if section.axis == "prevention_care")
    (sentence,) = [s for s in care.sentences if "observation" in s.text]
    assert sentence.text == "3 field observations were made, contre 1 sur la période précédente."
    (note,) = [n for n in bilan.footnotes if n.number in sentence.notes]
    assert plain(note.text) == "Observations de terrain. Source : Maraude de test (3 enregistrements)."
    assert "field_observations" in bilan_csv(bilan).decode("utf-8-sig")


@pytest.fixture
def users_arrested(plan, police):
    for n in range(2):
        Arrest.objects.create(
            plan=plan, partner=police, external_id=f"a{n}", arrested_on=dt.date(2023, 4, 1), role="user"
        )
    return plan


def test_a_zero_figure_is_said_or_left_out_as_its_phrase_says(users_arrested, monkeypatch):
    stated = "Aucune interpellation de trafiquant n'a été réalisée ; 2 interpellations d'usagers ont eu lieu."
    assert stated in plain(build_bilan(users_arrested, YEAR, charts=False).text)

    omitted = dataclasses.replace(phrases.PHRASES["trafficker_arrests"], zero=phrases.OMIT)
    _use_phrases(monkeypatch, {**phrases.PHRASES, "trafficker_arrests": omitted})
    text = plain(build_bilan(users_arrested, YEAR, charts=False).text)
    assert "interpellation" not in text

"""The demo plans gain signalements: every status, no name in the text, in the bilan and on the map, and the
seed figures of the bilan unchanged."""

import datetime as dt
from collections import Counter

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from copil.imports.plan_file import import_plan_directory
from copil.indicators.periods import Period
from copil.plans.models import Membership, Partner, Plan
from copil.reports.bilan import build_bilan
from copil.signalements.demo import add_demo_signalements
from copil.signalements.models import Signalement
from copil.signalements.names import find_personal_data
from copil.web import maps

ALENCON = Period(dt.date(2023, 1, 1), dt.date(2024, 6, 30))


@pytest.mark.django_db
def test_alencon_gains_signalements_in_the_bilan_and_on_the_map_and_keeps_its_figures():
    import_plan_directory(settings.COPIL_DEMO_DIR / "alencon")
    plan = Plan.objects.get(slug="alencon")
    before = build_bilan(plan, ALENCON, charts=False)

    added = add_demo_signalements(plan, ALENCON)

    stored = Signalement.objects.filter(plan=plan)
    assert added == stored.count() == 36
    statuses = Counter(stored.values_list("status", flat=True))
    assert set(statuses) == set(Signalement.Status.values)
    assert stored.filter(source=Signalement.Source.NATIONAL_CHANNEL).exists()
    assert len(set(stored.values_list("category__code", flat=True))) >= 5
    for s in stored:
        assert find_personal_data(s.description) == []
        assert ALENCON.start <= s.created_at.date() <= ALENCON.end
        if s.taken_at:
            assert s.created_at <= s.taken_at
        if s.closed_at:
            assert s.taken_at <= s.closed_at and s.outcome
    assert add_demo_signalements(plan, ALENCON) == 0  # loading the demo again adds nothing

    after = build_bilan(plan, ALENCON, charts=False)
    assert {code: r.value for code, r in after.results.items()} == {code: r.value for code, r in before.results.items()}
    sentences = [s.text for section in after.sections for s in section.sentences]
    [sentence] = [text for text in sentences if "signalements entre partenaires" in text]
    resolved = statuses[Signalement.Status.RESOLVED]
    assert sentence.startswith(f"36 signalements entre partenaires, dont {resolved} résolus ; délai médian")
    assert [text for text in sentences if text not in sentence] == [
        text for section in before.sections for text in (s.text for s in section.sentences)
    ]

    coordinator = get_user_model().objects.create_user("coordinatrice", "c@example.fr", None)
    Membership.objects.create(partner=Partner.objects.get(plan=plan, role="coordinator"), user=coordinator)
    features = maps.layer(coordinator, plan, maps.SIGNALEMENTS, ALENCON)["features"]
    # Every partner's signalement is located; the national platform's give an address only.
    assert len(features) == stored.filter(source=Signalement.Source.PARTNER).count() > 25
    assert {f["properties"]["status"] for f in features} == set(Signalement.Status.values)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["paris", "haute-garonne"])
def test_every_demo_plan_gains_signalements_stated_by_its_bilan_and_on_its_map(slug):
    """Paris has no landlord nor city partner: its hall occupations are reported by a partner on the ground."""
    import tomllib

    from copil.indicators.periods import parse_period

    import_plan_directory(settings.COPIL_DEMO_DIR / slug)
    plan = Plan.objects.get(slug=slug)
    manifest = tomllib.loads((settings.COPIL_DEMO_DIR / "bilans.toml").read_text(encoding="utf-8"))
    [entry] = [entry for entry in manifest["bilan"] if entry["plan"] == slug]
    period = parse_period(entry["period"], plan_start=plan.started_on, plan_end=plan.ended_on)

    added = add_demo_signalements(plan, period, today=period.end + dt.timedelta(days=1))

    stored = Signalement.objects.filter(plan=plan)
    assert added == stored.count() > 0
    assert all(s.reporter_partner_id or s.source == Signalement.Source.NATIONAL_CHANNEL for s in stored)
    resolved = stored.filter(status=Signalement.Status.RESOLVED).count()
    sentences = [s.text for section in build_bilan(plan, period, charts=False).sections for s in section.sentences]
    [sentence] = [text for text in sentences if "signalements entre partenaires" in text]
    assert sentence.startswith(f"{added} signalements entre partenaires, dont {resolved} résolu")
    coordinator = get_user_model().objects.create_user("coordinatrice", "c@example.fr", None)
    Membership.objects.create(partner=Partner.objects.filter(plan=plan, role="coordinator").first(), user=coordinator)
    features = maps.layer(coordinator, plan, maps.SIGNALEMENTS, period)["features"]
    assert len(features) == stored.filter(source=Signalement.Source.PARTNER, latitude__isnull=False).count() > 0

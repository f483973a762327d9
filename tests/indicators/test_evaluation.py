"""The evaluation of a plan on an outcome indicator's monthly series, and its French reading."""

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone, translation

from copil.access.audit import auditlog_disabled
from copil.indicators import rollup
from copil.indicators.evaluation import caution, evaluate
from copil.records.models import FieldObservation
from tests.factories import make_partner, make_plan


@pytest.fixture(autouse=True)
def _french():
    with translation.override("fr"):
        yield


def observations(plan, monthly_means, first=dt.date(2020, 1, 1), seed=5):
    """Field observations drawn month by month (Poisson), each on the month's 10th at 22:00."""
    partner = make_partner(plan, role="police")
    counts = np.random.default_rng(seed).poisson(monthly_means)
    rows, n = [], 0
    for index, count in enumerate(counts):
        year, month = first.year + (first.month - 1 + index) // 12, (first.month - 1 + index) % 12 + 1
        when = timezone.make_aware(dt.datetime(year, month, 10, 22))
        for _ in range(count):
            n += 1
            rows.append(
                FieldObservation(
                    plan=plan, partner=partner, external_id=f"O{n}", observed_at=when, people_count=3, source="patrol"
                )
            )
    with auditlog_disabled():
        FieldObservation.objects.bulk_create(rows, batch_size=1000)
    rollup.rebuild([plan.pk])  # bulk inserts bypass the roll-up: recompute it, as after any bulk load
    return counts


def test_a_fall_after_the_plan_is_read_with_its_interval(db):
    plan = make_plan(started_on=dt.date(2023, 1, 15))
    observations(plan, [40.0] * 36 + [16.0] * 24)
    result = evaluate(plan, "field_observations", today=dt.date(2025, 1, 20))
    assert (result.start_index, len(result.points)) == (36, 60)
    assert result.result.verdict == "baisse"
    assert 0.3 < result.result.relative_change < 0.55
    assert result.reading.startswith(
        "En décembre 2024, 24 mois après le lancement du plan, le nombre des observations de terrain est inférieur de "
    )
    assert "% (IC 95 % : " in result.reading
    assert "ne prouve pas" in caution()


def test_the_series_starts_with_the_first_record_and_says_why_it_cannot_conclude(db):
    """Months before any record are unknown, not zero: 18 months of records before the plan are too few."""
    plan = make_plan(started_on=dt.date(2023, 1, 1))
    observations(plan, [30.0] * 30, first=dt.date(2021, 7, 1))
    result = evaluate(plan, "field_observations", today=dt.date(2024, 1, 5))
    assert result.points[0].period.start == dt.date(2021, 7, 1)
    assert result.result.reason == "too_few_months_before"
    assert result.reading == (
        "Pas de conclusion possible : la série ne compte que 18 mois avant le lancement du plan ; il en faut au "
        "moins 24 pour distinguer la tendance et les saisons de l'effet du plan."
    )


def test_nothing_recorded_nothing_to_evaluate(db):
    result = evaluate(make_plan(), "field_observations", today=dt.date(2024, 1, 5))
    assert result.result is None
    assert result.reading == "Aucun enregistrement pour l'indicateur « observations de terrain » : rien à évaluer."

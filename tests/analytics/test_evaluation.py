"""Comparison of two periods and interrupted-time-series evaluation: each honesty rule, the seeded simulation."""

import os

import numpy as np
import pytest

from analytics.comparison import compare_counts, compare_sums, percent_is_shown
from analytics.its import Inconclusive, SegmentedFit, segmented_regression, simulate_counts

pytestmark = pytest.mark.skipif(
    os.environ.get("COPIL_TEST_DATABASE") == "postgresql", reason="database-independent; runs in the SQLite leg"
)

SIMULATIONS = 1000


def test_a_clear_rise_of_counts_is_a_hausse_with_its_percentage():
    result = compare_counts(285, 357)
    assert result.verdict == "hausse"
    assert result.p_value < 0.05
    assert result.percent_change == pytest.approx(25.26, abs=0.01)


def test_a_clear_fall_is_a_baisse():
    assert compare_counts(156, 100).verdict == "baisse"


def test_a_change_within_chance_is_stable():
    result = compare_counts(100, 110)
    assert result.verdict == "stable"
    assert result.p_value > 0.4


def test_no_percentage_under_ten_earlier_events():
    """« 12 contre 3 », never « +300 % »: the percentage needs at least 10 earlier events."""
    assert compare_counts(3, 12).percent_change is None
    assert compare_counts(9, 30).percent_change is None
    assert compare_counts(10, 30).percent_change == pytest.approx(200.0)
    assert not percent_is_shown(9) and percent_is_shown(10)


def test_unequal_period_lengths_are_compared_as_rates():
    """20 arrests in 6 months then 40 in 12 months is the same rate: stable, 0 %."""
    result = compare_counts(20, 40, earlier_exposure=182, later_exposure=364)
    assert result.verdict == "stable"
    assert result.p_value == pytest.approx(1.0)
    assert result.percent_change == pytest.approx(0.0)
    # The same counts over equal lengths are a doubling.
    assert compare_counts(20, 40).verdict == "hausse"


def test_the_exact_test_matches_the_binomial_distribution():
    """Conditional on n = 12, the later count is B(12, 1/2) under H0: P(X >= 10) doubled."""
    from scipy.stats import binom

    expected = 2 * binom.sf(9, 12, 0.5)
    assert compare_counts(2, 10).p_value == pytest.approx(expected)


def test_zero_counts_are_stable():
    assert compare_counts(0, 0).verdict == "stable"


def test_masses_get_a_change_and_their_seizures_never_a_verdict():
    result = compare_sums(1200.0, 300.0, earlier_events=40, later_events=35)
    assert not hasattr(result, "verdict")
    assert result.change == pytest.approx(-900.0)
    assert result.percent_change == pytest.approx(-75.0)
    assert (result.earlier_events, result.later_events) == (40, 35)
    assert compare_sums(1200.0, 300.0, earlier_events=4, later_events=3).percent_change is None


def test_no_conclusion_with_fewer_than_24_months_before_the_plan():
    counts, months = simulate_counts(np.random.default_rng(1), months_before=23, months_after=12)
    result = segmented_regression(counts[0], months, 23)
    assert isinstance(result, Inconclusive)
    assert (result.reason, result.months_before, result.months_required) == ("too_few_months_before", 23, 24)
    counts, months = simulate_counts(np.random.default_rng(1), months_before=24, months_after=12)
    assert isinstance(segmented_regression(counts[0], months, 24), SegmentedFit)


def test_no_conclusion_without_a_month_after_or_without_events():
    counts, months = simulate_counts(np.random.default_rng(2), months_before=30, months_after=0)
    assert segmented_regression(counts[0], months, 30).reason == "no_month_after"
    assert segmented_regression(np.zeros(40), (np.arange(40) % 12) + 1, 30).reason == "no_events"


def test_a_large_effect_is_found_with_its_level_and_slope():
    counts, months = simulate_counts(np.random.default_rng(3), baseline=80, level_change=0.6, slope_change=0.98)
    fit = segmented_regression(counts[0], months, 36)
    assert fit.verdict == "baisse"
    assert fit.level_lower < 0.6 < fit.level_upper
    assert fit.slope_lower < 0.98 < fit.slope_upper
    assert fit.relative_change == pytest.approx(fit.level_change * fit.slope_change**fit.horizon)
    assert fit.horizon == 23
    assert fit.fitted[:36] == pytest.approx(fit.counterfactual[:36])
    assert fit.fitted[-1] / fit.counterfactual[-1] == pytest.approx(fit.relative_change)


def test_exposure_turns_counts_into_rates():
    """Months recorded on half their days after the start: a constant daily rate is no effect once exposure is given."""
    days = np.array([30] * 36 + [15] * 24)
    counts = np.random.default_rng(4).poisson(days * 4.0)
    months = (np.arange(60) % 12) + 1
    as_counts = segmented_regression(counts, months, 36)
    as_rates = segmented_regression(counts, months, 36, exposure=days)
    assert as_counts.verdict == "baisse" and as_counts.level_change == pytest.approx(0.5, abs=0.1)
    assert as_rates.verdict == "stable" and as_rates.level_change == pytest.approx(1.0, abs=0.1)


def _study(rng, *, level_change, slope_change, dispersion):
    counts, months = simulate_counts(
        rng, level_change=level_change, slope_change=slope_change, dispersion=dispersion, replicates=SIMULATIONS
    )
    return [segmented_regression(row, months, 36) for row in counts]


def test_simulation_coverage_of_the_95_percent_interval_is_between_93_and_97_percent():
    """1,000 overdispersed series (36 months before, 24 after) with a known effect: 30 % fall, slope ×0.99/month."""
    truth = 0.7 * 0.99**23
    fits = _study(np.random.default_rng(20261204), level_change=0.7, slope_change=0.99, dispersion=0.05)
    coverage = np.mean([fit.lower <= truth <= fit.upper for fit in fits])
    assert 0.93 <= coverage <= 0.97


def test_simulation_without_effect_says_hausse_or_baisse_at_most_5_percent_of_the_time():
    fits = _study(np.random.default_rng(20261205), level_change=1.0, slope_change=1.0, dispersion=0.05)
    false_positive_rate = np.mean([fit.verdict != "stable" for fit in fits])
    assert false_positive_rate <= 0.05


def test_simulation_of_period_comparisons_without_effect_says_hausse_or_baisse_at_most_5_percent():
    """The exact conditional test on two equal-rate Poisson counts (a year of 30 a month, then 8 months)."""
    rng = np.random.default_rng(20261206)
    earlier, later = rng.poisson(30 * 12, SIMULATIONS), rng.poisson(30 * 8, SIMULATIONS)
    verdicts = [
        compare_counts(int(a), int(b), earlier_exposure=12, later_exposure=8).verdict
        for a, b in zip(earlier, later, strict=True)
    ]
    assert np.mean([verdict != "stable" for verdict in verdicts]) <= 0.05

"""Emerging hot-spot analysis: Gi*, Mann-Kendall, and one synthetic cube per category."""

import math
import os

import numpy as np
import pytest

from analytics.hotspots import (
    CATEGORIES,
    benjamini_hochberg,
    classify,
    distance_band,
    emerging_hot_spots,
    gi_star,
    mann_kendall,
)

pytestmark = pytest.mark.skipif(
    os.environ.get("COPIL_TEST_DATABASE") == "postgresql", reason="database-independent; runs in the SQLite leg"
)

SIDE, MONTHS = 9, 20
CENTRE = (SIDE // 2) * SIDE + SIDE // 2
HIGH, LOW, NORMAL = 60.0, 0.0, None


def grid_neighbors() -> np.ndarray:
    """Queen contiguity on a 9 × 9 grid of 1-unit cells (centres within 1.5 units)."""
    cells = np.array([(i, j) for i in range(SIDE) for j in range(SIDE)], dtype=float)
    return distance_band(cells, 1.5)


def cube(profile) -> np.ndarray:
    """A 9 × 9 grid × 20 months cube: a deterministic background of 20 ± 2 counts, and the 3 × 3 block around the
    centre following `profile` (a value per month, None keeping the background)."""
    i, j, t = np.meshgrid(np.arange(SIDE), np.arange(SIDE), np.arange(MONTHS), indexing="ij")
    x = 20.0 + 2.0 * np.where((i + j + t) % 2 == 0, 1.0, -1.0)
    for month, value in enumerate(profile):
        if value is not None:
            x[SIDE // 2 - 1 : SIDE // 2 + 2, SIDE // 2 - 1 : SIDE // 2 + 2, month] = value
    return x.reshape(SIDE * SIDE, MONTHS)


def category(profile) -> str:
    return emerging_hot_spots(cube(profile), grid_neighbors(), time_step=1).categories[CENTRE]


def months(default=NORMAL, **at):
    """A profile: `default` everywhere, `at={"m3": HIGH}`-style overrides, or ranges via `between`."""
    values = [default] * MONTHS
    for key, value in at.items():
        values[int(key[1:])] = value
    return values


def between(values, first, last, value):
    values = list(values)
    for m in range(first, last + 1):
        values[m] = value
    return values


def test_new_hot_spot():
    assert category(months(m19=HIGH)) == "new_hot_spot"


def test_consecutive_hot_spot():
    assert category(between(months(), 17, 19, HIGH)) == "consecutive_hot_spot"


def test_intensifying_hot_spot():
    assert category([40.0 + 6 * m for m in range(MONTHS)]) == "intensifying_hot_spot"


def test_persistent_hot_spot():
    assert category([HIGH] * MONTHS) == "persistent_hot_spot"


def test_diminishing_hot_spot():
    assert category([160.0 - 6 * m for m in range(MONTHS)]) == "diminishing_hot_spot"


def test_sporadic_hot_spot():
    assert category(months(m3=HIGH, m9=HIGH, m19=HIGH)) == "sporadic_hot_spot"


def test_oscillating_hot_spot():
    assert category(between(months(m19=HIGH), 2, 5, LOW)) == "oscillating_hot_spot"


def test_historical_hot_spot():
    assert category(between(months(), 0, 17, HIGH)) == "historical_hot_spot"


def test_new_cold_spot():
    assert category(months(m19=LOW)) == "new_cold_spot"


def test_consecutive_cold_spot():
    assert category(between(months(), 17, 19, LOW)) == "consecutive_cold_spot"


def test_intensifying_cold_spot():
    assert category([max(0.0, 12.0 - 0.6 * m) for m in range(MONTHS)]) == "intensifying_cold_spot"


def test_persistent_cold_spot():
    assert category([4.0] * MONTHS) == "persistent_cold_spot"


def test_diminishing_cold_spot():
    assert category([0.6 * m for m in range(MONTHS)]) == "diminishing_cold_spot"


def test_sporadic_cold_spot():
    assert category(months(m3=LOW, m9=LOW, m19=LOW)) == "sporadic_cold_spot"


def test_oscillating_cold_spot():
    assert category(between(months(m19=LOW), 2, 5, HIGH)) == "oscillating_cold_spot"


def test_historical_cold_spot():
    assert category(between(months(), 0, 17, LOW)) == "historical_cold_spot"


def test_no_pattern():
    # Hot for a few months long ago: neither recent nor persistent.
    assert category(between(months(), 4, 7, HIGH)) == "no_pattern"
    assert category(months()) == "no_pattern"


def test_every_category_has_a_test():
    tested = {name[5:] for name in globals() if name.startswith("test_")}
    assert set(CATEGORIES) <= tested


def test_gi_star_equals_the_formula_bin_by_bin():
    rng = np.random.default_rng(3)
    coords = rng.uniform(0, 10, (12, 2))
    w = distance_band(coords, 3.5)
    x = rng.poisson(5, (12, 6)).astype(float)
    z, p = gi_star(x, w, time_step=2)
    n = x.size
    flat = x.ravel()
    mean = flat.mean()
    S = math.sqrt((flat**2).mean() - mean**2)
    for i in range(12):
        for t in range(6):
            weights = np.zeros_like(x)
            for j in range(12):
                if w[i, j]:
                    weights[j, max(0, t - 2) : t + 1] = 1.0
            sw = weights.sum()
            expected = ((weights * x).sum() - mean * sw) / (S * math.sqrt((n * (weights**2).sum() - sw**2) / (n - 1)))
            assert z[i, t] == pytest.approx(expected)
            assert p[i, t] == pytest.approx(math.erfc(abs(expected) / math.sqrt(2)))


def test_mann_kendall():
    rising = mann_kendall([1, 2, 3, 4, 5])
    assert (rising.S, rising.var_S, rising.tau) == (10, pytest.approx(50 / 3), 1.0)
    assert rising.z == pytest.approx(9 / math.sqrt(50 / 3))
    tied = mann_kendall([1, 1, 2, 2, 2])
    assert tied.S == 6
    assert tied.var_S == pytest.approx((5 * 4 * 15 - (2 * 1 * 9 + 3 * 2 * 11)) / 18)
    flat = mann_kendall([3, 3, 3])
    assert (flat.S, flat.z, flat.p) == (0, 0.0, 1.0)
    assert mann_kendall(np.arange(20.0)).p < 0.001


def test_classification_rules_on_series():
    z = np.array([3.0] * 10)
    p = np.array([0.001] * 10)
    assert classify(z, p, trend_z=0.0, trend_p=1.0) == "persistent_hot_spot"
    assert classify(z, p, trend_z=2.5, trend_p=0.01) == "intensifying_hot_spot"
    assert classify(-z, p, trend_z=-2.5, trend_p=0.01) == "intensifying_cold_spot"
    p_end = p.copy()
    p_end[-1] = 0.5
    assert classify(z, p_end, trend_z=0.0, trend_p=1.0) == "historical_hot_spot"
    # A single hot bin before the final run makes it sporadic, not consecutive.
    p_gap = np.array([0.5] * 10)
    p_gap[[2, 8, 9]] = 0.001
    assert classify(z, p_gap, 0.0, 1.0) == "sporadic_hot_spot"


def test_benjamini_hochberg():
    adjusted = benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.2]), 0.05)
    np.testing.assert_allclose(adjusted, [0.04, 0.16 / 3, 0.16 / 3, 0.2], rtol=1e-12)


def test_distance_band_over_a_departement_wide_grid_is_sparse():
    """A 200 × 250 grid (a département in 250 m cells): the weights hold the neighbour pairs, not 50 000² cells."""
    rows, cols = 200, 250
    cells = np.array([(i, j) for i in range(rows) for j in range(cols)], dtype=float)

    w = distance_band(cells, 1.5)

    assert w.shape == (rows * cols, rows * cols)
    assert w.nnz == (3 * rows - 2) * (3 * cols - 2)  # queen neighbours, the cell itself included
    assert w[0, 0] and w[0, 1] and w[0, cols + 1] and not w[0, 2]

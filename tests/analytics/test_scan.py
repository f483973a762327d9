"""The prospective space-time permutation scan: exactness against brute force, calibration, power, distribution."""

import math
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analytics import _kernels, scan
from analytics.scan import expected_cases, log_glr, monte_carlo_p_value, prospective_scan, recurrence_interval
from tests.analytics import bruteforce

pytestmark = pytest.mark.skipif(
    os.environ.get("COPIL_TEST_DATABASE") == "postgresql", reason="database-independent; runs in the SQLite leg"
)


def random_input(seed: int) -> tuple[dict, dict]:
    """Small data on a coarse grid (many equal distances), with counts, and scan limits drawn at random."""
    rng = np.random.default_rng(seed)
    n_loc = int(rng.integers(2, 14))
    places = rng.integers(0, 6, (n_loc, 2)) * 100.0
    n = int(rng.integers(10, 90))
    data = {
        "points": places[rng.integers(0, n_loc, n)],
        "days": rng.integers(0, 25, n),
        "counts": rng.integers(0, 4, n) if rng.random() < 0.5 else None,
    }
    limits = {
        "day": None if rng.random() < 0.7 else int(data["days"].max()) - int(rng.integers(1, 4)),
        "max_window": int(rng.integers(1, 12)),
        "max_share": float(rng.choice([0.5, 0.3, 0.8, 1.0])),
        "max_radius": None if rng.random() < 0.5 else float(rng.choice([100.0, 150.0, 250.0, 400.0])),
        "max_neighbors": None if rng.random() < 0.5 else int(rng.integers(1, 7)),
        "min_cases": int(rng.choice([1, 2, 3])),
    }
    return data, limits


def check_against_bruteforce(data: dict, limits: dict) -> None:
    result = prospective_scan(data["points"], data["days"], data["counts"], replicates=0, **limits)
    found = bruteforce.cylinders(data["points"], data["days"], data["counts"], **limits)
    best = bruteforce.maximum(found)
    if not found:
        assert result.clusters == []
        return
    cluster = result.most_likely
    assert cluster is not None
    assert cluster.llr == pytest.approx(best, rel=1e-9, abs=1e-12)
    # The cluster is one of the brute-force maximisers, with the same counts.
    coordinates = {tuple(p) for p in result.locations[cluster.locations]}
    matches = [
        c for c in found if c.centre == (cluster.x, cluster.y) and c.members == coordinates and c.length == cluster.days
    ]
    assert len(matches) == 1
    match = matches[0]
    assert match.llr == pytest.approx(best, rel=1e-9, abs=1e-12)
    assert (match.observed, cluster.radius**2) == (cluster.observed, pytest.approx(match.r2))
    assert cluster.expected == pytest.approx(match.expected, rel=1e-12)
    # When the maximum is unique, it is exactly the brute-force cylinder.
    maximisers = [c for c in found if c.llr >= best - 1e-9 * max(1.0, best)]
    if len({(c.members, c.length) for c in maximisers}) == 1:
        assert (coordinates, cluster.days) == (maximisers[0].members, maximisers[0].length)
    # The records behind the cluster are the rows inside its cylinder.
    day = max(data["days"]) if limits["day"] is None else limits["day"]
    counts = np.ones(len(data["days"])) if data["counts"] is None else data["counts"]
    expected_rows = [
        k
        for k, (p, d) in enumerate(zip(data["points"], data["days"], strict=True))
        if tuple(p) in coordinates and cluster.start_day <= d <= day and counts[k] > 0
    ]
    assert cluster.cases.tolist() == expected_rows
    # Secondary clusters: no shared location, each the best cylinder of its own centre.
    seen: set = set()
    for secondary in result.clusters:
        members = {tuple(p) for p in result.locations[secondary.locations]}
        assert not members & seen
        seen |= members
        own = max(c.llr for c in found if c.centre == (secondary.x, secondary.y))
        assert secondary.llr == pytest.approx(own, rel=1e-9, abs=1e-12)
    assert [c.llr for c in result.clusters] == sorted((c.llr for c in result.clusters), reverse=True)


@pytest.mark.parametrize("seed", range(60))
def test_statistic_and_most_likely_cluster_equal_bruteforce(seed):
    data, limits = random_input(seed)
    check_against_bruteforce(data, limits)


@settings(max_examples=40, deadline=None)
@given(
    cases=st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 15), st.integers(1, 3)), min_size=2, max_size=60
    ),
    max_window=st.integers(1, 8),
    max_neighbors=st.one_of(st.none(), st.integers(1, 5)),
    min_cases=st.integers(1, 3),
)
def test_bruteforce_on_generated_inputs(cases, max_window, max_neighbors, min_cases):
    data = {
        "points": np.array([(50.0 * x, 50.0 * y) for x, y, _, _ in cases]),
        "days": np.array([d for _, _, d, _ in cases]),
        "counts": np.array([n for _, _, _, n in cases]),
    }
    limits = {
        "day": None,
        "max_window": max_window,
        "max_share": 0.5,
        "max_radius": None,
        "max_neighbors": max_neighbors,
        "min_cases": min_cases,
    }
    check_against_bruteforce(data, limits)


@pytest.mark.parametrize("seed", range(8))
def test_each_replicate_equals_bruteforce_on_its_permuted_data(seed):
    """The Monte Carlo kernel's maximum, recomputed by brute force on the data of that replicate."""
    rng = np.random.default_rng(100 + seed)
    places = rng.integers(0, 5, (8, 2)) * 100.0
    n = 70
    points = places[rng.integers(0, 8, n)]
    days = rng.integers(0, 30, n)
    days[:2] = (0, 29)  # a study period longer than the windows
    limits = {"max_window": 7, "max_share": 0.5, "max_radius": 300.0, "max_neighbors": None, "min_cases": 2}
    prepared = scan._prepare(points, days, None, None, None, 7, 0.5, 300.0, None, 2)
    replicate_seeds = scan._seeds(seed, 3)
    maxima = _kernels.replicate_maxima_serial(replicate_seeds, *prepared.kernel_args())
    for replicate_seed, maximum in zip(replicate_seeds, maxima, strict=True):
        recent_loc = _kernels.permuted_recent(prepared.case_loc, prepared.recent_j, replicate_seed)
        # The cases that draw the recent dates keep those dates; the others all go to the first day of the study.
        older = prepared.n_z - np.bincount(recent_loc, minlength=prepared.n_z.size)
        loc = np.concatenate([recent_loc, np.repeat(np.arange(older.size), older)])
        day_of = np.concatenate([29 - prepared.recent_j, np.zeros(int(older.sum()), np.int64)])
        found = bruteforce.cylinders(prepared.locations[loc], day_of, None, day=29, **limits)
        assert maximum == pytest.approx(bruteforce.maximum(found), rel=1e-9, abs=1e-12)


def test_same_seed_same_p_values_on_any_number_of_threads():
    rng = np.random.default_rng(7)
    points = rng.uniform(0, 1000, (400, 2))
    days = rng.integers(0, 60, 400)
    one = prospective_scan(points, days, max_window=10, replicates=99, seed=3, n_threads=1)
    every = prospective_scan(points, days, max_window=10, replicates=99, seed=3)
    other = prospective_scan(points, days, max_window=10, replicates=99, seed=4)
    np.testing.assert_array_equal(one.llr_replicates, every.llr_replicates)
    assert one.most_likely.p_value == every.most_likely.p_value
    assert not np.array_equal(one.llr_replicates, other.llr_replicates)


def test_replicates_on_a_dask_cluster_equal_the_local_ones():
    distributed = pytest.importorskip("distributed")
    rng = np.random.default_rng(11)
    points = rng.uniform(0, 1000, (300, 2))
    days = rng.integers(0, 60, 300)
    options = {"max_window": 10, "replicates": 60, "seed": 5}
    local = prospective_scan(points, days, **options)
    cluster_options = {"n_workers": 2, "threads_per_worker": 1, "processes": False, "dashboard_address": None}
    with distributed.LocalCluster(**cluster_options) as cluster:
        remote = prospective_scan(points, days, scheduler=cluster.scheduler_address, **options)
        with distributed.Client(cluster) as client:
            through_client = prospective_scan(points, days, scheduler=client, **options)
    np.testing.assert_array_equal(local.llr_replicates, remote.llr_replicates)
    np.testing.assert_array_equal(local.llr_replicates, through_client.llr_replicates)
    assert remote.most_likely.p_value == local.most_likely.p_value


def null_p_value(run: int) -> float:
    """One analysis of data without space-time interaction: dates permuted at random among the cases."""
    rng = np.random.default_rng(5000 + run)
    places = rng.uniform(0, 2000, (150, 2))
    points = places[rng.integers(0, 150, 1500)]
    days = rng.permutation(rng.integers(0, 120, 1500))
    result = prospective_scan(points, days, max_window=14, max_radius=400, replicates=199, seed=run)
    return result.most_likely.p_value if result.most_likely else 1.0


def test_p_values_are_uniform_under_the_null():
    p_values = np.array([null_p_value(run) for run in range(200)])
    ks = stats.kstest(p_values, "uniform")
    false_alarms = float(np.mean(p_values < 0.05))
    print(f"KS p-value {ks.pvalue:.3f}, false-alarm rate at 0.05: {false_alarms:.3f}")
    assert ks.pvalue > 0.01
    assert 0.02 <= false_alarms <= 0.08


def planted_cluster(run: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """20,000 background cases over a year at 400 places of a 2 km × 2 km sector (the extent of the Paris plan's
    observation places), plus a cluster of relative risk 3 over the last 7 days within 300 m of a random point.
    """
    rng = np.random.default_rng(9000 + run)
    side, radius, length, year = 2000.0, 300.0, 7, 365
    places = rng.uniform(0, side, (400, 2))
    centre = rng.uniform(2 * radius, side - 2 * radius, 2)
    place = rng.integers(0, 400, 20_000)
    days = rng.integers(0, year, 20_000)
    inside = np.flatnonzero(np.hypot(*(places - centre).T) <= radius)
    background = 20_000 * inside.size / 400 * length / year  # expected background cases in the cylinder
    extra = rng.poisson(2 * background)  # relative risk 3: twice the background on top of it
    place = np.concatenate([place, rng.choice(inside, extra)])
    days = np.concatenate([days, rng.integers(year - length, year, extra)])
    return places[place], days, centre


def test_planted_cluster_is_found():
    found = 0
    for run in range(50):
        points, days, centre = planted_cluster(run)
        result = prospective_scan(points, days, max_window=30, max_radius=350, replicates=99, seed=run)
        cluster = result.most_likely
        found += cluster.p_value < 0.05 and math.hypot(cluster.x - centre[0], cluster.y - centre[1]) <= 300
    print(f"power: {found / 50:.0%}")
    assert found >= 45


def test_expected_cases_and_formulas():
    c_zd = np.array([[1, 0, 2], [0, 3, 1]])
    mu = expected_cases(c_zd)
    assert mu.sum() == pytest.approx(c_zd.sum())
    assert mu[0, 2] == pytest.approx(3 * 3 / 7)
    assert log_glr(3, 1.0, 10) == pytest.approx(3 * math.log(3) + 7 * math.log(7 / 9))
    assert log_glr(1, 2.0, 10) == 0.0
    assert monte_carlo_p_value(5.0, [1.0, 5.0, 7.0, 2.0]) == pytest.approx(3 / 5)
    assert recurrence_interval(0.001) == pytest.approx(1000)
    assert recurrence_interval(0.01, frequency=7) == pytest.approx(700)


def test_no_cluster_without_excess_and_later_rows_ignored():
    points = np.array([[0.0, 0.0], [100.0, 0.0], [0.0, 0.0]])
    result = prospective_scan(points, [0, 1, 5], day=1, replicates=9)
    assert result.C == 2
    assert result.day == 1
    with pytest.raises(ValueError):
        prospective_scan(points, [0, 1], replicates=0)


def test_analytics_imports_neither_django_nor_a_database(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys, analytics, analytics.scan, analytics.hotspots, analytics.geo\n"
        "import analytics.comparison, analytics.its\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'django', 'copil', 'psycopg', 'psycopg2', 'sqlite3', 'sqlalchemy'})\n"
        "assert not bad, bad\n"
    )
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = {**os.environ, "PYTHONPATH": root}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path, env=env)


@pytest.mark.parametrize("seed", range(12))
def test_extra_candidate_centres_equal_bruteforce(seed):
    """Circles around places that hold no case (SaTScan's grid file) are scanned like the others."""
    rng = np.random.default_rng(seed)
    points = rng.integers(0, 6, (40, 2)) * 40.0
    days = rng.integers(0, 20, 40)
    centres = rng.uniform(0, 200, (5, 2)).round()
    result = prospective_scan(points, days, max_window=6, replicates=0, centres=centres)
    found = bruteforce.cylinders(points, days, max_window=6, centres=centres)
    best = bruteforce.maximum(found)
    cluster = result.most_likely
    assert (cluster.llr if cluster else 0.0) == pytest.approx(best, rel=1e-9, abs=1e-12)
    if cluster:
        assert result.centres is not None and result.centres.shape[0] >= result.locations.shape[0]
        assert (cluster.x, cluster.y) == tuple(result.centres[cluster.center])


def test_a_centre_without_a_case_can_be_the_most_likely_cluster():
    """Six sites on a ring of 100 m around a deal point, all busy in the last days, and six steady sites in the gaps
    of the ring 110 m out: only the circle around the deal point (which has no case) holds the six and nothing else;
    from any site of the ring, the circle reaching the opposite site also takes in four of the steady sites."""
    angles = np.arange(6) * np.pi / 3
    ring = np.c_[100 * np.cos(angles), 100 * np.sin(angles)]
    gaps = np.c_[110 * np.cos(angles + np.pi / 6), 110 * np.sin(angles + np.pi / 6)]
    far = np.array([(x, y) for x in (-600.0, 0.0, 600.0) for y in (-600.0, 600.0)])
    points, days = [], []
    for k, site in enumerate(np.vstack([gaps, far])):
        for d in range(30):
            if (d + k) % 3 == 0:
                points.append(site)
                days.append(d)
    for site in ring:
        for d in range(27, 30):
            points.append(site)
            days.append(d)
        points.append(site)
        days.append(5)
    points, days = np.array(points), np.array(days)

    plain = prospective_scan(points, days, max_window=7, replicates=99, seed=1)
    with_centre = prospective_scan(points, days, max_window=7, replicates=99, seed=1, centres=[(0.0, 0.0)])

    cluster = with_centre.most_likely
    assert (cluster.x, cluster.y) == (0.0, 0.0) and cluster.center == with_centre.locations.shape[0]
    assert len(cluster.locations) == 6 and cluster.observed == 18
    assert cluster.llr > plain.most_likely.llr

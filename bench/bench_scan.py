"""Benchmark of the prospective space-time permutation scan (analytics.scan) against its plain-NumPy baseline.

Workload (the target of the product brief): 2,000 locations × 365 days, about 50,000 cases, 999 Monte Carlo replicates,
windows up to 30 days, circles up to 50 nearest neighbours. Prints the wall time, the replicates per second and the
speed-up against bench/scan_baseline.py, which is timed on fewer replicates and extrapolated (said in the output).

Run: python bench/bench_scan.py [--replicates 999] [--baseline-replicates 20] [--threads N]
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import numba  # noqa: E402
import numpy as np  # noqa: E402
from scan_baseline import scan_numpy  # noqa: E402

from analytics.scan import prospective_scan  # noqa: E402

LOCATIONS, DAYS, CASES = 2_000, 365, 50_000
MAX_WINDOW, NEIGHBOURS = 30, 50
TARGET_S = 10.0


def workload(seed: int = 2023) -> tuple[np.ndarray, np.ndarray]:
    """Cases at 2,000 places of a 6 km × 6 km city (uneven activity), over a year, with one emerging cluster."""
    rng = np.random.default_rng(seed)
    places = rng.uniform(0, 6_000, (LOCATIONS, 2))
    activity = rng.gamma(2.0, 1.0, LOCATIONS)
    # Every place has at least one case; the others follow the activity.
    place = np.concatenate(
        [np.arange(LOCATIONS), rng.choice(LOCATIONS, CASES - LOCATIONS - 60, p=activity / activity.sum())]
    )
    days = rng.integers(0, DAYS, CASES - 60)
    near = np.flatnonzero(np.hypot(*(places - places[0]).T) < 250)
    place = np.concatenate([place, rng.choice(near, 60)])
    days = np.concatenate([days, rng.integers(DAYS - 10, DAYS, 60)])
    return places[place], days


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=999)
    parser.add_argument("--baseline-replicates", type=int, default=20)
    parser.add_argument("--threads", type=int, default=None, help="local cores (default: all)")
    args = parser.parse_args()
    threads = args.threads or numba.config.NUMBA_NUM_THREADS
    points, days = workload()
    options = {"max_window": MAX_WINDOW, "max_neighbors": NEIGHBOURS}

    start = time.perf_counter()
    prospective_scan(points[:500], days[:500], replicates=4, **options)  # loads or compiles the kernels
    warm_up = time.perf_counter() - start

    start = time.perf_counter()
    result = prospective_scan(points, days, replicates=args.replicates, seed=1, n_threads=threads, **options)
    wall = time.perf_counter() - start

    start = time.perf_counter()
    observed, _ = scan_numpy(points, days, replicates=args.baseline_replicates, seed=1, **options)
    baseline_measured = time.perf_counter() - start
    start = time.perf_counter()
    scan_numpy(points, days, replicates=0, **options)
    baseline_fixed = time.perf_counter() - start
    per_replicate = (baseline_measured - baseline_fixed) / max(args.baseline_replicates, 1)
    baseline = baseline_fixed + per_replicate * args.replicates

    cluster = result.most_likely
    print(
        f"Prospective space-time permutation scan: {len(result.locations):,} locations × {DAYS} days, "
        f"{result.C:,} cases, {args.replicates} replicates, windows up to {MAX_WINDOW} days, "
        f"circles up to {NEIGHBOURS} nearest neighbours"
    )
    print(
        f"  machine: {os.cpu_count()} cores, Numba on {threads} thread{'s' if threads > 1 else ''}; "
        f"kernels loaded or compiled in {warm_up:.1f} s (not counted)"
    )
    print(f"  wall time: {wall:.2f} s (target: under {TARGET_S:.0f} s) — {args.replicates / wall:,.0f} replicates/s")
    print(
        f"  plain-NumPy baseline (one thread): {args.baseline_replicates} replicates in {baseline_measured:.1f} s, "
        f"extrapolated to {args.replicates}: {baseline:.0f} s ({1 / per_replicate:.1f} replicates/s)"
    )
    print(f"  speed-up: {baseline / wall:.0f}×")
    print(
        f"  most likely cluster: {cluster.observed} cases for {cluster.expected:.1f} expected "
        f"over {cluster.days} days, radius {cluster.radius:.0f} m, log GLR {cluster.llr:.3f} "
        f"(baseline: {observed:.3f}), p = {cluster.p_value:.3f}"
    )
    if not np.isclose(observed, cluster.llr, rtol=1e-9):
        sys.exit("the baseline and the compiled scan disagree on the statistic")
    print(f"  {'OK' if wall < TARGET_S else 'TARGET MISSED'}: {wall:.2f} s for {args.replicates} replicates")


if __name__ == "__main__":
    main()

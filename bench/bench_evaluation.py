"""Simulation study of the plan evaluation (analytics.its) against a naive before/after comparison.

Workload: monthly counts, 36 months before the plan and 24 after, about 30 a month with a 0.5 %/month trend, a
month-of-year seasonality and overdispersion (gamma-Poisson, k = 0.05). Prints, for the segmented quasi-Poisson
regression: the coverage of its 95 % interval over series with a known effect (30 % fall, slope ×0.99/month; target
93-97 %), its rate of « hausse »/« baisse » over series without effect (target at most 5 %) and the time per fit.
Baseline measured in the same run: the naive before/after comparison (exact test of the total counts before and
after, analytics.comparison) on the same series without effect, which mistakes the pre-existing trend for an effect.

Run: python bench/bench_evaluation.py [--simulations 1000] [--seed 1]
"""

import argparse
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent)]

import numpy as np  # noqa: E402

from analytics.comparison import compare_counts  # noqa: E402
from analytics.its import segmented_regression, simulate_counts  # noqa: E402

BEFORE, AFTER = 36, 24
LEVEL, SLOPE, DISPERSION = 0.7, 0.99, 0.05


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--simulations", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    n = args.simulations
    options = {"months_before": BEFORE, "months_after": AFTER, "dispersion": DISPERSION, "replicates": n}

    with_effect, months = simulate_counts(rng, level_change=LEVEL, slope_change=SLOPE, **options)
    without_effect, _ = simulate_counts(rng, **options)

    start = time.perf_counter()
    fits = [segmented_regression(row, months, BEFORE) for row in with_effect]
    null_fits = [segmented_regression(row, months, BEFORE) for row in without_effect]
    wall = time.perf_counter() - start
    truth = LEVEL * SLOPE ** (AFTER - 1)
    coverage = np.mean([fit.lower <= truth <= fit.upper for fit in fits])
    false_positives = np.mean([fit.verdict != "stable" for fit in null_fits])
    power = np.mean([fit.verdict == "baisse" for fit in fits])

    start = time.perf_counter()
    naive = [
        compare_counts(int(row[:BEFORE].sum()), int(row[BEFORE:].sum()), earlier_exposure=BEFORE, later_exposure=AFTER)
        for row in without_effect
    ]
    naive_wall = time.perf_counter() - start
    naive_false_positives = np.mean([result.verdict != "stable" for result in naive])

    print(
        f"Plan evaluation (segmented quasi-Poisson regression): {n:,} simulated series with effect and {n:,} without, "
        f"{BEFORE} months before the plan and {AFTER} after"
    )
    print(f"  coverage of the 95 % interval of RR at {AFTER - 1} months: {coverage:.1%} (target 93 % to 97 %)")
    error = np.sqrt(0.05 * 0.95 / n)
    print(
        f"  « hausse »/« baisse » without effect: {false_positives:.1%} (target at most 5 %; Monte Carlo standard "
        f"error of a 5 % rate over {n:,} series: {error:.1%})"
    )
    print(f"  power against a 30 % fall: {power:.1%}")
    print(f"  time: {wall:.2f} s for {2 * n:,} fits ({1000 * wall / (2 * n):.1f} ms per fit)")
    print(
        f"  baseline, naive before/after exact test on the same series without effect: {naive_false_positives:.1%} "
        f"« hausse »/« baisse » ({naive_wall:.2f} s)"
    )
    ratio = naive_false_positives / false_positives if false_positives else float("inf")
    print(f"  false positives: naive before/after / segmented regression = {ratio:.1f}×")
    ok = 0.93 <= coverage <= 0.97 and false_positives <= 0.05
    print(f"  {'OK' if ok else 'TARGET MISSED'}")


if __name__ == "__main__":
    main()

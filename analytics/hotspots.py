"""Emerging hot-spot classification of a space-time cube of counts (locations × time steps).

The method of ArcGIS Pro's *Emerging Hot Spot Analysis*:

1. Getis-Ord Gi* of every bin (Getis & Ord 1992; Ord & Getis 1995), the neighbourhood of bin (i, t) being the bins
   of i's spatial neighbours (i included) at the time steps t - k … t (k: the neighbourhood time step), with binary
   weights, and the mean and variance taken over all n bins of the cube;
2. Mann-Kendall trend test (Mann 1945; Kendall 1975) of each location's series of Gi* z-scores (the intensity of
   clustering over time);
3. the classification of each location into one of the categories below.

Categories, with T time steps, a bin being a *hot* (*cold*) spot when its Gi* p-value is below alpha and its z-score
positive (negative), H (K) the number of hot (cold) bins of the location, and the *trend* significant when the
Mann-Kendall p-value is below alpha. Patterns of the final time step take precedence; the cold rules mirror the hot
ones (intensifying cold: z-scores decreasing; diminishing cold: z-scores increasing).

- new hot spot: the final bin is hot and no earlier bin is (H = 1);
- consecutive hot spot: the final bins form a single uninterrupted run of at least two hot bins, no bin before the run
  is hot, no bin is cold, and H < 90 % of T;
- intensifying hot spot: the final bin is hot, H >= 90 % of T, and the z-scores increase significantly;
- persistent hot spot: the final bin is hot, H >= 90 % of T, and no significant trend;
- diminishing hot spot: the final bin is hot, H >= 90 % of T, and the z-scores decrease significantly;
- sporadic hot spot: the final bin is hot, H < 90 % of T, some bin before the final run of hot bins is hot
  (on-again, off-again), and no bin is cold;
- oscillating hot spot: the final bin is hot, H < 90 % of T, and some earlier bin is cold;
- historical hot spot: the final bin is not hot (nor cold), and H >= 90 % of T;
- no pattern: none of the above, hot or cold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import sparse
from scipy.spatial import cKDTree

__all__ = [
    "CATEGORIES",
    "EmergingHotSpots",
    "MannKendall",
    "classify",
    "distance_band",
    "emerging_hot_spots",
    "gi_star",
    "mann_kendall",
]

NO_PATTERN = "no_pattern"
CATEGORIES = (
    "new_hot_spot",
    "consecutive_hot_spot",
    "intensifying_hot_spot",
    "persistent_hot_spot",
    "diminishing_hot_spot",
    "sporadic_hot_spot",
    "oscillating_hot_spot",
    "historical_hot_spot",
    "new_cold_spot",
    "consecutive_cold_spot",
    "intensifying_cold_spot",
    "persistent_cold_spot",
    "diminishing_cold_spot",
    "sporadic_cold_spot",
    "oscillating_cold_spot",
    "historical_cold_spot",
    NO_PATTERN,
)
PERSISTENCE = 0.9  # share of the time steps that makes a hot (cold) spot persistent, intensifying…

_erfc = np.vectorize(math.erfc, otypes=[float])


def _two_sided_p(z: np.ndarray) -> np.ndarray:
    """Two-sided p-value of standard normal z-scores: P(|Z| >= |z|) = erfc(|z| / sqrt 2)."""
    return np.asarray(_erfc(np.abs(np.asarray(z, dtype=float)) / math.sqrt(2.0)), dtype=float)


def distance_band(coords: ArrayLike, threshold: float) -> sparse.csr_array:
    """Binary spatial weights: w_ij = 1 when locations i and j are at most `threshold` apart (i itself included).

    Sparse (a k-d tree finds the pairs), so a département-wide grid of tens of thousands of cells costs memory in
    proportion to its neighbour pairs, not to the square of its cells."""
    xy = np.asarray(coords, dtype=float).reshape(-1, 2)
    n = xy.shape[0]
    pairs = cKDTree(xy).query_pairs(threshold, output_type="ndarray") if n else np.empty((0, 2), dtype=int)
    rows = np.concatenate([pairs[:, 0], pairs[:, 1], np.arange(n)])
    cols = np.concatenate([pairs[:, 1], pairs[:, 0], np.arange(n)])
    return sparse.csr_array((np.ones(rows.size, dtype=bool), (rows, cols)), shape=(n, n))


def gi_star(x: ArrayLike, neighbors: ArrayLike, time_step: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Space-time Getis-Ord Gi* z-scores and two-sided p-values of every bin of a cube x (locations × times).

    With binary weights w over the n = N × T bins (w = 1 for the bins of i's spatial neighbours at times t - k … t),
    Ord & Getis (1995, eq. 14):

        Gi* = (sum_j w_ij x_j - X̄ sum_j w_ij) / (S sqrt((n sum_j w_ij^2 - (sum_j w_ij)^2) / (n - 1)))

    where X̄ = sum_j x_j / n and S = sqrt(sum_j x_j^2 / n - X̄^2). Gi* is a z-score; z = 0 and p = 1 when the cube is
    constant.
    """
    x = np.asarray(x, dtype=float)
    w = sparse.csr_array(neighbors, dtype=float) if sparse.issparse(neighbors) else np.asarray(neighbors, dtype=float)
    n_loc, n_t = x.shape
    if w.shape != (n_loc, n_loc):
        raise ValueError("neighbors must be a square matrix over the locations of the cube")
    n = x.size
    mean = x.mean()
    S = math.sqrt(max((x * x).mean() - mean * mean, 0.0))
    spatial = w @ x  # sum over the spatial neighbours, per time step
    cum = np.cumsum(spatial, axis=1)
    lagged = np.zeros_like(cum)
    k = int(time_step)
    if k + 1 < n_t:
        lagged[:, k + 1 :] = cum[:, : n_t - k - 1]
    local_sum = cum - lagged
    steps = np.minimum(np.arange(n_t), k) + 1  # time steps in the neighbourhood (fewer at the start)
    # sum_j w_ij = sum_j w_ij^2 (binary weights)
    weight = np.asarray(w.sum(axis=1)).reshape(-1)[:, None] * steps[None, :]
    if S == 0.0 or n < 2:
        z = np.zeros_like(x)
    else:
        z = (local_sum - mean * weight) / (S * np.sqrt((n * weight - weight * weight) / (n - 1)))
    return z, _two_sided_p(z)


@dataclass(frozen=True)
class MannKendall:
    """Mann-Kendall trend test of one series: S, its variance, the z-score, two-sided p-value and Kendall's tau."""

    S: int
    var_S: float
    z: float
    p: float
    tau: float


def mann_kendall(x: ArrayLike) -> MannKendall:
    """Mann-Kendall trend test (Mann 1945; Kendall 1975), with the tie correction of the variance.

    S = sum_{k<j} sign(x_j - x_k); Var(S) = [n(n-1)(2n+5) - sum_g t_g(t_g-1)(2t_g+5)] / 18 over the groups g of
    t_g tied values; z = (S - sign(S)) / sqrt(Var(S)) (continuity correction); p = P(|Z| >= |z|);
    tau = S / (n(n-1)/2).
    """
    x = np.asarray(x, dtype=float)
    n = x.size
    if n < 2:
        return MannKendall(0, 0.0, 0.0, 1.0, 0.0)
    S = int(np.sign(x[None, :] - x[:, None])[np.triu_indices(n, 1)].sum())
    _, ties = np.unique(x, return_counts=True)
    var_S = (n * (n - 1) * (2 * n + 5) - float((ties * (ties - 1) * (2 * ties + 5)).sum())) / 18.0
    z = 0.0 if S == 0 or var_S <= 0 else (S - math.copysign(1, S)) / math.sqrt(var_S)
    p = float(_two_sided_p(np.array(z)))
    return MannKendall(S, var_S, z, p, S / (n * (n - 1) / 2))


def _final_run(flags: np.ndarray) -> int:
    """Length of the run of true values ending at the last time step."""
    run = 0
    for flag in flags[::-1]:
        if not flag:
            break
        run += 1
    return run


def _pattern(own: np.ndarray, other: np.ndarray, trend: int, suffix: str) -> str:
    """The pattern of a location whose final bin is significant of one sign (`own`)."""
    n_t = own.size
    persistent = own.sum() >= PERSISTENCE * n_t
    if persistent:
        return {1: "intensifying", -1: "diminishing"}.get(trend, "persistent") + suffix
    if other.any():
        return "oscillating" + suffix
    run = _final_run(own)
    if not own[: n_t - run].any():
        return ("new" if run == 1 else "consecutive") + suffix
    return "sporadic" + suffix


def classify(z: ArrayLike, p: ArrayLike, trend_z: float, trend_p: float, alpha: float = 0.05) -> str:
    """The emerging hot-spot category of one location from its Gi* series (z, p) and the trend of its z-scores.

    See the module docstring for each category's rule.
    """
    z = np.asarray(z, dtype=float)
    significant = np.asarray(p, dtype=float) < alpha
    hot = significant & (z > 0)
    cold = significant & (z < 0)
    direction = 0 if not trend_p < alpha else (1 if trend_z > 0 else -1)
    n_t = z.size
    if n_t == 0:
        return NO_PATTERN
    if hot[-1]:
        return _pattern(hot, cold, direction, "_hot_spot")
    if cold[-1]:
        # For cold spots "intensifying" means z-scores going down.
        return _pattern(cold, hot, -direction, "_cold_spot")
    if hot.sum() >= PERSISTENCE * n_t:
        return "historical_hot_spot"
    if cold.sum() >= PERSISTENCE * n_t:
        return "historical_cold_spot"
    return NO_PATTERN


def benjamini_hochberg(p: ArrayLike, alpha: float) -> np.ndarray:
    """p-values adjusted for the false discovery rate (Benjamini & Hochberg 1995), same shape as p."""
    p = np.asarray(p, dtype=float)
    flat = p.ravel()
    order = np.argsort(flat)
    m = flat.size
    adjusted = flat[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(adjusted[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return out.reshape(p.shape)


@dataclass(frozen=True)
class EmergingHotSpots:
    """Result of `emerging_hot_spots`: category per location, Gi* per bin, trend per location."""

    categories: np.ndarray
    z: np.ndarray
    p: np.ndarray
    trend_z: np.ndarray
    trend_p: np.ndarray


def emerging_hot_spots(
    x: ArrayLike, neighbors: ArrayLike, *, time_step: int = 1, alpha: float = 0.05, fdr: bool = False
) -> EmergingHotSpots:
    """Emerging hot-spot analysis of a cube of counts x (locations × time steps, oldest first).

    `neighbors` is the binary spatial weights matrix (see `distance_band`), `time_step` the neighbourhood time step
    k, `alpha` the significance level of both the Gi* bins and the Mann-Kendall trends, `fdr` whether the bins'
    p-values are first adjusted for the false discovery rate (as ArcGIS Pro does).
    """
    z, p = gi_star(x, neighbors, time_step)
    if fdr:
        p = benjamini_hochberg(p, alpha)
    trends = [mann_kendall(series) for series in z]
    trend_z = np.array([t.z for t in trends])
    trend_p = np.array([t.p for t in trends])
    categories = np.array(
        [classify(z[i], p[i], trend_z[i], trend_p[i], alpha) for i in range(z.shape[0])], dtype=object
    )
    return EmergingHotSpots(categories, z, p, trend_z, trend_p)

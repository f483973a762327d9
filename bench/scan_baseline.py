"""Baseline of bench_scan.py: the same prospective space-time permutation scan in plain NumPy.

Same candidate cylinders (`analytics.scan.candidate_circles`, windows ending on the analysis day), same statistic
(Kulldorff et al. 2005), same Monte Carlo design (dates permuted among the cases), but vectorised array code instead of
the compiled kernels: for every replicate it builds the (centres × neighbours × windows) array of observed counts with
cumulative sums and evaluates the log GLR of every cylinder, without pruning.
"""

import numpy as np

from analytics.scan import candidate_circles


def _padded_circles(ptr, idx, close):
    """Neighbour lists as a (centres × K) matrix, with a mask of the circles (valid and closing)."""
    sizes = np.diff(ptr)
    K = int(sizes.max()) if sizes.size else 0
    rank = np.arange(K)
    valid = rank[None, :] < sizes[:, None]
    flat = ptr[:-1, None] + np.minimum(rank[None, :], np.maximum(sizes[:, None] - 1, 0))
    neighbours = np.where(valid, idx[np.minimum(flat, idx.size - 1)], 0)
    closing = valid & close[np.minimum(flat, close.size - 1)]
    return neighbours, closing


def _maximum(tail, neighbours, closing, NS, D, C, min_cases):
    c = np.cumsum(tail[neighbours], axis=1).astype(float)  # (centres, K, W)
    mu = NS[:, :, None] * D[None, None, :] / C
    scored = closing[:, :, None] & (c >= min_cases) & (c > mu)
    c_s, mu_s = np.where(scored, c, 2.0), np.where(scored, mu, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        rest = np.where(c_s < C, (C - c_s) * np.log((C - c_s) / (C - mu_s)), 0.0)
        llr = np.where(scored, c_s * np.log(c_s / mu_s) + rest, 0.0)
    return float(llr.max()) if llr.size else 0.0


def scan_numpy(coords, days, *, max_window=30, max_neighbors=None, max_share=0.5, min_cases=2, replicates=999, seed=0):
    """(observed maximum log GLR, replicate maxima) of a prospective scan on the last day of the data."""
    days = np.asarray(days, dtype=np.int64)
    day = int(days.max())
    locations, loc = np.unique(np.asarray(coords, dtype=float), axis=0, return_inverse=True)
    loc = loc.reshape(-1)
    n_loc = locations.shape[0]
    W = min(max_window, day - int(days.min()) + 1)
    C = days.size
    j = day - days
    n_z = np.bincount(loc, minlength=n_loc)
    recent = j < W
    D = np.cumsum(np.bincount(j[recent], minlength=W)).astype(float)
    ptr, idx, close, _ = candidate_circles(locations, n_z, max_share=max_share, max_neighbors=max_neighbors)
    neighbours, closing = _padded_circles(ptr, idx, close)
    NS = np.cumsum(n_z[neighbours], axis=1).astype(float)  # padding is masked by `closing`

    def tail_of(locs, offsets):
        tail = np.zeros((n_loc, W), np.int64)
        np.add.at(tail, (locs, offsets), 1)
        return np.cumsum(tail, axis=1)

    observed = _maximum(tail_of(loc[recent], j[recent]), neighbours, closing, NS, D, C, min_cases)
    rng = np.random.default_rng(seed)
    recent_j = np.sort(j[recent])
    maxima = np.empty(replicates)
    for r in range(replicates):
        chosen = rng.permutation(C)[: recent_j.size]  # the cases that receive the dates of the last W days
        maxima[r] = _maximum(tail_of(loc[chosen], recent_j), neighbours, closing, NS, D, C, min_cases)
    return observed, maxima

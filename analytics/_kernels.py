"""Numba kernels of the space-time permutation scan (see `analytics.scan` for the statistic and its sources).

Notation of Kulldorff et al. (2005): `C` total number of cases, `c` cases observed in a cylinder, `mu` cases
expected in it under the null hypothesis of no space-time interaction. Windows end on the analysis day; window `w`
(0 <= w < W) covers the last `w + 1` days.

Arrays shared by the kernels:

- `nbr_ptr`, `nbr_idx`, `nbr_close`: for centre `i`, `nbr_idx[nbr_ptr[i]:nbr_ptr[i + 1]]` are the locations of its
  largest candidate circle, nearest first; `nbr_close[p]` is true when the neighbours up to `p` form a circle of their
  own (the next neighbour is strictly farther), false inside a group of equidistant neighbours;
- `n_z[z]`: cases at location `z` over the whole study period; `D[w]`: cases of the window `w` (all locations);
- `tail[z, w]`: cases of location `z` in the window `w` (cumulative over `w`, padded with zeros to a multiple of 8
  windows); `first[z]`: the shortest window holding one of them (W when `z` has no case in the last W days);
- `T`, `levels`: screening tables (see `thresholds`).

Every kernel is compiled with `cache=True`; the Monte Carlo kernels draw their own random numbers with SplitMix64
(Steele, Lea & Flood 2014) seeded per replicate, so that a replicate's result depends on its seed only, not on the
thread or the Dask worker that computes it.
"""

import math

import numpy as np
from numba import njit, prange

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TWO_POW_M53 = 1.0 / 9007199254740992.0
# Relative enlargement of the screening thresholds, so that rounding can never screen out a cylinder that beats the
# best value so far.
_SLACK = 1e-9
# Windows are handled in blocks of this many (two AVX2 vectors of doubles); arrays are padded to a multiple of it.
_LANES = np.uint64(16)


@njit(cache=True, nogil=True)
def _splitmix64(state):
    """One SplitMix64 step: the next state and a 64-bit output."""
    state = state + _GOLDEN
    z = state
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return state, z ^ (z >> _S31)


@njit(cache=True, nogil=True)
def llr(c, mu, C):
    """Log of the generalised likelihood ratio of Kulldorff et al. (2005) for a cylinder with c > mu.

    log GLR = c log(c / mu) + (C - c) log((C - c) / (C - mu)).
    """
    value = c * math.log(c / mu)
    if c < C:
        value += (C - c) * math.log((C - c) / (C - mu))
    return value


@njit(cache=True, nogil=True)
def mu_star(c, b, C):
    """The largest mu such that the bound c log(c / mu) - (c - mu)(1 - c / C) still reaches b (0 < mu <= c).

    log GLR <= c log(c / mu) - (c - mu)(1 - c / C), since log(1 - x) <= -x and C - mu <= C, and that bound decreases
    in mu: a cylinder with c cases and mu >= mu_star(c, b) cannot have a log GLR above b. Solved by Newton's method
    on u = log(mu), which converges from below since the bound is convex and decreasing in u.
    """
    if b <= 0.0:
        return float(c)
    k = 1.0 - c / C
    lc = math.log(c)
    u = lc - (b + c * k) / c - 1.0
    for _ in range(100):
        e = math.exp(u)
        step = (c * (lc - u) - (c - e) * k - b) / (-c + e * k)
        u -= step
        if u > lc:
            u = lc
        if abs(step) < 1e-14:
            break
    return math.exp(u)


@njit(cache=True)
def thresholds(levels, c_max, C, min_cases):
    """Screening tables: T[k, c] = mu_star(c, levels[k]) * C, slightly enlarged; 0 for c < min_cases.

    A cylinder of a circle with N_S cases over a window with D_w cases can only beat a log GLR of levels[k] if
    N_S * D_w < T[k, c]: one comparison, no logarithm, for the billions of cylinders of a Monte Carlo run.
    """
    T = np.zeros((levels.shape[0], c_max + 1))
    for k in range(levels.shape[0]):
        for c in range(max(1, min_cases), c_max + 1):
            T[k, c] = mu_star(c, levels[k], C) * C * (1.0 + _SLACK)
    return T


@njit(cache=True, nogil=True, boundscheck=False, inline="always")
def _add(acc, tail, z, lo):
    """acc += tail[z] over the windows from lo (rounded down to a block of _LANES windows); vectorised."""
    for w in range(np.uint64(lo) // _LANES * _LANES, np.uint64(acc.shape[0])):
        acc[w] += tail[z, w]


@njit(cache=True, nogil=True, boundscheck=False, inline="always")
def _add_and_screen(acc, tail, z, Dp, NSc, invC, b, lo):
    """acc += tail[z], and whether some window w >= lo may hold a cylinder with a log GLR above b.

    With c = acc[w], mu = N_S * D[w] / C and d = c - mu > 0, since log x <= (x^2 - 1) / (2x) for x = c / mu >= 1:
    log GLR <= c log(c / mu) - (c - mu)(1 - c / C) <= d^2 / (2 mu) + d c / C, so a window can only beat b if
    d^2 + 2 mu (d c / C - b) > 0. Arithmetic only, in blocks of 8 windows, so that it is vectorised; `b` is lowered
    by a relative 1e-9 so that rounding never screens out a window that passes. Windows before lo are unchanged by
    the location added (its counts there are zero) and not screened.
    """
    b = b * (1.0 - _SLACK) - _SLACK
    first = np.uint64(lo)
    flag = False
    for w in range(first // _LANES * _LANES, np.uint64(acc.shape[0])):
        acc[w] += tail[z, w]
        c = np.float64(acc[w])
        mu = NSc * Dp[w]
        d = c - mu
        flag |= (w >= first) & (d > 0.0) & (d * d + 2.0 * mu * (d * c * invC - b) > 0.0)
    return flag


@njit(cache=True, nogil=True, boundscheck=False)
def centre_best(i, tail, first, nbr_ptr, nbr_idx, nbr_close, n_z, D, Dp, C, min_cases, floor, T, levels, acc):
    """The cylinder centred on location `i` with the highest log GLR above `floor`.

    Circles grow through the neighbours of `i` nearest first; for each circle and each window `w` the cylinder has
    c observed cases (sum of tail[z, w] over the circle) and mu = N_S * D[w] / C expected ones, N_S being the cases
    of the circle's locations over the study period. Only cylinders with c >= min_cases and c > mu are scored
    (clusters of high rates). Three prunings keep the result exact:

    - adding a location z leaves c unchanged for the windows w < first[z] and raises mu: those cylinders are beaten
      by the same windows of the smaller circle, so only the windows from `lo` (the smallest first[z] of the
      locations added since the previous circle) are examined;
    - a circle is examined only if some window passes the arithmetic bound of `_add_and_screen` for the best value
      so far, computed while the counts are updated;
    - in a circle that passes, a window is scored only if N_S * D[w] < T[k, c] (see `thresholds`), levels[k] being
      the highest level not above the best value so far; the exact log GLR is computed for the few that pass.

    `tail` and `Dp` are padded with zeros to a multiple of 8 windows, `acc` is a work array of that length.
    Returns (log GLR, number of locations of the circle, w), or (floor, -1, -1) if no cylinder beats `floor`.
    Ties keep the first cylinder met (smallest circle, then shortest window).
    """
    W = D.shape[0]
    acc[:] = 0
    level = 0
    while level + 1 < levels.shape[0] and levels[level + 1] <= floor:
        level += 1
    thr = T[level]
    invC = 1.0 / C
    N_S = 0
    lo = W
    best = floor
    best_m = -1
    best_w = -1
    start = nbr_ptr[i]
    for p in range(start, nbr_ptr[i + 1]):
        z = nbr_idx[p]
        N_S += n_z[z]
        f = first[z]
        if f < lo:
            lo = f
        elif lo == W:
            continue  # nothing added since the last circle that could change a count
        if not nbr_close[p]:
            _add(acc, tail, z, f)
            continue
        if _add_and_screen(acc, tail, z, Dp, N_S * invC, invC, best, lo):
            for w in range(lo, W):
                c = np.int64(acc[w])
                NSD = N_S * D[w]
                if c >= min_cases and NSD < thr[c] and c * C > NSD:
                    value = llr(c, NSD / C, C)
                    if value > best:
                        best = value
                        best_m = p - start + 1
                        best_w = w
                        while level + 1 < levels.shape[0] and levels[level + 1] <= best:
                            level += 1
                        thr = T[level]
        lo = W
    return best, best_m, best_w


@njit(cache=True, nogil=True)
def padded(W):
    """Number of windows rounded up to a multiple of 8 (the width of the vectorised loops)."""
    return (W + 15) // 16 * 16  # a multiple of _LANES


@njit(cache=True, nogil=True)
def recent_tail(loc, j, n_loc, W):
    """(tail, first) from the cases of the last W days given by location and day offset (one entry per case).

    tail[z, w] counts the cases of location z in the window w (cumulative over w, zero in the padding); first[z] is
    the shortest window holding one of them (W if none).
    """
    tail = np.zeros((n_loc, padded(W)), np.int32)
    for k in range(loc.shape[0]):
        tail[loc[k], j[k]] += 1
    first = np.full(n_loc, W, np.int64)
    for z in range(n_loc):
        for w in range(W):
            if tail[z, w] > 0 and first[z] == W:
                first[z] = w
            if w > 0:
                tail[z, w] += tail[z, w - 1]
    return tail, first


@njit(cache=True, nogil=True)
def padded_days(D):
    """D as floats, padded with zeros to a multiple of 8 windows."""
    Dp = np.zeros(padded(D.shape[0]))
    Dp[: D.shape[0]] = D
    return Dp


@njit(cache=True)
def observed_bests(rec_loc, rec_day, nbr_ptr, nbr_idx, nbr_close, n_z, D, C, min_cases, T, levels):
    """For every centre, its best cylinder: arrays (log GLR, circle size, w); size -1 when it has none."""
    n_loc = nbr_ptr.shape[0] - 1
    W = D.shape[0]
    tail, first = recent_tail(rec_loc, rec_day, n_loc, W)
    Dp = padded_days(D)
    best = np.zeros(n_loc)
    size = np.full(n_loc, -1, np.int64)
    window = np.full(n_loc, -1, np.int64)
    acc = np.empty(Dp.shape[0], np.int32)
    for i in range(n_loc):
        best[i], size[i], window[i] = centre_best(
            i, tail, first, nbr_ptr, nbr_idx, nbr_close, n_z, D, Dp, C, min_cases, 0.0, T, levels, acc
        )
    return best, size, window


@njit(cache=True, nogil=True)
def permuted_recent(case_loc, recent_j, seed):
    """Locations of the cases that receive the dates of the last W days in one replicate.

    Permuting the dates among the C cases (Kulldorff et al. 2005) is the same as drawing, without replacement and in
    random order, the cases that receive the D[W - 1] dates of the last W days (`recent_j[k]` is the day offset of
    the k-th of those dates); the other dates cannot enter any cylinder. The draw is a partial Fisher-Yates shuffle
    (Knuth, TAOCP vol. 2, algorithm P) of a private copy of `case_loc`. Returns the locations, aligned with recent_j.
    """
    work = case_loc.copy()
    n = work.shape[0]
    state = np.uint64(seed)
    for k in range(recent_j.shape[0]):
        state, bits = _splitmix64(state)
        j = k + int((bits >> _S11) * _TWO_POW_M53 * (n - k))
        if j >= n:
            j = n - 1
        chosen = work[j]
        work[j] = work[k]
        work[k] = chosen
    return work[: recent_j.shape[0]].copy()


@njit(cache=True, nogil=True)
def _replicate_max(seed, case_loc, recent_j, nbr_ptr, nbr_idx, nbr_close, n_z, D, C, min_cases, T, levels):
    n_loc = nbr_ptr.shape[0] - 1
    W = D.shape[0]
    loc = permuted_recent(case_loc, recent_j, seed)
    tail, first = recent_tail(loc, recent_j, n_loc, W)
    Dp = padded_days(D)
    acc = np.empty(Dp.shape[0], np.int32)
    best = 0.0
    for i in range(n_loc):
        value, size, _ = centre_best(
            i, tail, first, nbr_ptr, nbr_idx, nbr_close, n_z, D, Dp, C, min_cases, best, T, levels, acc
        )
        if size > 0:
            best = value
    return best


@njit(cache=True, parallel=True)
def replicate_maxima_parallel(seeds, case_loc, recent_j, nbr_ptr, nbr_idx, nbr_close, n_z, D, C, min_cases, T, levels):
    """The maximum log GLR of each Monte Carlo replicate, replicates spread over the local cores."""
    out = np.empty(seeds.shape[0])
    for r in prange(seeds.shape[0]):
        out[r] = _replicate_max(
            seeds[r], case_loc, recent_j, nbr_ptr, nbr_idx, nbr_close, n_z, D, C, min_cases, T, levels
        )
    return out


@njit(cache=True, nogil=True)
def replicate_maxima_serial(seeds, case_loc, recent_j, nbr_ptr, nbr_idx, nbr_close, n_z, D, C, min_cases, T, levels):
    """Same as `replicate_maxima_parallel` on one thread, without the GIL (for Dask workers' threads)."""
    out = np.empty(seeds.shape[0])
    for r in range(seeds.shape[0]):
        out[r] = _replicate_max(
            seeds[r], case_loc, recent_j, nbr_ptr, nbr_idx, nbr_close, n_z, D, C, min_cases, T, levels
        )
    return out

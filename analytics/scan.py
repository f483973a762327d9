"""Prospective space-time permutation scan statistic.

Kulldorff M., Heffernan R., Hartman J., Assunção R., Mostashari F. (2005), "A space-time permutation scan statistic
for disease outbreak detection", PLoS Medicine 2(3): e59 — the method SaTScan uses for daily surveillance.

Data: cases at locations (projected coordinates in metres) on days, optionally with a count per row. With c_zd the
number of cases at location z on day d and C the total number of cases of the study period,

- expected cases under no space-time interaction (paper, eq. 1): mu_zd = (sum_d c_zd)(sum_z c_zd) / C;
- a cylinder A (a circle in space times a window of days) has c_A observed and mu_A = sum over A of mu_zd expected
  cases; for a circle S and a window of days D_A this factorises as mu_A = N_S * D_A / C, with N_S the cases of the
  circle's locations over the study period and D_A the cases of the window's days;
- the generalised likelihood ratio (paper, eq. 3), computed for clusters of high rates (c_A > mu_A):
  GLR = (c_A / mu_A)^c_A * ((C - c_A) / (C - mu_A))^(C - c_A); the test statistic is its maximum over the cylinders;
- prospective surveillance: only windows ending on the analysis day are scanned;
- the most likely cluster is the cylinder of highest GLR; secondary clusters are the best cylinder of each other
  centre, by decreasing GLR, that shares no location with a cluster already reported (SaTScan's default);
- p-values by Monte Carlo hypothesis testing (Dwass 1957): the dates are permuted among the cases, which keeps both
  marginals (cases per location, cases per day), the statistic is recomputed on each of R replicates and
  p = (1 + #{replicates with a statistic >= the cluster's GLR}) / (R + 1); secondary clusters are compared to the
  same distribution of the maximum, which makes their p-values conservative;
- the recurrence interval of a cluster found by an analysis repeated every `frequency` days is frequency / p days
  (paper: "for daily analyses ... once every 1/p days").

Candidate circles are centred on each location and grow through its nearest neighbours; a circle includes every
location at the same distance as its farthest one, and stops before it would exceed `max_share` of the cases,
`max_radius` metres or `max_neighbors` locations (centre included).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from analytics import _kernels

__all__ = [
    "Cluster",
    "ScanResult",
    "candidate_circles",
    "expected_cases",
    "log_glr",
    "monte_carlo_p_value",
    "prospective_scan",
    "recurrence_interval",
]


@dataclass(frozen=True)
class Cluster:
    """A space-time cylinder: a circle of locations over the last days up to the analysis day.

    `center` indexes `ScanResult.centres` (the case locations, then the extra candidate centres), `locations` indexes
    `ScanResult.locations`; `cases` indexes the rows given to `prospective_scan`
    (the records behind the cluster); days are in the unit of the input (e.g. ordinal day numbers).
    """

    center: int
    x: float
    y: float
    radius: float
    locations: np.ndarray
    start_day: int
    end_day: int
    observed: int
    expected: float
    llr: float
    p_value: float
    recurrence_interval: float
    cases: np.ndarray = field(repr=False)

    @property
    def ratio(self) -> float:
        """Observed over expected cases (relative risk estimate of the cylinder)."""
        return self.observed / self.expected

    @property
    def days(self) -> int:
        """Length of the window in days."""
        return self.end_day - self.start_day + 1


@dataclass(frozen=True)
class ScanResult:
    """Clusters found by a prospective scan, most likely first, and the Monte Carlo distribution of the maximum."""

    clusters: list[Cluster]
    locations: np.ndarray
    llr_replicates: np.ndarray
    C: int
    day: int
    first_day: int
    max_window: int
    centres: np.ndarray | None = None  # every circle's centre: the locations, then the extra candidate centres

    @property
    def most_likely(self) -> Cluster | None:
        """The most likely cluster, or None when no cylinder has more cases than expected."""
        return self.clusters[0] if self.clusters else None

    def significant(self, alpha: float = 0.05) -> list[Cluster]:
        """Clusters whose Monte Carlo p-value is below `alpha`."""
        return [c for c in self.clusters if c.p_value < alpha]


def expected_cases(c_zd: ArrayLike) -> np.ndarray:
    """Expected cases under no space-time interaction (Kulldorff et al. 2005, eq. 1).

    mu_zd = (sum over days of c_zd) * (sum over locations of c_zd) / C, for a matrix of counts c_zd
    (locations × days).
    """
    c_zd = np.asarray(c_zd, dtype=float)
    C = float(c_zd.sum())
    if C == 0:
        return np.zeros_like(c_zd)
    expected: np.ndarray = np.outer(c_zd.sum(axis=1), c_zd.sum(axis=0)) / C
    return expected


def log_glr(c_A: float, mu_A: float, C: float) -> float:
    """Log of the generalised likelihood ratio of a cylinder A (Kulldorff et al. 2005, eq. 3).

    log GLR = c_A log(c_A / mu_A) + (C - c_A) log((C - c_A) / (C - mu_A)) when c_A > mu_A, 0 otherwise.
    """
    if c_A <= mu_A or c_A == 0:
        return 0.0
    return float(_kernels.llr(float(c_A), float(mu_A), float(C)))


def monte_carlo_p_value(statistic: float, replicates: ArrayLike) -> float:
    """Monte Carlo p-value (Dwass 1957): (1 + #{replicates >= statistic}) / (R + 1); NaN without replicates."""
    replicates = np.asarray(replicates, dtype=float)
    if replicates.size == 0:
        return math.nan
    return (1 + int(np.count_nonzero(replicates >= statistic))) / (replicates.size + 1)


def recurrence_interval(p_value: float, frequency: float = 1.0) -> float:
    """Recurrence interval in days of a cluster found by an analysis run every `frequency` days: frequency / p.

    Kulldorff et al. (2005): with daily analyses, a p-value p means that a cluster this unusual would arise by
    chance once every 1/p days.
    """
    if not p_value > 0:
        return math.nan
    return frequency / p_value


def candidate_circles(
    locations: ArrayLike,
    n_z: ArrayLike,
    *,
    max_share: float = 0.5,
    max_radius: float | None = None,
    max_neighbors: int | None = None,
    chunk_size: int | None = None,
    centres: ArrayLike | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The candidate circles of every centre, in compressed (CSR) form.

    The centres are the locations themselves, or `centres` (SaTScan's grid file: places known to matter, such as
    deal points, that need not hold a case; a circle around one of them holds the locations nearest to it). For
    centre i, `idx[ptr[i]:ptr[i + 1]]` lists the locations of its largest allowed circle, nearest first, with
    their squared distances `d2`; `close[p]` is true when the neighbours up to p form a circle (the next neighbour, if
    any, is strictly farther). A circle is allowed when its cases (sum of `n_z`) are at most `max_share` of all cases,
    its radius at most `max_radius` and its number of locations (centre included) at most `max_neighbors`.
    """
    xy = np.asarray(locations, dtype=float)
    n_z = np.asarray(n_z, dtype=np.int64)
    n_loc = xy.shape[0]
    origins = xy if centres is None else np.asarray(centres, dtype=float).reshape(-1, 2)
    n_centres = origins.shape[0]
    C = int(n_z.sum())
    share_cap = max_share * C
    r2_cap = math.inf if max_radius is None else float(max_radius) ** 2
    k_cap = n_loc if max_neighbors is None else max(1, min(int(max_neighbors), n_loc))
    # The (k_cap + 1)-th nearest neighbour tells whether the k_cap-th one closes a circle.
    keep = min(n_loc, k_cap + 1)
    chunk = chunk_size or max(1, 4_000_000 // max(n_loc, 1))
    ptr = np.zeros(n_centres + 1, np.int64)
    idx_parts, close_parts, d2_parts = [], [], []
    for lo in range(0, n_centres, chunk):
        hi = min(n_centres, lo + chunk)
        dx = origins[lo:hi, 0, None] - xy[None, :, 0]
        dy = origins[lo:hi, 1, None] - xy[None, :, 1]
        d2 = dx * dx + dy * dy
        if keep < n_loc:
            part = np.argpartition(d2, keep - 1, axis=1)[:, :keep]
            sub = np.take_along_axis(d2, part, axis=1)
            order = np.take_along_axis(part, np.argsort(sub, axis=1, kind="stable"), axis=1)
        else:
            order = np.argsort(d2, axis=1, kind="stable")
        sd2 = np.take_along_axis(d2, order, axis=1)
        # The centre comes first even if another location sits at distance 0 (cannot happen with unique locations).
        cum = np.cumsum(n_z[order], axis=1)
        rank = np.arange(order.shape[1])
        allowed = (cum <= share_cap) & (sd2 <= r2_cap) & (rank < k_cap)[None, :]
        m_max = np.where(allowed.all(axis=1), allowed.shape[1], np.argmin(allowed, axis=1))
        farther = np.ones_like(allowed)
        farther[:, :-1] = sd2[:, 1:] > sd2[:, :-1]
        if keep == n_loc:
            farther[:, -1] = True
        for row in range(hi - lo):
            m = int(m_max[row])
            ptr[lo + row + 1] = m
            idx_parts.append(order[row, :m])
            close_parts.append(farther[row, :m])
            d2_parts.append(sd2[row, :m])
    ptr = np.cumsum(ptr)
    empty_i, empty_b, empty_f = np.empty(0, np.int64), np.empty(0, bool), np.empty(0)
    idx = np.concatenate(idx_parts).astype(np.int64) if idx_parts else empty_i
    close = np.concatenate(close_parts).astype(bool) if close_parts else empty_b
    d2 = np.concatenate(d2_parts) if d2_parts else empty_f
    return ptr, idx, close, d2


def _as_days(days: ArrayLike) -> np.ndarray:
    days = np.asarray(days)
    if np.issubdtype(days.dtype, np.datetime64):
        return days.astype("datetime64[D]").astype(np.int64)
    if not np.issubdtype(days.dtype, np.integer):
        rounded = np.round(days.astype(float))
        if not np.array_equal(rounded, days):
            raise ValueError("days must be whole day numbers")
        return rounded.astype(np.int64)
    return days.astype(np.int64)


@dataclass
class _Prepared:
    """The arrays the kernels need, derived once from the input."""

    day: int
    first_day: int
    rows: np.ndarray  # indices of the input rows inside the study period
    loc_of_row: np.ndarray  # location index of each kept row
    j_of_row: np.ndarray  # days before the analysis day, of each kept row
    locations: np.ndarray
    n_z: np.ndarray
    D: np.ndarray
    C: int
    W: int
    rec_loc: np.ndarray  # location of each case of the last W days (one entry per case)
    rec_day: np.ndarray  # its day offset
    case_loc: np.ndarray
    recent_j: np.ndarray
    ptr: np.ndarray
    idx: np.ndarray
    close: np.ndarray
    d2: np.ndarray
    min_cases: int
    T: np.ndarray
    levels: np.ndarray
    n_rows: np.ndarray  # cases of each kept row
    centres: np.ndarray  # the circles' centres: the locations, then the extra candidate centres

    def kernel_args(self) -> tuple[Any, ...]:
        """Arguments of the replicate kernels after the seeds."""
        return (
            self.case_loc,
            self.recent_j,
            self.ptr,
            self.idx,
            self.close,
            self.n_z,
            self.D,
            self.C,
            self.min_cases,
            self.T,
            self.levels,
        )

    def observed(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Best cylinder of every centre on the observed data: (log GLR, circle size, window index)."""
        bests: tuple[np.ndarray, np.ndarray, np.ndarray] = _kernels.observed_bests(
            self.rec_loc,
            self.rec_day,
            self.ptr,
            self.idx,
            self.close,
            self.n_z,
            self.D,
            self.C,
            self.min_cases,
            self.T,
            self.levels,
        )
        return bests


def _prepare(
    coords: ArrayLike,
    days: ArrayLike,
    counts: ArrayLike | None,
    day: int | None,
    study_days: int | None,
    max_window: int,
    max_share: float,
    max_radius: float | None,
    max_neighbors: int | None,
    min_cases: int,
    candidate_centres: ArrayLike | None = None,
) -> _Prepared:
    xy = np.asarray(coords, dtype=float)
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise ValueError("coords must be an array of shape (n, 2), projected coordinates in metres")
    t = _as_days(days)
    if t.shape != (xy.shape[0],):
        raise ValueError("days must hold one day per row of coords")
    n = np.ones(t.shape, np.int64) if counts is None else np.asarray(counts)
    if n.shape != t.shape:
        raise ValueError("counts must hold one count per row of coords")
    if np.any(n < 0) or not np.all(np.equal(np.mod(n, 1), 0)):
        raise ValueError("counts must be non-negative whole numbers")
    n = n.astype(np.int64)
    if not np.all(np.isfinite(xy)):
        raise ValueError("coords must be finite")
    if max_window < 1:
        raise ValueError("max_window must be at least one day")
    if day is None:
        day = int(t.max()) if t.size else 0
    else:
        day = int(_as_days(np.asarray([day]))[0])
    if study_days is None:
        first = int(t[t <= day].min()) if np.any(t <= day) else day
    else:
        if study_days < 1:
            raise ValueError("study_days must be at least one day")
        first = day - int(study_days) + 1
    keep = (t >= first) & (t <= day) & (n > 0)
    rows = np.flatnonzero(keep)
    locations, loc_of_row = np.unique(xy[rows], axis=0, return_inverse=True)
    loc_of_row = loc_of_row.reshape(-1).astype(np.int64)
    n_rows = n[rows]
    j_of_row = day - t[rows]
    n_loc = locations.shape[0]
    W = int(min(max_window, day - first + 1))
    C = int(n_rows.sum())
    n_z = np.bincount(loc_of_row, weights=n_rows, minlength=n_loc).astype(np.int64)
    recent = j_of_row < W
    per_j = np.bincount(j_of_row[recent], weights=n_rows[recent], minlength=W).astype(np.int64)
    D = np.cumsum(per_j)
    rec_loc = np.repeat(loc_of_row[recent], n_rows[recent]).astype(np.int64)
    rec_day = np.repeat(j_of_row[recent], n_rows[recent]).astype(np.int64)
    case_loc = np.repeat(loc_of_row, n_rows).astype(np.int64)
    recent_j = np.repeat(np.arange(W, dtype=np.int64), per_j)
    centres = locations
    if candidate_centres is not None:
        extra = np.asarray(candidate_centres, dtype=float).reshape(-1, 2)
        if not np.all(np.isfinite(extra)):
            raise ValueError("candidate centres must be finite")
        extra = np.unique(extra, axis=0)
        if n_loc:
            known = {tuple(point) for point in locations.tolist()}
            extra = extra[[tuple(point) not in known for point in extra.tolist()]]
        centres = np.vstack([locations, extra]) if extra.size else locations
    ptr, idx, close, d2 = candidate_circles(
        locations,
        n_z,
        max_share=max_share,
        max_radius=max_radius,
        max_neighbors=max_neighbors,
        centres=centres,
    )
    c_max = int(D[-1]) if W else 0
    levels = _screening_levels(c_max)
    T = _kernels.thresholds(levels, c_max, max(C, 1), min_cases)
    return _Prepared(
        day,
        first,
        rows,
        loc_of_row,
        j_of_row,
        locations,
        n_z,
        D,
        C,
        W,
        rec_loc,
        rec_day,
        case_loc,
        recent_j,
        ptr,
        idx,
        close,
        d2,
        min_cases,
        T,
        levels,
        n_rows,
        centres,
    )


def _screening_levels(c_max: int) -> np.ndarray:
    """Levels of log GLR for the screening tables: fine where replicate maxima usually fall, within ~20 MB."""
    levels = np.concatenate([np.arange(0.0, 20.0, 0.5), np.arange(20.0, 60.0, 2.0), np.arange(60.0, 200.0, 10.0)])
    budget = max(2, 2_500_000 // (c_max + 1))
    if levels.size > budget:
        levels = levels[:: -(-levels.size // budget)]
    return levels


def _seeds(seed: int | np.random.SeedSequence | None, replicates: int) -> np.ndarray:
    sequence = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return sequence.generate_state(replicates, dtype=np.uint64)


def _chunk_maxima(seeds: np.ndarray, args: tuple[Any, ...]) -> np.ndarray:
    """Replicate maxima of a chunk of seeds, on one thread (the unit of work sent to Dask workers)."""
    maxima: np.ndarray = _kernels.replicate_maxima_serial(seeds, *args)
    return maxima


def replicate_maxima(
    prepared: _Prepared,
    seeds: np.ndarray,
    *,
    n_threads: int | None = None,
    scheduler: object | None = None,
) -> np.ndarray:
    """The maximum log GLR of each replicate, locally on `n_threads` cores or on a Dask cluster.

    `scheduler` is a Dask scheduler address ("tcp://host:8786") or a `distributed.Client`; the replicates are then
    split in chunks computed by the workers. A replicate's result depends only on its seed, so both ways give the
    same numbers.
    """
    args = prepared.kernel_args()
    if seeds.size == 0:
        return np.empty(0)
    if scheduler is None and n_threads == 1:
        return _chunk_maxima(seeds, args)  # one core, the GIL released: many scans side by side in threads
    if scheduler is None:
        import numba

        previous = numba.get_num_threads()
        if n_threads:
            numba.set_num_threads(max(1, min(int(n_threads), numba.config.NUMBA_NUM_THREADS)))  # type: ignore[attr-defined]
        try:
            maxima: np.ndarray = _kernels.replicate_maxima_parallel(seeds, *args)
            return maxima
        finally:
            numba.set_num_threads(previous)
    from distributed import Client

    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    try:
        workers = max(1, sum(client.nthreads().values()))
        n_chunks = min(seeds.size, 4 * workers)
        shared = client.scatter(args, broadcast=True)
        futures = [client.submit(_chunk_maxima, part, shared, pure=False) for part in np.array_split(seeds, n_chunks)]
        return np.concatenate(client.gather(futures))
    finally:
        if client is not scheduler:
            client.close()


def prospective_scan(
    coords: ArrayLike,
    days: ArrayLike,
    counts: ArrayLike | None = None,
    *,
    day: int | None = None,
    study_days: int | None = None,
    max_window: int = 30,
    max_share: float = 0.5,
    max_radius: float | None = None,
    max_neighbors: int | None = None,
    min_cases: int = 2,
    replicates: int = 999,
    seed: int | np.random.SeedSequence | None = 0,
    frequency: float = 1.0,
    max_clusters: int = 10,
    n_threads: int | None = None,
    scheduler: object | None = None,
    centres: ArrayLike | None = None,
) -> ScanResult:
    """Prospective space-time permutation scan (Kulldorff et al. 2005) on the day `day`.

    Parameters
    ----------
    coords : (n, 2) projected coordinates of the cases, in metres.
    days : (n,) day of each row, as whole day numbers (e.g. ordinals) or `datetime64`.
    counts : (n,) cases of each row (default 1).
    day : analysis day, the end of every window (default: the last day of the data). Later rows are ignored.
    study_days : length of the study period ending on `day` (default: from the first day of the data).
    max_window : longest window in days (30 as in the paper's New York City analyses).
    max_share, max_radius, max_neighbors : limits of the circles (share of the cases, metres, locations).
    min_cases : smallest number of cases of a cluster (SaTScan's default is 2).
    replicates : number R of Monte Carlo replicates (999 gives p-values down to 0.001).
    seed : seed of the replicates; the same seed gives the same p-values on any number of cores or workers.
    frequency : days between two analyses, for the recurrence interval (1 for daily surveillance).
    max_clusters : most likely cluster plus at most `max_clusters - 1` secondary clusters.
    n_threads : local cores used for the replicates (default: Numba's setting, every core).
    scheduler : Dask scheduler address or `distributed.Client` to spread the replicates over a cluster.
    centres : (m, 2) extra candidate centres, in the coordinates of `coords`, that need not hold a case (SaTScan's
        grid file: deal points, observation sites, a grid); circles are also centred on every case location.
    """
    if min_cases < 1:
        raise ValueError("min_cases must be at least 1")
    if not 0 < max_share <= 1:
        raise ValueError("max_share must be in (0, 1]")
    p = _prepare(
        coords,
        days,
        counts,
        day,
        study_days,
        max_window,
        max_share,
        max_radius,
        max_neighbors,
        int(min_cases),
        centres,
    )
    day, first_day = p.day, p.first_day
    if p.C == 0:
        return ScanResult([], p.locations, np.empty(0), p.C, day, first_day, p.W, p.centres)
    best, size, window = p.observed()
    maxima = replicate_maxima(p, _seeds(seed, int(replicates)), n_threads=n_threads, scheduler=scheduler)
    # Centres by decreasing GLR; the stable sort keeps the first centre among equal values.
    order = np.argsort(-best, kind="stable")
    clusters: list[Cluster] = []
    taken = np.zeros(p.locations.shape[0], bool)
    for i in order:
        if len(clusters) >= max_clusters or size[i] <= 0 or best[i] <= 0:
            break
        members = p.idx[p.ptr[i] : p.ptr[i] + size[i]]
        if taken[members].any():
            continue
        taken[members] = True
        w = int(window[i])
        inside = np.isin(p.loc_of_row, members) & (p.j_of_row <= w)
        observed = int(p.n_rows[inside].sum())
        N_S = int(p.n_z[members].sum())
        expected = N_S * int(p.D[w]) / p.C
        value = float(best[i])
        p_value = monte_carlo_p_value(value, maxima)
        clusters.append(
            Cluster(
                center=int(i),
                x=float(p.centres[i, 0]),
                y=float(p.centres[i, 1]),
                radius=float(math.sqrt(p.d2[p.ptr[i] + size[i] - 1])),
                locations=np.sort(members),
                start_day=day - w,
                end_day=day,
                observed=observed,
                expected=expected,
                llr=value,
                p_value=p_value,
                recurrence_interval=recurrence_interval(p_value, frequency),
                cases=p.rows[inside],
            )
        )
    return ScanResult(clusters, p.locations, maxima, p.C, day, first_day, p.W, p.centres)

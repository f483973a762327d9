"""Independent reference for the prospective space-time permutation scan: every cylinder enumerated in plain Python.

Written from the paper (Kulldorff et al., PLoS Medicine 2005), not from analytics.scan: expected counts are the sums of
mu_zd = n_z * n_d / C over the cylinder's location-days, circles are all sets {z : |z - centre| <= r} for r in the
distances from the centre to the locations, windows are [day - length + 1, day].
"""

import math
from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Cylinder:
    llr: float
    centre: tuple[float, float]
    r2: float
    members: frozenset
    length: int
    observed: int
    expected: float


def cylinders(
    points,
    days,
    counts=None,
    *,
    day=None,
    max_window=30,
    max_share=0.5,
    max_radius=None,
    max_neighbors=None,
    min_cases=2,
    centres=(),
):
    """Every scored cylinder (c >= min_cases and c > mu), in the order: centre (sorted), radius, window length.

    Circles are centred on every location, then on each of the extra `centres` that is not a location."""
    counts = [1] * len(days) if counts is None else list(counts)
    points = [(float(x), float(y)) for x, y in points]
    days = [int(d) for d in days]
    if day is None:
        day = max(days)
    rows = [(p, d, n) for p, d, n in zip(points, days, counts, strict=True) if d <= day and n > 0]
    C = sum(n for _, _, n in rows)
    first = min(d for _, d, _ in rows)
    W = min(max_window, day - first + 1)
    c_zd = defaultdict(int)
    n_z = defaultdict(int)
    n_d = defaultdict(int)
    for p, d, n in rows:
        c_zd[p, d] += n
        n_z[p] += n
        n_d[d] += n
    locations = sorted(n_z)
    extra = sorted({(float(x), float(y)) for x, y in centres} - set(locations))
    found = []
    for centre in locations + extra:

        def d2(p, centre=centre):
            return (p[0] - centre[0]) ** 2 + (p[1] - centre[1]) ** 2

        for r2 in sorted({d2(p) for p in locations}):
            members = [p for p in locations if d2(p) <= r2]
            if max_neighbors is not None and len(members) > max_neighbors:
                break
            if max_radius is not None and r2 > max_radius**2:
                break
            if sum(n_z[p] for p in members) > max_share * C:
                break
            for length in range(1, W + 1):
                window = range(day - length + 1, day + 1)
                c = sum(c_zd[p, d] for p in members for d in window)
                mu = sum(n_z[p] * n_d[d] / C for p in members for d in window)
                if c < min_cases or c <= mu:
                    continue
                value = c * math.log(c / mu)
                if c < C:
                    value += (C - c) * math.log((C - c) / (C - mu))
                found.append(Cylinder(value, centre, r2, frozenset(members), length, c, mu))
    return found


def maximum(found):
    return max((c.llr for c in found), default=0.0)

"""Local projection of WGS84 coordinates to metres, for analyses over a city-sized area.

Equirectangular projection about a reference point (lat0, lon0) on a sphere of the mean Earth radius:
x = R (lon - lon0) cos(lat0), y = R (lat - lat0), angles in radians (Snyder, "Map Projections — A Working Manual",
USGS 1987, p. 90). Over a plan's territory (a few kilometres) distances are within 0.1 % of the geodesic ones, well
below the precision of a recorded address; it needs no projection library.
"""

import numpy as np
from numpy.typing import ArrayLike

EARTH_RADIUS_M = 6_371_008.8  # mean radius of the Earth (IUGG), metres


def to_metres(lat: ArrayLike, lon: ArrayLike, lat0: float, lon0: float) -> np.ndarray:
    """(n, 2) array of x (east) and y (north) metres from the reference point."""
    lat = np.radians(np.asarray(lat, dtype=float))
    lon = np.radians(np.asarray(lon, dtype=float))
    phi0, lambda0 = np.radians(lat0), np.radians(lon0)
    x = EARTH_RADIUS_M * (lon - lambda0) * np.cos(phi0)
    y = EARTH_RADIUS_M * (lat - phi0)
    return np.column_stack([np.atleast_1d(x), np.atleast_1d(y)])


def to_lat_lon(x: ArrayLike, y: ArrayLike, lat0: float, lon0: float) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of `to_metres`: latitudes and longitudes in degrees."""
    phi0, lambda0 = np.radians(lat0), np.radians(lon0)
    lat = np.degrees(phi0 + np.asarray(y, dtype=float) / EARTH_RADIUS_M)
    lon = np.degrees(lambda0 + np.asarray(x, dtype=float) / (EARTH_RADIUS_M * np.cos(phi0)))
    return lat, lon

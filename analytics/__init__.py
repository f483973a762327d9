"""Numeric analytics of Copil: pure NumPy/Numba, no Django, no database: arrays in, results out.

- `analytics.scan`: prospective space-time permutation scan statistic (Kulldorff et al. 2005), Numba kernels,
  Monte Carlo replicates on local cores or a Dask cluster;
- `analytics.hotspots`: emerging hot-spot classification of a space-time cube (Getis-Ord Gi*, Mann-Kendall);
- `analytics.geo`: local projection of WGS84 coordinates to metres.
"""

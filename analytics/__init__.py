"""Numeric analytics of Copil: pure NumPy/Numba, no Django, no database: arrays in, results out."""

"""Indicators: the catalogue (`catalogue.toml`), periods, and the engine computing every figure from records.

`periods.parse_period` turns "2023-T2", "18 mois", "depuis le 1er janvier 2023"… into a `Period`;
`engine.compute(code, period, plan=…)` (or `territory=…`) returns an `IndicatorResult`.
"""

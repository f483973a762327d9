"""Evaluation of a plan by interrupted time series: segmented quasi-Poisson regression of a monthly count.

The segmented regression of Bernal, Cummins & Gasparrini (2017), "Interrupted time series regression for the
evaluation of public health interventions: a tutorial", Int. J. Epidemiol. 46(1):348-355 (Y_t = β₀ + β₁T + β₂X_t +
β₃TX_t, on the log scale for counts), with the slope term written from the interruption as in Wagner et al. (2002),
"Segmented regression analysis of interrupted time series studies in medication use research", J. Clin. Pharm.
Ther. 27:299-309, so that β₂ is the level change at the plan's first month:

    log E[Y_t] = log(exposure_t) + β₀ + β₁·T + β₂·X_t + β₃·(T − T₀)·X_t + Σₘ γₘ·[month(t) = m]

- Y_t: the count of month t; T: time since the start of the series (months); X_t: 1 from the plan's first month
  T₀ onwards, else 0 (the intervention); β₂: the level change at T₀, β₃: the slope change;
- γₘ: month-of-year indicators (January as reference) for seasonality (the tutorial's "seasonality" step; it
  uses Fourier terms, indicators need no choice of harmonics and are identified from 24 months on);
- exposure_t: the days of the month (or any exposure), so short or clipped months weigh less;
- overdispersion by quasi-Poisson (the tutorial's "over-dispersion" step): the GLM is fitted as Poisson and the
  covariance multiplied by the scale φ = Pearson χ² / (n − p) (McCullagh & Nelder 1989, §4.5), intervals on
  Student's t with n − p degrees of freedom.

The effect h months after T₀ relative to the counterfactual (the pre-plan trend continued) is
RR(h) = exp(β₂ + β₃·h), with 95 % interval exp(c'β̂ ± t₀.₉₇₅,ₙ₋ₚ · √(c' V̂ c)), c = (0, 0, 1, h, 0…).
With fewer than 24 months before the plan the trend and seasonality cannot be separated from the effect: the
function returns `Inconclusive` saying why instead of a figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import t as student_t

__all__ = [
    "MINIMUM_MONTHS_BEFORE",
    "Inconclusive",
    "SegmentedFit",
    "design_matrix",
    "segmented_regression",
    "simulate_counts",
]

MINIMUM_MONTHS_BEFORE = 24
"""Two full years before the plan: the least to estimate a trend and a month-of-year seasonality apart."""

Verdict = Literal["hausse", "baisse", "stable"]


@dataclass(frozen=True)
class SegmentedFit:
    """The estimated effect of the plan: rate ratios against the counterfactual, with their 95 % intervals.

    `relative_change` = RR(horizon) = exp(β₂ + β₃·horizon); `level_change` = exp(β₂) (at the plan's first month);
    `slope_change` = exp(β₃) (multiplicative change per month). `verdict`: « hausse » / « baisse » when the
    interval of RR(horizon) excludes 1, else « stable ». `fitted`: the model's expected count of each month;
    `counterfactual`: the same without the plan (β₂ = β₃ = 0), the pre-plan trend and seasons continued.
    """

    relative_change: float
    lower: float
    upper: float
    horizon: int
    level_change: float
    level_lower: float
    level_upper: float
    slope_change: float
    slope_lower: float
    slope_upper: float
    scale: float
    months_before: int
    months_after: int
    confidence: float
    verdict: Verdict
    fitted: tuple[float, ...] = ()
    counterfactual: tuple[float, ...] = ()


@dataclass(frozen=True)
class Inconclusive:
    """Why no effect is estimated: `too_few_months_before` (fewer than `months_required`), `no_month_after`
    (the plan has not started within the series) or `no_events` (only zeros before the plan)."""

    reason: Literal["too_few_months_before", "no_month_after", "no_events"]
    months_before: int
    months_after: int
    months_required: int = MINIMUM_MONTHS_BEFORE


def design_matrix(month_of_year: ArrayLike, start_index: int) -> np.ndarray:
    """Columns: 1, T, X_t, (T − T₀)·X_t, then 11 month-of-year indicators (February … December)."""
    months = np.asarray(month_of_year, dtype=int)
    n = months.size
    time = np.arange(n, dtype=float)
    after = (time >= start_index).astype(float)
    seasons = (months[:, None] == np.arange(2, 13)[None, :]).astype(float)
    return np.column_stack([np.ones(n), time, after, (time - start_index) * after, seasons])


def segmented_regression(
    counts: ArrayLike,
    month_of_year: ArrayLike,
    start_index: int,
    *,
    exposure: ArrayLike | None = None,
    horizon: int | None = None,
    confidence: float = 0.95,
) -> SegmentedFit | Inconclusive:
    """Fit the segmented quasi-Poisson model to a monthly series whose plan starts at index `start_index`.

    `horizon`: months after the plan's first month at which RR is read (default: the series' last month).
    """
    y = np.asarray(counts, dtype=float)
    n = y.size
    before, after = min(max(start_index, 0), n), n - min(max(start_index, 0), n)
    if before < MINIMUM_MONTHS_BEFORE:
        return Inconclusive("too_few_months_before", before, after)
    if after == 0:
        return Inconclusive("no_month_after", before, after)
    if y[:before].sum() == 0:
        return Inconclusive("no_events", before, after)
    design = design_matrix(month_of_year, start_index)
    offset = np.zeros(n) if exposure is None else np.log(np.asarray(exposure, dtype=float))
    beta, covariance, scale, df = _quasi_poisson(y, design, offset)
    quantile = float(student_t.ppf(0.5 + confidence / 2, df))
    h = after - 1 if horizon is None else horizon

    def interval(contrast: np.ndarray) -> tuple[float, float, float]:
        estimate = float(contrast @ beta)
        half = quantile * float(np.sqrt(contrast @ covariance @ contrast))
        return float(np.exp(estimate)), float(np.exp(estimate - half)), float(np.exp(estimate + half))

    def contrast(level: float, slope: float) -> np.ndarray:
        c = np.zeros(design.shape[1])
        c[2], c[3] = level, slope
        return c

    rr, low, high = interval(contrast(1.0, h))
    level = interval(contrast(1.0, 0.0))
    slope = interval(contrast(0.0, 1.0))
    verdict: Verdict = "hausse" if low > 1 else "baisse" if high < 1 else "stable"
    without_plan = beta.copy()
    without_plan[2:4] = 0.0
    fitted = tuple(float(v) for v in np.exp(offset + design @ beta))
    counterfactual = tuple(float(v) for v in np.exp(offset + design @ without_plan))
    return SegmentedFit(
        rr, low, high, h, *level, *slope, scale, before, after, confidence, verdict, fitted, counterfactual
    )


def _quasi_poisson(y: np.ndarray, design: np.ndarray, offset: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, int]:
    """Poisson GLM (log link) by statsmodels' IRLS; covariance scaled by φ = Pearson χ² / (n − p)."""
    import statsmodels.api as sm

    # Month-of-year columns absent from a series would make the design singular: drop them (and keep their γ = 0).
    present = np.asarray(design.any(axis=0), dtype=bool)
    present[:4] = True
    result = sm.GLM(y, design[:, present], family=sm.families.Poisson(), offset=offset).fit(scale="X2")
    p = int(present.sum())
    beta = np.zeros(design.shape[1])
    beta[present] = result.params
    covariance = np.zeros((design.shape[1], design.shape[1]))
    covariance[np.ix_(present, present)] = result.cov_params()
    return beta, covariance, float(result.scale), y.size - p


def simulate_counts(
    rng: np.random.Generator,
    *,
    months_before: int = 36,
    months_after: int = 24,
    baseline: float = 30.0,
    trend: float = 0.005,
    level_change: float = 1.0,
    slope_change: float = 1.0,
    seasonal_amplitude: float = 0.2,
    dispersion: float = 0.0,
    replicates: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Monthly counts drawn from the model with known effects (for validation): (replicates × months, month_of_year).

    Mean: baseline · exp(trend·T) · level_change^X · slope_change^((T − T₀)·X) · exp(amplitude · sin(2π·month/12)).
    `dispersion` k > 0 draws gamma-Poisson (negative binomial) counts of variance μ + k·μ² instead of Poisson.
    """
    n = months_before + months_after
    months = (np.arange(n) % 12) + 1
    design = design_matrix(months, months_before)
    log_mean = (
        np.log(baseline)
        + trend * design[:, 1]
        + np.log(level_change) * design[:, 2]
        + np.log(slope_change) * design[:, 3]
        + seasonal_amplitude * np.sin(2 * np.pi * months / 12)
    )
    mean = np.broadcast_to(np.exp(log_mean), (replicates, n))
    if dispersion > 0:
        mean = rng.gamma(1.0 / dispersion, mean * dispersion)
    return rng.poisson(mean), months

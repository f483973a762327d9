"""Honest comparison of two periods' figures: a verdict on counts only when an exact test supports it.

Counts (arrests, seizures, deal points found…) are compared by the conditional test for two Poisson counts
(Przyborowski & Wilenski 1940; Cox 1953): given the total n = x₁ + x₂, the later count x₂ is binomial
B(n, p₀) under a constant rate, with p₀ = t₂ / (t₁ + t₂) adjusting for unequal exposures (period lengths) t₁, t₂.
The two-sided exact binomial p-value decides « hausse » / « baisse »; otherwise « stable ».

Masses and sums (grams seized, euros) are not counts: no test applies, so their change is stated without any
verdict, next to the number of seizures behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from scipy.stats import binomtest

__all__ = [
    "MINIMUM_EARLIER_COUNT_FOR_PERCENT",
    "CountComparison",
    "SumComparison",
    "Verdict",
    "compare_counts",
    "compare_sums",
    "percent_is_shown",
]

Verdict = Literal["hausse", "baisse", "stable"]

MINIMUM_EARLIER_COUNT_FOR_PERCENT = 10
"""Under 10 events a percentage exaggerates noise (« 12 contre 3 » is not « +300 % »)."""


def percent_is_shown(earlier_count: int) -> bool:
    """Whether a percentage change may be printed: only when the earlier count is at least 10."""
    return earlier_count >= MINIMUM_EARLIER_COUNT_FOR_PERCENT


@dataclass(frozen=True)
class CountComparison:
    """Two periods' counts, the exposure-adjusted change and the verdict of the exact conditional test.

    `percent_change` is 100 × (rate ratio − 1), rates being counts per unit of exposure; None when the earlier
    count is under 10 (or zero).
    """

    earlier: int
    later: int
    earlier_exposure: float
    later_exposure: float
    p_value: float
    level: float
    verdict: Verdict
    percent_change: float | None


@dataclass(frozen=True)
class SumComparison:
    """Two periods' masses or sums: the change only, never a verdict, with the events (seizures) behind each."""

    earlier: float
    later: float
    earlier_events: int
    later_events: int
    change: float
    percent_change: float | None


def compare_counts(
    earlier: int, later: int, *, earlier_exposure: float = 1.0, later_exposure: float = 1.0, level: float = 0.05
) -> CountComparison:
    """Compare two Poisson counts over exposures t₁, t₂ (e.g. days): exact conditional binomial test at `level`.

    H₀: λ₁ = λ₂ (equal rates per unit of exposure). Given n = x₁ + x₂, X₂ ~ B(n, t₂ / (t₁ + t₂)) under H₀; the
    two-sided p-value is the exact binomial one (sum of the probabilities not above that of the observed x₂).
    """
    if earlier < 0 or later < 0:
        raise ValueError("counts must be non-negative")
    if earlier_exposure <= 0 or later_exposure <= 0:
        raise ValueError("exposures must be positive")
    total = earlier + later
    if total == 0:
        p_value = 1.0
    else:
        p_value = float(binomtest(later, total, later_exposure / (earlier_exposure + later_exposure)).pvalue)
    earlier_rate, later_rate = earlier / earlier_exposure, later / later_exposure
    verdict: Verdict = "stable"
    if p_value < level:
        verdict = "hausse" if later_rate > earlier_rate else "baisse"
    percent = 100.0 * (later_rate / earlier_rate - 1.0) if percent_is_shown(earlier) else None
    return CountComparison(earlier, later, earlier_exposure, later_exposure, p_value, level, verdict, percent)


def compare_sums(earlier: float, later: float, *, earlier_events: int, later_events: int) -> SumComparison:
    """The change of a mass or sum between two periods, without significance (a sum of masses is not a count).

    The percentage follows the count rule, applied to the events behind the earlier sum.
    """
    percent = None
    if percent_is_shown(earlier_events) and earlier > 0:
        percent = 100.0 * (later / earlier - 1.0)
    return SumComparison(earlier, later, earlier_events, later_events, later - earlier, percent)

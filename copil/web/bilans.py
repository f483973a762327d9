"""The bilan as the web pages serve it: built once per plan, period, variant and data version (cached)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from copil.plans.models import Plan
from copil.reports.bilan import Bilan, build_bilan

from .caching import cached, data_version
from .periods import PeriodChoice


def cached_bilan(plan: Plan, choice: PeriodChoice, *, suppressed: frozenset[str], charts: bool = True) -> Bilan:
    """The bilan, built once per plan, period, variant (the indicators it suppresses) and data version."""
    today = timezone.localdate()
    variant = tuple(sorted(suppressed))
    return cached(
        ("bilan", plan.pk, choice.cache_key, today, variant, charts, data_version(plan)),
        lambda: build_bilan(plan, choice.period, suppressed=suppressed, charts=charts),
    )


def bilan_parts(plan: Plan, choice: PeriodChoice, *, suppressed: frozenset[str]) -> dict[str, Any]:
    """The bilan page's title, date and body as HTML, cached like the bilan itself."""
    today = timezone.localdate()

    def build() -> dict[str, Any]:
        report = build_bilan(plan, choice.period, suppressed=suppressed)
        return {
            "title": report.title,
            "generated_at": report.generated_at,
            "territory": plan.territory.name,
            "body": render_to_string("web/includes/bilan_body.html", {"bilan": report}),
        }

    variant = tuple(sorted(suppressed))
    parts = cached(("bilan-html", plan.pk, choice.cache_key, today, variant, data_version(plan)), build)
    return {**parts, "body": mark_safe(parts["body"])}  # noqa: S308 - rendered from our template

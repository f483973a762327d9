"""Charts of the statistics and evaluation pages, drawn with the bilan's chart module (same style, French, SVG)."""

from __future__ import annotations

import matplotlib
from django.utils import translation
from django.utils.translation import gettext as _
from matplotlib.ticker import MaxNLocator

from analytics.its import SegmentedFit
from copil.indicators.evaluation import IndicatorEvaluation
from copil.plans.models import Plan
from copil.reports.charts import BLUE_FRANCE, RC, Chart, _chart, _figure, _legend, _month_tick

from .figures import DRUG_INDICATOR_UNITS, OfficialComparison, official_comparison, official_sentence

SERIES_COLOURS = (BLUE_FRANCE, "#E69F00", "#009E73")


def statistics_sections(plan: Plan) -> list[dict]:
    """For each drug indicator: the comparison, its sentence and its chart (the page's and the bilan's context)."""
    sections = []
    for indicator, unit in DRUG_INDICATOR_UNITS:
        found = official_comparison(plan, indicator, unit)
        sections.append({"comparison": found, "sentence": official_sentence(found), "chart": official_chart(found)})
    return sections


def official_chart(comparison: OfficialComparison) -> Chart | None:
    """Lines of the rates per 1,000 inhabitants, year by year: territory, département, France (gaps where none)."""
    if not comparison.has_figures:
        return None
    with translation.override("fr"), matplotlib.rc_context(RC):
        title = _("{indicator} per 1,000 inhabitants").format(indicator=comparison.indicator)
        figure, axes = _figure(title)
        years = [row.year for row in comparison.years]
        lines = (
            (comparison.territory_name, [row.territory for row in comparison.years]),
            (_("Département"), [row.departement for row in comparison.years]),
            (_("France"), [row.france for row in comparison.years]),
        )
        for (label, rates), colour in zip(lines, SERIES_COLOURS, strict=True):
            values = [float(rate.value) if rate.status == "published" else float("nan") for rate in rates]
            if any(rate.status == "published" for rate in rates):
                axes.plot(years, values, marker="o", color=colour, label=label, linewidth=1.6)
        axes.set_xticks(years, [str(year) for year in years])
        axes.set_xlim(years[0] - 0.5, years[-1] + 0.5)
        axes.set_ylim(0, axes.get_ylim()[1] * 1.1)  # room above the highest point
        _legend(figure)
        description = _(
            "Line chart of the {indicator} per 1,000 inhabitants each year from {first} to {last}: {place}, its "
            "département and France; a missing point is a figure not published or not imported."
        ).format(indicator=comparison.indicator, first=years[0], last=years[-1], place=comparison.territory_name)
        return _chart("official_rates", "context", title, description, figure)


def evaluation_chart(evaluation: IndicatorEvaluation) -> Chart | None:
    """Monthly counts, bars before the plan in grey and after in blue."""
    points = evaluation.points
    if not points:
        return None
    with translation.override("fr"), matplotlib.rc_context(RC):
        label = evaluation.definition.label
        title = _("{label} each month").format(label=label.capitalize())
        figure, axes = _figure(title)
        positions = list(range(len(points)))
        colours = ["#929292" if i < evaluation.start_index else BLUE_FRANCE for i in positions]
        axes.bar(positions, [float(p.value or 0) for p in points], color=colours, width=0.72, linewidth=0)
        if 0 < evaluation.start_index < len(points):
            axes.axvline(evaluation.start_index - 0.5, color="#000000", linewidth=1, linestyle="--")
        result = evaluation.result
        if isinstance(result, SegmentedFit):
            after = positions[evaluation.start_index :]
            axes.plot(positions, result.fitted, color="#000000", linewidth=1.4, label=_("model"))
            axes.plot(
                after,
                result.counterfactual[evaluation.start_index :],
                color="#D55E00",
                linewidth=1.4,
                linestyle="--",
                label=_("expected from the earlier trend"),
            )
            _legend(figure)
        every = max(1, -(-len(points) // 12))
        ticks = [_month_tick(p.period, first=i == 0) for i, p in enumerate(points)]
        axes.set_xticks(positions[::every], ticks[::every])
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        description = _(
            "Bar chart of the {label} each month, {before} months before the plan's launch (grey) and {after} "
            "after (blue), the launch marked by a dashed line; when the model is fitted, its line and, after the "
            "launch, what the earlier trend led to expect (dashed)."
        ).format(label=label, before=evaluation.start_index, after=len(points) - evaluation.start_index)
        return _chart(f"evaluation_{evaluation.definition.code}", "evaluation", title, description, figure)

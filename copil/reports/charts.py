"""The bilan's charts: matplotlib figures of indicator series, drawn once as SVG for both the HTML and the PDF.

Each chart is drawn only when its data exist, with French labels and numbers, and comes with a title and a
French sentence describing it (the text alternative of the `<svg>`, and the caption of its `<figure>`). The
SVG is deterministic — no date, ids salted by the chart's code and prefixed so that several charts can live
in one page — so that the same records always give the same bytes.
"""

from __future__ import annotations

import base64
import contextvars
import datetime as dt
import functools
import hashlib
import html
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import matplotlib
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _
from matplotlib import dates as mdates
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from copil.indicators import engine
from copil.indicators import series as series_module
from copil.indicators.engine import IndicatorResult
from copil.indicators.periods import MONTHS_FR, Period
from copil.indicators.periods import format_date_fr as format_date
from copil.indicators.series import SeriesPoint
from copil.plans.models import Plan
from copil.records.models import Arrest, Substance

from .formatting import format_mass, format_number, join_words

# Figure size in inches: 6.2 in (446 pt) fits the A4 text width of the print template (17 cm) unscaled.
WIDTH, HEIGHT = 6.2, 2.9
MONTH_ABBREVIATIONS_FR = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)
# Okabe–Ito colours (readable with colour blindness) and the DSFR's "bleu France".
BLUE_FRANCE = "#000091"
SUBSTANCE_COLOURS = {
    Substance.CANNABIS: "#009E73",
    Substance.HEROIN: "#0072B2",
    Substance.COCAINE: "#56B4E9",
    Substance.CRACK: "#D55E00",
    Substance.OTHER: "#999999",
}
ROLE_COLOURS = {Arrest.Role.TRAFFICKER: BLUE_FRANCE, Arrest.Role.USER: "#E69F00"}
GREY = "#666666"
RC = {
    "svg.fonttype": "none",  # text stays text: searchable, selectable, read by screen readers and pdftotext
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial"],
    "font.size": 8.5,
    "axes.titlesize": 10.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": GREY,
    "axes.labelcolor": "#161616",
    "xtick.color": GREY,
    "ytick.color": GREY,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": 8,
    "svg.image_inline": True,
}


ChartFunction = Callable[[Plan, Period, dict[str, IndicatorResult], dt.date | None], "Chart | None"]


@dataclass(frozen=True)
class Chart:
    """One drawn chart: `svg` is an inline `<svg>` element, labelled by `title` and described by `description`."""

    code: str
    axis: str
    title: str
    description: str
    svg: str

    @property
    def data_uri(self) -> str:
        """The same SVG as a `data:` address, for an `<img>` (how the print template embeds it: WeasyPrint then
        reads it as an SVG image, not as HTML to style)."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode("utf-8")).decode("ascii")


MIN_STEPS = 2
"""A chart shows a change over time: it needs at least two of its steps (months, weeks, days) in the period, else
« chaque mois le 28 juin 2024 » describes a single bar the bilan's sentence already states."""


def axis_charts(
    plan: Plan,
    period: Period,
    results: dict[str, IndicatorResult] | None = None,
    *,
    today: dt.date | None = None,
) -> dict[str, list[Chart]]:
    """Every chart whose data exist, by axis code, in reading order.

    `results` are the bilan's indicator results, reused for reference values (the baseline of shelter
    occupancy); missing ones are computed.
    """
    results = dict(results or {})
    charts: dict[str, list[Chart]] = {}
    for draw in CHARTS:
        chart = draw(plan, period, results, today)
        if chart is not None:
            charts.setdefault(chart.axis, []).append(chart)
    return charts


# --- the SVG cache ----------------------------------------------------------------------------------------------
# A chart is drawn from its input series alone (and the period, and this module's code): each input a drawing
# function reads goes through `series`/`compute` below (or `_uses`), and the rendered SVG is cached under a hash of
# them, so an unchanged chart is never redrawn and a changed figure always is (issue 16).

_inputs: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("copil_chart_inputs", default=None)


@functools.cache
def _code_hash() -> str:
    """This module's source, the French catalogue (legend labels) and matplotlib's version: a change of any is a
    change of every chart."""
    here = Path(__file__).resolve()
    french = here.parent.parent / "locale" / "fr" / "LC_MESSAGES" / "django.mo"
    parts = [here.read_bytes(), french.read_bytes() if french.exists() else b"", matplotlib.__version__.encode()]
    return hashlib.sha256(b"\0".join(parts)).hexdigest()[:16]


def _uses(value: object) -> None:
    """Records an input of the chart being drawn (its repr enters the chart's cache key)."""
    inputs = _inputs.get()
    if inputs is not None:
        inputs.append(repr(value))


def series(*args: Any, **kwargs: Any) -> list[SeriesPoint]:
    points = series_module.series(*args, **kwargs)
    _uses(points)
    return points


def compute(*args: Any, **kwargs: Any) -> IndicatorResult:
    result = engine.compute(*args, **kwargs)
    _uses(result)
    return result


def _svg_key(code: str, title: str, description: str) -> str | None:
    inputs = _inputs.get()
    if inputs is None:
        return None
    raw = repr((_code_hash(), code, title, description, inputs))
    return f"copil-chart-svg:{hashlib.sha256(raw.encode()).hexdigest()}"


def _styled(draw: ChartFunction) -> ChartFunction:
    """Draw in French, with the charts' matplotlib style (rcParams are read when artists are created); the inputs
    the drawing reads are recorded for the SVG cache."""

    @functools.wraps(draw)
    def styled(
        plan: Plan, period: Period, results: dict[str, IndicatorResult], today: dt.date | None = None
    ) -> Chart | None:
        token = _inputs.set([repr((period, today))])
        try:
            with translation.override("fr"), matplotlib.rc_context(RC):
                return draw(plan, period, results, today)
        finally:
            _inputs.reset(token)

    return styled


# --- charts --------------------------------------------------------------------------------------------------


@_styled
def seizures_chart(
    plan: Plan, period: Period, results: dict[str, IndicatorResult], today: dt.date | None = None
) -> Chart | None:
    """Mass seized each month, stacked by substance, in kg (or g when every month is under a kilogram)."""
    points = series("seizure_mass", period, plan=plan, step="month", today=today)
    totals = [Decimal(p.value or 0) for p in points]
    if len(points) < MIN_STEPS or not any(totals):
        return None
    in_kg = max(totals) >= 1000
    scale = Decimal(1000) if in_kg else Decimal(1)
    present = [s for s in SUBSTANCE_COLOURS if any(p.breakdown.get(s) for p in points)]
    stacks = [
        (
            str(Substance(s).label).capitalize(),
            SUBSTANCE_COLOURS[s],
            [_float(p.breakdown.get(s, 0), scale) for p in points],
        )
        for s in present
    ]
    peak = _peak(points)
    title = _("Quantities seized each month, by substance")
    description = _(
        "Stacked bar chart of the quantities of drugs seized each month {period}, by substance ({substances}). "
        "The highest month is {month}, with {amount}."
    ).format(
        period=period.label,
        substances=join_words([str(Substance(s).label) for s in present]),
        month=_month_label(peak.period),
        amount=format_mass(peak.value),
    ) + _partial_months(points)
    if (drawn := _drawn("seizures_by_substance", "repression", title, description)) is not None:
        return drawn  # unchanged inputs: not drawn again
    figure, axes = _figure(title)
    _stacked_bars(axes, points, stacks)
    axes.set_ylabel("kg" if in_kg else "g")
    return _chart("seizures_by_substance", "repression", title, description, figure)


@_styled
def arrests_chart(
    plan: Plan, period: Period, results: dict[str, IndicatorResult], today: dt.date | None = None
) -> Chart | None:
    """Arrests each month, stacked by the role of the person arrested."""
    points = series("arrests", period, plan=plan, step="month", today=today)
    if len(points) < MIN_STEPS or not any(p.value for p in points):
        return None
    names = {Arrest.Role.TRAFFICKER: _("Traffickers"), Arrest.Role.USER: _("Users")}
    stacks = [
        (names[role], colour, [float(p.breakdown.get(role, 0)) for p in points])
        for role, colour in ROLE_COLOURS.items()
        if any(p.breakdown.get(role) for p in points)
    ]
    peak = _peak(points)
    total = sum(int(p.value or 0) for p in points)
    title = _("Arrests each month, by role")
    description = _(
        "Stacked bar chart of the arrests made each month {period}, traffickers and users ({total} in all). "
        "The highest month is {month}, with {n}."
    ).format(
        period=period.label,
        total=format_number(total),
        month=_month_label(peak.period),
        n=format_number(peak.value),
    ) + _partial_months(points)
    if (drawn := _drawn("arrests_by_role", "repression", title, description)) is not None:
        return drawn  # unchanged inputs: not drawn again
    figure, axes = _figure(title)
    _stacked_bars(axes, points, stacks)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel(_("arrests"))
    return _chart("arrests_by_role", "repression", title, description, figure)


@_styled
def deployment_chart(
    plan: Plan, period: Period, results: dict[str, IndicatorResult], today: dt.date | None = None
) -> Chart | None:
    """Staff deployed per day: the weekly range (lowest to highest day) as a band, the weekly mean as a line."""
    points = [p for p in series("staff_deployed", period, plan=plan, step="week", today=today) if p.days]
    if len(points) < MIN_STEPS:
        return None
    days = [p.period.start for p in points]
    lowest, highest = min(p.minimum for p in points), max(p.maximum for p in points)
    title = _("Staff deployed each day, week by week")
    description = _(
        "Band chart of the police officers and gendarmes deployed each day {period}: for each week, the band "
        "goes from the lowest to the highest day and the line gives the mean. Between {minimum} and {maximum} "
        "a day."
    ).format(period=period.label, minimum=format_number(lowest), maximum=format_number(highest))
    if (drawn := _drawn("staff_deployed", "repression", title, description)) is not None:
        return drawn  # unchanged inputs: not drawn again
    figure, axes = _figure(title)
    edges = [*days, points[-1].period.end + dt.timedelta(days=1)]
    axes.fill_between(
        edges,
        [float(p.minimum) for p in points] + [float(points[-1].minimum)],
        [float(p.maximum) for p in points] + [float(points[-1].maximum)],
        step="post",
        color=BLUE_FRANCE,
        alpha=0.18,
        linewidth=0,
        label=_("lowest to highest day of the week"),
    )
    axes.step(
        edges,
        [float(p.mean) for p in points] + [float(points[-1].mean)],
        where="post",
        color=BLUE_FRANCE,
        linewidth=1.4,
        label=_("mean of the week"),
    )
    axes.set_ylim(bottom=0)
    axes.set_ylabel(_("staff per day"))
    _date_axis(axes, period)
    _legend(figure)
    return _chart("staff_deployed", "repression", title, description, figure)


@_styled
def cameras_chart(
    plan: Plan, period: Period, results: dict[str, IndicatorResult], today: dt.date | None = None
) -> Chart | None:
    """Cameras in service day by day, as a step line."""
    points = series("cameras_in_service", period, plan=plan, step="day", today=today)
    if len(points) < MIN_STEPS or not any(p.value for p in points):
        return None
    first, last = points[0], points[-1]
    title = _("Video-protection cameras in service")
    description = _("Step chart of the cameras in service day by day: {first} on {start}, {last} on {end}.").format(
        first=format_number(first.value),
        start=format_date(first.period.start),
        last=format_number(last.value),
        end=format_date(last.period.end),
    )
    if (drawn := _drawn("cameras_in_service", "videoprotection", title, description)) is not None:
        return drawn  # unchanged inputs: not drawn again
    figure, axes = _figure(title)
    axes.step(
        [p.period.start for p in points] + [last.period.end + dt.timedelta(days=1)],
        [float(p.value) for p in points] + [float(last.value)],
        where="post",
        color=BLUE_FRANCE,
        linewidth=1.6,
    )
    axes.set_ylim(bottom=0, top=float(max(p.value for p in points)) * 1.15)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel(_("cameras"))
    _date_axis(axes, period)
    return _chart("cameras_in_service", "videoprotection", title, description, figure)


@_styled
def shelter_chart(
    plan: Plan, period: Period, results: dict[str, IndicatorResult], today: dt.date | None = None
) -> Chart | None:
    """People taken in each night against the places available, with the level before the plan for reference."""
    occupied = [
        p for p in series("shelter_occupancy", period, plan=plan, step="day", today=today) if p.value is not None
    ]
    if len(occupied) < MIN_STEPS:
        return None
    capacity = [
        p for p in series("shelter_capacity", period, plan=plan, step="day", today=today) if p.value is not None
    ]
    result = results.get("shelter_occupancy") or compute("shelter_occupancy", period, plan=plan, today=today)
    baseline = result.baseline_value
    _uses(baseline)
    last = occupied[-1]
    title = _("People taken in each night in shelters")
    description = _("Line chart of the people taken in each night in shelters, day by day {period}: {n} on {date}.")
    description = description.format(
        period=period.label, n=format_number(last.value), date=format_date(last.period.end)
    )
    if capacity:
        description += " " + _("A second line gives the places available ({n} on {date}).").format(
            n=format_number(capacity[-1].value), date=format_date(capacity[-1].period.end)
        )
    if baseline is not None:
        description += " " + _("A dashed line marks the level before the plan ({n}).").format(n=format_number(baseline))
    if (drawn := _drawn("shelter_occupancy", "prevention_care", title, description)) is not None:
        return drawn  # unchanged inputs: not drawn again
    figure, axes = _figure(title)
    axes.plot(
        [p.period.start for p in occupied],
        [float(p.value) for p in occupied],
        color=BLUE_FRANCE,
        linewidth=1.5,
        label=_("people taken in"),
    )
    if capacity:
        axes.plot(
            [p.period.start for p in capacity],
            [float(p.value) for p in capacity],
            color="#E69F00",
            linewidth=1.5,
            label=_("places available"),
        )
    if baseline is not None:
        axes.axhline(float(baseline), color=GREY, linewidth=1, linestyle=(0, (4, 3)), label=_("before the plan"))
    axes.set_ylim(bottom=0)
    axes.set_ylabel(_("people"))
    _date_axis(axes, period)
    _legend(figure)
    return _chart("shelter_occupancy", "prevention_care", title, description, figure)


CHARTS: list[ChartFunction] = [
    seizures_chart,
    arrests_chart,
    deployment_chart,
    cameras_chart,
    shelter_chart,
]


# --- drawing -------------------------------------------------------------------------------------------------


def _figure(title: str) -> tuple[Figure, matplotlib.axes.Axes]:
    figure = Figure(figsize=(WIDTH, HEIGHT), layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(title, pad=10)
    axes.yaxis.set_major_formatter(FuncFormatter(_tick_number))
    axes.set_axisbelow(True)
    return figure, axes


def _tick_number(value: float, _position: int | None = None) -> str:
    return format_number(Decimal(str(round(value, 6))))


def _stacked_bars(
    axes: matplotlib.axes.Axes, points: Sequence[SeriesPoint], stacks: Sequence[tuple[str, str, list[float]]]
) -> None:
    """One bar per month, stacked by (label, colour, heights), months named in French under them."""
    positions = list(range(len(points)))
    bottom = [0.0] * len(points)
    for label, colour, heights in stacks:
        axes.bar(positions, heights, bottom=bottom, color=colour, width=0.72, label=label, linewidth=0)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    every = max(1, -(-len(points) // 12))
    axes.set_xticks(positions[::every], [_month_tick(p.period, first=i == 0) for i, p in enumerate(points)][::every])
    axes.tick_params(axis="x", length=0)
    axes.set_xlim(-0.6, len(points) - 0.4)
    axes.set_ylim(bottom=0)
    if len(stacks) > 1:
        _legend(axes.figure)


def _legend(figure: Figure) -> None:
    """One row of legend entries under the plot, outside the data."""
    handles, labels = figure.axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=len(labels))


def _month_tick(period: Period, *, first: bool) -> str:
    """ "mars", "janv.\n2023" under the first bar and January; an asterisk marks a month the period cuts."""
    abbreviation = MONTH_ABBREVIATIONS_FR[period.start.month - 1] + ("" if period.is_calendar_month else "*")
    return f"{abbreviation}\n{period.start.year}" if first or period.start.month == 1 else abbreviation


def _date_axis(axes: matplotlib.axes.Axes, period: Period) -> None:
    """Month ticks with French names, the year under January and under the first tick."""
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
    interval = max(1, -(-months // 10))
    axes.xaxis.set_major_locator(mdates.MonthLocator(interval=interval))

    def label(value: float, position: int | None = None) -> str:
        day = mdates.num2date(value).date()
        text = MONTH_ABBREVIATIONS_FR[day.month - 1]
        return f"{text}\n{day.year}" if position == 0 or day.month <= interval else text

    axes.xaxis.set_major_formatter(FuncFormatter(label))
    axes.set_xlim(period.start, period.end + dt.timedelta(days=1))
    axes.grid(axis="x", visible=False)


def _drawn(code: str, axis: str, title: str, description: str) -> Chart | None:
    """The chart already rendered from the same inputs, if cached: no figure is built for it."""
    key = _svg_key(code, title, description)
    svg = cache.get(key) if key else None
    return None if svg is None else Chart(code, axis, title, description, svg)


def _chart(code: str, axis: str, title: str, description: str, figure: Figure) -> Chart:
    key = _svg_key(code, title, description)
    svg = cache.get(key) if key else None
    if svg is None:
        buffer = io.StringIO()
        with matplotlib.rc_context({**RC, "svg.hashsalt": f"copil-{code}"}):
            FigureCanvasSVG(figure).print_svg(buffer, metadata={"Date": None, "Creator": None})
        svg = _inline_svg(buffer.getvalue(), code, title, description)
        if key:
            cache.set(key, svg, settings.COPIL_PAGE_CACHE_SECONDS)
    return Chart(code, axis, title, description, svg)


def _inline_svg(document: str, code: str, title: str, description: str) -> str:
    """The `<svg>` element alone, its ids prefixed by the chart's code, labelled for assistive technology."""
    start = document.index("<svg")
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", document[start:], flags=re.DOTALL)
    prefix = f"chart-{code}-"
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}\1"', svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}\1)", svg)
    label = html.escape(description, quote=True)
    opening_end = svg.index(">") + 1
    opening = svg[: opening_end - 1] + f' role="img" aria-label="{label}" class="chart">'
    accessible = f"\n <title>{html.escape(title)}</title>\n <desc>{html.escape(description)}</desc>"
    return opening + accessible + svg[opening_end:].rstrip() + "\n"


def _float(value, scale: Decimal) -> float:
    return float(Decimal(value) / scale)


def _peak(points: Sequence[SeriesPoint]) -> SeriesPoint:
    """The slice with the highest value (the earliest of equal ones)."""
    return max(points, key=lambda p: (p.value or 0, -p.period.start.toordinal()))


def _partial_months(points: Sequence[SeriesPoint]) -> str:
    """A sentence for each month the period cuts (marked * under its bar): its bar counts fewer days."""
    cut = [p.period for p in (points[0], points[-1]) if not p.period.is_calendar_month]
    return "".join(
        " "
        + _("* {month}: from {start} to {end} only.").format(
            month=_month_label(part), start=format_date(part.start), end=format_date(part.end)
        )
        for part in dict.fromkeys(cut)
    )


def _month_label(period: Period) -> str:
    return f"{MONTHS_FR[period.start.month - 1]} {period.start.year}"

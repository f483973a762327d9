"""The bilan's charts on small hand-made plans: drawn only from existing data, French, accessible, deterministic."""

import datetime as dt
import re
from decimal import Decimal
from html import unescape

import pytest

from copil.indicators.periods import Period
from copil.reports.bilan import build_bilan
from copil.reports.charts import axis_charts
from tests.factories import make_partner, make_record

D = dt.date
H1 = Period(D(2023, 1, 1), D(2023, 6, 30))


def texts(svg: str) -> list[str]:
    """The text drawn in an SVG chart (kept as text: svg.fonttype = none)."""
    return [unescape(t).strip() for t in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, flags=re.DOTALL)]


@pytest.fixture
def busy_plan(plan, police):
    city = make_partner(plan, role="city")
    make_record(
        "seizure", police, plan=plan, seized_on=D(2023, 2, 3), substance="cannabis", quantity=Decimal("1.2"), unit="kg"
    )
    make_record(
        "seizure", police, plan=plan, seized_on=D(2023, 2, 9), substance="crack", quantity=Decimal("300"), unit="g"
    )
    make_record(
        "seizure", police, plan=plan, seized_on=D(2023, 5, 9), substance="heroin", quantity=Decimal("250"), unit="g"
    )
    for day, role in [(D(2023, 1, 5), "trafficker"), (D(2023, 1, 6), "user"), (D(2023, 4, 1), "trafficker")]:
        make_record("arrest", police, arrested_on=day, role=role)
    make_record("camera", city, installed_on=D(2022, 3, 1))
    make_record("camera", city, installed_on=D(2023, 3, 15), night_vision=True)
    return plan


def test_charts_are_drawn_only_from_existing_data(plan, police):
    assert axis_charts(plan, H1) == {}
    make_record("arrest", police, arrested_on=D(2023, 3, 1), role="user")
    charts = axis_charts(plan, H1)
    assert list(charts) == ["repression"]
    assert [c.code for c in charts["repression"]] == ["arrests_by_role"]
    make_record("arrest", police, arrested_on=D(2023, 7, 1), role="user")  # outside the period: nothing more
    assert [c.code for c in axis_charts(plan, H1)["repression"]] == ["arrests_by_role"]


def test_charts_speak_french_numbers_months_and_describe_their_data(busy_plan):
    charts = {c.code: c for cs in axis_charts(busy_plan, H1).values() for c in cs}
    assert list(charts) == ["seizures_by_substance", "arrests_by_role", "cameras_in_service"]

    seizures = charts["seizures_by_substance"]
    assert seizures.title == "Quantités saisies chaque mois, par produit"
    drawn = texts(seizures.svg)
    assert seizures.title in drawn and "kg" in drawn
    assert {"Cannabis", "Crack", "Héroïne"} <= set(drawn)  # the legend: substances present only
    assert "Cocaïne" not in drawn
    ticks = [t for t in drawn if re.fullmatch(r"[\d\s,.\u00a0]+", t)]
    assert "0,4" in ticks and not [t for t in ticks if "." in t]  # decimal comma on the kg axis (max 1,5)
    assert {"janv.", "2023", "févr.", "juin"} <= set(drawn)  # French months, the year under the first
    assert "est février 2023, avec 1,5\u00a0kg" in seizures.description
    assert "cannabis, héroïne et crack" in seizures.description

    arrests = charts["arrests_by_role"]
    assert {"Trafiquants", "Usagers"} <= set(texts(arrests.svg))
    assert "(3 au total)" in arrests.description and "janvier 2023, avec 2" in arrests.description

    cameras = charts["cameras_in_service"]
    assert cameras.axis == "videoprotection"
    assert "1 au 1er janvier 2023, 2 au 30 juin 2024" not in cameras.description
    assert "1 au 1er janvier 2023, 2 au 30 juin 2023" in cameras.description


def test_large_numbers_on_axes_are_grouped_the_french_way(plan, police):
    for day, staff in [(D(2023, 1, 2), 1200), (D(2023, 1, 3), 2500), (D(2023, 1, 10), 1800)]:
        make_record("deployment_reading", police, deployed_on=day, force="police_nationale", staff=staff)
    (chart,) = axis_charts(plan, Period(D(2023, 1, 1), D(2023, 1, 31)))["repression"]
    assert chart.code == "staff_deployed"
    assert "2\u00a0000" in texts(chart.svg)
    assert "Entre 1\u00a0200 et 2\u00a0500 par jour" in chart.description


def test_shelter_chart_draws_capacity_and_the_level_before_the_plan(plan):
    shelter = make_partner(plan, role="health")
    for day, kind, value in [
        (D(2022, 12, 20), "shelter_occupied", 200),
        (D(2023, 2, 1), "shelter_occupied", 350),
        (D(2023, 3, 1), "shelter_places", 400),
        (D(2023, 6, 1), "shelter_occupied", 380),
    ]:
        make_record("capacity_reading", shelter, observed_on=day, kind=kind, value=value)
    (chart,) = axis_charts(plan, H1)["prevention_care"]
    assert chart.code == "shelter_occupancy"
    assert "380 au 30 juin 2023" in chart.description
    assert "places disponibles (400 au 30 juin 2023)" in chart.description
    assert "niveau d'avant le plan (200)" in chart.description
    assert {"personnes accueillies", "places disponibles", "avant le plan"} <= set(texts(chart.svg))


def test_svg_is_deterministic_inline_and_accessible(busy_plan):
    first, second = axis_charts(busy_plan, H1), axis_charts(busy_plan, H1)
    charts = [c for cs in first.values() for c in cs]
    assert [c.svg for c in charts] == [c.svg for cs in second.values() for c in cs]
    ids = []
    for chart in charts:
        svg = chart.svg
        assert svg.startswith("<svg ") and "<?xml" not in svg and "DOCTYPE" not in svg
        assert "dc:date" not in svg and "<metadata>" not in svg
        opening = svg[: svg.index(">")]
        assert 'role="img"' in opening and f'aria-label="{chart.description}"' in unescape(opening)
        assert f"<title>{chart.title}</title>" in unescape(svg)
        found = re.findall(r'\bid="([^"]+)"', svg)
        assert found and all(i.startswith(f"chart-{chart.code}-") for i in found)
        references = re.findall(r'(?:href="#|url\(#)([^")]+)', svg)
        assert references and set(references) <= set(found)  # clip paths and markers still resolve
        ids += found
    assert len(ids) == len(set(ids))  # several charts can share one page


def test_bilan_attaches_each_chart_to_its_axis_once(busy_plan):
    bilan = build_bilan(busy_plan, H1)
    by_axis = {s.axis: [c.code for c in s.charts] for s in bilan.sections}
    assert by_axis["repression"] == ["seizures_by_substance", "arrests_by_role"]
    assert by_axis["videoprotection"] == ["cameras_in_service"]
    assert [c.code for c in bilan.charts] == ["seizures_by_substance", "arrests_by_role", "cameras_in_service"]
    assert build_bilan(busy_plan, H1, charts=False).charts == []


def test_months_the_period_cuts_are_marked_and_explained(busy_plan):
    charts = axis_charts(busy_plan, Period(D(2023, 1, 5), D(2023, 5, 31)))
    (seizures, arrests) = charts["repression"]
    for chart in (seizures, arrests):
        assert "* janvier 2023 : du 5 janvier 2023 au 31 janvier 2023 seulement." in chart.description
        assert "mai 2023 :" not in chart.description  # May is whole
        assert "janv.*" in texts(chart.svg) and "mai" in texts(chart.svg)


def test_an_unchanged_chart_is_not_redrawn_and_a_changed_one_is(busy_plan, police, monkeypatch):
    """The SVG cache (issue 16): keyed by the chart's input series, so a second bilan renders nothing, and a
    write that changes a chart's series redraws that chart only — never the stale image."""
    from django.core.cache import cache
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    rendered: list[str] = []
    figures: list = []  # kept alive, so that no two figures share an id
    render = FigureCanvasSVG.print_svg

    def counting(self, *args, **kwargs):
        if not any(figure is self.figure for figure in figures):  # print_svg calls itself once per figure
            figures.append(self.figure)
            rendered.append("".join(self.figure.axes[0].get_title(loc) for loc in ("left", "center", "right")))
        return render(self, *args, **kwargs)

    monkeypatch.setattr(FigureCanvasSVG, "print_svg", counting)
    from copil.reports import charts

    built: list[str] = []
    make_figure = charts._figure

    def counting_figures(title):
        built.append(title)
        return make_figure(title)

    monkeypatch.setattr(charts, "_figure", counting_figures)
    first = axis_charts(busy_plan, H1)
    drawn = len(rendered)
    assert drawn >= 2 and len(built) == drawn
    again = axis_charts(busy_plan, H1)
    assert len(rendered) == drawn
    assert len(built) == drawn  # a cached chart builds no matplotlib figure either
    assert again == first
    make_record("arrest", police, arrested_on=D(2023, 3, 2), role="user")
    after = axis_charts(busy_plan, H1)
    assert rendered[drawn:] == ["Interpellations chaque mois, trafiquants et usagers"]
    arrests = {c.code: c.svg for charts in after.values() for c in charts}["arrests_by_role"]
    before = {c.code: c.svg for charts in first.values() for c in charts}["arrests_by_role"]
    assert arrests != before
    cache.clear()
    fresh = {c.code: c.svg for charts in axis_charts(busy_plan, H1).values() for c in charts}
    assert fresh["arrests_by_role"] == arrests

"""The emerging hot-spot grid of deal points and seizures, and its alerts."""

import datetime as dt

import pytest

from copil.alerts.models import Alert
from copil.alerts.services import HOT_SPOT_COLORS, hot_spot_grid, run_hot_spots
from copil.records.models import DealPoint, Operation, Seizure
from tests.factories import make_partner, make_plan

DAY = dt.date(2023, 12, 20)
NEW = (48.8875, 2.3790)  # a deal point found in December, with many seizures
OLD = (48.8785, 2.3654)  # five deal points active all year


@pytest.fixture
def plan(db):
    plan = make_plan(slug="grille", started_on=dt.date(2022, 1, 1))
    police = make_partner(plan, role="police", code="police")
    n = 0

    def deal_point(lat, lon, identified_on, name):
        nonlocal n
        n += 1
        return DealPoint.objects.create(
            plan=plan,
            partner=police,
            external_id=f"PDD-{n}",
            name=name,
            latitude=f"{lat:.6f}",
            longitude=f"{lon:.6f}",
            identified_on=identified_on,
        )

    # A lattice of single deal points 1 km apart, active all year: the background. NEW and OLD lie in the middle
    # of squares of the lattice, 700 m from its points, beyond each other's Gi* neighbourhood (375 m).
    for i in range(5):
        for j in range(4):
            deal_point(48.874 + 0.009 * j, 2.345 + 0.0136 * i, dt.date(2022, 6, 1), f"Point {i}-{j}")
    for k in range(5):
        deal_point(OLD[0] + 0.00002 * k, OLD[1], dt.date(2022, 6, 1), "Cité du Maroc")
    new = deal_point(*NEW, dt.date(2023, 12, 2), "Rue de Tanger")
    for k in range(15):
        operation = Operation.objects.create(
            plan=plan, partner=police, external_id=f"OPE-{k}", occurred_on=DAY - dt.timedelta(days=k), deal_point=new
        )
        Seizure.objects.create(
            plan=plan,
            partner=police,
            external_id=f"SAI-{k}",
            seized_on=DAY - dt.timedelta(days=k),
            substance="crack",
            quantity="2.5",
            unit="g",
            operation=operation,
        )
    return plan


def cell_at(grid, lat, lon):
    for feature in grid["features"]:
        ring = feature["geometry"]["coordinates"][0]
        lons, lats = [p[0] for p in ring], [p[1] for p in ring]
        if min(lons) <= lon < max(lons) and min(lats) <= lat < max(lats):
            return feature
    raise AssertionError(f"no cell at {lat}, {lon}")


def test_grid_colours_new_and_persistent_hot_spots(plan):
    grid = hot_spot_grid(plan, day=DAY, months=12, cell_size_m=250)
    assert grid["type"] == "FeatureCollection"
    new = cell_at(grid, *NEW)["properties"]
    assert new["category"] == "new_hot_spot"
    assert new["label"] == "nouveau point chaud"
    assert new["color"] == HOT_SPOT_COLORS["new_hot_spot"]
    assert new["counts"] == [0] * 11 + [16]
    assert new["place"] == "Rue de Tanger"
    assert new["observed"] == 16  # the neighbourhood of the cell over November and December
    old = cell_at(grid, *OLD)["properties"]
    assert old["category"] == "persistent_hot_spot"
    assert old["counts"] == [5] * 12
    assert {f["properties"]["category"] for f in grid["features"]} == {
        "new_hot_spot",
        "persistent_hot_spot",
        "no_pattern",
    }
    # Only the cells holding events are drawn.
    assert all(sum(f["properties"]["counts"]) > 0 for f in grid["features"])
    assert len(grid["features"]) == 22


def test_emerging_hot_spots_raise_alerts_idempotently(plan):
    alerts = run_hot_spots(plan, DAY)
    assert [(a.kind, a.category, a.place) for a in alerts] == [(Alert.Kind.HOT_SPOT, "new_hot_spot", "Rue de Tanger")]
    assert (alerts[0].observed, alerts[0].start_day) == (16, dt.date(2023, 11, 1))
    assert alerts[0].expected == pytest.approx(cell_at(hot_spot_grid(plan, day=DAY), *NEW)["properties"]["expected"])
    assert alerts[0].observed > 5 * alerts[0].expected
    assert run_hot_spots(plan, DAY)[0].pk == alerts[0].pk
    assert Alert.objects.filter(plan=plan).count() == 1


def test_empty_plan_has_an_empty_grid(db):
    assert hot_spot_grid(make_plan(), day=DAY) == {"type": "FeatureCollection", "features": []}

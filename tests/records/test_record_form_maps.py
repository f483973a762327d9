"""Deal points picked on a map in the record forms: the operation form draws the plan's located deal points,
each carrying the very value of its option in the searchable list (kept for keyboard users); the forms of
located kinds (a deal point's own form) get a map whose click fills latitude and longitude."""

import datetime as dt
import html
import json
import re
from decimal import Decimal

from django.contrib.staticfiles import finders

from tests.factories import make_record


def _map_data(page: str, css_class: str) -> dict[str, str]:
    match = re.search(rf'<div class="{css_class}[^"]*"(?P<attrs>[^>]*)>', page)
    assert match, f"no {css_class} on the page"
    return {name: html.unescape(value) for name, value in re.findall(r'data-([a-z-]+)="([^"]*)"', match["attrs"])}


def test_the_operation_form_draws_the_located_deal_points_bound_to_its_list(world, client_for):
    police = world.partners["police-1"]
    located = make_record(
        "deal_point",
        police,
        name="Square des Lilas",
        identified_on=dt.date(2024, 3, 1),
        latitude=Decimal("48.432100"),
        longitude=Decimal("0.091200"),
    )
    make_record("deal_point", police, name="Sans position", identified_on=dt.date(2024, 3, 2))
    make_record(
        "deal_point", world.partners["police-b"], name="Autre plan", latitude=Decimal("45"), longitude=Decimal("1")
    )
    page = client_for("police").get(f"/enregistrements/operation/nouveau/?plan={world.plan.slug}").content.decode()

    data = _map_data(page, "copil-pick-map")
    points = json.loads(data["points"])
    assert [(p["value"], p["lat"], p["lon"]) for p in points] == [
        (f"{police.code}:{located.external_id}", 48.4321, 0.0912)
    ], "located deal points of this plan only"
    select = re.search(rf'<select[^>]*id="{data["select"]}"[^>]*>(?P<options>.*?)</select>', page, re.S)
    assert select, "the map is bound to the searchable list"
    assert f'value="{points[0]["value"]}"' in select["options"] and "Sans position" in select["options"]
    assert 'type="search"' in page, "the searchable list stays for keyboard users"
    assert "web/record-map.js" in page and "leaflet/leaflet.js" in page
    assert finders.find("web/record-map.js")


def test_a_deal_points_form_sets_its_position_by_a_map_click(world, client_for):
    page = client_for("police").get(f"/enregistrements/deal_point/nouveau/?plan={world.plan.slug}").content.decode()
    data = _map_data(page, "copil-point-map")
    assert (data["latitude"], data["longitude"]) == ("id_latitude", "id_longitude")
    assert 'id="id_latitude"' in page and 'id="id_longitude"' in page
    assert "Cliquez sur la carte pour fixer la latitude et la longitude" in page
    seizure = client_for("police").get(f"/enregistrements/seizure/nouveau/?plan={world.plan.slug}").content.decode()
    assert "copil-point-map" not in seizure and "record-map.js" not in seizure, "no map where nothing is located"

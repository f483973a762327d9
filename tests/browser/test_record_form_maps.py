"""Issue 12 item 6 in the browser: an officer picks an operation's deal point by clicking it on the form's map
(the searchable list shows it), then sets a new deal point's position by a click; both pages pass axe."""

import datetime as dt
from decimal import Decimal

import pytest

from copil.records.actions import create_record
from tests.web.conftest import PASSWORD, make_site

from .conftest import check_accessibility, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_pick_a_deal_point_on_the_map_and_set_a_position_by_a_click(page, db):
    site = make_site()
    police = site.partners["police"]
    for name, latitude, longitude in (("Square des Lilas", "48.4321", "0.0912"), ("Gare", "48.4340", "0.1000")):
        data = {"external_id": name.upper()[:6], "name": name, "identified_on": dt.date(2024, 3, 1)}
        data |= {"latitude": Decimal(latitude), "longitude": Decimal(longitude)}
        create_record(None, "deal_point", plan=site.plan, partner=police, data=data)
    log_in(page, "police-ville", PASSWORD)

    page.goto("/enregistrements/operation/nouveau/?plan=ville")
    chosen = f"{police.code}:GARE"
    page.locator(f'.copil-pick-map path[data-value="{chosen}"]').click()
    assert page.locator("#id_point_de_deal").input_value() == chosen
    check_accessibility(page, "operation-form-map")
    screenshot(page, "operation-form-map")

    page.goto("/enregistrements/deal_point/nouveau/?plan=ville")
    page.locator(".copil-point-map").scroll_into_view_if_needed()
    box = page.locator(".copil-point-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    screenshot(page, "deal-point-form-map")
    latitude = float(page.locator("#id_latitude").input_value())
    longitude = float(page.locator("#id_longitude").input_value())
    assert 48.42 < latitude < 48.45 and 0.08 < longitude < 0.11, (latitude, longitude)
    assert page.locator(".copil-point-map .leaflet-marker-icon").count() == 1
    check_accessibility(page, "deal-point-form-map")
    assert not page.js_errors

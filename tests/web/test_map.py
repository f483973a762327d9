"""The map page and its GeoJSON layers: built from the records each role may read."""

import datetime as dt

from django.test import override_settings

from copil.plans.models import Plan
from tests.factories import make_alert

PERIOD = {"periode": "personnalisee", "du": "2023-01-01", "au": "2023-12-31"}
URL = "/plans/ville/carte/couches.geojson"


def _layer(client, name: str) -> dict:
    response = client.get(URL, {"couche": name, **PERIOD})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    return response.json()


def test_each_role_sees_only_the_records_it_may_read(client, site):
    client.force_login(site.users["coordinator"])
    assert len(_layer(client, "points-de-deal")["features"]) == 10
    assert len(_layer(client, "cameras")["features"]) == 10
    client.force_login(site.users["police"])  # half of the deal points are the gendarmerie's
    points = _layer(client, "points-de-deal")["features"]
    assert len(points) == 5 and all(p["properties"]["name"] in {f"Point {n}" for n in range(0, 10, 2)} for p in points)
    assert _layer(client, "cameras")["features"] == []
    client.force_login(site.users["city"])
    assert _layer(client, "points-de-deal")["features"] == [] and len(_layer(client, "cameras")["features"]) == 10


def test_features_carry_status_dates_coverage_and_night_vision(client, site):
    client.force_login(site.users["coordinator"])
    point = next(f for f in _layer(client, "points-de-deal")["features"] if f["properties"]["name"] == "Point 0")
    assert point["geometry"] == {"type": "Point", "coordinates": [0.09, 48.43]}
    assert point["properties"]["status"] == "neutralized" and point["properties"]["neutralized_on"] == "2023-02-01"
    camera = next(f for f in _layer(client, "cameras")["features"] if f["properties"]["name"] == "Caméra 0")
    assert camera["properties"]["night_vision"] is True and camera["properties"]["radius_m"] == 50


def test_observations_are_summed_per_day_and_place_within_the_period(client, site):
    client.force_login(site.users["coordinator"])
    features = _layer(client, "observations")["features"]
    assert sum(f["properties"]["people"] for f in features) == sum(1 + n % 9 for n in range(10))
    assert {f["properties"]["date"] for f in features} == {f"2023-01-{d:02d}" for d in range(2, 12)}
    empty = client.get(URL, {"couche": "observations", "periode": "2022"}).json()
    assert empty["features"] == []


def test_unknown_layer_and_outsiders_are_refused(client, site):
    assert client.get(URL, {"couche": "cameras"}).status_code == 302
    client.force_login(site.users["coordinator"])
    assert client.get(URL, {"couche": "inconnue"}).status_code == 400


@override_settings(COPIL_TILE_URL="https://tuiles.example.fr/{z}/{x}/{y}.png")
def test_map_page_configures_leaflet_and_lists_every_layer_without_javascript(client, site):
    client.force_login(site.users["coordinator"])
    page = client.get("/plans/ville/carte/", PERIOD).content.decode()
    assert 'data-tile-url="https://tuiles.example.fr/{z}/{x}/{y}.png"' in page
    assert "/static/web/vendor/leaflet/leaflet.js" in page and "/static/web/map.js" in page
    assert "<script>" not in page  # no inline script: the production Content-Security-Policy forbids it
    assert page.count("<tr><td>Point ") == 10 and page.count("<tr><td>Caméra ") == 10
    assert "Observations de terrain par mois" in page and "janvier 2023" in page


def test_open_alerts_are_a_layer_and_listed_on_the_page(client, site):
    make_alert(Plan.objects.get(slug="ville"))
    client.force_login(site.users["coordinator"])
    [feature] = _layer(client, "alertes")["features"]
    assert feature["properties"]["place"] == "Rue de la Gare" and feature["properties"]["radius_m"] == 180
    assert _layer(client, "points-chauds")["type"] == "FeatureCollection"
    page = client.get("/plans/ville/carte/", PERIOD).content.decode()
    assert "Rue de la Gare" in page


def test_signalements_are_a_layer_by_status_for_those_who_may_read_them(client, site):
    from copil.signalements import actions as signalement_actions
    from copil.signalements.models import Signalement
    from tests.signalements.helpers import at, signalement

    plan, city, police = site.plan, site.partners["city"], site.partners["police"]
    located = {"latitude": "48.431000", "longitude": "0.091000", "reporter_partner": city, "address": "Rue X"}
    signalement(plan, at(dt.date(2023, 3, 1)), code="materiel", **located)
    signalement(plan, at(dt.date(2023, 3, 2)), status=Signalement.Status.TAKEN, **located)
    routed = signalement(plan, at(dt.date(2023, 3, 3)), status=Signalement.Status.RESOLVED, **located)
    routed.responsible.set([police])
    signalement(plan, at(dt.date(2023, 3, 4)), reporter_partner=city)  # not located: not on the map
    signalement(plan, at(dt.date(2024, 3, 4)), **located)  # after the period

    client.force_login(site.users["coordinator"])
    features = _layer(client, "signalements")["features"]
    assert [f["properties"]["status"] for f in features] == ["new", "taken", "resolved"]
    assert features[0]["geometry"]["coordinates"] == [0.091, 48.431]
    assert set(features[0]["properties"]) == {"id", "status", "status_label", "category", "date", "address"}
    page = client.get("/plans/ville/carte/", PERIOD).content.decode()
    assert "Signalements situés de la période, par statut" in page
    client.force_login(site.users["city"])  # the reporter
    assert len(_layer(client, "signalements")["features"]) == 3
    client.force_login(site.users["police"])  # responsible for one
    assert [f["properties"]["id"] for f in _layer(client, "signalements")["features"]] == [routed.pk]
    client.force_login(site.users["care"])  # neither reported nor routed to
    assert _layer(client, "signalements")["features"] == []
    assert "Signalements situés de la période" not in client.get("/plans/ville/carte/", PERIOD).content.decode()
    # A required charter not accepted: nothing, even what was routed to the partner.
    signalement_actions.publish_charter(plan, actor=None, text="Charte de partage des données.", required=True)
    client.force_login(site.users["police"])
    assert _layer(client, "signalements")["features"] == []
    client.logout()
    assert client.get(URL, {"couche": "signalements", **PERIOD}).status_code == 302  # the public: no map

"""The map page and its GeoJSON layers: built from the records each role may read."""

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

"""The field app: manifest, service worker, field page, and the outbox endpoints' idempotency and CSRF check."""

import json
import re
import uuid

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.test import Client

from copil.plans.models import Membership
from copil.records.models import FieldObservation
from copil.signalements import pwa_views
from tests.factories import make_partner, make_plan

pytestmark = pytest.mark.django_db


def member(plan, role: str, code: str):
    partner = make_partner(plan, role=role, code=code)
    user = get_user_model().objects.create_user(code, f"{code}@example.fr", "x")
    Membership.objects.create(partner=partner, user=user)
    return partner, user


@pytest.fixture
def site():
    plan = make_plan(slug="terrain")
    _, care = member(plan, "care", "maraude")
    _, housing = member(plan, "housing", "bailleur")
    return plan, care, housing


def test_manifest_is_installable_and_french(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    body = json.loads(response.content)
    assert body["lang"] == "fr"
    assert body["display"] == "standalone"
    assert body["start_url"] == "/terrain/"
    sizes = {icon["sizes"] for icon in body["icons"] if icon["type"] == "image/png"}
    assert {"192x192", "512x512"} <= sizes
    for icon in body["icons"]:
        assert icon["src"].startswith(settings.STATIC_URL)
        assert finders.find(icon["src"].removeprefix(settings.STATIC_URL))


def test_png_icons_are_those_the_script_draws():
    from copil.signalements.pwa_icons import SIZES, icon_png

    for size in SIZES:
        assert (pwa_views.PWA_STATIC_DIR / f"icon-{size}.png").read_bytes() == icon_png(size)


def test_service_worker_at_the_root_with_its_scope_and_version(client, monkeypatch):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    text = response.content.decode()
    config = json.loads(re.search(r"var CONFIG = (\{.*?\});", text).group(1))
    assert config["version"] == pwa_views.shell_version()
    assert "/static/copil/pwa/field.js" in config["shell"]
    assert "/static/copil/pwa/outbox.js" in config["shell"]
    # a change to a static file of the shell changes the cache name
    pwa_views.shell_version.cache_clear()
    real_find = pwa_views.finders.find
    changed = pwa_views.PWA_STATIC_DIR.parent / "changed-field.js"
    changed.write_text("changed")
    try:
        monkeypatch.setattr(
            pwa_views.finders,
            "find",
            lambda name, *a, **k: str(changed) if name == "copil/pwa/field.js" else real_find(name, *a, **k),
        )
        assert pwa_views.shell_version() != config["version"]
    finally:
        changed.unlink()
        pwa_views.shell_version.cache_clear()


def test_service_worker_never_keeps_the_api_or_other_pages(client):
    text = client.get("/sw.js").content.decode()
    assert "var FIELD_PAGE = /^\\/plans\\/[^/]+\\/terrain\\/$/;" in text
    assert 'request.method !== "GET"' in text


def test_start_leads_to_the_members_field_page(client, site):
    plan, care, _ = site
    assert client.get("/terrain/").status_code == 302  # to the login page
    client.force_login(care)
    response = client.get("/terrain/")
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{plan.slug}/terrain/"


def test_field_page_forms_by_role(client, site):
    plan, care, housing = site
    client.force_login(care)
    page = client.get(f"/plans/{plan.slug}/terrain/").content.decode()
    assert 'id="pwa-observation-form"' in page
    assert 'name="csrf-token"' in page
    assert 'rel="manifest"' in page
    client.force_login(housing)
    page = client.get(f"/plans/{plan.slug}/terrain/").content.decode()
    assert 'id="pwa-observation-form"' not in page  # a landlord records no field observation
    outsider_plan = make_plan(slug="ailleurs")
    assert client.get(f"/plans/{outsider_plan.slug}/terrain/").status_code == 404


def observation(identifier: str, **overrides) -> dict:
    return {
        "client_id": identifier,
        "observed_at": "2024-03-05T21:30:00+01:00",
        "people_count": 12,
        "source": "outreach",
        "address": "Square de la gare",
        "latitude": "48.430012",
        "longitude": "0.091234",
        **overrides,
    }


def test_observation_sent_twice_is_stored_once(site):
    plan, care, _ = site
    client = Client(enforce_csrf_checks=True)
    client.force_login(care)
    page = client.get(f"/plans/{plan.slug}/terrain/").content.decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    url = f"/plans/{plan.slug}/terrain/observations/"
    body = json.dumps(observation(str(uuid.uuid4())))
    # without the page's token, refused by the CSRF check
    assert client.post(url, body, content_type="application/json").status_code == 403
    first = client.post(url, body, content_type="application/json", headers={"X-CSRFToken": token})
    assert first.status_code == 201
    again = client.post(url, body, content_type="application/json", headers={"X-CSRFToken": token})
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    stored = FieldObservation.objects.get()
    assert stored.people_count == 12
    assert str(stored.latitude) == "48.430012"
    assert stored.external_id == json.loads(body)["client_id"]


def test_observation_identifier_reused_for_another_one_is_a_conflict(client, site):
    plan, care, _ = site
    client.force_login(care)
    url = f"/plans/{plan.slug}/terrain/observations/"
    client_id = str(uuid.uuid4())
    assert client.post(url, observation(client_id), content_type="application/json").status_code == 201
    response = client.post(url, observation(client_id, people_count=3), content_type="application/json")
    assert response.status_code == 409
    assert FieldObservation.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"client_id": "pas-un-uuid"}, "client_id"),
        ({"observed_at": ""}, "observed_at"),
        ({"observed_at": "2999-01-01T00:00:00+01:00"}, "observed_at"),
        ({"latitude": "nord"}, "latitude"),
        ({"longitude": "500"}, "longitude"),
        ({"people_count": -2}, "people_count"),
        ({"source": "inconnue"}, "source"),
    ],
)
def test_observation_bad_input_names_the_field(client, site, overrides, field):
    plan, care, _ = site
    client.force_login(care)
    url = f"/plans/{plan.slug}/terrain/observations/"
    response = client.post(url, observation(str(uuid.uuid4()), **overrides), content_type="application/json")
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert FieldObservation.objects.count() == 0


def test_observation_refused_to_a_landlord_and_to_visitors(client, site):
    plan, _, housing = site
    url = f"/plans/{plan.slug}/terrain/observations/"
    assert client.post(url, observation(str(uuid.uuid4())), content_type="application/json").status_code == 401
    client.force_login(housing)
    assert client.post(url, observation(str(uuid.uuid4())), content_type="application/json").status_code == 403
    assert FieldObservation.objects.count() == 0


# --- signalements through the outbox endpoint -------------------------------------------------------------------


def jpeg_with_gps_exif() -> bytes:
    """A small JPEG whose EXIF carries a GPS position, as a phone's camera writes it."""
    import io

    from PIL import Image

    image = Image.new("RGB", (64, 48), (120, 80, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (48.0, 25.0, 48.0), 3: "E", 4: (0.0, 5.0, 30.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the fixture does carry GPS
    return data


@pytest.fixture
def world(db):
    """A plan with its default categories, a landlord and a coordinator (no routing rule: not needed here)."""
    from types import SimpleNamespace

    from copil.signalements import actions

    plan = make_plan(slug="terrain-sig")
    actions.ensure_default_categories(plan)
    _, housing = member(plan, "housing", "bailleur-sig")
    _, coordinator = member(plan, "coordinator", "prefecture-sig")
    return SimpleNamespace(plan=plan, users={"housing": housing, "coordinator": coordinator})


def signalement_body(**overrides) -> dict:
    return {
        "client_id": str(uuid.uuid4()),
        "category": "occupation_hall",
        "description": "deux hommes, hall B",
        "observed_at": "2024-03-05T21:30:00+01:00",
        "address": "12 rue Riquet",
        "latitude": "48.430012",
        "longitude": "0.091234",
        "photos": [],
        **overrides,
    }


def test_signalement_sent_twice_is_stored_once_with_its_photo_without_exif(world):
    import base64
    import io

    from PIL import Image

    from copil.signalements.models import Photo, Signalement

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["housing"])
    page = client.get(f"/plans/{world.plan.slug}/terrain/").content.decode()
    assert 'id="pwa-signalement-form"' in page
    assert "occupation de hall" in page.lower()
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    photo = "data:image/jpeg;base64," + base64.b64encode(jpeg_with_gps_exif()).decode()
    body = json.dumps(signalement_body(photos=[photo]))
    url = f"/plans/{world.plan.slug}/terrain/signalements/"
    assert client.post(url, body, content_type="application/json").status_code == 403  # no CSRF token
    first = client.post(url, body, content_type="application/json", headers={"X-CSRFToken": token})
    assert first.status_code == 201, first.content
    again = client.post(url, body, content_type="application/json", headers={"X-CSRFToken": token})
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    stored = Signalement.objects.get()
    assert stored.reporter == world.users["housing"]
    assert stored.category.code == "occupation_hall"
    assert str(stored.latitude) == "48.430012"
    saved = Photo.objects.get(signalement=stored)
    with saved.file.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        assert not image.getexif()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": "M. Dupont Kévin né le 12/03/1995"}, "description"),
        ({"description": " "}, "description"),
        ({"category": "inconnue"}, "category"),
        ({"photos": ["x", "y", "z", "w"]}, "photos"),
        ({"photos": ["pas une image"]}, "photos"),
        ({"latitude": "nord"}, "latitude"),
    ],
)
def test_signalement_bad_input_names_the_field(world, overrides, field):
    from copil.signalements.models import Signalement

    client = Client()
    client.force_login(world.users["housing"])
    url = f"/plans/{world.plan.slug}/terrain/signalements/"
    response = client.post(url, signalement_body(**overrides), content_type="application/json")
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert Signalement.objects.count() == 0


def test_field_page_says_why_when_the_charter_is_not_accepted(world):
    from copil.signalements import actions
    from copil.signalements.models import Signalement

    actions.publish_charter(world.plan, actor=world.users["coordinator"], text="Charte", required=True)
    client = Client()
    client.force_login(world.users["housing"])
    page = client.get(f"/plans/{world.plan.slug}/terrain/").content.decode()
    assert 'id="pwa-signalement-form"' not in page
    assert "charte" in page.lower()
    url = f"/plans/{world.plan.slug}/terrain/signalements/"
    assert client.post(url, signalement_body(), content_type="application/json").status_code == 403
    assert Signalement.objects.count() == 0

"""Signalements and their photos per role, on the service channel (queries and actions) and the API channel:
every role × {list, detail, photo, create, take, resolve, routing}."""

import base64
import io
import json
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone
from PIL import Image

from copil.api.models import ApiToken
from copil.signalements import actions, queries
from copil.signalements.models import Signalement

from .conftest import MATRIX, ROLES, SUPERUSER

# occupation de hall: reported by housing-1, routed to police-1 (responsible) and city-1 (informed)
SEES = {"coordinator", "police", "city", "housing", SUPERUSER}
PHOTOS = {"coordinator", "police", "housing", SUPERUSER}
CREATES = {"coordinator", "police", "justice", "city", "housing", "care", "health"}
ACTS = {"coordinator", "police", SUPERUSER}
ROUTES = {"coordinator", SUPERUSER}
EVERY = [*ROLES, SUPERUSER]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    from django.utils.functional import empty

    from copil.signalements.models import private_storage

    settings.COPIL_PRIVATE_MEDIA_ROOT = tmp_path
    private_storage._wrapped = empty
    yield
    private_storage._wrapped = empty


def _photo() -> str:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(out, format="JPEG")
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()


@pytest.fixture
def scene(world):
    categories = {c.code: c for c in actions.ensure_default_categories(world.plan)}
    actions.set_routing_rule(
        world.plan,
        actor=None,
        category=categories["occupation_hall"],
        responsible=[world.partners["police-1"]],
        informed=[world.partners["city-1"]],
    )
    s, _ = actions.create_signalement(
        world.plan,
        actor=world.users["housing"],
        client_id=uuid.uuid4(),
        category="occupation_hall",
        description="deux hommes, hall B",
        observed_at=timezone.now(),
        photos=[_photo()],
    )
    return world, s


def _check(channel: str, ok: bool) -> bool:
    MATRIX.add(channel, ok)
    return ok


def _allowed(call) -> bool:
    try:
        call()
    except PermissionDenied:
        return False
    return True


@pytest.mark.parametrize("role", EVERY)
def test_service_channel(scene, role):
    world, s = scene
    user = world.users[role]
    plan = world.plan
    cells = {
        "list": (s in queries.visible_signalements(user, plan), role in SEES),
        "detail": (queries.visible_signalements(user, plan).filter(pk=s.pk).exists(), role in SEES),
        "photo": (queries.may_see_photos(user, s), role in PHOTOS),
        "routing": (
            _allowed(
                lambda: actions.set_routing_rule(
                    plan, actor=user, category=s.category, responsible=[world.partners["police-1"]]
                )
            ),
            role in ROUTES,
        ),
        "create": (
            _allowed(
                lambda: actions.create_signalement(
                    plan,
                    actor=user,
                    client_id=uuid.uuid4(),
                    category="nuisance",
                    description="bruit la nuit",
                    observed_at=timezone.now(),
                )
            ),
            role in CREATES,
        ),
        "take": (_allowed(lambda: actions.take_signalement(s, actor=user)), role in ACTS),
    }
    fresh = Signalement.objects.get(pk=s.pk)
    cells["resolve"] = (
        _allowed(lambda: actions.resolve_signalement(fresh, actor=user, outcome="traité")),
        role in ACTS,
    )
    wrong = {name: got for name, (got, expected) in cells.items() if not _check("service", got == expected)}
    assert wrong == {}, f"{role}: {wrong}"


def _api(world, role):
    _token, secret = ApiToken.issue(partner=world.partners[f"{role}-1"], name="t", created_by=world.users[role])
    client, headers = Client(), {"Authorization": f"Bearer {secret}"}

    def get(path):
        return client.get(path, headers=headers)

    def post(path, body):
        return client.post(path, json.dumps(body), content_type="application/json", headers=headers)

    return get, post


@pytest.mark.parametrize("role", ROLES)
def test_api_channel(scene, role):
    world, s = scene
    get, post = _api(world, role)
    base = f"/api/plans/{world.plan.slug}/signalements"
    listed = get(base)
    detail = get(f"{base}/{s.pk}")
    created = post(
        base,
        {
            "client_id": str(uuid.uuid4()),
            "category": "nuisance",
            "description": "bruit la nuit",
            "observed_at": timezone.now().isoformat(),
        },
    )
    ids = [r["id"] for r in listed.json()["results"]] if listed.status_code == 200 else []
    cells = {
        "list": (s.pk in ids, role in SEES),
        "detail": (detail.status_code == 200, role in SEES),
        "photo": (detail.status_code == 200 and detail.json()["photos"] == 1, role in PHOTOS),
        "create": (created.status_code == 201, role in CREATES),
    }
    assert detail.status_code in {200, 404}
    assert created.status_code in {201, 403}
    wrong = {name: got for name, (got, expected) in cells.items() if not _check("api", got == expected)}
    assert wrong == {}, f"{role}: {wrong}"
    foreign = get(f"/api/plans/{world.foreign_plan.slug}/signalements")
    assert foreign.status_code == 404


def test_api_is_idempotent_on_client_id_and_checks_names_and_charter(scene):
    world, s = scene
    get, post = _api(world, "housing")
    base = f"/api/plans/{world.plan.slug}/signalements"
    body = {
        "client_id": str(uuid.uuid4()),
        "category": "occupation_hall",
        "description": "trois jeunes, hall C",
        "observed_at": timezone.now().isoformat(),
        "latitude": 48.43,
        "longitude": 0.09,
        "photos": [_photo()],
    }
    first = post(base, body)
    again = post(base, body)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Signalement.objects.filter(client_id=body["client_id"]).count() == 1
    named = post(base, {**body, "client_id": str(uuid.uuid4()), "description": "M. Dupont Kévin né le 12/03/1995"})
    assert named.status_code == 422
    assert named.json()["detail"][0]["loc"] == ["body", "description"]
    unknown = post(base, {**body, "client_id": str(uuid.uuid4()), "category": "inconnue"})
    assert unknown.status_code == 422
    too_many = post(base, {**body, "client_id": str(uuid.uuid4()), "photos": [_photo()] * 4})
    assert too_many.status_code == 422
    actions.publish_charter(world.plan, actor=None, text="Charte")
    assert get(base).status_code == 403
    assert post(base, {**body, "client_id": str(uuid.uuid4())}).status_code == 403

"""The signalement pages: queue, list, detail with its lifecycle buttons, the new-signalement form (name check,
idempotent on its identifier), « Mes signalements » with the outcome, the routing table and the charter gate —
for every role, who may see and act, 403/404 otherwise."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from copil.records.models import Conviction
from copil.signalements import actions
from copil.signalements.models import Category, CharterAcceptance, Signalement
from tests.factories import make_record
from tests.web.conftest import make_site


@pytest.fixture
def site(db, settings, tmp_path):
    settings.COPIL_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    site = make_site()
    site.partners["housing"] = housing = _partner(site, "housing")
    actions.ensure_default_categories(site.plan)
    site.hall = Category.objects.get(plan=site.plan, code="occupation_hall")
    actions.set_routing_rule(
        site.plan,
        actor=None,
        category=site.hall,
        territory=None,
        responsible=[site.partners["police"]],
        informed=[site.partners["city"]],
    )
    site.item, _ = actions.create_signalement(
        site.plan,
        actor=site.users["housing"],
        client_id=uuid.uuid4(),
        category=site.hall,
        description="Six jeunes occupent le hall B le soir.",
        observed_at=timezone.now() - dt.timedelta(hours=2),
        address="12 rue des Lilas",
        latitude=Decimal("48.430000"),
        longitude=Decimal("0.090000"),
        photos=[_jpeg()],
        reporter_partner=housing,
    )
    return site


def _partner(site, role):
    from django.contrib.auth import get_user_model

    from copil.plans.models import Membership
    from tests.factories import make_partner

    partner = make_partner(site.plan, role=role, code=f"{role}-ville", name="Bailleur social")
    user = get_user_model().objects.create_user(f"{role}-ville", f"{role}@example.fr", "x")
    Membership.objects.create(partner=partner, user=user)
    site.users[role] = user
    return partner


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(buffer, "JPEG")
    return buffer.getvalue()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(site, suffix: str = "") -> str:
    return f"/plans/{site.plan.slug}/signalements/{suffix}"


def _detail(site, suffix: str = "") -> str:
    return _url(site, f"{site.item.pk}/{suffix}")


def test_each_role_sees_what_is_routed_to_it_or_reported_by_it_and_nothing_else(site):
    police = _client(site.users["police"])
    queue = police.get(_url(site, "a-traiter/")).content.decode()
    assert "occupation de hall" in queue.lower() and _detail(site) in queue
    page = police.get(_detail(site)).content.decode()
    assert _detail(site, "prise-en-charge/") in page and "12 rue des Lilas" in page
    assert _detail(site, "photos/") in page  # the responsible partner sees the photo
    city = _client(site.users["city"])  # informed: reads it, does not act
    page = city.get(_detail(site))
    assert page.status_code == 200 and _detail(site, "prise-en-charge/") not in page.content.decode()
    assert _detail(site, "photos/") not in page.content.decode()
    photo = site.item.photos.get()
    assert city.get(_detail(site, f"photos/{photo.pk}/")).status_code == 403
    assert city.post(_detail(site, "prise-en-charge/")).status_code == 403
    assert _detail(site) not in city.get(_url(site, "a-traiter/")).content.decode()
    care = _client(site.users["care"])  # neither reported nor routed
    assert care.get(_detail(site)).status_code == 404
    assert _detail(site) not in care.get(_url(site)).content.decode()
    assert care.post(_detail(site, "prise-en-charge/")).status_code == 404
    coordinator = _client(site.users["coordinator"])
    assert _detail(site) in coordinator.get(_url(site)).content.decode()
    response = coordinator.get(_detail(site, f"photos/{photo.pk}/"))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert _client(site.users["housing"]).get(_detail(site, f"photos/{photo.pk}/")).status_code == 200
    assert Client().get(_url(site)).status_code == 302  # log in first
    assert police.get(_detail(site, "prise-en-charge/")).status_code == 405
    other = make_site("autre")
    assert _client(other.users["police"]).get(_detail(site)).status_code == 404  # not a member of the plan


def test_the_list_filters_by_status_and_category(site):
    coordinator = _client(site.users["coordinator"])
    assert _detail(site) in coordinator.get(_url(site), {"statut": "new"}).content.decode()
    assert _detail(site) not in coordinator.get(_url(site), {"statut": "resolved"}).content.decode()
    assert _detail(site) in coordinator.get(_url(site), {"categorie": "occupation_hall"}).content.decode()
    assert _detail(site) not in coordinator.get(_url(site), {"categorie": "squat"}).content.decode()


def test_take_engage_link_resolve_then_the_reporter_reads_the_outcome(site):
    police = _client(site.users["police"])
    operation = make_record("operation", site.partners["police"], occurred_on=dt.date(2026, 3, 12))
    assert police.post(_detail(site, "prise-en-charge/")).status_code == 302
    site.item.refresh_from_db()
    assert site.item.status == Signalement.Status.TAKEN and site.item.owner_partner == site.partners["police"]
    assert police.post(_detail(site, "action-engagee/"), {"note": ""}).status_code == 400  # the note is required
    assert police.post(_detail(site, "action-engagee/"), {"note": "Patrouille ce soir"}).status_code == 302
    assert police.post(_detail(site, "liens/"), {"operation": operation.pk}).status_code == 302
    refused = police.post(_detail(site, "resolution/"), {"resolu-outcome": ""})
    assert refused.status_code == 400 and site.item.status != Signalement.Status.RESOLVED
    assert police.post(_detail(site, "resolution/"), {"resolu-outcome": "Hall dégagé"}).status_code == 302
    site.item.refresh_from_db()
    assert site.item.status == Signalement.Status.RESOLVED and site.item.operation == operation
    mine = _client(site.users["housing"]).get(_url(site, "mes-signalements/")).content.decode()
    assert "Votre signalement a été traité : opération de police le 12/03" in mine
    history = _client(site.users["coordinator"]).get(_detail(site)).content.decode()
    steps = re.search(r'<ol id="signalement-historique-liste">(.*?)</ol>', history, re.S).group(1)
    assert steps.count("<li>") >= 5 and "Patrouille ce soir" in steps  # created, routed, taken, engaged, linked…
    assert _detail(site, "reouverture/") in history  # coordinators reopen
    care_view = _client(site.users["coordinator"]).get(_detail(site)).content.decode()
    assert "Hall dégagé" in care_view


def test_close_without_action_needs_its_reason_and_reopen(site):
    police = _client(site.users["police"])
    assert police.post(_detail(site, "cloture/"), {"clos-outcome": ""}).status_code == 400
    assert police.post(_detail(site, "cloture/"), {"clos-outcome": "Personne sur place"}).status_code == 302
    mine = _client(site.users["housing"]).get(_url(site, "mes-signalements/")).content.decode()
    assert "clos sans suite" in mine and "Personne sur place" in mine
    assert police.post(_detail(site, "reouverture/"), {"reason": "De retour ce soir"}).status_code == 302
    site.item.refresh_from_db()
    assert site.item.is_open


def test_the_form_refuses_a_name_on_its_field_and_a_second_send_stores_nothing_more(site):
    housing = _client(site.users["housing"])
    page = housing.get(_url(site, "nouveau/")).content.decode()
    assert "aucun nom ni date de naissance" in page.lower() and "copil-point-map" in page and "copil-gps" in page
    client_id = str(uuid.uuid4())
    data = {
        "client_id": client_id,
        "category": site.hall.pk,
        "description": "M. Dupont Kévin né le 12/03/1995 deale dans le hall",
        "observed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "address": "3 rue des Lilas",
        "latitude": "48.431000",
        "longitude": "0.091000",
    }
    before = Signalement.objects.count()
    refused = housing.post(_url(site, "nouveau/"), data)
    assert refused.status_code == 400 and Signalement.objects.count() == before
    body = refused.content.decode()
    error = re.search(r'id="id_description-error-1">([^<]+)<', body)
    assert error, "the reason is shown on the description field"
    data["description"] = "deux hommes, hall B"
    assert housing.post(_url(site, "nouveau/"), data).status_code == 302
    assert housing.post(_url(site, "nouveau/"), data).status_code == 302  # sent twice: stored once
    assert Signalement.objects.filter(client_id=client_id).count() == 1
    assert Signalement.objects.count() == before + 1
    missing = housing.post(
        _url(site, "nouveau/"), {**data, "client_id": str(uuid.uuid4()), "address": "", "latitude": ""}
    )
    assert missing.status_code == 400 and "latitude" in missing.content.decode().lower()


def test_only_coordinators_open_the_routing_table_and_set_a_rule(site):
    coordinator = _client(site.users["coordinator"])
    page = coordinator.get(_url(site, "routage/"))
    assert page.status_code == 200 and "Police ville" in page.content.decode()
    for role in ("police", "city", "housing", "care"):
        assert _client(site.users[role]).get(_url(site, "routage/")).status_code == 403
    squat = Category.objects.get(plan=site.plan, code="squat")
    response = coordinator.post(
        _url(site, "routage/"),
        {"formulaire": "regle", "category": squat.pk, "responsible": [site.partners["city"].pk]},
    )
    assert response.status_code == 302
    assert squat.routing_rules.get().responsible.get() == site.partners["city"]
    assert _client(site.users["police"]).post(_url(site, "routage/"), {"category": squat.pk}).status_code == 403
    delays = {"formulaire": "delais", "category": squat.pk, "take_days": 1, "due_days": 10}
    assert coordinator.post(_url(site, "routage/"), delays).status_code == 302
    squat.refresh_from_db()
    assert (squat.take_days, squat.due_days) == (1, 10)
    refused = coordinator.post(_url(site, "routage/"), {**delays, "take_days": 20})
    assert refused.status_code == 400 and "entre 0" in refused.content.decode()
    assert _client(site.users["police"]).post(_url(site, "routage/"), delays).status_code == 403


def test_the_charter_hides_signalements_and_person_level_pages_until_accepted(site):
    coordinator = _client(site.users["coordinator"])
    response = coordinator.post(
        _url(site, "charte/publier/"), {"text": "Charte : données partagées…", "required": "on"}
    )
    assert response.status_code == 302
    assert _client(site.users["police"]).post(_url(site, "charte/publier/"), {"text": "x"}).status_code == 403
    police = _client(site.users["police"])
    gated = police.get(_url(site, "a-traiter/"))
    body = gated.content.decode()
    assert gated.status_code == 403 and "Charte : données partagées" in body and _detail(site) not in body
    assert "charte/accepter/" in body
    justice = _client(site.users["justice"])
    make_record("conviction", site.partners["justice"])
    conviction = Conviction.objects.filter(plan=site.plan).first()
    assert justice.get("/enregistrements/conviction/").status_code == 403
    assert justice.get(f"/enregistrements/conviction/{conviction.pk}/").status_code == 403
    assert justice.get("/enregistrements/seizure/").status_code in (200, 403)  # not person-level: policy decides
    assert police.post(_url(site, "charte/accepter/")).status_code == 302
    assert police.get(_url(site, "a-traiter/")).status_code == 200
    assert justice.post(_url(site, "charte/accepter/")).status_code == 302
    assert justice.get("/enregistrements/conviction/").status_code == 200
    # acceptance older than a year: asked again
    CharterAcceptance.objects.filter(user=site.users["police"]).update(
        accepted_at=timezone.now() - dt.timedelta(days=366)
    )
    assert police.get(_url(site, "a-traiter/")).status_code == 403
    police.post(_url(site, "charte/accepter/"))
    # a new version: asked again
    coordinator.post(_url(site, "charte/accepter/"))
    coordinator.post(_url(site, "charte/publier/"), {"text": "Charte, version 2", "required": "on"})
    page = police.get(_detail(site))
    assert page.status_code == 403 and "Charte, version 2" in page.content.decode()
    assert police.get(_url(site, "charte/")).status_code == 200  # the charter itself stays readable


@pytest.mark.parametrize("role", ["coordinator", "police", "city", "care", "justice", "housing"])
def test_every_page_answers_each_role_as_the_policy_says(site, role):
    client = _client(site.users[role])
    for suffix in ("", "a-traiter/", "mes-signalements/", "nouveau/", "charte/"):
        assert client.get(_url(site, suffix)).status_code == 200, suffix
    assert client.get(_url(site, "routage/")).status_code == (200 if role == "coordinator" else 403)
    visible = role in ("coordinator", "police", "city", "housing")  # routed, informed or reporter
    assert client.get(_detail(site)).status_code == (200 if visible else 404)
    menu = client.get(_url(site)).content.decode()
    assert f'href="{_url(site, "a-traiter/")}"' in menu  # the main menu's « Signalements »


def test_visitors_log_in_and_non_members_find_nothing(site):
    other = make_site("autre")
    for suffix in ("", "a-traiter/", "mes-signalements/", "nouveau/", "routage/", "charte/", f"{site.item.pk}/"):
        assert Client().get(_url(site, suffix)).status_code == 302
        assert _client(other.users["coordinator"]).get(_url(site, suffix)).status_code == 404

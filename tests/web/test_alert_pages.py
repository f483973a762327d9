"""The follow-up pages of an alert: its page with buttons only for those the policy lets act, POST-only steps
calling `copil.alerts.actions`, French errors, its history in sentences; the map and the agenda show its state."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from copil.alerts.models import Alert
from copil.notifications.models import PlanSettings
from copil.plans.models import Meeting

from .conftest import make_site


@pytest.fixture
def site(db):
    site = make_site()
    PlanSettings.objects.create(plan=site.plan).alert_partners.add(site.partners["police"])
    site.alert = Alert.objects.create(
        plan=site.plan,
        kind=Alert.Kind.SCAN_CLUSTER,
        detected_on=timezone.localdate(),
        latitude=48.43,
        longitude=0.09,
        radius_m=200,
        start_day=timezone.localdate() - dt.timedelta(days=3),
        end_day=timezone.localdate(),
        observed=9,
        expected=2.0,
        p_value=0.001,
        place="Square de la gare",
    )
    return site


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(site, suffix: str = "") -> str:
    return f"/plans/{site.plan.slug}/alertes/{site.alert.pk}/{suffix}"


def test_the_alert_page_shows_each_member_only_the_steps_the_policy_allows(site):
    coordinator = _client(site.users["coordinator"]).get(_url(site)).content.decode()
    assert "Square de la gare" in coordinator and "nouvelle" in coordinator
    for action in ("prise-en-compte", "attribution", "cloture", "action"):
        assert _url(site, f"{action}/") in coordinator
    owner = re.search(r'<select name="owner".*?</select>', coordinator, re.S).group(0)
    assert re.search(rf'<option value="{site.partners["police"].pk}" selected>', owner)  # named: one click
    police = _client(site.users["police"]).get(_url(site)).content.decode()  # named by the plan's settings
    assert _url(site, "prise-en-compte/") in police and _url(site, "cloture/") in police
    assert _url(site, "attribution/") not in police and _url(site, "action/") not in police
    city = _client(site.users["city"]).get(_url(site))
    assert city.status_code == 200 and "/alertes/" + str(site.alert.pk) + "/cloture/" not in city.content.decode()
    assert _client(site.users["city"]).post(_url(site, "prise-en-compte/")).status_code == 403
    assert _client(site.users["police"]).get(_url(site, "prise-en-compte/")).status_code == 405
    assert Client().get(_url(site)).status_code == 302  # log in first


def test_acknowledge_assign_convert_then_close_leaves_the_history_in_sentences(site):
    police, coordinator = _client(site.users["police"]), _client(site.users["coordinator"])
    back = f"/plans/{site.plan.slug}/carte/"
    response = police.post(_url(site, "prise-en-compte/"), {"suivant": back})
    assert response.status_code == 302 and response.url == back
    response = coordinator.post(_url(site, "attribution/"), {"partner": site.partners["city"].pk})
    assert response.status_code == 302
    refused = coordinator.post(_url(site, "action/"), {"owner": site.partners["police"].pk})
    assert refused.status_code == 400 and "aucune réunion à venir" in refused.content.decode()
    meeting = Meeting.objects.create(plan=site.plan, held_on=timezone.localdate() + dt.timedelta(days=5))
    assert coordinator.post(_url(site, "action/"), {"owner": site.partners["police"].pk}).status_code == 302
    assert meeting.decisions.get().action.owner == site.partners["police"]
    agenda = coordinator.get(f"/plans/{site.plan.slug}/reunions/{meeting.pk}/").content.decode()
    assert "transformée en action" in agenda and _url(site) in agenda
    bad = _client(site.users["city"]).post(_url(site, "cloture/"), {"reason": "perdue"})  # the assignee closes
    assert bad.status_code == 400 and "Sélectionnez un choix valide" in bad.content.decode()
    assert _client(site.users["city"]).post(_url(site, "cloture/"), {"reason": "dispersed"}).status_code == 302
    site.alert.refresh_from_db()
    assert site.alert.status == Alert.Status.CLOSED and site.alert.closure_reason == "dispersed"
    page = coordinator.get(_url(site)).content.decode()
    assert "police-ville a pris l’alerte en compte." in page
    assert "coordinator-ville a confié l’alerte à City ville." in page
    assert "coordinator-ville a transformé l’alerte en action : « Donner suite" in page
    assert "city-ville a clos l’alerte : dispersé." in page
    assert _url(site, "cloture/") not in page  # closed: no more buttons
    again = coordinator.post(_url(site, "prise-en-compte/"))
    assert again.status_code == 400 and "Cette alerte est close." in again.content.decode()


def test_the_map_lists_the_alert_with_its_state_and_a_one_click_acknowledgement(site):
    police = _client(site.users["police"])
    page = police.get(f"/plans/{site.plan.slug}/carte/").content.decode()
    assert "suivi : <strong>nouvelle</strong>" in page and _url(site, "prise-en-compte/") in page
    police.post(_url(site, "prise-en-compte/"))
    page = police.get(f"/plans/{site.plan.slug}/carte/").content.decode()
    assert "suivi : <strong>prise en compte</strong>" in page and _url(site, "prise-en-compte/") not in page
    other_plan = make_site("autre", name="Autre plan")
    assert _client(other_plan.users["coordinator"]).get(_url(site)).status_code == 404

"""The follow-up of an alert: acknowledged by a responding partner, assigned, closed with a reason, or turned
into an action item of the next meeting in one step; its history kept; the map and the agenda show its state."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from copil.access.models import AuditEvent
from copil.alerts import actions
from copil.alerts.models import Alert, AlertStep
from copil.alerts.services import agenda_alerts, alerts_geojson
from copil.notifications.models import PlanSettings
from copil.plans.models import Meeting, Partner
from tests.reports.conftest import alencon  # noqa: F401


def _member(partner, name):
    user = get_user_model().objects.create_user(name, f"{name}@example.fr", None)
    partner.membership_set.create(user=user)
    return user


@pytest.fixture
def world(alencon):  # noqa: F811
    police_partner = alencon.partners.get(code="police-nationale")
    PlanSettings.objects.create(plan=alencon).alert_partners.add(police_partner)
    alert = Alert.objects.create(
        plan=alencon,
        kind=Alert.Kind.HOT_SPOT,
        detected_on=dt.date(2024, 5, 1),
        latitude=48.43,
        longitude=0.09,
        radius_m=200,
        start_day=dt.date(2024, 4, 1),
        end_day=dt.date(2024, 5, 1),
        observed=9,
        expected=2.0,
        p_value=0.001,
        place="Perseigne",
    )
    return {
        "plan": alencon,
        "alert": alert,
        "coordinator": _member(alencon.partners.filter(role=Partner.Role.COORDINATOR).first(), "coordo"),
        "police": _member(police_partner, "police"),
        "city": _member(alencon.partners.get(code="mairie"), "mairie"),
    }


def test_the_police_acknowledges_the_coordinator_turns_it_into_an_action_of_the_next_meeting(world):
    alert, police, coordinator = world["alert"], world["police"], world["coordinator"]
    with pytest.raises(PermissionDenied):
        actions.acknowledge_alert(world["city"], alert=alert)  # not named by the plan's settings
    alert = actions.acknowledge_alert(police, alert=alert)
    assert alert.follow_up == "prise en compte"
    with pytest.raises(PermissionDenied):
        actions.alert_to_action(police, alert=alert, owner=alert.plan.partners.get(code="police-nationale"))
    with pytest.raises(ValidationError, match="aucune réunion à venir"):
        actions.alert_to_action(coordinator, alert=alert, owner=alert.plan.partners.get(code="police-nationale"))
    meeting = Meeting.objects.create(plan=alert.plan, held_on=dt.date.today() + dt.timedelta(days=10), title="COPIL")
    owner = alert.plan.partners.get(code="police-nationale")
    alert = actions.alert_to_action(coordinator, alert=alert, owner=owner)
    assert alert.action.owner == owner and meeting.decisions.get().action == alert.action
    assert alert.follow_up == "transformée en action"
    assert [step.kind for step in alert.steps.all()] == ["acknowledged", "action"]
    assert [s.by for s in alert.steps.all()] == [police, coordinator]
    audited = AuditEvent.objects.filter(object_type__icontains="alert", object_id=str(alert.pk))
    assert {e.details.get("follow_up") for e in audited} >= {"acknowledged", "action"}
    feature = alerts_geojson(alert.plan)["features"][0]
    assert feature["properties"]["follow_up"] == "transformée en action"
    assert agenda_alerts(alert.plan)[0]["follow_up"] == "transformée en action"


def test_an_alert_is_assigned_then_closed_with_a_reason_and_leaves_the_open_alerts(world):
    alert, coordinator, city = world["alert"], world["coordinator"], world["city"]
    mairie = alert.plan.partners.get(code="mairie")
    with pytest.raises(PermissionDenied):
        actions.assign_alert(world["police"], alert=alert, partner=mairie)
    alert = actions.assign_alert(coordinator, alert=alert, partner=mairie)
    assert alert.follow_up == "confiée à " + mairie.name
    with pytest.raises(ValidationError):
        actions.close_alert(city, alert=alert, reason="perdue")
    alert = actions.close_alert(city, alert=alert, reason=Alert.ClosureReason.DISPERSED)  # the assignee closes it
    assert alert.follow_up == "close : dispersé" and alert.status == Alert.Status.CLOSED
    with pytest.raises(ValidationError, match="close"):
        actions.acknowledge_alert(coordinator, alert=alert)
    assert [step.kind for step in AlertStep.objects.filter(alert=alert)] == ["assigned", "closed"]
    assert alerts_geojson(alert.plan)["features"] == []

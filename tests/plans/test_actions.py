"""copil.plans.actions: every plan-object write checks the policy and leaves its audit entry in one transaction."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.test import Client

from copil.access.audit import events_for
from copil.access.models import AuditEvent
from copil.plans import actions
from copil.plans.models import Axis, Decision, Meeting, Membership, Partner
from tests.factories import make_partner, make_plan

pytestmark = pytest.mark.django_db


def _member(partner: Partner, username: str):
    user = get_user_model().objects.create_user(username, password="x", is_staff=True)
    Membership.objects.create(partner=partner, user=user)
    return user


@pytest.fixture
def plan():
    return make_plan(slug="actions-plan")


@pytest.fixture
def coordinator(plan):
    return _member(make_partner(plan, role="coordinator"), "coord")


@pytest.fixture
def police_officer(plan):
    return _member(make_partner(plan, role="police"), "officer")


def test_a_refused_meeting_writes_nothing_and_leaves_no_entry(plan, police_officer):
    with pytest.raises(PermissionDenied):
        actions.schedule_meeting(plan, held_on=dt.date(2024, 5, 2), title="COPIL", actor=police_officer)
    assert not Meeting.objects.exists()
    assert not AuditEvent.objects.filter(object_type="plans.meeting").exists()


def test_a_decision_with_its_action_item_is_audited_as_the_actor(plan, coordinator, police_officer):
    meeting = actions.schedule_meeting(plan, held_on=dt.date(2024, 5, 2), title="COPIL", actor=coordinator)
    owner = police_officer.membership_set.get().partner
    decision = actions.add_decision(
        meeting, text="Renforcer", action_title="Patrouilles", owner=owner, actor=coordinator
    )
    (event,) = events_for(decision)
    assert event.action == AuditEvent.Action.CREATE and event.actor_id == coordinator.pk
    assert [e.action for e in events_for(decision.action)] == [AuditEvent.Action.CREATE]


def test_put_plan_object_is_idempotent_and_audited_once_per_change(plan):
    axis, created = actions.put_plan_object(
        Axis, actor=None, lookup={"plan": plan, "code": "repression"}, values={"title": "Répression", "position": 0}
    )
    again, created_again = actions.put_plan_object(
        Axis, actor=None, lookup={"plan": plan, "code": "repression"}, values={"title": "Répression", "position": 0}
    )
    assert (created, created_again) == (False, False)  # make_plan creates the axes
    assert again.pk == axis.pk
    changed, _created = actions.put_plan_object(
        Axis, actor=None, lookup={"plan": plan, "code": "repression"}, values={"title": "Sécurité", "position": 0}
    )
    assert Axis.objects.get(pk=axis.pk).title == "Sécurité"
    update = events_for(changed)[-1]
    assert update.action == AuditEvent.Action.UPDATE and update.actor_label == "système"
    assert update.after == {"title": "Sécurité"}


def test_put_plan_object_refuses_a_partner_and_rolls_back(plan, police_officer):
    with pytest.raises(PermissionDenied):
        actions.put_plan_object(
            Axis, actor=police_officer, lookup={"plan": plan, "code": "repression"}, values={"title": "Piraté"}
        )
    assert Axis.objects.get(plan=plan, code="repression").title != "Piraté"


def test_an_object_cannot_be_moved_into_a_plan_the_actor_may_not_write(plan, coordinator):
    meeting = actions.schedule_meeting(plan, held_on=dt.date(2024, 5, 2), title="COPIL", actor=coordinator)
    meeting.plan = make_plan(slug="someone-elses")
    with pytest.raises(PermissionDenied):
        actions.save_plan_object(meeting, actor=coordinator)
    assert Meeting.objects.get(pk=meeting.pk).plan_id == plan.pk


def test_admin_links_and_inline_decisions_are_written_through_the_actions(plan, coordinator, monkeypatch):
    meeting = actions.schedule_meeting(plan, held_on=dt.date(2024, 5, 2), title="COPIL", actor=coordinator)
    saved = []
    save = actions.save_plan_object

    def spy(obj, *, actor, kind=None):
        saved.append((type(obj).__name__, actor))
        return save(obj, actor=actor, kind=kind)

    monkeypatch.setattr(actions, "save_plan_object", spy)
    linked = []
    set_links = actions.set_plan_object_links

    def spy_links(obj, field_name, targets, *, actor):
        linked.append((field_name, sorted(t.pk for t in targets), actor))
        return set_links(obj, field_name, targets, actor=actor)

    monkeypatch.setattr(actions, "set_plan_object_links", spy_links)
    attendee = coordinator.membership_set.get().partner
    client = Client()
    client.force_login(coordinator)
    response = client.post(
        f"/admin/plans/meeting/{meeting.pk}/change/",
        {
            "plan": plan.pk,
            "held_on": "2024-05-02",
            "title": "COPIL",
            "place": "",
            "attendees": [attendee.pk],
            "decisions-TOTAL_FORMS": "1",
            "decisions-INITIAL_FORMS": "0",
            "decisions-0-text": "Fermer le point de deal",
            "decisions-0-meeting": meeting.pk,
        },
    )
    assert response.status_code == 302 and response.url == "/admin/plans/meeting/", response.content.decode()[:2000]
    decision = Decision.objects.get(meeting=meeting)
    (event,) = events_for(decision)
    assert event.actor_id == coordinator.pk and event.action == AuditEvent.Action.CREATE
    assert saved == [("Meeting", coordinator), ("Decision", coordinator)]
    assert linked == [("attendees", [attendee.pk], coordinator)]
    assert list(meeting.attendees.all()) == [attendee]


def test_admin_bulk_deletion_goes_through_the_actions_all_or_none(plan, coordinator, monkeypatch):
    meetings = [
        actions.schedule_meeting(plan, held_on=dt.date(2024, 5, day), title=f"COPIL {day}", actor=coordinator)
        for day in (2, 3)
    ]
    delete = actions.delete_plan_object
    calls = []

    def failing_second(obj, *, actor, kind=None):
        calls.append(obj.pk)
        if len(calls) == 2:
            raise PermissionDenied("refusé")
        return delete(obj, actor=actor, kind=kind)

    monkeypatch.setattr(actions, "delete_plan_object", failing_second)
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)
    selected = {"action": "delete_selected", "_selected_action": [m.pk for m in meetings], "post": "yes"}
    client.post("/admin/plans/meeting/", selected)
    assert sorted(calls) == sorted(m.pk for m in meetings)
    assert Meeting.objects.filter(plan=plan).count() == 2  # the first deletion was rolled back with the second

    monkeypatch.setattr(actions, "delete_plan_object", delete)
    assert client.post("/admin/plans/meeting/", selected).status_code == 302
    assert not Meeting.objects.filter(plan=plan).exists()
    assert {e.action for m in meetings for e in events_for(m)} == {AuditEvent.Action.CREATE, AuditEvent.Action.DELETE}

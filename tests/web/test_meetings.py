"""Meetings of the steering committee: scheduling, agenda, attendees, decisions, actions, minutes."""

import datetime as dt

import pytest
from django.utils import timezone

from copil.access.models import AuditEvent
from copil.plans import actions as plan_actions
from copil.plans.models import Action, Decision, Meeting
from copil.web import meetings as services
from tests.factories import make_alert


@pytest.fixture
def meeting(site):
    return plan_actions.schedule_meeting(
        site.plan, held_on=timezone.localdate() + dt.timedelta(days=7), title="COPIL", actor=site.users["coordinator"]
    )


def test_the_coordinator_schedules_a_meeting_and_is_taken_to_its_agenda(client, site):
    client.force_login(site.users["coordinator"])
    day = timezone.localdate() + dt.timedelta(days=10)
    response = client.post(
        "/plans/ville/reunions/", {"title": "COPIL de printemps", "held_on": day.isoformat(), "place": "Préfecture"}
    )
    meeting = Meeting.objects.get(title="COPIL de printemps")
    assert response.status_code == 302 and response.url == f"/plans/ville/reunions/{meeting.pk}/"
    page = client.get(response.url).content.decode()
    assert "Ordre du jour" in page and "Indicateurs qui ont le plus évolué" in page
    event = AuditEvent.objects.get(object_type="plans.meeting", object_id=str(meeting.pk))
    assert event.action == "create" and event.actor == site.users["coordinator"] and event.plan_id == site.plan.pk


def test_other_roles_read_meetings_but_cannot_schedule_or_decide(client, site, meeting):
    client.force_login(site.users["police"])
    page = client.get("/plans/ville/reunions/").content.decode()
    assert "COPIL" in page and "Programmer une réunion" not in page
    assert client.post("/plans/ville/reunions/", {"title": "x", "held_on": "2030-01-01"}).status_code == 403
    url = f"/plans/ville/reunions/{meeting.pk}/decisions/"
    assert client.post(url, {"text": "Décision"}).status_code == 403
    assert not Decision.objects.exists()


def test_decision_with_an_action_item_attendees_and_minutes(client, site, meeting):
    client.force_login(site.users["coordinator"])
    base = f"/plans/ville/reunions/{meeting.pk}/"
    police = site.partners["police"]
    assert client.post(base + "participants/", {"attendees": [police.pk, site.partners["city"].pk]}).status_code == 302
    assert set(meeting.attendees.all()) == {police, site.partners["city"]}
    response = client.post(
        base + "decisions/",
        {
            "text": "Renforcer les patrouilles",
            "action_title": "Patrouilles de nuit",
            "owner": police.pk,
            "due_on": "2030-03-01",
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.action.owner == police and decision.action.due_on == dt.date(2030, 3, 1)
    assert AuditEvent.objects.filter(object_type="plans.action", action="create").count() == 1
    page = client.get(base).content.decode()
    assert "Renforcer les patrouilles" in page and "Patrouilles de nuit" in page
    pdf = client.get(base + "releve.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert "releve-de-decisions-ville-" in pdf["Content-Disposition"]


def test_an_action_item_needs_an_owner(client, site, meeting):
    client.force_login(site.users["coordinator"])
    response = client.post(f"/plans/ville/reunions/{meeting.pk}/decisions/", {"text": "D", "action_title": "A"})
    assert response.status_code == 400 and "doit avoir un responsable" in response.content.decode()
    assert not Decision.objects.exists() and not Action.objects.exists()


def test_action_tracker_shows_overdue_items_first_and_owners_update_theirs(client, site):
    today = timezone.localdate()
    plan, police, city = site.plan, site.partners["police"], site.partners["city"]
    later = Action.objects.create(plan=plan, owner=city, title="Plus tard", due_on=today + dt.timedelta(days=30))
    late = Action.objects.create(plan=plan, owner=police, title="En retard", due_on=today - dt.timedelta(days=3))
    Action.objects.create(plan=plan, owner=police, title="Faite", due_on=today - dt.timedelta(days=9), status="done")
    client.force_login(site.users["police"])
    page = client.get("/plans/ville/actions/").content.decode()
    assert page.index("En retard") < page.index("Plus tard") < page.index("Faite")
    assert "1 action est en retard." in page
    assert f'name="a{late.pk}-status"' in page and f'name="a{later.pk}-status"' not in page  # not police's
    assert client.post(f"/plans/ville/actions/{later.pk}/statut/", {f"a{later.pk}-status": "done"}).status_code == 403
    response = client.post(f"/plans/ville/actions/{late.pk}/statut/", {f"a{late.pk}-status": "done"})
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.status == "done" and late.done_on == today
    assert AuditEvent.objects.filter(object_type="plans.action", object_id=str(late.pk), action="update").exists()


def test_agenda_lists_movers_overdue_actions_and_open_alerts(site, meeting):
    Action.objects.create(
        plan=site.plan,
        owner=site.partners["police"],
        title="Retard",
        due_on=timezone.localdate() - dt.timedelta(days=1),
    )
    make_alert(site.plan)
    agenda = services.prepare_agenda(site.users["coordinator"], meeting)
    assert [a.title for a in agenda.overdue] == ["Retard"]
    [alert] = agenda.alerts
    assert "Rue de la Gare" in alert and "14" in alert
    assert agenda.since.end == timezone.localdate()


def test_pages_of_a_plan_the_user_is_no_member_of_do_not_exist(client, site, meeting):
    from .conftest import make_site

    other = make_site("autre", name="Autre")
    client.force_login(other.users["coordinator"])
    assert client.get(f"/plans/ville/reunions/{meeting.pk}/").status_code == 404
    assert client.get(f"/plans/autre/reunions/{meeting.pk}/").status_code == 404
    assert client.get("/plans/ville/actions/").status_code == 404


def test_the_coordinator_corrects_and_deletes_a_decision_others_cannot(client, site, meeting):
    """Issue 12 item 9: a decision can be corrected and deleted (audited); its action item stays in the tracker."""
    coordinator = site.users["coordinator"]
    decision = plan_actions.add_decision(
        meeting, text="Renforcer les maraudes", action_title="Deux maraudes de plus", owner=site.partners["care"],
        actor=coordinator,
    )  # fmt: skip
    base = f"/plans/ville/reunions/{meeting.pk}/decisions/{decision.pk}"
    client.force_login(site.users["police"])
    assert client.get(f"{base}/modifier/").status_code == 403
    assert client.post(f"{base}/supprimer/").status_code == 403
    assert (
        "/decisions/"
        not in client.get(f"/plans/ville/reunions/{meeting.pk}/").content.decode().split('id="decisions"')[1]
    )

    client.force_login(coordinator)
    page = client.get(f"/plans/ville/reunions/{meeting.pk}/").content.decode()
    assert f"{base}/modifier/" in page and f"{base}/supprimer/" in page
    assert client.post(f"{base}/modifier/", {"text": "  "}).status_code == 400
    response = client.post(f"{base}/modifier/", {"text": "Renforcer les maraudes de nuit"})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.text == "Renforcer les maraudes de nuit"
    assert "Son action « Deux maraudes de plus » reste" in client.get(f"{base}/supprimer/").content.decode()
    assert client.post(f"{base}/supprimer/").status_code == 302
    assert not Decision.objects.filter(pk=decision.pk).exists()
    assert Action.objects.filter(title="Deux maraudes de plus").exists()
    actions = list(
        AuditEvent.objects.filter(object_type="plans.decision", object_id=str(decision.pk)).values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["create", "delete", "update"]


def test_the_minutes_carry_the_agenda_the_figures_discussed_and_the_alerts(site, meeting):
    """Issue 12 item 9: the relevé de décisions (HTML and PDF) gains the agenda, the figures and the alerts."""
    from decimal import Decimal

    from copil.records.actions import create_record

    for n in range(3):
        day = timezone.localdate() - dt.timedelta(days=n + 1)
        data = {"seized_on": day, "substance": "crack", "quantity": Decimal(5), "unit": "g"}
        create_record(None, "seizure", plan=site.plan, partner=site.partners["police"], data=data)
    Action.objects.create(
        plan=site.plan,
        owner=site.partners["police"],
        title="Retard",
        due_on=timezone.localdate() - dt.timedelta(days=1),
    )
    make_alert(site.plan)
    html = services.minutes_html(site.users["coordinator"], meeting)
    agenda = services.prepare_agenda(site.users["coordinator"], meeting)
    assert "Ordre du jour" in html and "Indicateurs qui ont le plus évolué" in html
    assert agenda.movers and all(card.label in html and card.evolution in html for card in agenda.movers)
    assert "Retard" in html and "Rue de la Gare" in html
    assert services.minutes_pdf(site.users["coordinator"], meeting).startswith(b"%PDF-")

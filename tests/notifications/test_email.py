"""Notifications reach people by e-mail through a real SMTP server on 127.0.0.1 (aiosmtpd, started here): sent
by the worker, audited, in each person's chosen mode; a failing server leaves them queued and retried."""

import datetime as dt
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from copil.access.models import AuditEvent
from copil.notifications import sending
from copil.notifications.api import notify, set_preference
from copil.notifications.messages import action_reminders
from copil.notifications.models import Kind, Mode, Notification, PlanSettings
from copil.plans.models import Action, Partner


class Inbox(Message):
    """Keeps every message the server receives."""

    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", controller.port, False
    yield inbox
    controller.stop()


def _member(partner, name):
    user = get_user_model().objects.create_user(name, f"{name}@example.fr", None)
    partner.membership_set.create(user=user)
    return user


@pytest.fixture
def world(alencon):
    coordinator = _member(alencon.partners.filter(role=Partner.Role.COORDINATOR).first(), "coordo")
    police_partner = alencon.partners.get(code="police-nationale")
    police = _member(police_partner, "police")
    other = _member(alencon.partners.get(code="mairie"), "mairie")
    PlanSettings.objects.create(plan=alencon).alert_partners.add(police_partner)
    return alencon, coordinator, police, other


def _addressees(inbox):
    return sorted(message["To"] for message in inbox.messages)


def test_a_new_alert_reaches_coordinators_and_named_partners_through_smtp_and_is_audited(
    world, smtp_server, django_capture_on_commit_callbacks
):
    from copil.alerts.models import Alert
    from copil.notifications.messages import alert_raised

    plan, coordinator, police, other = world
    alert = Alert.objects.create(
        plan=plan,
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
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued = alert_raised(alert)
    assert {n.recipient for n in queued} == {coordinator, police}
    assert smtp_server.messages == []  # nothing is sent before the worker runs
    assert len(callbacks) == 1
    assert sending.send_immediate() == 2
    assert _addressees(smtp_server) == ["coordo@example.fr", "police@example.fr"]
    assert "Perseigne" in smtp_server.messages[0].get_payload()
    sent = AuditEvent.objects.filter(details__notification_sent=True)
    assert {(e.details["recipient"], e.details["kind"], e.details["object"]) for e in sent} == {
        (coordinator.pk, "alert", f"alerts.alert:{alert.pk}"),
        (police.pk, "alert", f"alerts.alert:{alert.pk}"),
    }


def test_a_failing_smtp_server_leaves_notifications_queued_then_they_are_retried(world, settings):
    plan, coordinator, _police, _other = world
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", _free_port(), False
    settings.EMAIL_TIMEOUT = 2
    notify(Kind.ALERT, plan, [coordinator], plan=plan, subject="Alerte", body="Une alerte.")
    assert sending.send_immediate() == 0
    notification = Notification.objects.get()
    assert notification.state == Notification.State.QUEUED and notification.attempts == 1 and notification.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert sending.send_immediate() == 1
    assert Notification.objects.get().state == Notification.State.SENT and len(mail.outbox) == 1


def test_each_person_chooses_immediate_digest_or_none_per_kind(world, settings):
    plan, coordinator, police, other = world
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    set_preference(police, Kind.ALERT, Mode.DIGEST)
    set_preference(other, Kind.ALERT, Mode.NONE)
    notify(Kind.ALERT, plan, [coordinator, police, other], plan=plan, subject="A1", body="x")
    notify(Kind.ALERT, plan, [police], plan=plan, subject="A2", body="y")
    assert sending.send_immediate() == 1 and mail.outbox[0].to == ["coordo@example.fr"]
    assert not Notification.objects.filter(recipient=other).exists()
    assert sending.send_digests() == 1
    digest = mail.outbox[1]
    assert digest.to == ["police@example.fr"] and "A1" in digest.body and "A2" in digest.body


def test_an_action_due_in_7_days_or_overdue_reminds_its_owner_then_weekly(world, settings):
    plan, _coordinator, police, _other = world
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    owner = plan.partners.get(code="police-nationale")
    today = timezone.localdate()
    Action.objects.filter(plan=plan).update(status=Action.Status.DONE)
    due = Action.objects.create(
        plan=plan, owner=owner, title="Éclairage du passage", due_on=today + dt.timedelta(days=5)
    )
    Action.objects.create(plan=plan, owner=owner, title="Plus tard", due_on=today + dt.timedelta(days=30))
    assert action_reminders(today) == 1
    assert action_reminders(today) == 0  # once a week
    assert action_reminders(today + dt.timedelta(days=8)) == 1  # overdue now, a week later
    sending.send_immediate()
    assert [m.to for m in mail.outbox] == [["police@example.fr"], ["police@example.fr"]]
    assert "Action en retard" in mail.outbox[1].subject and str(due.pk) in Notification.objects.last().object_id


def test_a_meeting_convocation_with_its_agenda_reaches_the_attendees(world, smtp_server):
    from copil.notifications.messages import convocation
    from copil.plans.models import Meeting

    plan, coordinator, police, other = world
    meeting = Meeting.objects.create(plan=plan, held_on=dt.date(2027, 1, 12), title="COPIL de janvier", place="Mairie")
    meeting.attendees.set([plan.partners.get(code="police-nationale"), plan.partners.get(code="mairie")])
    convocation(meeting, "1. Bilan 2026\n2. Alertes ouvertes")
    assert sending.send_immediate() == 2
    assert _addressees(smtp_server) == ["mairie@example.fr", "police@example.fr"]
    body = smtp_server.messages[0].get_payload(decode=True).decode()
    assert "Ordre du jour :" in body and "2. Alertes ouvertes" in body and "12/01/2027" in body

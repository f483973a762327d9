"""« Envoyer la convocation » on a meeting's page: a coordinator queues the convocation for the attendees
(never sent in the request), the page says when it went, and a second send needs a confirmation."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from copil.access.models import AuditEvent
from copil.notifications import sending
from copil.notifications.models import Kind, Notification
from copil.plans.models import Meeting, Partner


def _member(partner, name):
    user = get_user_model().objects.create_user(name, f"{name}@example.fr", None)
    partner.membership_set.create(user=user)
    return user


def _convocations(meeting) -> int:
    return Notification.objects.filter(kind=Kind.CONVOCATION, object_id=str(meeting.pk)).count()


def test_a_coordinator_sends_the_convocation_once_then_again_only_when_confirmed(alencon, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    coordinator = _member(alencon.partners.filter(role=Partner.Role.COORDINATOR).first(), "coordo")
    police = _member(alencon.partners.get(code="police-nationale"), "police")
    _member(alencon.partners.get(code="mairie"), "mairie")
    meeting = Meeting.objects.create(plan=alencon, held_on=dt.date(2027, 1, 12), title="COPIL de janvier")
    address = f"/plans/alencon/reunions/{meeting.pk}/"
    page = Client()

    page.force_login(police)
    assert page.post(f"{address}convocation/").status_code == 403
    page.force_login(coordinator)
    refused = page.post(f"{address}convocation/", follow=True).content.decode()
    assert "Enregistrez les partenaires invités à la réunion avant d&#x27;envoyer la convocation." in refused
    meeting.attendees.set([alencon.partners.get(code="police-nationale"), alencon.partners.get(code="mairie")])
    assert "Envoyer la convocation" in page.get(address).content.decode()

    sent = page.post(f"{address}convocation/", follow=True).content.decode()
    assert "La convocation est en file d&#x27;attente pour 2 personnes" in sent
    assert "Convocation envoyée le" in sent and "Je confirme : envoyer à nouveau la convocation" in sent
    assert mail.outbox == [], "never sent in the request"
    queued = list(Notification.objects.filter(kind=Kind.CONVOCATION, object_id=str(meeting.pk)))
    assert sorted(n.recipient.username for n in queued) == ["mairie", "police"]
    assert "Ordre du jour :" in queued[0].body and "1. Indicateurs" in queued[0].body
    meeting.refresh_from_db()
    first_sent_at = meeting.convocation_sent_at
    assert first_sent_at is not None
    assert AuditEvent.objects.filter(action="update", object_id=str(meeting.pk), details__convocation=2).exists()

    again = page.post(f"{address}convocation/", follow=True).content.decode()
    assert "La convocation a déjà été envoyée le" in again and "confirmez pour l&#x27;envoyer à nouveau" in again
    assert _convocations(meeting) == 2, "no second send without confirmation"
    confirmed = page.post(f"{address}convocation/", {"renvoyer": "1"}, follow=True).content.decode()
    assert "pour 2 personnes" in confirmed, confirmed[confirmed.find("fr-alert") :][:600]
    assert _convocations(meeting) == 4
    meeting.refresh_from_db()
    assert meeting.convocation_sent_at > first_sent_at

    assert sending.send_immediate() == 4
    assert sorted(message.to[0] for message in mail.outbox) == ["mairie@example.fr"] * 2 + ["police@example.fr"] * 2

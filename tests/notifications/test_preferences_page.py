"""The notification preferences page (/compte/notifications/): per kind, immediate, daily digest or none, for
the signed-in person only, audited; a wrong choice gets a French error and changes nothing."""

import re

from django.contrib.auth import get_user_model
from django.test import Client

from copil.access.models import AuditEvent
from copil.notifications.api import mode_for
from copil.notifications.models import Kind

URL = "/compte/notifications/"


def _signed_in(db, name="agent"):
    user = get_user_model().objects.create_user(name, f"{name}@example.fr", None)
    client = Client()
    client.force_login(user)
    return user, client


def test_each_person_chooses_a_mode_per_kind_on_the_page(db):
    user, client = _signed_in(db)
    other, _other_client = _signed_in(db, "autre")
    page = client.get(URL).content.decode()
    for label in ("Nouvelle alerte", "Action à échéance ou en retard", "Convocation à une réunion"):
        assert label in page
    for label in ("immédiat", "résumé quotidien", "aucun"):
        assert label in page
    response = client.post(
        URL,
        {
            "alert": "immediate",
            "action_due": "digest",
            "convocation": "none",
            "signalement": "immediate",
            "signalement_overdue": "immediate",
        },
    )
    assert response.status_code == 302 and response.url == URL
    assert [mode_for(user, kind) for kind in ("alert", "action_due", "convocation")] == ["immediate", "digest", "none"]
    assert mode_for(other, "convocation") == "immediate"
    [event] = AuditEvent.objects.filter(details__has_key="notification_modes")
    assert event.actor == user and event.details["notification_modes"] == {
        "action_due": "digest",
        "convocation": "none",
    }
    again = client.get(URL).content.decode()
    assert re.search(r'name="action_due" value="digest"[^>]*checked', again)
    assert not re.search(r'name="action_due" value="immediate"[^>]*checked', again)


def test_a_wrong_choice_is_refused_in_french_and_nothing_changes(db):
    user, client = _signed_in(db)
    response = client.post(URL, {"alert": "sometimes", "action_due": "digest", "convocation": "none"})
    assert response.status_code == 400 and "Sélectionnez un choix valide" in response.content.decode()
    assert all(mode_for(user, kind) == "immediate" for kind in Kind.values)


def test_visitors_are_sent_to_the_login_page(db):
    response = Client().get(URL)
    assert response.status_code == 302 and response.url.startswith("/compte/connexion/")

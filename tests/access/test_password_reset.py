"""« Mot de passe oublié » (issue 12 item 2): the link on the sign-in page, the French e-mail, a new password
through the link, the sign-in with it, and the second factor that still applies."""

import re

import pytest
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from copil.access.models import AuditEvent

NEW_PASSWORD = "un nouveau mot de passe bien long"
RECORDS = "/enregistrements/"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_a_forgotten_password_is_reset_through_the_emailed_link_and_the_second_factor_still_applies(world):
    user = world.users["police"]
    user.email = "agent@police.example.fr"
    user.set_password("l'ancien mot de passe oublié")
    user.save()
    TOTPDevice.objects.create(user=user, name="application", confirmed=True)
    client = Client()

    assert 'href="/compte/mot-de-passe/oublie/"' in client.get("/compte/connexion/").content.decode()
    page = client.get("/compte/mot-de-passe/oublie/").content.decode()
    assert "Mot de passe oublié" in page and 'name="viewport"' in page

    response = client.post("/compte/mot-de-passe/oublie/", {"email": "AGENT@police.example.fr"})
    assert response.status_code == 302 and response.url == "/compte/mot-de-passe/oublie/envoye/"
    assert "Consultez votre messagerie" in client.get(response.url).content.decode()
    (message,) = mail.outbox
    assert message.to == ["agent@police.example.fr"]
    assert message.subject == "Copil : choisissez un nouveau mot de passe"
    assert "Bonjour," in message.body and "Le lien ne sert qu’une fois" in message.body
    link = re.search(r"https?://[^/\s]+(/compte/mot-de-passe/reinitialiser/\S+/)", message.body).group(1)

    form_url = client.get(link).url  # Django moves the token into the session
    assert "Choisissez un nouveau mot de passe" in client.get(form_url).content.decode()
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == "/compte/connexion/"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_SET, actor=user).exists()

    signed_in = Client()
    response = signed_in.post("/compte/connexion/", {"username": user.get_username(), "password": NEW_PASSWORD})
    assert response.status_code == 302
    response = signed_in.get(RECORDS)
    assert response.status_code == 302 and response.url.startswith("/compte/double-facteur/?next=")

    used = Client().get(link, follow=True).content.decode()
    assert "Ce lien n’est plus valable" in used


def test_an_unknown_address_gets_the_same_answer_and_no_email(world):
    response = Client().post("/compte/mot-de-passe/oublie/", {"email": "personne@example.fr"})
    assert response.status_code == 302 and response.url == "/compte/mot-de-passe/oublie/envoye/"
    assert mail.outbox == []
    page = Client().post("/compte/mot-de-passe/oublie/", {"email": "pas une adresse"}).content.decode()
    assert "Saisissez une adresse de courriel valide." in page

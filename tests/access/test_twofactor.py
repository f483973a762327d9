"""Two-factor sign-in through the pages (copil.access.twofactor): enrolment, codes after the password, recovery
codes, the confinement of an account that has not passed its second factor, throttling, reset, API tokens."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from copil.access import twofactor
from copil.access.models import AuditEvent, RecoveryCode
from copil.api.models import ApiToken
from copil.plans.models import Membership

PASSWORD = "un mot de passe assez long"
RECORDS = "/enregistrements/"


def _with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user


def _sign_in(user) -> Client:
    client = Client()
    response = client.post("/compte/connexion/", {"username": user.get_username(), "password": PASSWORD})
    assert response.status_code == 302, response.content[:2000]
    return client


def _enrol(client: Client) -> tuple[pyotp.TOTP, list[str]]:
    page = client.get("/compte/double-facteur/activer/").content.decode()
    secret = re.search(r'id="cle-secrete"[^>]*>([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    totp = pyotp.TOTP(secret)
    response = client.post("/compte/double-facteur/activer/", {"code": totp.now()})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7-]+)</code></li>", response.content.decode())
    return totp, codes


def _next_code(totp: pyotp.TOTP) -> str:
    """The code of the next time step: the current one was spent (a code never verifies twice)."""
    return totp.at(time.time() + totp.interval)


def test_a_care_worker_must_enrol_before_anything_else_then_signs_in_with_a_code(world):
    user = _with_password(world.users["care"])
    client = _sign_in(user)
    for path in (RECORDS, "/enregistrements/care_referral/", "/admin/", "/compte/journal/", "/api/jetons/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/compte/double-facteur/activer/"), path

    page = client.get("/compte/double-facteur/activer/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    assert client.post("/compte/double-facteur/activer/", {"code": "000000"}).status_code == 200
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.OTP_FAILED, actor=user).count() == 1

    totp, codes = _enrol(client)
    assert len(codes) == twofactor.RECOVERY_CODE_COUNT == len(set(codes))
    assert client.get(RECORDS).status_code == 200
    stored = set(RecoveryCode.objects.filter(user=user).values_list("digest", flat=True))
    assert len(stored) == len(codes) and not stored & {c for code in codes for c in (code, code.replace("-", ""))}
    enrolment = AuditEvent.objects.get(action=AuditEvent.Action.OTP_ENROL)
    assert enrolment.actor_id == user.pk and enrolment.details["recovery_codes"] == len(codes)

    client.post("/compte/deconnexion/")
    client = _sign_in(user)
    response = client.get(RECORDS)
    assert response.status_code == 302 and response.url.startswith("/compte/double-facteur/?next=")
    assert client.post("/compte/double-facteur/", {"code": "123456", "next": RECORDS}).status_code == 200
    response = client.post("/compte/double-facteur/", {"code": _next_code(totp), "next": RECORDS})
    assert response.status_code == 302 and response.url == RECORDS
    assert client.get(RECORDS).status_code == 200


def test_a_recovery_code_works_once(world):
    user = _with_password(world.users["justice"])
    _totp, codes = _enrol(_sign_in(user))
    client = _sign_in(user)
    typed = codes[3].upper().replace("-", " ")  # as read aloud or typed on a phone
    assert client.post("/compte/double-facteur/", {"code": typed}).status_code == 302
    assert client.get(RECORDS).status_code == 200
    verified = AuditEvent.objects.filter(action=AuditEvent.Action.OTP_VERIFIED).latest("pk")
    assert verified.details == {"method": "recovery", "recovery_codes_left": len(codes) - 1}

    again = _sign_in(user)
    response = again.post("/compte/double-facteur/", {"code": codes[3]})
    assert response.status_code == 200 and "pas valide" in response.content.decode()
    assert again.get(RECORDS).status_code == 302


def test_optional_roles_are_not_confined_unless_their_plan_requires_it(world):
    user = _with_password(world.users["police"])
    assert _sign_in(user).get(RECORDS).status_code == 200
    world.plan.require_second_factor = True
    world.plan.save()
    response = _sign_in(user).get(RECORDS)
    assert response.status_code == 302 and response.url.startswith("/compte/double-facteur/activer/")


def test_an_optional_role_that_enrolled_is_asked_for_its_code(world):
    user = _with_password(world.users["police"])
    _enrol(_sign_in(user))
    response = _sign_in(user).get(RECORDS)
    assert response.status_code == 302 and response.url.startswith("/compte/double-facteur/?")


def test_the_admin_login_does_not_bypass_the_second_factor(world):
    admin = _with_password(world.users["superuser"])
    client = Client()
    response = client.post("/admin/login/", {"username": admin.get_username(), "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith("/compte/double-facteur/activer/")


def test_an_enrolled_account_cannot_enrol_a_new_device_with_its_password_only(world):
    user = _with_password(world.users["care"])
    _enrol(_sign_in(user))
    thief = _sign_in(user)
    response = thief.get("/compte/double-facteur/activer/")
    assert response.status_code == 302 and response.url.startswith("/compte/double-facteur/?")
    assert thief.post("/compte/double-facteur/activer/", {"code": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_failed_codes_count_toward_the_login_throttling(world, settings):
    settings.COPIL_LOGIN_MAX_FAILURES = 3
    user = _with_password(world.users["care"])
    totp, _codes = _enrol(_sign_in(user))
    client = _sign_in(user)
    for _attempt in range(2):
        client.post("/compte/double-facteur/", {"code": "000000"})
    # a password accepted again gives no fresh set of guesses: the third wrong code locks
    client = _sign_in(user)
    response = client.post("/compte/double-facteur/", {"code": "000000"})
    assert "Trop de tentatives" in response.content.decode()
    response = client.post("/compte/double-facteur/", {"code": _next_code(totp)})
    assert "Trop de tentatives" in response.content.decode() and client.get(RECORDS).status_code == 302
    response = Client().post("/compte/connexion/", {"username": user.get_username(), "password": PASSWORD})
    assert response.status_code == 200 and "Trop de tentatives" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.OTP_FAILED, actor=user).count() == 3


def test_a_coordinator_resets_a_members_second_factor(world):
    member = _with_password(world.users["care"])
    _enrol(member_client := _sign_in(member))
    assert member_client.get(RECORDS).status_code == 200
    membership = Membership.objects.get(user=member)

    police = Client()
    police.force_login(world.users["police"])
    assert police.post(f"/compte/membres/{membership.pk}/double-facteur/reinitialiser/").status_code == 403
    assert TOTPDevice.objects.filter(user=member).exists()

    coordinator = Client()
    coordinator.force_login(world.users["coordinator"])
    assert "Réinitialiser" in coordinator.get("/compte/membres/").content.decode()
    response = coordinator.post(f"/compte/membres/{membership.pk}/double-facteur/reinitialiser/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=member).exists() and not RecoveryCode.objects.filter(user=member)
    reset = AuditEvent.objects.get(action=AuditEvent.Action.OTP_RESET)
    assert reset.actor_id == world.users["coordinator"].pk and reset.plan_id == world.plan.pk
    assert reset.details["user"] == member.get_username() and reset.details["devices_removed"] == 1
    # the member's session verified with the removed device no longer counts: enrol again
    response = member_client.get(RECORDS)
    assert response.status_code == 302 and response.url.startswith("/compte/double-facteur/activer/")


def test_creating_an_api_token_requires_a_second_factor_less_than_15_minutes_old(world):
    coordinator = world.users["coordinator"]
    client = Client()
    client.force_login(coordinator)
    form = {"partner": world.partners["coordinator-1"].pk, "name": "logiciel"}
    assert client.post("/api/jetons/", form).status_code == 200
    assert ApiToken.objects.count() == 1

    session = client.session
    session[twofactor.SESSION_KEY] = {**session[twofactor.SESSION_KEY], "at": time.time() - 16 * 60}
    session.save()
    response = client.post("/api/jetons/", form)
    assert response.status_code == 302 and response.url.startswith("/compte/double-facteur/?next=")
    assert ApiToken.objects.count() == 1
    assert client.get("/api/jetons/").status_code == 200, "the list stays readable"


def test_the_second_factor_requirement_follows_the_policy_table():
    from copil.access import policy

    with pytest.raises(ValueError, match="person-level"):
        policy._parse_second_factor(policy.SECOND_FACTOR_TABLE.replace("care          required", "care optional"))


def test_the_admin_shows_no_authenticator_key(world):
    """Devices are not in the admin: their keys stay hidden and a reset always goes through the audited page."""
    client = Client()
    client.force_login(world.users["superuser"])
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404


def test_an_optional_role_finds_the_enrolment_from_any_page(world):
    client = Client()
    client.force_login(world.users["police"])
    assert 'href="/compte/double-facteur/activer/"' in client.get(RECORDS).content.decode()
    assert client.get("/compte/double-facteur/activer/").status_code == 200

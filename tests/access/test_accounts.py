"""Accounts: invitation, password, deactivation, login throttling, sessions; the account pages."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from copil.access import accounts, policy, throttling
from copil.access.models import AuditEvent
from copil.plans.models import Membership

STRONG = "Vingt-trois-pommes-vertes!"


def _login(client, username, password):
    return client.post("/compte/connexion/", {"username": username, "password": password})


def test_a_coordinator_invites_a_member_who_sets_a_password_and_logs_in(world):
    coordinator = world.users["coordinator"]
    client = Client()
    client.force_login(coordinator)
    assert client.get("/compte/membres/inviter/", {"plan": world.plan.slug}).status_code == 200
    response = client.post(
        "/compte/membres/inviter/",
        {
            "plan": world.plan.slug,
            "email": "Agent.Caarud@Example.fr",
            "first_name": "Awa",
            "last_name": "Diallo",
            "partner": world.partners["care-2"].pk,
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="agent.caarud@example.fr")
    assert not user.has_usable_password() and user.is_staff
    assert Membership.objects.get(user=user).partner == world.partners["care-2"]
    (message,) = mail.outbox
    assert message.to == ["agent.caarud@example.fr"] and "Plan A" in message.subject
    link = re.search(r"http://testserver(/compte/mot-de-passe/\S+)", message.body).group(1)
    invited = Client()
    form_page = invited.get(link, follow=True)
    assert "Choisissez votre mot de passe" in form_page.content.decode()
    weak = invited.post(form_page.redirect_chain[-1][0], {"new_password1": "123456", "new_password2": "123456"})
    assert "trop court" in weak.content.decode() or "trop courant" in weak.content.decode()
    done = invited.post(form_page.redirect_chain[-1][0], {"new_password1": STRONG, "new_password2": STRONG})
    assert done.status_code == 302
    assert _login(Client(), "agent.caarud@example.fr", STRONG).status_code == 302
    assert invited.get(link, follow=True).context["validlink"] is False, "the link works once"
    actions = list(AuditEvent.objects.filter(action__in=["invite", "password_set"]).values_list("action", flat=True))
    assert sorted(actions) == ["invite", "password_set"]


def test_only_a_coordinator_of_the_plan_invites(world):
    with pytest.raises(PermissionDenied):
        accounts.invite_member(
            world.users["police"], plan=world.plan, partner=world.partners["police-1"], email="x@example.fr"
        )
    with pytest.raises(ValidationError):  # a partner of another plan
        accounts.invite_member(
            world.users["coordinator"], plan=world.plan, partner=world.partners["police-b"], email="x@example.fr"
        )
    client = Client()
    client.force_login(world.users["police"])
    assert client.get("/compte/membres/").status_code == 403
    assert client.get("/compte/membres/inviter/").status_code == 403


def test_deactivation_ends_access_at_once(world):
    police = world.users["police"]
    police.set_password(STRONG)
    police.save()
    member = Client()
    assert _login(member, police.username, STRONG).status_code == 302
    assert member.get("/admin/records/seizure/").status_code == 200
    coordinator = Client()
    coordinator.force_login(world.users["coordinator"])
    membership = Membership.objects.get(user=police)
    assert coordinator.post(f"/compte/membres/{membership.pk}/desactiver/").status_code == 302
    membership.refresh_from_db()
    police.refresh_from_db()
    assert membership.deactivated_at is not None and not police.is_active
    assert member.get("/admin/records/seizure/").status_code == 302  # sent back to the login page
    assert _login(Client(), police.username, STRONG).status_code == 200
    policy.forget(police)
    assert not policy.visible_records(police, "seizure").exists()
    event = AuditEvent.objects.get(action="deactivate")
    assert event.before["deactivated_at"] is None and event.after["deactivated_at"] is not None
    page = coordinator.get("/compte/membres/").content.decode()
    assert "désactivé le" in page


def test_a_member_of_two_partners_keeps_the_other_access(world):
    police = world.users["police"]
    other = Membership.objects.create(user=police, partner=world.partners["police-2"])
    accounts.deactivate_member(
        world.users["coordinator"], Membership.objects.get(user=police, partner__code="police-1")
    )
    police.refresh_from_db()
    assert police.is_active
    assert set(policy.user_partners(police)) == {other.partner}


def test_coordinators_cannot_deactivate_themselves_or_members_of_other_plans(world):
    coordinator = world.users["coordinator"]
    with pytest.raises(ValidationError):
        accounts.deactivate_member(coordinator, Membership.objects.get(user=coordinator))
    foreign_member = Membership.objects.create(
        user=get_user_model().objects.create_user("b-user"), partner=world.partners["police-b"]
    )
    client = Client()
    client.force_login(coordinator)
    assert client.post(f"/compte/membres/{foreign_member.pk}/desactiver/").status_code == 403


def test_login_is_locked_after_repeated_failures_per_username_and_address(world, settings):
    user = world.users["justice"]
    user.set_password(STRONG)
    user.save()
    client = Client()
    for _ in range(settings.COPIL_LOGIN_MAX_FAILURES - 1):
        response = _login(client, user.username, "faux-mot-de-passe")
        assert "Trop de tentatives" not in response.content.decode()
    fifth = _login(client, user.username, "faux-mot-de-passe")
    assert "Trop de tentatives" in fifth.content.decode(), "the failure that locks says so"
    locked = _login(client, user.username, STRONG)  # even the right password
    assert locked.status_code == 200
    assert "Trop de tentatives de connexion échouées. Réessayez dans 15 minutes." in locked.content.decode()
    admin_login = client.post("/admin/login/", {"username": user.username, "password": STRONG})
    assert "Trop de tentatives" in admin_login.content.decode(), "the admin's login is throttled too"
    other_address = Client(REMOTE_ADDR="10.0.0.9")
    assert _login(other_address, user.username, STRONG).status_code == 302
    later = timezone.now() + dt.timedelta(seconds=settings.COPIL_LOGIN_LOCK_SECONDS + 1)
    with mock.patch("copil.access.throttling.timezone.now", return_value=later):
        assert not throttling.is_locked(user.username, "127.0.0.1")


def test_a_successful_login_resets_the_count(world, settings):
    user = world.users["city"]
    user.set_password(STRONG)
    user.save()
    client = Client()
    for _ in range(settings.COPIL_LOGIN_MAX_FAILURES - 1):
        _login(client, user.username, "faux")
    assert _login(client, user.username, STRONG).status_code == 302
    client.post("/compte/deconnexion/")
    _login(client, user.username, "faux")
    assert not throttling.is_locked(user.username, "127.0.0.1")


def test_sessions_expire(world):
    assert django_settings.SESSION_COOKIE_AGE == 8 * 3600
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    user = world.users["city"]
    user.set_password(STRONG)
    user.save()
    client = Client()
    response = _login(client, user.username, STRONG)
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"], "a browser-session cookie"
    assert client.session.get_expiry_age() <= 8 * 3600


def test_password_rules_are_strong():
    names = [v["NAME"].rsplit(".", 1)[1] for v in django_settings.AUTH_PASSWORD_VALIDATORS]
    assert {"MinimumLengthValidator", "CommonPasswordValidator", "UserAttributeSimilarityValidator"} <= set(names)


def test_logout_is_audited(world):
    client = Client()
    client.force_login(world.users["city"])
    assert client.post("/compte/deconnexion/").status_code in {200, 302}
    assert AuditEvent.objects.filter(action="logout", actor=world.users["city"]).exists()


def test_nobody_joins_a_care_partner_by_their_own_hand_or_while_holding_another_role(world):
    """The review's self-invitation: a coordinator made themself a member of an association, then exported its
    referrals. Refused, as is inviting a police officer of the plan; another person may still be invited."""
    coordinator, care = world.users["coordinator"], world.partners["care-1"]
    for email in (coordinator.email, world.users["police"].email):
        with pytest.raises(ValidationError, match="partenaire de soins"):
            accounts.invite_member(coordinator, plan=world.plan, partner=care, email=email)
    superuser = world.users["superuser"]
    with pytest.raises(ValidationError):
        accounts.invite_member(superuser, plan=world.plan, partner=care, email=superuser.email)
    assert not Membership.objects.filter(partner=care).exclude(user=world.users["care"]).exists()
    accounts.invite_member(coordinator, plan=world.plan, partner=care, email="nouvelle@asso.example")

    client = Client()
    client.force_login(coordinator)
    response = client.post(
        f"/compte/membres/inviter/?plan={world.plan.slug}",
        {"email": coordinator.email, "first_name": "C", "last_name": "D", "partner": care.pk},
    )
    assert response.status_code == 200 and "Vous ne pouvez pas vous rendre membre" in response.content.decode()


def test_the_admin_refuses_a_self_made_or_double_role_membership_of_a_care_partner(world):
    care = world.partners["care-1"]
    client = Client()
    client.force_login(world.users["coordinator"])
    url = f"/admin/plans/partner/{care.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None and key != "axes"}
    data.update(
        {
            "plan": care.plan_id,
            "membership_set-TOTAL_FORMS": "2",
            "membership_set-INITIAL_FORMS": "1",
            "membership_set-0-id": Membership.objects.get(partner=care).pk,
            "membership_set-0-partner": care.pk,
            "membership_set-0-user": world.users["care"].pk,
            "membership_set-1-partner": care.pk,
        }
    )
    for intruder in ("coordinator", "police"):
        response = client.post(url, {**data, "membership_set-1-user": world.users[intruder].pk})
        assert response.status_code == 200, response.status_code
        assert "partenaire de soins" in response.content.decode()
    assert list(Membership.objects.filter(partner=care).values_list("user__username", flat=True)) == ["care-user"]

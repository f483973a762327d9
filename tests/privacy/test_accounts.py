"""Inactive accounts: warned by e-mail, then deactivated; a login in between keeps the account."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from copil.access.models import AuditEvent
from copil.privacy.accounts import sweep_inactive_accounts

NOW = timezone.make_aware(dt.datetime(2026, 6, 1, 6, 0))


def _user(username, last_login):
    user = get_user_model().objects.create_user(username, f"{username}@example.fr", None)
    user.last_login = last_login
    user.date_joined = NOW - dt.timedelta(days=400)
    user.save()
    return user


def test_an_account_is_warned_then_deactivated(db, settings):
    settings.COPIL_ACCOUNT_INACTIVE_DAYS, settings.COPIL_ACCOUNT_WARNING_DAYS = 180, 14
    idle = _user("idle", NOW - dt.timedelta(days=170))
    _user("active", NOW - dt.timedelta(days=10))
    first = sweep_inactive_accounts(NOW)
    assert (first.warned, first.deactivated) == (["idle"], [])
    assert [m.to for m in mail.outbox] == [["idle@example.fr"]]
    assert "désactivé" in mail.outbox[0].body and "idle" in mail.outbox[0].body
    assert sweep_inactive_accounts(NOW + dt.timedelta(days=5)).warned == []  # warned once
    later = sweep_inactive_accounts(NOW + dt.timedelta(days=14))
    assert later.deactivated == ["idle"]
    idle.refresh_from_db()
    assert not idle.is_active
    event = AuditEvent.objects.filter(action=AuditEvent.Action.DEACTIVATE).get()
    assert (event.object_id, event.details["privacy"]) == (str(idle.pk), "inactive_account")


def test_a_login_after_the_warning_keeps_the_account(db, settings):
    settings.COPIL_ACCOUNT_INACTIVE_DAYS, settings.COPIL_ACCOUNT_WARNING_DAYS = 180, 14
    user = _user("back", NOW - dt.timedelta(days=300))
    assert sweep_inactive_accounts(NOW).warned == ["back"]  # long idle: still warned before anything
    assert sweep_inactive_accounts(NOW + dt.timedelta(days=1)).deactivated == []
    user.last_login = NOW + dt.timedelta(days=2)
    user.save()
    assert sweep_inactive_accounts(NOW + dt.timedelta(days=20)).deactivated == []
    user.refresh_from_db()
    assert user.is_active

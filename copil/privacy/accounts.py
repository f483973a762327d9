"""Inactive staff accounts: an account nobody logged into for `COPIL_ACCOUNT_INACTIVE_DAYS` days (180) is
deactivated; `COPIL_ACCOUNT_WARNING_DAYS` days (14) before, its holder gets an e-mail saying a login keeps it.
An account is never deactivated without that warning having been sent at least that many days earlier.

Deactivation keeps the account (the audit trail names who acted, for the trail's own retention) but it can no
longer log in; each warning and deactivation is audited. Once the trail's retention has run out since a
deactivated account's last activity, its name and address are removed (`forget_former_members`), as every
trail entry naming it has been deleted by then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from copil.access.audit import auditlog_disabled, record_event
from copil.access.models import AuditEvent

from .models import InactivityWarning


@dataclass
class AccountSweep:
    """What one run did: the usernames warned and deactivated."""

    warned: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)


def inactive_days() -> int:
    return int(getattr(settings, "COPIL_ACCOUNT_INACTIVE_DAYS", 180))


def warning_days() -> int:
    return int(getattr(settings, "COPIL_ACCOUNT_WARNING_DAYS", 14))


def _last_activity(user) -> dt.datetime:
    return user.last_login or user.date_joined


def sweep_inactive_accounts(now: dt.datetime | None = None, *, dry_run: bool = False) -> AccountSweep:
    """Warn the accounts about to become inactive and deactivate those warned long enough ago."""
    now = now or timezone.now()
    deadline = now - dt.timedelta(days=inactive_days())
    warn_from = deadline + dt.timedelta(days=warning_days())
    sweep = AccountSweep()
    users = get_user_model().objects.filter(is_active=True)
    candidates = users.filter(Q(last_login__lte=warn_from) | Q(last_login__isnull=True, date_joined__lte=warn_from))
    for user in candidates.order_by("pk"):
        last = _last_activity(user)
        warning = InactivityWarning.objects.filter(user=user, sent_at__gte=last).order_by("sent_at").first()
        if warning is None:
            if not dry_run:
                _warn(user, last, now)
            sweep.warned.append(user.get_username())
        elif last <= deadline and warning.sent_at <= now - dt.timedelta(days=warning_days()):
            if not dry_run:
                _deactivate(user, last)
            sweep.deactivated.append(user.get_username())
    return sweep


def _warn(user, last: dt.datetime, now: dt.datetime) -> None:
    with transaction.atomic():
        InactivityWarning.objects.create(user=user, sent_at=now)
        record_event(
            None,
            AuditEvent.Action.UPDATE,
            obj=user,
            details={"privacy": "inactivity_warning", "last_activity": last},
        )
    if user.email:
        with override("fr"):
            closing = max(last + dt.timedelta(days=inactive_days()), now + dt.timedelta(days=warning_days()))
            send_mail(
                _("Your Copil account will be deactivated"),
                _(
                    "Hello,\n\nNobody has logged into your Copil account (%(username)s) since %(last)s. Unless you "
                    "log in before %(closing)s, it will be deactivated, as the rules on personal data require.\n"
                )
                % {
                    "username": user.get_username(),
                    "last": f"{timezone.localtime(last):%d/%m/%Y}",
                    "closing": f"{timezone.localtime(closing):%d/%m/%Y}",
                },
                None,
                [user.email],
            )


def _deactivate(user, last: dt.datetime) -> None:
    with transaction.atomic(), auditlog_disabled():
        user.is_active = False
        user.save(update_fields=["is_active"])
        record_event(
            None,
            AuditEvent.Action.DEACTIVATE,
            obj=user,
            details={"privacy": "inactive_account", "last_activity": last, "days": inactive_days()},
        )


FORMER_MEMBER_PREFIX = "ancien-membre-"


def former_members(before: dt.datetime):
    """Deactivated accounts, not yet forgotten, whose last activity is older than `before` and that no audit
    entry from `before` on names (as actor or as the account acted upon)."""
    from copil.access.audit import object_type

    model = get_user_model()
    users = model.objects.filter(is_active=False).exclude(username__startswith=FORMER_MEMBER_PREFIX)
    users = users.filter(Q(last_login__lt=before) | Q(last_login__isnull=True, date_joined__lt=before))
    named = AuditEvent.objects.filter(at__gte=before)
    about = named.filter(object_type=object_type(model)).values_list("object_id", flat=True).distinct()
    return users.exclude(pk__in=named.filter(actor__isnull=False).values("actor_id")).exclude(
        pk__in=[int(pk) for pk in about if pk.isdigit()]
    )


def forget_former_members(before: dt.datetime) -> int:
    """Remove the name and address of the former members inactive since before `before`; returns how many.

    The account row stays (memberships and imports keep pointing to it) under a neutral username."""
    count = 0
    with transaction.atomic(), auditlog_disabled():
        for user in former_members(before).select_for_update():
            user.username = f"{FORMER_MEMBER_PREFIX}{user.pk}"
            user.first_name = user.last_name = user.email = ""
            user.set_unusable_password()
            user.save(update_fields=["username", "first_name", "last_name", "email", "password"])
            count += 1
    return count

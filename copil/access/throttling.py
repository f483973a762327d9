"""Login throttling: after COPIL_LOGIN_MAX_FAILURES failed logins for one username from one address within
COPIL_LOGIN_FAILURE_WINDOW seconds, that username is locked from that address for COPIL_LOGIN_LOCK_SECONDS
after the last failure. Failed second-factor codes count as failed logins (copil.access.twofactor). A successful
login resets the count.

Failures are counted in the audit trail (every failed login is recorded there anyway), so the count is shared
by every server process and survives restarts, with no cache to configure.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone

from .models import AuditEvent


def normalize_username(username: str) -> str:
    return (username or "").strip().lower()[:254]


def _events(username: str, ip: str | None):
    events = AuditEvent.objects.filter(actor_label=normalize_username(username))
    return events.filter(ip=ip) if ip else events.filter(ip__isnull=True)


def _last(action_filter: Q, username: str, ip: str | None) -> dt.datetime | None:
    events = AuditEvent.objects.filter(action_filter, actor_label__iexact=normalize_username(username)).filter(ip=ip)
    return events.aggregate(last=Max("at"))["last"]


def lock_remaining(username: str, ip: str | None, *, now: dt.datetime | None = None) -> int:
    """Seconds until this username may try again from this address; 0 when not locked.

    Failed passwords and failed second-factor codes count together. A password accepted resets the count of
    failed passwords only: failed codes are reset by a code accepted (or an enrolment), so knowing the password
    gives no fresh set of code guesses."""
    if not username:
        return 0
    now = now or timezone.now()
    window_start = now - dt.timedelta(seconds=settings.COPIL_LOGIN_FAILURE_WINDOW)
    last_code = _last(Q(action__in=[AuditEvent.Action.OTP_VERIFIED, AuditEvent.Action.OTP_ENROL]), username, ip)
    last_login = _last(Q(action=AuditEvent.Action.LOGIN), username, ip)
    codes_since = max(d for d in (window_start, last_code) if d is not None)
    passwords_since = max(d for d in (codes_since, last_login) if d is not None)
    failures = _events(username, ip).filter(
        Q(action=AuditEvent.Action.LOGIN_FAILED, at__gt=passwords_since)
        | Q(action=AuditEvent.Action.OTP_FAILED, at__gt=codes_since)
    )
    summary = failures.aggregate(last=Max("at"), count=Count("pk"))
    if summary["last"] is None or summary["count"] < settings.COPIL_LOGIN_MAX_FAILURES:
        return 0
    unlock = summary["last"] + dt.timedelta(seconds=settings.COPIL_LOGIN_LOCK_SECONDS)
    return max(0, int((unlock - now).total_seconds()) + 1) if unlock > now else 0


def is_locked(username: str, ip: str | None) -> bool:
    return lock_remaining(username, ip) > 0

"""Login throttling: after COPIL_LOGIN_MAX_FAILURES failed logins for one username from one address within
COPIL_LOGIN_FAILURE_WINDOW seconds, that username is locked from that address for COPIL_LOGIN_LOCK_SECONDS
after the last failure. A successful login resets the count.

Failures are counted in the audit trail (every failed login is recorded there anyway), so the count is shared
by every server process and survives restarts, with no cache to configure.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from .models import AuditEvent


def normalize_username(username: str) -> str:
    return (username or "").strip().lower()[:254]


def _events(username: str, ip: str | None):
    events = AuditEvent.objects.filter(actor_label=normalize_username(username))
    return events.filter(ip=ip) if ip else events.filter(ip__isnull=True)


def lock_remaining(username: str, ip: str | None, *, now: dt.datetime | None = None) -> int:
    """Seconds until this username may try again from this address; 0 when not locked."""
    if not username:
        return 0
    now = now or timezone.now()
    window_start = now - dt.timedelta(seconds=settings.COPIL_LOGIN_FAILURE_WINDOW)
    last_success = (
        AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN, actor_label__iexact=normalize_username(username))
        .filter(ip=ip)
        .aggregate(last=Max("at"))["last"]
    )
    since = max(window_start, last_success) if last_success else window_start
    failures = _events(username, ip).filter(action=AuditEvent.Action.LOGIN_FAILED, at__gt=since)
    summary = failures.aggregate(last=Max("at"))
    if summary["last"] is None or failures.count() < settings.COPIL_LOGIN_MAX_FAILURES:
        return 0
    unlock = summary["last"] + dt.timedelta(seconds=settings.COPIL_LOGIN_LOCK_SECONDS)
    return max(0, int((unlock - now).total_seconds()) + 1) if unlock > now else 0


def is_locked(username: str, ip: str | None) -> bool:
    return lock_remaining(username, ip) > 0

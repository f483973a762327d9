"""Sending queued notifications (run by the background worker only): immediate ones one by one, digests once a
day per person. A failed send leaves the notification queued with its error; the next run retries it. Each
send goes to the audit trail: recipient, kind, object (never the text)."""

from __future__ import annotations

import logging
import smtplib
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from copil.access.audit import record_event
from copil.access.models import AuditEvent

from .models import Mode, Notification

logger = logging.getLogger(__name__)
SEND_ERRORS = (smtplib.SMTPException, OSError)


def _sent(notifications: list[Notification]) -> None:
    now = timezone.now()
    for notification in notifications:
        Notification.objects.filter(pk=notification.pk).update(state=Notification.State.SENT, sent_at=now)
        record_event(
            None,
            AuditEvent.Action.UPDATE,
            plan=notification.plan,
            obj=notification,
            details={
                "notification_sent": True,
                "recipient": notification.recipient_id,
                "kind": notification.kind,
                "object": f"{notification.object_type}:{notification.object_id}",
            },
        )


def _failed(notifications: list[Notification], error: Exception) -> None:
    logger.warning("notification send failed, kept queued: %s", error)
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
        attempts=F("attempts") + 1, last_error=str(error)[:1000]
    )


def _queued(mode: str) -> QuerySet[Notification]:
    return Notification.objects.filter(state=Notification.State.QUEUED, mode=mode).select_related("recipient", "plan")


def send_immediate() -> int:
    """Send every queued immediate notification; returns how many went out."""
    queued = list(_queued(Mode.IMMEDIATE))
    if not queued:
        return 0
    count = 0
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except SEND_ERRORS as error:
        _failed(queued, error)
        return 0
    with connection:
        for notification in queued:
            message = EmailMessage(
                notification.subject,
                notification.body,
                settings.DEFAULT_FROM_EMAIL,
                [notification.recipient.email],
                connection=connection,
            )
            try:
                message.send()
            except SEND_ERRORS as error:
                _failed([notification], error)
                continue
            _sent([notification])
            count += 1
    return count


def send_digests() -> int:
    """Send each person one e-mail gathering their queued digest notifications; returns how many e-mails."""
    by_recipient: dict[Any, list[Notification]] = defaultdict(list)
    for notification in _queued(Mode.DIGEST):
        by_recipient[notification.recipient].append(notification)
    if not by_recipient:
        return 0
    count = 0
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except SEND_ERRORS as error:
        _failed([n for group in by_recipient.values() for n in group], error)
        return 0
    with translation.override("fr"), connection:
        for recipient, notifications in by_recipient.items():
            body = "\n\n".join(f"— {n.subject}\n{n.body}" for n in notifications)
            message = EmailMessage(
                _("COPIL: your daily digest ({count})").format(count=len(notifications)),
                body,
                settings.DEFAULT_FROM_EMAIL,
                [recipient.email],
                connection=connection,
            )
            try:
                message.send()
            except SEND_ERRORS as error:
                _failed(notifications, error)
                continue
            _sent(notifications)
            count += 1
    return count

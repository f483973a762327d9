"""The notifications the plan sends, each written in French without person-level data: what happened, where
in the plan, and the address to read more once logged in."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from copil.alerts.models import Alert
from copil.plans.models import Action, Meeting

from .api import alert_recipients, members_of, notify
from .models import Kind, Notification

REMINDER_INTERVAL = dt.timedelta(days=7)
REMINDER_HORIZON = dt.timedelta(days=7)


def _address(path: str) -> str:
    return getattr(settings, "COPIL_SITE_URL", "").rstrip("/") + path


def alert_raised(alert: Alert) -> list[Notification]:
    """A new alert, at once to the plan's coordinators and the partners its settings name."""
    with translation.override("fr"):
        subject = _("New alert in the plan {plan}: {kind}").format(plan=alert.plan.name, kind=alert.get_kind_display())
        body = _("An alert was raised on {date} near {place}. Read it on the map: {url}").format(
            date=alert.detected_on.strftime("%d/%m/%Y"),
            place=alert.place or _("the plan's sector"),
            url=_address(reverse("web:map", args=[alert.plan.slug])),
        )
    return notify(Kind.ALERT, alert, alert_recipients(alert.plan), plan=alert.plan, subject=subject, body=body)


def action_due(action: Action, today: dt.date) -> list[Notification]:
    """A reminder to the action's owner that it falls due within 7 days, or is overdue."""
    assert action.due_on is not None
    with translation.override("fr"):
        if action.due_on < today:
            subject = _("Overdue action: {title}").format(title=action.title)
        else:
            subject = _("Action due on {date}: {title}").format(
                title=action.title, date=action.due_on.strftime("%d/%m/%Y")
            )
        body = _("The action « {title} » of the plan {plan} is due on {date}. Update its status: {url}").format(
            title=action.title,
            plan=action.plan.name,
            date=action.due_on.strftime("%d/%m/%Y"),
            url=_address(reverse("web:actions", args=[action.plan.slug])),
        )
    return notify(Kind.ACTION_DUE, action, members_of([action.owner]), plan=action.plan, subject=subject, body=body)


def action_reminders(today: dt.date) -> int:
    """Remind the owners of open actions due within 7 days or overdue, at most once a week per action."""
    horizon = today + REMINDER_HORIZON
    open_actions = Action.objects.filter(due_on__lte=horizon).exclude(
        status__in=[Action.Status.DONE, Action.Status.CANCELLED]
    )
    since = today - REMINDER_INTERVAL
    reminded = 0
    for action in open_actions.select_related("plan", "owner"):
        recent = Notification.objects.filter(
            kind=Kind.ACTION_DUE, object_type="plans.action", object_id=str(action.pk), created_at__date__gt=since
        )
        if not recent.exists():
            reminded += len(action_due(action, today))
    return reminded


def convocation(meeting: Meeting, agenda: str) -> list[Notification]:
    """A meeting's convocation with its agenda, to the members of its attending partners."""
    with translation.override("fr"):
        subject = _("Convocation: {title}, {date}").format(
            title=meeting.title, date=meeting.held_on.strftime("%d/%m/%Y")
        )
        body = _("You are invited to the meeting « {title} » on {date}{place}.\n\nAgenda:\n{agenda}\n\n{url}").format(
            title=meeting.title,
            date=meeting.held_on.strftime("%d/%m/%Y"),
            place=_(" at {place}").format(place=meeting.place) if meeting.place else "",
            agenda=agenda,
            url=_address(reverse("web:meeting", args=[meeting.plan.slug, meeting.pk])),
        )
    recipients = members_of(meeting.attendees.all())
    return notify(Kind.CONVOCATION, meeting, recipients, plan=meeting.plan, subject=subject, body=body)

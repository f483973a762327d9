"""The steering committee's meetings: scheduling, the agenda prepared from the data, attendees, decisions and
their action items, the minutes (relevé de décisions) as PDF, and the action tracker.

Every write checks the policy (`require` on the plan-object kinds "meeting", "decision", "action") and is
recorded in the audit trail (`record_event`) in the same transaction; django-auditlog's automatic capture is
suspended meanwhile so that each change is logged once, with its context.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from copil.access import policy
from copil.access.audit import auditlog_disabled, record_event, snapshot
from copil.access.models import AuditEvent
from copil.indicators.periods import ONE_DAY, Period, add_months, format_date_fr
from copil.plans.models import Action, Axis, Decision, Meeting, Partner, Plan

from . import maps
from .dashboard import Card, dashboard_figures, make_card

OPEN_STATUSES = (Action.Status.PLANNED, Action.Status.IN_PROGRESS)
AGENDA_MOVERS = 5
DEFAULT_AGENDA_MONTHS = 3


# --- reading ----------------------------------------------------------------------------------------------------


def meetings_of(user: Any, plan: Plan) -> QuerySet[Meeting]:
    return policy.visible_plan_objects(user, "meeting", plan).order_by("-held_on", "-pk")


def meeting_of(user: Any, plan: Plan, pk: int) -> Meeting:
    """The meeting if the user may see it (Meeting.DoesNotExist otherwise)."""
    return meetings_of(user, plan).prefetch_related("attendees").get(pk=pk)


def decisions_of(user: Any, meeting: Meeting) -> QuerySet[Decision]:
    return (
        policy.visible_plan_objects(user, "decision", meeting.plan_id)
        .filter(meeting=meeting)
        .select_related("action", "action__owner", "action__axis")
        .order_by("pk")
    )


def actions_of(user: Any, plan: Plan, *, today: dt.date | None = None) -> QuerySet[Action]:
    """The plan's action items the user may see, overdue first, then by due date (undated last)."""
    today = today or timezone.localdate()
    overdue = Q(due_on__lt=today, status__in=OPEN_STATUSES)
    return (
        policy.visible_plan_objects(user, "action", plan)
        .select_related("owner", "axis")
        .annotate(
            overdue=Case(When(overdue, then=Value(1)), default=Value(0), output_field=IntegerField()),
            closed=Case(When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField()),
        )
        .order_by("-overdue", "closed", "due_on", "pk")
    )


def overdue_actions(user: Any, plan: Plan, on: dt.date) -> QuerySet[Action]:
    return (
        policy.visible_plan_objects(user, "action", plan)
        .filter(due_on__lt=on, status__in=OPEN_STATUSES)
        .select_related("owner")
        .order_by("due_on", "pk")
    )


# --- the agenda -------------------------------------------------------------------------------------------------


@dataclass
class Agenda:
    since: Period
    movers: list[Card] = field(default_factory=list)
    overdue: list[Action] = field(default_factory=list)
    alerts: list[Any] = field(default_factory=list)
    previous_meeting: Meeting | None = None


def agenda_period(meeting: Meeting, previous: Meeting | None, today: dt.date) -> Period:
    """From the day after the previous meeting (else: three months back) to the eve of this one, or today."""
    end = min(meeting.held_on - ONE_DAY, today)
    end = max(end, meeting.plan.started_on)
    start = previous.held_on + ONE_DAY if previous else add_months(end, -DEFAULT_AGENDA_MONTHS) + ONE_DAY
    start = max(start, meeting.plan.started_on)
    return Period(min(start, end), end)


def _movement(card: Card, result: Any, previous: Any) -> Decimal:
    """How much an indicator moved: the relative change, or the absolute change when it started from zero."""
    current = result.headline
    if current is None or previous is None or card.suppressed or not card.evolution:
        return Decimal(-1)
    change = abs(Decimal(current) - Decimal(previous))
    return change / abs(Decimal(previous)) if previous else change


def prepare_agenda(user: Any, meeting: Meeting, *, today: dt.date | None = None) -> Agenda:
    """The agenda of a meeting: the indicators that moved most since the last meeting (as the user may see
    them), the overdue action items and the open alerts."""
    today = today or timezone.localdate()
    plan = meeting.plan
    previous = meetings_of(user, plan).filter(held_on__lt=meeting.held_on).order_by("-held_on", "-pk").first()
    period = agenda_period(meeting, previous, today)
    figures = dashboard_figures(plan, period)
    ranked = []
    for code, result in figures.results.items():
        card = make_card(user, plan, period, result, figures.previous.get(code), figures.results)
        if card is not None:
            movement = _movement(card, result, figures.previous.get(code))
            if movement > 0:
                ranked.append((movement, card))
    ranked.sort(key=lambda item: item[0], reverse=True)
    return Agenda(
        since=period,
        movers=[card for _movement_, card in ranked[:AGENDA_MOVERS]],
        overdue=list(overdue_actions(user, plan, min(meeting.held_on, today))),
        alerts=maps.open_alerts(plan, until=min(meeting.held_on, today)),
        previous_meeting=previous,
    )


# --- writing ----------------------------------------------------------------------------------------------------


def schedule_meeting(user: Any, plan: Plan, *, held_on: dt.date, title: str, place: str = "") -> Meeting:
    policy.require(user, "create", "meeting", plan=plan)
    meeting = Meeting(plan=plan, held_on=held_on, title=title.strip(), place=place.strip())
    meeting.full_clean()
    with transaction.atomic(), auditlog_disabled():
        meeting.save(force_insert=True)
        record_event(user, AuditEvent.Action.CREATE, plan=plan, obj=meeting, after=meeting)
    return meeting


def set_attendees(user: Any, meeting: Meeting, partners: Iterable[Partner]) -> Meeting:
    policy.require(user, "update", "meeting", obj=meeting)
    partners = list(partners)
    if any(partner.plan_id != meeting.plan_id for partner in partners):
        raise ValidationError({"attendees": _("Every partner must belong to the plan.")})
    with transaction.atomic(), auditlog_disabled():
        before = snapshot(meeting)
        meeting.attendees.set(partners)
        record_event(user, AuditEvent.Action.UPDATE, plan=meeting.plan_id, obj=meeting, before=before, after=meeting)
    return meeting


def add_decision(
    user: Any,
    meeting: Meeting,
    *,
    text: str,
    action_title: str = "",
    owner: Partner | None = None,
    due_on: dt.date | None = None,
    axis: Axis | None = None,
) -> Decision:
    """Record a decision of the meeting; with `action_title` and `owner`, also the action item it creates."""
    plan = meeting.plan
    policy.require(user, "create", "decision", plan=plan)
    action = None
    if action_title.strip():
        policy.require(user, "create", "action", plan=plan)
        if owner is None:
            raise ValidationError({"owner": _("An action item needs an owner.")})
        if owner.plan_id != plan.pk or (axis is not None and axis.plan_id != plan.pk):
            raise ValidationError({"owner": _("Every partner must belong to the plan.")})
        action = Action(plan=plan, owner=owner, title=action_title.strip(), due_on=due_on, axis=axis)
        action.full_clean()
    decision = Decision(meeting=meeting, text=text.strip())
    decision.full_clean(exclude=["action"])
    with transaction.atomic(), auditlog_disabled():
        if action is not None:
            action.save(force_insert=True)
            record_event(user, AuditEvent.Action.CREATE, plan=plan, obj=action, after=action)
            decision.action = action
        decision.save(force_insert=True)
        record_event(user, AuditEvent.Action.CREATE, plan=plan, obj=decision, after=decision)
    return decision


def set_action_status(user: Any, action: Action, status: str, *, today: dt.date | None = None) -> Action:
    """Change the status of an action item (its owner or the coordinator); done items get their done date."""
    policy.require(user, "update", "action", obj=action)
    if status not in Action.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    with transaction.atomic(), auditlog_disabled():
        before = snapshot(action)
        action.status = status
        if status == Action.Status.DONE and action.done_on is None:
            action.done_on = today or timezone.localdate()
        elif status != Action.Status.DONE:
            action.done_on = None
        action.save(update_fields=["status", "done_on"])
        record_event(user, AuditEvent.Action.UPDATE, plan=action.plan_id, obj=action, before=before, after=action)
    return action


# --- minutes ----------------------------------------------------------------------------------------------------


def minutes_html(user: Any, meeting: Meeting) -> str:
    with translation.override("fr"):
        return render_to_string(
            "web/meetings/minutes_print.html",
            {
                "meeting": meeting,
                "plan": meeting.plan,
                "held_on": format_date_fr(meeting.held_on),
                "attendees": list(meeting.attendees.all().order_by("name")),
                "decisions": list(decisions_of(user, meeting)),
                "generated_on": format_date_fr(timezone.localdate()),
            },
        )


def minutes_pdf(user: Any, meeting: Meeting) -> bytes:
    import weasyprint  # slow to import; only the PDF needs it

    return weasyprint.HTML(string=minutes_html(user, meeting), base_url=None).write_pdf()


def minutes_file_name(meeting: Meeting) -> str:
    return f"releve-de-decisions-{meeting.plan.slug}-{meeting.held_on:%Y%m%d}.pdf"

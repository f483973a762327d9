"""The steering committee's meetings: scheduling, the agenda prepared from the data, attendees, decisions and
their action items, the minutes (relevé de décisions) as PDF, and the action tracker.

The writes (scheduling, attendees, decisions, action status) are `copil.plans.actions`: policy check and
audit entry in the write's transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from copil.access import policy
from copil.access.actors import Actor
from copil.indicators.periods import ONE_DAY, Period, add_months, format_date_fr
from copil.plans.letterhead import letterhead
from copil.plans.models import Action, Decision, Meeting, Plan
from copil.reports.odt import OdtWriter

from . import maps
from .dashboard import Card, dashboard_figures, make_card

OPEN_STATUSES = (Action.Status.PLANNED, Action.Status.IN_PROGRESS)
AGENDA_MOVERS = 5
DEFAULT_AGENDA_MONTHS = 3


# --- reading ----------------------------------------------------------------------------------------------------


def meetings_of(user: Actor, plan: Plan) -> QuerySet[Meeting]:
    return policy.visible_plan_objects(user, "meeting", plan).order_by("-held_on", "-pk")


def meeting_of(user: Actor, plan: Plan, pk: int) -> Meeting:
    """The meeting if the user may see it (Meeting.DoesNotExist otherwise)."""
    return meetings_of(user, plan).prefetch_related("attendees").get(pk=pk)


def decisions_of(user: Actor, meeting: Meeting) -> QuerySet[Decision]:
    return (
        policy.visible_plan_objects(user, "decision", meeting.plan_id)
        .filter(meeting=meeting)
        .select_related("action", "action__owner", "action__axis")
        .order_by("pk")
    )


def actions_of(user: Actor, plan: Plan, *, today: dt.date | None = None) -> QuerySet[Action]:
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


def overdue_actions(user: Actor, plan: Plan, on: dt.date) -> QuerySet[Action]:
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


def prepare_agenda(user: Actor, meeting: Meeting, *, today: dt.date | None = None) -> Agenda:
    """The agenda of a meeting: the indicators that moved most since the last meeting (as the user may see
    them), the overdue action items and the open alerts."""
    today = today or timezone.localdate()
    plan = meeting.plan
    previous = meetings_of(user, plan).filter(held_on__lt=meeting.held_on).order_by("-held_on", "-pk").first()
    period = agenda_period(meeting, previous, today)
    figures = dashboard_figures(plan, period)
    ranked = []
    for code, result in figures.results.items():
        card = make_card(
            user,
            plan,
            period,
            result,
            figures.previous.get(code),
            figures.results,
            late=figures.late_partners.get(code, ()),
            previous_records=figures.previous_records.get(code),
        )
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


# --- the convocation ---------------------------------------------------------------------------------------------


def convocation_agenda(user: Actor, meeting: Meeting) -> str:
    """The agenda as the convocation e-mail states it: the items and the action items due, with no figure (the
    recipients' roles may not read every figure exactly: they read them on the meeting's page)."""
    agenda = prepare_agenda(user, meeting)
    with translation.override("fr"):
        movers = ", ".join(str(card.label) for card in agenda.movers) or "—"
        lines = [f"1. {_('Indicators that moved most')} : {movers}", f"2. {_('Overdue action items')} :"]
        lines += [f"   - {action.title} ({action.owner.name}, {action.due_on:%d/%m/%Y})" for action in agenda.overdue]
        if not agenda.overdue:
            lines.append(f"   - {_('No overdue action item.')}")
        lines.append(f"3. {_('Open early-warning alerts')} : {len(agenda.alerts)}")
        lines.append(f"4. {_('Decisions')}")
        return "\n".join(lines)


# --- minutes ----------------------------------------------------------------------------------------------------


def minutes_html(user: Actor, meeting: Meeting) -> str:
    """The relevé de décisions: the agenda as prepared from the data (the figures discussed, the overdue action
    items, the open alerts, as this user may read them), the attendees and the decisions."""
    agenda = prepare_agenda(user, meeting)
    with translation.override("fr"):
        return render_to_string(
            "web/meetings/minutes_print.html",
            {
                "meeting": meeting,
                "plan": meeting.plan,
                "held_on": format_date_fr(meeting.held_on),
                "attendees": list(meeting.attendees.all().order_by("name")),
                "decisions": list(decisions_of(user, meeting)),
                "agenda": agenda,
                "generated_on": format_date_fr(timezone.localdate()),
                "letterhead": letterhead(meeting.plan),
            },
        )


def minutes_odt(user: Actor, meeting: Meeting) -> bytes:
    """The relevé de décisions as an editable ODT: the plan's letterhead, then what the PDF holds."""
    agenda = prepare_agenda(user, meeting)
    with translation.override("fr"):
        writer = OdtWriter(f"{_('Minutes')} — {meeting.title}")
        writer.letterhead(letterhead(meeting.plan))
        writer.paragraph(_("Steering committee — minutes"), style=writer.bold)
        writer.heading(meeting.title, 1)
        place = f" — {meeting.place}" if meeting.place else ""
        writer.paragraph(f"{meeting.plan.name} — {format_date_fr(meeting.held_on)}{place}", style=writer.small)
        writer.heading(_("Agenda"), 2)
        writer.heading(f"1. {_('Indicators that moved most')}", 3)
        if agenda.movers:
            writer.table(
                [_("Indicator"), _("Value"), _("Evolution")],
                [(str(card.label), str(card.value), str(card.evolution)) for card in agenda.movers],
            )
        else:
            writer.paragraph(_("No indicator moved over the period."))
        writer.heading(f"2. {_('Overdue action items')}", 3)
        overdue = [f"{action.title} — {action.owner.name}, {action.due_on:%d/%m/%Y}" for action in agenda.overdue]
        if overdue:
            writer.bullets(overdue)
        else:
            writer.paragraph(_("No overdue action item."))
        writer.heading(f"3. {_('Open early-warning alerts')}", 3)
        alerts = [str(alert) for alert in agenda.alerts]
        if alerts:
            writer.bullets(alerts)
        else:
            writer.paragraph(_("No open alert."))
        writer.heading(_("Attendees"), 2)
        attendees = [partner.name for partner in meeting.attendees.all().order_by("name")]
        if attendees:
            writer.bullets(attendees)
        else:
            writer.paragraph(_("No attendee recorded."))
        writer.heading(_("Decisions"), 2)
        decisions = list(decisions_of(user, meeting))
        if decisions:
            writer.table(
                ["#", _("Decision"), _("Action item"), _("Owner"), _("Due date"), _("Status")],
                [
                    (
                        str(number),
                        decision.text,
                        decision.action.title if decision.action else "—",
                        decision.action.owner.name if decision.action else "—",
                        f"{decision.action.due_on:%d/%m/%Y}" if decision.action and decision.action.due_on else "—",
                        decision.action.get_status_display() if decision.action else "—",
                    )
                    for number, decision in enumerate(decisions, start=1)
                ],
            )
        else:
            writer.paragraph(_("No decision recorded."))
        return writer.bytes()


def minutes_pdf(user: Actor, meeting: Meeting) -> bytes:
    import weasyprint  # slow to import; only the PDF needs it

    return weasyprint.HTML(string=minutes_html(user, meeting), base_url=None).write_pdf()


def minutes_file_name(meeting: Meeting, extension: str = "pdf") -> str:
    return f"releve-de-decisions-{meeting.plan.slug}-{meeting.held_on:%Y%m%d}.{extension}"

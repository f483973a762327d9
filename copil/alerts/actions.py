"""The follow-up of an alert: acknowledge, assign to a partner, close with a reason, or turn into an action
item of the next meeting. One function per step; each checks the policy, keeps the step in the alert's history
and writes the audit entry, in one transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copil.access import policy
from copil.access.audit import record_event
from copil.access.models import AuditEvent
from copil.plans.actions import add_decision
from copil.plans.models import Meeting, Partner

from .models import Alert, AlertStep


def responders(alert: Alert) -> set[int]:
    """The partners that respond to the alert: those the plan's notification settings name, and the assignee."""
    from copil.notifications.models import PlanSettings

    named = PlanSettings.objects.filter(plan=alert.plan_id).first()
    partners = set(named.alert_partners.values_list("pk", flat=True)) if named else set()
    return partners | ({alert.assigned_to_id} if alert.assigned_to_id else set())


def _step(actor: Any, alert: Alert, *, coordinator_only: bool = False) -> Alert:
    """Check the actor may take this step, lock the alert, and return it (open alerts only)."""
    allowed = (
        policy.is_plan_coordinator(actor, alert.plan_id)
        if coordinator_only
        else policy.may_follow_up_alert(actor, alert.plan_id, responders(alert))
    )
    if actor is not None and not allowed:
        raise PermissionDenied(_("You may not follow up this alert."))
    locked = Alert.objects.select_for_update().select_related("plan").get(pk=alert.pk)
    if locked.status == Alert.Status.CLOSED:
        raise ValidationError(_("This alert is closed."))
    return locked


def _record(actor: Any, alert: Alert, kind: str, note: str = "", **details: Any) -> None:
    AlertStep.objects.create(alert=alert, kind=kind, by=actor if getattr(actor, "pk", None) else None, note=note)
    record_event(actor, AuditEvent.Action.UPDATE, plan=alert.plan, obj=alert, details={"follow_up": kind, **details})


def acknowledge_alert(actor: Any, *, alert: Alert) -> Alert:
    """Say the alert was seen and taken in hand."""
    with transaction.atomic():
        locked = _step(actor, alert)
        locked.acknowledged_at = locked.acknowledged_at or timezone.now()
        locked.save(update_fields=["acknowledged_at", "updated_at"])
        _record(actor, locked, AlertStep.Kind.ACKNOWLEDGED)
    return locked


def assign_alert(actor: Any, *, alert: Alert, partner: Partner) -> Alert:
    """Give the alert to a partner of the plan (coordinators only)."""
    if partner.plan_id != alert.plan_id:
        raise ValidationError({"partner": _("Every partner must belong to the plan.")})
    with transaction.atomic():
        locked = _step(actor, alert, coordinator_only=True)
        locked.assigned_to = partner
        locked.save(update_fields=["assigned_to", "updated_at"])
        _record(actor, locked, AlertStep.Kind.ASSIGNED, partner.name, partner=partner.pk)
    return locked


def close_alert(actor: Any, *, alert: Alert, reason: str) -> Alert:
    """Close the alert with its reason: dispersed, false alarm, or action taken."""
    if reason not in Alert.ClosureReason.values:
        raise ValidationError({"closure_reason": _("Choose why the alert is closed.")})
    with transaction.atomic():
        locked = _step(actor, alert)
        locked.status = Alert.Status.CLOSED
        locked.closure_reason = reason
        locked.save(update_fields=["status", "closure_reason", "updated_at"])
        _record(actor, locked, AlertStep.Kind.CLOSED, str(locked.get_closure_reason_display()), reason=reason)
    return locked


def alert_to_action(actor: Any, *, alert: Alert, owner: Partner, today: Any = None) -> Alert:
    """Turn the alert into an action item decided at the plan's next meeting, in one step (coordinators only)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = _step(actor, alert, coordinator_only=True)
        meeting = Meeting.objects.filter(plan=alert.plan_id, held_on__gte=today).order_by("held_on").first()
        if meeting is None:
            raise ValidationError(_("The plan has no meeting to come: schedule one first."))
        title = _("Follow up the alert of {date} near {place}").format(
            date=locked.detected_on.strftime("%d/%m/%Y"), place=locked.place or _("the plan's sector")
        )
        decision = add_decision(
            meeting, text=title, action_title=title, owner=owner, due_on=meeting.held_on, actor=actor
        )
        locked.action = decision.action
        locked.save(update_fields=["action", "updated_at"])
        _record(actor, locked, AlertStep.Kind.TURNED_INTO_ACTION, title, action=decision.action_id)
    return locked


def allowed_steps(actor: Any, alert: Alert) -> dict[str, bool]:
    """Which follow-up steps the actor may take on the alert now, as the functions above would allow them (for
    the pages' buttons): none once it is closed; acknowledging once; one action item per alert."""
    if alert.status == Alert.Status.CLOSED:
        return {"acknowledge": False, "close": False, "assign": False, "convert": False}
    responds = policy.may_follow_up_alert(actor, alert.plan_id, responders(alert))
    coordinates = policy.is_plan_coordinator(actor, alert.plan_id)
    return {
        "acknowledge": responds and alert.acknowledged_at is None,
        "close": responds,
        "assign": coordinates,
        "convert": coordinates and alert.action_id is None,
    }

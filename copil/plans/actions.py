"""Every change to a plan object (plan, axis, partner, membership, action, meeting, decision, target, territory)
goes through this module, as `copil.records.actions` does for records: the policy check and the audit entry
happen in the same transaction as the write, so no channel (pages, admin, plan files) can skip either.

`actor=None` is the system (command line, plan files): no policy check, recorded as "système".

Two ways of writing the audit entry, both inside the write's transaction:
- the page actions (`schedule_meeting`, `add_decision`…) record their own event, with its context, while
  django-auditlog's automatic capture is suspended;
- the generic `save_plan_object`, `delete_plan_object`, `put_plan_object` and `set_plan_object_links` (admin,
  plan files) leave the entry to django-auditlog's capture of the save, which `copil.access.audit` copies into
  the trail synchronously, with the actor of the request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copil.access import policy
from copil.access.actors import Actor
from copil.access.audit import auditlog_disabled, record_event, snapshot
from copil.access.models import AuditEvent

from .models import Action, Axis, Decision, Meeting, Partner, Plan

PlanObject = TypeVar("PlanObject", bound=models.Model)


def kind_of(obj: models.Model | type[models.Model]) -> str:
    """The plan-object kind (`meeting`, `action`…) of an instance or model, as the policy names it."""
    model = obj if isinstance(obj, type) else type(obj)
    for kind, candidate in policy.PLAN_OBJECT_MODELS.items():
        if candidate is model:
            return kind
    raise ValueError(f"{model.__name__} is not a plan object")


# --- the committee's pages ----------------------------------------------------------------------------------------


def schedule_meeting(plan: Plan, *, held_on: dt.date, title: str, place: str = "", actor: Actor) -> Meeting:
    """Create a meeting of the plan's committee."""
    if actor is not None:
        policy.require(actor, "create", "meeting", plan=plan)
    meeting = Meeting(plan=plan, held_on=held_on, title=title.strip(), place=place.strip())
    meeting.full_clean()
    with transaction.atomic(), auditlog_disabled():
        meeting.save(force_insert=True)
        record_event(actor, AuditEvent.Action.CREATE, plan=plan, obj=meeting, after=meeting)
    return meeting


def set_attendees(meeting: Meeting, partners: Iterable[Partner], *, actor: Actor) -> Meeting:
    """Replace the partners who attended the meeting; every one must belong to the meeting's plan."""
    if actor is not None:
        policy.require(actor, "update", "meeting", obj=meeting)
    partners = list(partners)
    if any(partner.plan_id != meeting.plan_id for partner in partners):
        raise ValidationError({"attendees": _("Every partner must belong to the plan.")})
    with transaction.atomic(), auditlog_disabled():
        before = snapshot(meeting)
        meeting.attendees.set(partners)
        record_event(actor, AuditEvent.Action.UPDATE, plan=meeting.plan_id, obj=meeting, before=before, after=meeting)
    return meeting


def add_decision(
    meeting: Meeting,
    *,
    text: str,
    action_title: str = "",
    owner: Partner | None = None,
    due_on: dt.date | None = None,
    axis: Axis | None = None,
    actor: Actor,
) -> Decision:
    """Record a decision of the meeting; with `action_title` and `owner`, also the action item it creates."""
    plan = meeting.plan
    if actor is not None:
        policy.require(actor, "create", "decision", plan=plan)
    action = None
    if action_title.strip():
        if actor is not None:
            policy.require(actor, "create", "action", plan=plan)
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
            record_event(actor, AuditEvent.Action.CREATE, plan=plan, obj=action, after=action)
            decision.action = action
        decision.save(force_insert=True)
        record_event(actor, AuditEvent.Action.CREATE, plan=plan, obj=decision, after=decision)
    return decision


def update_decision(decision: Decision, *, text: str, actor: Actor) -> Decision:
    """Correct the wording of a decision (its action item, if any, is followed up in the action tracker)."""
    if actor is not None:
        policy.require(actor, "update", "decision", obj=decision)
    with transaction.atomic(), auditlog_disabled():
        before = snapshot(decision)
        decision.text = text.strip()
        decision.full_clean(exclude=["action", "meeting"])
        decision.save(update_fields=["text", "updated_at"])
        record_event(
            actor, AuditEvent.Action.UPDATE, plan=decision.meeting.plan_id, obj=decision, before=before, after=decision
        )
    return decision


def delete_decision(decision: Decision, *, actor: Actor) -> None:
    """Delete a decision recorded by mistake; the action item it created stays in the tracker (it may be under
    way), no longer tied to a decision."""
    if actor is not None:
        policy.require(actor, "delete", "decision", obj=decision)
    with transaction.atomic(), auditlog_disabled():
        before = snapshot(decision)
        plan_id = decision.meeting.plan_id
        Decision.objects.filter(pk=decision.pk).delete()
        record_event(actor, AuditEvent.Action.DELETE, plan=plan_id, obj=decision, before=before)


def set_action_status(action: Action, status: str, *, today: dt.date | None = None, actor: Actor) -> Action:
    """Change the status of an action item (its owner or the coordinator); done items get their done date."""
    if actor is not None:
        policy.require(actor, "update", "action", obj=action)
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
        record_event(actor, AuditEvent.Action.UPDATE, plan=action.plan_id, obj=action, before=before, after=action)
    return action


# --- any plan object (admin, plan files) ----------------------------------------------------------------------------


def _require_write(actor: Actor, obj: models.Model, kind: str) -> None:
    """Creating needs "create" where the object lands; changing needs "update" on the stored object (as it
    was) and on the changed one (so an object cannot be moved into a plan the actor may not write)."""
    if actor is None:
        return
    stored = type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk is not None else None
    if stored is None:
        policy.require(actor, "create", kind, obj=obj)
    else:
        policy.require(actor, "update", kind, obj=stored)
        policy.require(actor, "update", kind, obj=obj)


def save_plan_object(obj: PlanObject, *, actor: Actor, kind: str | None = None) -> PlanObject:
    """Create or update a plan object already validated by its form (the admin's)."""
    kind = kind or kind_of(obj)
    with transaction.atomic():
        _require_write(actor, obj, kind)
        obj.save()
    return obj


def delete_plan_object(obj: models.Model, *, actor: Actor, kind: str | None = None) -> None:
    """Delete a plan object (what refers to it follows the model's `on_delete`)."""
    kind = kind or kind_of(obj)
    with transaction.atomic():
        if actor is not None:
            policy.require(actor, "delete", kind, obj=obj)
        obj.delete()


def put_plan_object(
    model: type[PlanObject], *, actor: Actor, lookup: Mapping[str, Any], values: Mapping[str, Any]
) -> tuple[PlanObject, bool]:
    """Create the object found by `lookup`, or update its `values` (idempotent loads: plan files). Returns the
    object and whether it was created."""
    kind = kind_of(model)
    with transaction.atomic():
        obj = model._default_manager.select_for_update().filter(**lookup).first()
        created = obj is None
        if obj is None:
            obj = model(**lookup, **values)
        else:
            for name, value in values.items():
                setattr(obj, name, value)
        _require_write(actor, obj, kind)
        obj.save(force_insert=created)
    return obj, created


def set_plan_object_links(obj: models.Model, field_name: str, targets: Iterable[models.Model], *, actor: Actor) -> None:
    """Replace the many-to-many links `field_name` of a plan object (a partner's axes, a meeting's attendees)."""
    kind = kind_of(obj)
    with transaction.atomic():
        if actor is not None:
            policy.require(actor, "update", kind, obj=obj)
        getattr(obj, field_name).set(list(targets))


# --- the plan's letterhead ----------------------------------------------------------------------------------------


def set_letterhead(
    plan: Plan,
    *,
    co_pilots: Mapping[str, str],
    logos: Mapping[str, bytes | None],
    actor: Actor,
) -> Plan:
    """Set the co-pilots (`prefect`, `mayor`, `prosecutor`: « name, title ») and the logos printed at the head of
    the plan's documents. A logo given as bytes replaces the stored one, `None` removes it, one left out stays.
    Every logo is checked before anything is written; the audit entry names what changed, never the images."""
    from .letterhead import CO_PILOT_FIELDS, LOGO_FIELDS, validate_logo

    if actor is not None:
        policy.require(actor, "update", "plan", obj=plan)
    errors: dict[str, list[str]] = {}
    for field, data in logos.items():
        if field not in LOGO_FIELDS:
            raise ValueError(f"unknown logo field {field!r}")
        if data:
            try:
                validate_logo(data, field)
            except ValidationError as error:
                errors.update(error.message_dict)
    values = {name: co_pilots[name].strip() for name in CO_PILOT_FIELDS if name in co_pilots}
    for name, value in values.items():
        if len(value) > 200:
            errors[name] = [_("At most 200 characters.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), auditlog_disabled():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        changed = {
            name: [getattr(locked, name), value] for name, value in values.items() if getattr(locked, name) != value
        }
        for name, value in values.items():
            setattr(locked, name, value)
        for field, data in logos.items():
            new = bytes(data or b"")
            if bytes(getattr(locked, field) or b"") != new:
                changed[field] = ["replaced" if new else "removed"]
            setattr(locked, field, new)
        locked.save()
        record_event(actor, AuditEvent.Action.UPDATE, plan=locked, obj=locked, details={"letterhead": changed})
    return locked


def send_convocation(meeting: Meeting, *, agenda: str, resend: bool = False, actor: Actor) -> int:
    """Queue the meeting's convocation with its agenda for the members of its attending partners (the worker
    sends it, never the request) and record when; returns how many were queued. A second send needs `resend`."""
    from copil.notifications.messages import convocation

    if actor is not None:
        policy.require(actor, "update", "meeting", obj=meeting)
    with transaction.atomic(), auditlog_disabled():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.convocation_sent_at is not None and not resend:
            raise ValidationError(
                _("The convocation was already sent on {date}: confirm to send it again.").format(
                    date=timezone.localtime(locked.convocation_sent_at).strftime("%d/%m/%Y %H:%M")
                )
            )
        if not locked.attendees.exists():
            raise ValidationError(_("Record the partners invited to the meeting before sending the convocation."))
        queued = convocation(locked, agenda)
        locked.convocation_sent_at = timezone.now()
        locked.save(update_fields=["convocation_sent_at", "updated_at"])
        record_event(
            actor,
            AuditEvent.Action.UPDATE,
            plan=locked.plan_id,
            obj=locked,
            details={"convocation": len(queued), "resend": resend},
        )
    meeting.convocation_sent_at = locked.convocation_sent_at
    return len(queued)

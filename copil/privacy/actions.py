"""Every change to the data-protection settings of a plan: designating its data protection officers and setting
its own retention durations. One function per change, the policy check and the audit entry in the same
transaction (`copil.records.actions` style)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from copil.access import policy
from copil.access.actors import Actor
from copil.access.audit import record_event, snapshot
from copil.access.models import AuditEvent
from copil.plans.models import Plan

from .models import DataProtectionOfficer, PlanRetention


def designate_officer(actor: Actor, plan: Plan, user: Any) -> DataProtectionOfficer:
    """Designate a user data protection officer of the plan (they must also be one of its coordinators to act)."""
    if actor is not None and not policy.may_designate_officers(actor):
        raise PermissionDenied(_("Only the deployment's administrators designate data protection officers."))
    with transaction.atomic():
        officer, created = DataProtectionOfficer.objects.get_or_create(plan=plan, user=user)
        if created:
            record_event(actor, AuditEvent.Action.CREATE, plan=plan, obj=officer, after=officer)
    return officer


def revoke_officer(actor: Actor, officer: DataProtectionOfficer) -> None:
    if actor is not None and not policy.may_designate_officers(actor):
        raise PermissionDenied(_("Only the deployment's administrators designate data protection officers."))
    with transaction.atomic():
        before = snapshot(officer)
        record_event(actor, AuditEvent.Action.DELETE, plan=officer.plan_id, obj=officer, before=before)
        officer.delete()


def set_plan_retention(actor: Actor, plan: Plan, kind: str, months: int | None) -> PlanRetention | None:
    """Set (or, with `months` None, drop) the plan's own retention of `kind`; ValidationError outside the bounds."""
    if actor is not None and not policy.may_set_retention(actor, plan):
        raise PermissionDenied(_("Only the plan's data protection officer may change its retention durations."))
    with transaction.atomic():
        current = PlanRetention.objects.select_for_update().filter(plan=plan, kind=kind).first()
        before = snapshot(current)
        if months is None:
            if current is not None:
                record_event(actor, AuditEvent.Action.DELETE, plan=plan, obj=current, before=before)
                current.delete()
            return None
        retention = current or PlanRetention(plan=plan, kind=kind)
        retention.months = months
        retention.full_clean()
        retention.save()
        action = AuditEvent.Action.UPDATE if current is not None else AuditEvent.Action.CREATE
        record_event(actor, action, plan=plan, obj=retention, before=before, after=retention)
    return retention

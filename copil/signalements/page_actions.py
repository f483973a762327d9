"""Changes made from the signalement pages that the shared actions module does not offer (yet): the delays of a
category. Same rules as `copil.signalements.actions`: policy check, audit entry, one transaction."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from copil.access.actors import Actor
from copil.access.audit import record_event
from copil.access.models import AuditEvent
from copil.signalements import queries
from copil.signalements.models import Category


def set_category_delays(category: Category, *, actor: Actor, take_days: int, due_days: int) -> Category:
    """The days a category gives to take a signalement in and to resolve it (coordinators of its plan); applies to
    the signalements created afterwards."""
    if not queries.may_manage_routing(actor, category.plan):
        raise PermissionDenied(_("Only the plan's coordinators set the delays of the categories."))
    if take_days < 0 or due_days < 1 or take_days > due_days:
        raise ValidationError(
            {"take_days": _("The days to take in must be between 0 and the days to resolve (at least 1).")}
        )
    with transaction.atomic():
        locked = Category.objects.select_for_update().get(pk=category.pk)
        before = {"take_days": locked.take_days, "due_days": locked.due_days}
        locked.take_days, locked.due_days = take_days, due_days
        locked.save(update_fields=["take_days", "due_days"])
        record_event(
            actor,
            AuditEvent.Action.UPDATE,
            plan=locked.plan_id,
            obj=locked,
            before=before,
            after={"take_days": take_days, "due_days": due_days},
            details={"signalement_category": locked.code},
        )
    return locked

"""The public API of notifications: `notify(kind, obj, recipients, subject=…, body=…)` queues one e-mail per
person, as each prefers for that kind, and asks the background worker to send them; nothing is sent in the
request. The text must name no person (no names, no record contents): e-mail leaves the system.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction

from copil.plans.models import Membership, Partner, Plan

from .models import Kind, Mode, Notification, PlanSettings, Preference


def object_label(obj: models.Model) -> tuple[str, str]:
    """`("alerts.alert", "12")`: how a notification names its object without copying it."""
    return obj._meta.label_lower, str(obj.pk)


def mode_for(user: Any, kind: str) -> str:
    """The person's choice for this kind of notification (immediately by default)."""
    chosen = Preference.objects.filter(user=user, kind=kind).values_list("mode", flat=True).first()
    return chosen or Mode.IMMEDIATE


def set_preference(user: Any, kind: str, mode: str) -> Preference:
    """Record how the person wants this kind of notification."""
    preference, _created = Preference.objects.update_or_create(
        user=user, kind=Kind(kind), defaults={"mode": Mode(mode)}
    )
    return preference


def notify(
    kind: str, obj: models.Model, recipients: Iterable[Any], *, plan: Plan, subject: str, body: str
) -> list[Notification]:
    """Queue one notification of `kind` about `obj` per recipient (users; each at most once), in the mode each
    chose (none: nothing queued), and enqueue their sending once the transaction commits."""
    object_type, object_id = object_label(obj)
    queued = []
    for user in {user.pk: user for user in recipients if user.email and user.is_active}.values():
        mode = mode_for(user, kind)
        if mode == Mode.NONE:
            continue
        queued.append(
            Notification.objects.create(
                plan=plan,
                kind=Kind(kind),
                mode=mode,
                recipient=user,
                object_type=object_type,
                object_id=object_id,
                subject=subject,
                body=body,
            )
        )
    if any(n.mode == Mode.IMMEDIATE for n in queued):
        from .tasks import send_notifications

        transaction.on_commit(send_notifications.enqueue)
    return queued


def members_of(partners: Iterable[Partner]) -> list[Any]:
    """The active users acting for these partners."""
    ids = Membership.objects.filter(partner__in=list(partners), deactivated_at__isnull=True).values("user")
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


def coordinators_of(plan: Plan) -> list[Any]:
    """The active users acting for the plan's coordinating partners."""
    return members_of(plan.partners.filter(role=Partner.Role.COORDINATOR))


def alert_recipients(plan: Plan) -> list[Any]:
    """Who receives a new alert of the plan: its coordinators and the members of the partners its settings name."""
    named = PlanSettings.objects.filter(plan=plan).first()
    partners = list(named.alert_partners.all()) if named else []
    return coordinators_of(plan) + members_of(partners)

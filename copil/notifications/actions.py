"""Writes of notification settings: one function per mutation, audited in its transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from copil.access.audit import record_event
from copil.access.models import AuditEvent

from .api import mode_for, set_preference


def choose_notification_modes(actor: Any, *, modes: Mapping[str, str]) -> dict[str, str]:
    """Record how the signed-in person wants each kind of notification (a person sets only their own); returns
    the kinds whose mode changed, with their new mode."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in to choose your notifications."))
    with transaction.atomic():
        changed = {kind: mode for kind, mode in modes.items() if mode_for(actor, kind) != mode}
        for kind, mode in changed.items():
            set_preference(actor, kind, mode)
        if changed:
            record_event(actor, AuditEvent.Action.UPDATE, obj=actor, details={"notification_modes": changed})
    return changed

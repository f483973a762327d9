"""The audit trail as people read it: each event as one French sentence, its values as rows of a table.

The trail stores JSON (`before`, `after`, `details`); the journal page turns it into words here, never into
Python reprs. Fields are named with their model's verbose names; unknown keys keep their own name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from .models import AuditEvent

Action = AuditEvent.Action

# Sentences per action: {actor} who acted, {object} what it acted on (empty when the event names nothing).
_SENTENCES: dict[str, Callable[[], str]] = {
    Action.CREATE: lambda: _("{actor} created {object}."),
    Action.UPDATE: lambda: _("{actor} changed {object}."),
    Action.DELETE: lambda: _("{actor} deleted {object}."),
    Action.IMPORT: lambda: _("{actor} imported {object}."),
    Action.EXPORT: lambda: _("{actor} exported {object}."),
    Action.BILAN: lambda: _("{actor} produced {object}."),
    Action.LOGIN: lambda: _("{actor} logged in."),
    Action.LOGIN_FAILED: lambda: _("Failed login attempt for {actor}."),
    Action.LOGOUT: lambda: _("{actor} logged out."),
    Action.INVITE: lambda: _("{actor} invited {object}."),
    Action.DEACTIVATE: lambda: _("{actor} deactivated {object}."),
    Action.PASSWORD_SET: lambda: _("{actor} chose a password."),
    Action.OTP_ENROL: lambda: _("{actor} enrolled an authenticator for the two-factor sign-in."),
    Action.OTP_VERIFIED: lambda: _("{actor} passed the second factor."),
    Action.OTP_FAILED: lambda: _("{actor} typed a refused second-factor code."),
    Action.OTP_RESET: lambda: _("{actor} reset the second factor of {object}."),
}

# Labels of the keys found in `details` (the other keys are shown as they are).
_DETAIL_LABELS: dict[str, Callable[[], str]] = {
    "kind": lambda: _("Record kind"),
    "format": lambda: _("Format"),
    "filters": lambda: _("Filters"),
    "rows": lambda: _("Rows"),
    "period": lambda: _("Period"),
    "published": lambda: _("Published variant"),
    "document": lambda: _("Document"),
    "meeting": lambda: _("Meeting"),
    "reason": lambda: _("Reason"),
    "email": lambda: _("E-mail address"),
    "new_account": lambda: _("New account"),
    "user": lambda: _("User"),
    "account_deactivated": lambda: _("Account deactivated"),
    "source": lambda: _("Source"),
    "step": lambda: _("Step"),
    "records": lambda: _("Records"),
    "fields": lambda: _("Fields"),
    "record": lambda: _("Record"),
    "privacy": lambda: _("Data protection step"),
    "last_activity": lambda: _("Last activity"),
    "days": lambda: _("Days"),
    "device": lambda: _("Device"),
    "recovery_codes": lambda: _("Recovery codes"),
    "devices_removed": lambda: _("Devices removed"),
    "recovery_codes_removed": lambda: _("Recovery codes removed"),
    "deleted": lambda: _("Deleted"),
    "log_entry": lambda: _("Log entry"),
    "file": lambda: _("File"),
    "part": lambda: _("Part"),
    "unchanged": lambda: _("Unchanged"),
    "model": lambda: _("Object type"),
    "created": lambda: _("Created"),
    "updated": lambda: _("Updated"),
    "action": lambda: _("Action"),
    "count": lambda: _("Count"),
    "method": lambda: _("Method"),
    "recovery_codes_left": lambda: _("Recovery codes left"),
    "backend": lambda: _("Authentication backend"),
}
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ISO_PERIOD = re.compile(r"^(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class ValueRow:
    """One line of an event's table: a field and its value before and after (or one value for details)."""

    label: str
    before: str
    after: str


def _model(object_type: str) -> Any:
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except (LookupError, ValueError):
        return None


def object_label(event: AuditEvent) -> str:
    """What the event acted on, in words: « saisie « SZ-1 » », or the plain text of its type and name."""
    model = _model(event.object_type)
    kind = str(model._meta.verbose_name) if model is not None else event.object_type
    if event.object_repr and kind:
        return _("{kind} « {name} »").format(kind=kind, name=event.object_repr)
    return event.object_repr or kind or ""


def sentence(event: AuditEvent) -> str:
    """The event as one French sentence (actions added later read « {actor} : {action} — {object}. »)."""
    actor = event.actor_label or AuditEvent.SYSTEM
    thing = object_label(event)
    template = _SENTENCES.get(event.action)
    if template is None or ("{object}" in template() and not thing):
        text = _("{actor}: {action}").format(actor=actor, action=event.get_action_display())
        return f"{text} — {thing}." if thing else f"{text}."
    return template().format(actor=actor, object=thing)


def format_value(value: Any) -> str:
    """A stored JSON value in words: yes/no, lists joined, mappings as « key : value »; nothing for None."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return ", ".join(format_value(item) for item in value) or "—"
    if isinstance(value, dict):
        return " ; ".join(f"{_detail_label(key)} : {format_value(item)}" for key, item in value.items()) or "—"
    if value in ("True", "False"):
        return _("yes") if value == "True" else _("no")
    text = str(value)
    period = _ISO_PERIOD.match(text)
    if period:
        return _("from {start} to {end}").format(start=_french_date(period[1]), end=_french_date(period[2]))
    return _french_date(text)


def _french_date(text: str) -> str:
    """ISO dates (2024-03-12, or at the start of a date and time) as 12/03/2024."""
    return (
        _ISO_DATE.sub(lambda match: f"{match[3]}/{match[2]}/{match[1]}", text, count=1) if text[:4].isdigit() else text
    )


def _detail_label(key: str) -> str:
    label = _DETAIL_LABELS.get(key)
    return label() if label else str(key)


def _field_label(model: Any, name: str) -> str:
    if model is None:
        return name
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def change_rows(event: AuditEvent) -> list[ValueRow]:
    """The fields the event changed, each with its value before and after."""
    model = _model(event.object_type)
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    return [
        ValueRow(_field_label(model, name), format_value(before.get(name)), format_value(after.get(name)))
        for name in dict.fromkeys([*before, *after])
    ]


def detail_rows(event: AuditEvent) -> list[ValueRow]:
    """The event's details (format, period, counts…), each labelled, its value in `after`."""
    details = event.details if isinstance(event.details, dict) else {}
    return [ValueRow(_detail_label(key), "", format_value(value)) for key, value in details.items()]

"""An alert's follow-up told in French: one sentence per step (AlertStep), for its page."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AlertStep


def _who(step: AlertStep) -> str:
    if step.by is None:
        return _("Copil")
    return step.by.get_full_name() or step.by.get_username()


def step_sentence(step: AlertStep) -> str:
    """« Le 04/12/2026 à 18:30, police-paris a pris l'alerte en compte. » and the like."""
    at = timezone.localtime(step.at)
    values = {"date": at.strftime("%d/%m/%Y"), "time": at.strftime("%H:%M"), "who": _who(step), "note": step.note}
    if step.kind == AlertStep.Kind.ACKNOWLEDGED:
        return _("On {date} at {time}, {who} acknowledged the alert.").format(**values)
    if step.kind == AlertStep.Kind.ASSIGNED:
        return _("On {date} at {time}, {who} assigned the alert to {note}.").format(**values)
    if step.kind == AlertStep.Kind.CLOSED:
        return _("On {date} at {time}, {who} closed the alert: {note}.").format(**values)
    return _("On {date} at {time}, {who} turned the alert into an action item: « {note} ».").format(**values)


def history(alert_steps: list[AlertStep]) -> list[str]:
    """The steps as sentences, oldest first."""
    return [step_sentence(step) for step in sorted(alert_steps, key=lambda s: (s.at, s.pk))]

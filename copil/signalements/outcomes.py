"""The sentence the reporting partner reads about its signalement (« Votre signalement a été traité : opération de
police le 12/03 »), built from its status, the record it is linked to and the outcome given when it was closed."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from copil.signalements.models import Signalement


def _day(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)  # type: ignore[arg-type]
    return value.strftime("%d/%m")  # type: ignore[attr-defined]


def _bare(outcome: str) -> str:
    """The outcome without its closing full stop, the sentence that quotes it puts its own."""
    return outcome.strip().rstrip(".").rstrip()


def _what_was_done(item: Signalement) -> str:
    """The linked record as the reporter understands it: « opération de police le 12/03 », « procédure
    d'expulsion engagée le 04/02 », « point de deal suivi » — the operation first, then the eviction, then the
    deal point; else the outcome text."""
    if item.operation_id is not None and item.operation is not None:
        return _("police operation on {day}").format(day=_day(item.operation.occurred_on))
    if item.eviction_id is not None and item.eviction is not None:
        return _("eviction procedure opened on {day}").format(day=_day(item.eviction.opened_on))
    if item.deal_point_id is not None:
        return _("deal point followed by the police")
    return ""


def outcome_sentence(item: Signalement) -> str:
    """Where the signalement stands, in one French sentence for the partner that reported it."""
    status = item.status
    if status == Signalement.Status.RESOLVED:
        done = _what_was_done(item)
        text = _("Your signalement has been dealt with: {what}").format(
            what=done or _("resolved on {day}").format(day=_day(item.closed_at))
        )
        if item.outcome:
            text += f" ({_bare(item.outcome)})"
        return text + "."
    if status == Signalement.Status.CLOSED:
        return _("Your signalement was closed without action on {day}: {reason}.").format(
            day=_day(item.closed_at), reason=_bare(item.outcome)
        )
    if status == Signalement.Status.ENGAGED:
        return _("An action is engaged by {partner} since {day}.").format(
            partner=item.owner_partner or "—", day=_day(item.engaged_at)
        )
    if status == Signalement.Status.TAKEN:
        return _("Taken in hand by {partner} on {day}.").format(
            partner=item.owner_partner or "—", day=_day(item.taken_at)
        )
    return _("Sent; not yet taken in hand.")

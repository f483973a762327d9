"""Writes to bilan versions: one function per mutation, policy check and audit entry in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from copil.access import policy
from copil.access.audit import record_event
from copil.access.models import AuditEvent
from copil.indicators.catalogue import get_indicator
from copil.indicators.engine import compute_many
from copil.indicators.periods import Period
from copil.plans.models import Meeting, Plan

from . import disclosure
from .bilan import INDICATORS, build_bilan, sensitive_indicators
from .models import BilanVersion
from .versions import freeze_figures

FigureKey = tuple[str, ...]


def public_counts(plan: Plan, period: Period) -> dict[FigureKey, tuple[int, int]]:
    """Every count of persons (or records behind them) the public variant shows exactly over the period, with
    the threshold under which it must not be derivable: values, breakdown cells, record counts, sources."""
    definitions = [get_indicator(code) for code in INDICATORS]
    results = compute_many(definitions, period, plan=plan)
    suppressed = sensitive_indicators()
    counts: dict[FigureKey, tuple[int, int]] = {}
    for code in sorted(suppressed):
        result = results[code]
        figure = disclosure.published_figure(result, results, suppressed)
        limit = disclosure.threshold(result.definition)
        shown: list[tuple[FigureKey, Any]] = [((code, "value"), figure.value), ((code, "records"), figure.record_count)]
        shown += [((code, "cell", key), value) for key, value in figure.breakdown.items()]
        shown += [((code, "source", name), count) for name, count in figure.sources]
        counts.update({key: (int(value), limit) for key, value in shown if isinstance(value, int | float)})
    return counts


def differencing_leak(plan: Plan, period: Period, versions: Iterable[BilanVersion]) -> tuple[BilanVersion, str] | None:
    """The first published version whose figures, subtracted from (or from) those of `period` when one period
    contains the other, give a count of persons under the threshold: the version and the indicator's label."""
    mine = public_counts(plan, period)
    for version in versions:
        other = version.period
        if not (other.start <= period.start and period.end <= other.end) and not (
            period.start <= other.start and other.end <= period.end
        ):
            continue
        theirs = public_counts(plan, other)
        for key, (value, limit) in mine.items():
            if key in theirs and 0 < abs(theirs[key][0] - value) < limit:
                return version, str(get_indicator(key[0]).label)
    return None


def publish_bilan(actor: Any, *, plan: Plan, period: Period, change_note: str = "") -> BilanVersion:
    """Publish the public variant of the plan's bilan over `period`: the public may then read it.

    Only the plan's coordinators (or the system, `actor=None`) publish. Refused when the period is already
    published, or when a reader could subtract this bilan from an already published one (one period inside
    the other) and find a count of persons under the threshold.
    """
    if actor is not None and not policy.is_plan_coordinator(actor, plan):
        raise PermissionDenied(_("Only a coordinator of the plan can publish its bilan."))
    with transaction.atomic():
        Plan.objects.select_for_update().filter(pk=plan.pk).first()
        published = list(BilanVersion.objects.published().filter(plan=plan))
        if any(v.period == period for v in published):
            raise ValidationError(_("The bilan of this period is already published."))
        leak = differencing_leak(plan, period, published)
        if leak is not None:
            version, label = leak
            raise ValidationError(
                _(
                    "Publishing this period would let a reader subtract bilan no. {number} ({start} – {end}) from "
                    "it and find a count under the threshold ({label}); choose another period."
                ).format(
                    number=version.number,
                    start=version.period_start.strftime("%d/%m/%Y"),
                    end=version.period_end.strftime("%d/%m/%Y"),
                    label=label,
                )
            )
        number = (BilanVersion.objects.filter(plan=plan).aggregate(top=Max("number"))["top"] or 0) + 1
        version = BilanVersion(
            plan=plan,
            number=number,
            period_start=period.start,
            period_end=period.end,
            variant=BilanVersion.Variant.PUBLIC,
            state=BilanVersion.State.PUBLISHED,
            change_note=change_note,
            published_at=timezone.now(),
            published_by=_user(actor),
            prepared_by=_user(actor),
        )
        _freeze(version)
        version.save()
        record_event(
            actor,
            AuditEvent.Action.CREATE,
            plan=plan,
            obj=version,
            after=version,
            details={"published": True, "period": f"{period.start}/{period.end}"},
        )
    return version


def published_version(plan: Plan, period: Period) -> BilanVersion | None:
    """The published version of the plan's bilan over exactly this period, if any."""
    return (
        BilanVersion.objects.published()
        .filter(plan=plan, period_start=period.start, period_end=period.end)
        .order_by("-number")
        .first()
    )


# --- the publication workflow: draft → submitted → approved → published, or withdrawn -----------------------

State = BilanVersion.State
MOVES: dict[str, tuple[str, ...]] = {
    State.SUBMITTED: (State.DRAFT,),
    State.APPROVED: (State.SUBMITTED,),
    State.PUBLISHED: (State.APPROVED,),
    State.WITHDRAWN: (State.DRAFT, State.SUBMITTED, State.APPROVED, State.PUBLISHED),
}


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _check_coordinator(actor: Any, plan: Plan) -> None:
    if actor is not None and not policy.is_plan_coordinator(actor, plan):
        raise PermissionDenied(_("Only a coordinator of the plan can move its bilan versions."))


def _freeze(version: BilanVersion) -> None:
    """Compute the bilan once and store its figures, HTML body and PDF in the version (not saved)."""
    from .pdf import bilan_pdf

    report = build_bilan(version.plan, version.period, published=version.variant == BilanVersion.Variant.PUBLIC)
    version.figures = freeze_figures(report)
    version.html = render_to_string("web/includes/bilan_body.html", {"bilan": report})
    version.pdf = bilan_pdf(report)


def prepare_bilan(
    actor: Any, *, plan: Plan, period: Period, variant: str = BilanVersion.Variant.PUBLIC, change_note: str = ""
) -> BilanVersion:
    """A new draft version of the plan's bilan over `period`, its figures, HTML and PDF frozen now."""
    _check_coordinator(actor, plan)
    with transaction.atomic():
        Plan.objects.select_for_update().filter(pk=plan.pk).first()
        number = (BilanVersion.objects.filter(plan=plan).aggregate(top=Max("number"))["top"] or 0) + 1
        version = BilanVersion(
            plan=plan,
            number=number,
            period_start=period.start,
            period_end=period.end,
            variant=variant,
            state=State.DRAFT,
            change_note=change_note,
            prepared_by=_user(actor),
        )
        _freeze(version)
        version.save()
        record_event(
            actor,
            AuditEvent.Action.CREATE,
            plan=plan,
            obj=version,
            details={"state": State.DRAFT, "period": f"{period.start}/{period.end}", "number": number},
        )
    return version


def _move(actor: Any, version: BilanVersion, to: str, **changes: Any) -> BilanVersion:
    """Move a version to the state `to` if its current state allows it; audit the move."""
    _check_coordinator(actor, version.plan)
    with transaction.atomic():
        locked = BilanVersion.objects.select_for_update().get(pk=version.pk)
        if locked.state not in MOVES[to]:
            raise ValidationError(
                _("Bilan no. {number} is « {state} »: it cannot become « {target} ».").format(
                    number=locked.number, state=locked.get_state_display(), target=State(to).label
                )
            )
        before = locked.state
        locked.state = to
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save()
        record_event(
            actor,
            AuditEvent.Action.UPDATE,
            plan=locked.plan,
            obj=locked,
            details={"state": [before, to], **{k: str(v) for k, v in changes.items() if k != "published_by"}},
        )
    return locked


def submit_bilan(actor: Any, *, version: BilanVersion) -> BilanVersion:
    """Submit a draft to the steering committee."""
    return _move(actor, version, State.SUBMITTED)


def approve_bilan(actor: Any, *, version: BilanVersion, meeting: Meeting, approved_on: dt.date) -> BilanVersion:
    """Record that a meeting of the plan's committee approved the submitted version on `approved_on`."""
    if meeting.plan_id != version.plan_id:
        raise ValidationError(_("The approving meeting must be a meeting of the plan."))
    return _move(actor, version, State.APPROVED, approved_by_meeting=meeting, approved_on=approved_on)


def publish_version(actor: Any, *, version: BilanVersion) -> BilanVersion:
    """Publish an approved public version: the public may then read it, frozen as approved.

    A later version of an already published period is a correction (its page says what changed); a period one
    inside another published one is refused if subtracting them would give a count under the threshold.
    """
    if version.variant != BilanVersion.Variant.PUBLIC:
        raise ValidationError(_("Only the public variant of a bilan can be published."))
    others = (
        BilanVersion.objects.published()
        .filter(plan=version.plan)
        .exclude(period_start=version.period_start, period_end=version.period_end)
    )
    leak = differencing_leak(version.plan, version.period, others)
    if leak is not None:
        raise ValidationError(
            _(
                "Publishing this period would let a reader subtract bilan no. {number} from "
                "it and find a count under the threshold ({label})."
            ).format(number=leak[0].number, label=leak[1])
        )
    return _move(actor, version, State.PUBLISHED, published_at=timezone.now(), published_by=_user(actor))


def withdraw_bilan(actor: Any, *, version: BilanVersion, reason: str) -> BilanVersion:
    """Withdraw a version, with the reason kept in its history; a withdrawn published version leaves the public page."""
    if not reason.strip():
        raise ValidationError({"withdrawal_reason": _("Say why the version is withdrawn.")})
    return _move(actor, version, State.WITHDRAWN, withdrawal_reason=reason.strip())


def previous_published(version: BilanVersion) -> BilanVersion | None:
    """The published version of the same period before this one: the one its page compares with."""
    return (
        BilanVersion.objects.published()
        .filter(plan=version.plan, period_start=version.period_start, period_end=version.period_end)
        .filter(number__lt=version.number)
        .order_by("-number")
        .first()
    )


def last_approved(plan: Plan) -> BilanVersion | None:
    """The plan's latest version the committee approved (approved or published since)."""
    return (
        BilanVersion.objects.filter(plan=plan, state__in=[State.APPROVED, State.PUBLISHED]).order_by("-number").first()
    )


def set_foreword(actor: Any, *, version: BilanVersion, foreword: str) -> BilanVersion:
    """Set the préfecture's foreword of a version (« avant-propos »), printed before the bilan in its ODT; a
    published or withdrawn version keeps the words it went out with."""
    _check_coordinator(actor, version.plan)
    with transaction.atomic():
        locked = BilanVersion.objects.select_for_update().get(pk=version.pk)
        if locked.state in (State.PUBLISHED, State.WITHDRAWN):
            raise ValidationError(
                {
                    "foreword": _("Bilan no. {number} is « {state} »: its foreword can no longer change.").format(
                        number=locked.number, state=locked.get_state_display()
                    )
                }
            )
        before = locked.foreword
        locked.foreword = foreword.strip()
        locked.save(update_fields=["foreword"])
        record_event(
            actor,
            AuditEvent.Action.UPDATE,
            plan=locked.plan,
            obj=locked,
            details={"foreword": [before, locked.foreword]},
        )
    return locked

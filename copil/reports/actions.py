"""Writes to bilan versions: one function per mutation, policy check and audit entry in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from copil.access import policy
from copil.access.audit import record_event
from copil.access.models import AuditEvent
from copil.indicators.catalogue import get_indicator
from copil.indicators.engine import compute_many
from copil.indicators.periods import Period
from copil.plans.models import Plan

from . import disclosure
from .bilan import INDICATORS, sensitive_indicators
from .models import BilanVersion

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
        version = BilanVersion.objects.create(
            plan=plan,
            number=number,
            period_start=period.start,
            period_end=period.end,
            variant=BilanVersion.Variant.PUBLIC,
            state=BilanVersion.State.PUBLISHED,
            change_note=change_note,
            published_at=timezone.now(),
            published_by=actor if getattr(actor, "pk", None) else None,
        )
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

"""The figures of the signalements: how many were made in a period, how many of them are resolved, and the
median delay between a signalement's creation and its taking in hand, for a plan and per category.

A signalement is placed in a period by the local date of its creation. The take-in delay is read from the
signalements of the period that were taken in hand (`taken_at` set), in days (to the tenth); a signalement
taken in hand then resolved or closed keeps its `taken_at`. The bilan states them in one sentence
(`bilan_sentence`); these are counts of reports, not of persons, so the bilan's disclosure rules publish them
as the other counts of events, except the median, which a published bilan withholds when fewer than
`MEDIAN_MINIMUM` signalements are behind it (a median of two delays would describe two cases).
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from copil.indicators.periods import ONE_DAY, Period
from copil.plans.models import Plan
from copil.reports.formatting import format_number

from .models import Signalement

MEDIAN_MINIMUM = 5
DAY_PLACES = Decimal("0.1")
SECONDS_PER_DAY = Decimal(86400)


@dataclass(frozen=True)
class SignalementFigures:
    """The signalements of a period: made, resolved among them, and the median take-in delay (None: none
    taken in hand)."""

    count: int
    resolved: int
    taken: int
    median_take_days: Decimal | None


@dataclass(frozen=True)
class PlanSignalementFigures:
    total: SignalementFigures
    by_category: dict[str, SignalementFigures] = field(default_factory=dict)  # category code → figures
    labels: dict[str, str] = field(default_factory=dict)  # category code → label


def in_period(plan: Plan, period: Period) -> QuerySet[Signalement]:
    """The plan's signalements created within the period (by the local date of their creation)."""
    start = timezone.make_aware(dt.datetime.combine(period.start, dt.time.min))
    after = timezone.make_aware(dt.datetime.combine(period.end + ONE_DAY, dt.time.min))
    return Signalement.objects.filter(plan=plan, created_at__gte=start, created_at__lt=after)


def median_days(delays: list[dt.timedelta]) -> Decimal | None:
    """The median of the delays in days, to the tenth (None for no delay)."""
    if not delays:
        return None
    seconds = statistics.median(Decimal(delay.total_seconds()) for delay in delays)
    return (Decimal(seconds) / SECONDS_PER_DAY).quantize(DAY_PLACES, ROUND_HALF_UP)


def _figures(rows: list[tuple[str, dt.datetime, dt.datetime | None]]) -> SignalementFigures:
    delays = [taken - created for _status, created, taken in rows if taken is not None and taken >= created]
    return SignalementFigures(
        count=len(rows),
        resolved=sum(1 for status, _created, _taken in rows if status == Signalement.Status.RESOLVED),
        taken=len(delays),
        median_take_days=median_days(delays),
    )


def compute(plan: Plan, period: Period) -> PlanSignalementFigures:
    """The figures of the plan's signalements over the period, in total and per category (one query)."""
    rows = in_period(plan, period).values_list("category__code", "category__label", "status", "created_at", "taken_at")
    per_category: dict[str, list[tuple[str, dt.datetime, dt.datetime | None]]] = {}
    labels: dict[str, str] = {}
    everything: list[tuple[str, dt.datetime, dt.datetime | None]] = []
    for code, label, status, created_at, taken_at in rows.order_by("category__code", "pk"):
        row = (status, created_at, taken_at)
        per_category.setdefault(code, []).append(row)
        labels[code] = label
        everything.append(row)
    return PlanSignalementFigures(
        total=_figures(everything),
        by_category={code: _figures(category_rows) for code, category_rows in per_category.items()},
        labels=labels,
    )


def format_days(days: Decimal) -> str:
    """« 2 jours », « 1,5 jour », « 0,3 jour » (French: under 2 is singular)."""
    return ngettext("{n} day", "{n} days", int(days)).format(n=format_number(days, max_decimals=1))


def bilan_sentence(figures: SignalementFigures, *, published: bool = False) -> str | None:
    """« 214 signalements entre partenaires, dont 187 résolus ; délai médian de prise en charge : 2 jours. »
    None when there was no signalement in the period."""
    if not figures.count:
        return None
    text = ngettext("{n} signalement between partners", "{n} signalements between partners", figures.count).format(
        n=format_number(figures.count)
    )
    text += ngettext(", of which {n} resolved", ", of which {n} resolved", figures.resolved).format(
        n=format_number(figures.resolved)
    )
    median = figures.median_take_days
    if median is not None and not (published and figures.taken < MEDIAN_MINIMUM):
        text += _("; median time to take in hand: {delay}").format(delay=format_days(median))
    return text + "."


def sources(plan: Plan, period: Period) -> list[tuple[str, int]]:
    """Who made the period's signalements, most first: the reporting partners, and the national reporting
    platform for the reports it forwarded."""
    rows = (
        in_period(plan, period)
        .order_by()
        .values("source", "reporter_partner__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "reporter_partner__name")
    )
    out: list[tuple[str, int]] = []
    for row in rows:
        if row["source"] == Signalement.Source.NATIONAL_CHANNEL or not row["reporter_partner__name"]:
            out.append((str(Signalement.Source.NATIONAL_CHANNEL.label), row["n"]))
        else:
            out.append((row["reporter_partner__name"], row["n"]))
    return out

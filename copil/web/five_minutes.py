"""« Le COPIL en 5 minutes »: the one-page summary of a plan the préfet reads first, on the phone or as PDF.

It holds the figures that moved most over a period (only real moves: a count whose exact conditional test says
« hausse » or « baisse », a stock that changed; ranked by their relative change), the open early-warning
alerts, the overdue action items and the next meeting, each as the reader may see them (`make_card`,
`policy.visible_plan_objects`). Figures come from the dashboard's cached computation: no extra work on the
dashboard page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from copil.access.actors import Actor
from copil.alerts import services as alert_services
from copil.alerts.models import Alert
from copil.indicators.periods import ONE_DAY, Period, format_date_fr
from copil.plans.models import Action, Meeting, Plan
from copil.reports.actions import last_approved

from .caching import cached, data_version
from .dashboard import Card, dashboard_figures, make_card, user_signature
from .meetings import meetings_of, overdue_actions

MOVERS = 3
ALERTS_LISTED = 5
REAL_MOVES = frozenset({"up", "down"})


@dataclass(frozen=True)
class AlertLine:
    alert: Alert
    text: str


@dataclass
class FiveMinutes:
    """What the summary shows, as one reader may see it."""

    plan: Plan
    period: Period
    movers: list[Card] = field(default_factory=list)
    alerts: list[AlertLine] = field(default_factory=list)
    alert_count: int = 0
    overdue: list[Action] = field(default_factory=list)
    next_meeting: Meeting | None = None

    @property
    def more_alerts(self) -> int:
        return self.alert_count - len(self.alerts)


def since_last_bilan(plan: Plan, today: dt.date) -> Period | None:
    """From the day after the last approved bilan's period to today (None without one, or when it ends today)."""
    version = last_approved(plan)
    if version is None or version.period_end >= today:
        return None
    return Period(version.period_end + ONE_DAY, today)


def movement(current: Any, previous: Any) -> tuple[Decimal, Decimal]:
    """The ranking key of a move: its relative change |Δ| / earlier figure (infinite when the figure starts from
    zero), then its absolute change |Δ|."""
    change = abs(Decimal(current) - Decimal(previous))
    return (change / abs(Decimal(previous)) if previous else Decimal("Infinity")), change


def figures_that_moved(
    user: Actor, plan: Plan, period: Period, *, limit: int = MOVERS, version: str | None = None
) -> list[Card]:
    """The `limit` figures the reader may see that really moved over the period against the previous period of
    equal length (the dashboard's badges: the exact test for counts, the direction for stocks; sums and daily
    means carry no verdict and never count as a move), largest relative change first (`movement`). Two
    indicators of the same records and filter moving alike (active deal points, and by zone) count once."""
    figures = dashboard_figures(plan, period, version=version)
    ranked: list[tuple[tuple[Decimal, Decimal], str, Card]] = []
    seen: set[tuple[Any, ...]] = set()
    for code, result in figures.results.items():
        previous = figures.previous.get(code)
        definition = result.definition
        same_figure = (definition.source, tuple(definition.filter), result.headline, previous)
        if result.headline is None or previous is None or same_figure in seen:
            continue
        card = make_card(
            user,
            plan,
            period,
            result,
            previous,
            figures.results,
            late=figures.late_partners.get(code, ()),
            previous_records=figures.previous_records.get(code),
            count_records=False,
        )
        if card is not None and not card.suppressed and card.trend in REAL_MOVES:
            seen.add(same_figure)
            ranked.append((movement(result.headline, previous), code, card))
    ranked.sort(key=lambda item: (-item[0][0], -item[0][1], item[1]))
    return [card for _change, _code, card in ranked[:limit]]


def five_minutes(
    user: Actor,
    plan: Plan,
    period: Period,
    *,
    today: dt.date | None = None,
    version: str | None = None,
    signature: str | None = None,
) -> FiveMinutes:
    """The summary of the plan over `period` for this reader (`version`: the plan's data version, `signature`:
    what the reader may see (`user_signature`), when read)."""
    today = today or timezone.localdate()
    alerts = alert_services.agenda_alerts(plan, today)
    # The movers' cards, cached like the dashboard's HTML: per data version, day, language and what the reader
    # may see, so a repeated view builds no card.
    version = version or data_version(plan)
    key = (plan.pk, period.start, period.end, timezone.localdate(), version, translation.get_language())
    movers = cached(
        ("five-minutes-movers", *key, signature or user_signature(user, plan)),
        lambda: figures_that_moved(user, plan, period, version=version),
    )
    return FiveMinutes(
        plan=plan,
        period=period,
        movers=movers,
        alerts=[AlertLine(item["alert"], item["text"]) for item in alerts[:ALERTS_LISTED]],
        alert_count=len(alerts),
        overdue=list(overdue_actions(user, plan, today)),
        next_meeting=meetings_of(user, plan).filter(held_on__gte=today).order_by("held_on", "pk").first(),
    )


def five_minutes_html(summary: FiveMinutes) -> str:
    """The summary as a one-page printable HTML document (French, whatever the request's language)."""
    with translation.override("fr"):
        return render_to_string(
            "web/five_minutes_print.html",
            {
                "summary": summary,
                "plan": summary.plan,
                "generated_on": format_date_fr(timezone.localdate()),
            },
        )


def five_minutes_pdf(summary: FiveMinutes) -> bytes:
    import weasyprint  # slow to import; only the PDF needs it

    return weasyprint.HTML(string=five_minutes_html(summary), base_url=None).write_pdf()


def five_minutes_file_name(plan: Plan, period: Period) -> str:
    return f"copil-en-5-minutes-{plan.slug}-{period.end:%Y%m%d}.pdf"

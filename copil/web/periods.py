"""The period picker of the plan pages: presets, a custom range, or any period expression `parse_period` reads.

The query string carries `periode` — a preset key (`ce-mois`, `trimestre-dernier`, `depuis-le-debut`,
`18-derniers-mois`, `dernier-bilan`), `personnalisee` with `du` and `au` (ISO dates, as `<input type="date">`
sends them), or a free expression ("2023-T2", "depuis le 1er janvier 2023") — so the pages work without
JavaScript and every link and bookmark names its period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _

from copil.indicators.periods import ONE_DAY, Period, add_months, parse_period, plan_period
from copil.plans.models import Plan
from copil.reports.actions import last_approved

THIS_MONTH = "ce-mois"
LAST_QUARTER = "trimestre-dernier"
SINCE_START = "depuis-le-debut"
LAST_18_MONTHS = "18-derniers-mois"
LAST_BILAN = "dernier-bilan"
CUSTOM = "personnalisee"
PRESETS = (LAST_BILAN, LAST_QUARTER, THIS_MONTH, SINCE_START, LAST_18_MONTHS)
DEFAULT = SINCE_START


def preset_labels() -> dict[str, str]:
    return {
        LAST_BILAN: _("Last approved bilan"),
        THIS_MONTH: _("This month"),
        LAST_QUARTER: _("Last quarter"),
        SINCE_START: _("Since the plan began"),
        LAST_18_MONTHS: _("The last 18 months"),
        CUSTOM: _("Custom"),
    }


@dataclass(frozen=True)
class PeriodChoice:
    """The period a page shows and how the picker names it (`key`, and `du`/`au` for a custom range)."""

    period: Period
    key: str
    text: str = ""

    @property
    def query(self) -> dict[str, str]:
        """The query parameters naming this period, for links to other plan pages."""
        if self.key == CUSTOM:
            return {"periode": CUSTOM, "du": self.period.start.isoformat(), "au": self.period.end.isoformat()}
        return {"periode": self.text or self.key}

    @property
    def querystring(self) -> str:
        return urlencode(self.query)

    @property
    def cache_key(self) -> str:
        return f"{self.period.start.isoformat()}..{self.period.end.isoformat()}"


def last_complete_quarter(plan: Plan, today: dt.date) -> Period | None:
    """The last calendar quarter of the plan that is over (by `today`, or by the plan's end), starting no earlier
    than the plan; None when no quarter of the plan is over yet."""
    if plan.ended_on is not None and plan.ended_on < today:
        today = plan.ended_on + ONE_DAY
    first_of_quarter = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = first_of_quarter - ONE_DAY
    if end < plan.started_on:
        return None
    return Period(max(add_months(first_of_quarter, -3), plan.started_on), end)


def default_preset(plan: Plan, today: dt.date | None = None) -> str:
    """The period a plan's dashboard opens on: the last approved bilan's, else the plan's last complete quarter
    (figures of a quarter under way are partial), else the plan since its start."""
    if last_approved(plan) is not None:
        return LAST_BILAN
    if last_complete_quarter(plan, today or timezone.localdate()) is not None:
        return LAST_QUARTER
    return SINCE_START


def preset_period(key: str, plan: Plan, today: dt.date) -> Period:
    if key == THIS_MONTH:
        return Period(today.replace(day=1), today)
    if key == LAST_BILAN:
        version = last_approved(plan)
        if version is not None:
            return version.period
        key = LAST_QUARTER
    if key == LAST_QUARTER:
        if (quarter := last_complete_quarter(plan, today)) is not None:
            return quarter
        first_of_quarter = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        start = add_months(first_of_quarter, -3)
        return Period(start, first_of_quarter - ONE_DAY)
    if key == LAST_18_MONTHS:
        return Period(add_months(today, -18) + ONE_DAY, today)
    return plan_period(plan.started_on, plan.ended_on, today=today)


def choose_period(
    params: Mapping[str, str], plan: Plan, today: dt.date | None = None, *, default: str = DEFAULT
) -> PeriodChoice:
    """The period named by the query parameters, `default` (a preset key) when they name none (ValueError with a
    French message when it cannot be read)."""
    today = today or timezone.localdate()
    text = (params.get("periode") or "").strip() or default
    if text in PRESETS:
        return PeriodChoice(preset_period(text, plan, today), text)
    if text == CUSTOM:
        start, end = (params.get("du") or "").strip(), (params.get("au") or "").strip()
        if not start or not end:
            raise ValueError(_("Give both the first and the last day of the custom period."))
        return PeriodChoice(parse_period(f"{start}..{end}"), CUSTOM)
    return PeriodChoice(parse_period(text, plan_start=plan.started_on, plan_end=plan.ended_on, today=today), "", text)


def picker_context(
    choice: PeriodChoice | None, params: Mapping[str, str], *, presets: tuple[str, ...] | None = None
) -> dict:
    """What the picker template shows: the presets (one checked; `presets` leaves out those the plan lacks,
    e.g. a last approved bilan), and the custom range's dates."""
    labels = preset_labels()
    presets = tuple(key for key in PRESETS if key != LAST_BILAN) if presets is None else presets
    selected = choice.key if choice else (params.get("periode") or DEFAULT)
    custom_start = params.get("du") or (choice.period.start.isoformat() if choice else "")
    custom_end = params.get("au") or (choice.period.end.isoformat() if choice else "")
    options = [{"key": key, "label": labels[key], "checked": key == selected} for key in (*presets, CUSTOM)]
    free_text = choice.text if choice and choice.text else ""
    if free_text:
        options[-1]["checked"] = False
    return {
        "options": options,
        "custom_start": custom_start,
        "custom_end": custom_end,
        "free_text": free_text,
        "label": choice.period.label if choice else "",
        "start": choice.period.start if choice else None,
        "end": choice.period.end if choice else None,
    }


def period_options(
    plan: Plan, choice: PeriodChoice, presets: tuple[str, ...], today: dt.date | None = None
) -> list[dict[str, object]]:
    """The compact period control's choices: the presets, then each calendar year of the plan (latest first),
    the chosen period selected (added when it is none of them: a custom range, a free expression)."""
    today = today or timezone.localdate()
    labels = preset_labels()
    options: list[dict[str, object]] = [{"value": key, "label": labels[key]} for key in presets]
    last_year = min(today, plan.ended_on or today).year
    options += [{"value": str(year), "label": str(year)} for year in range(last_year, plan.started_on.year - 1, -1)]
    chosen = choice.text or choice.key
    if choice.key == CUSTOM:
        options.append({"value": CUSTOM, "label": _("Custom: {period}").format(period=choice.period.label)})
    elif not any(option["value"] == chosen for option in options):
        options.append({"value": chosen, "label": chosen})
    for option in options:
        option["selected"] = option["value"] == chosen
    return options

"""Periods an indicator is computed over, parsed from what people type and labelled in French.

A period is a closed interval of days: both ends are included, so "2023" is 2023-01-01..2023-12-31.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

ONE_DAY = dt.timedelta(days=1)

MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def _fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced text, so "Début" and "debut" parse alike."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.lower().split())


_MONTH_NUMBERS = {_fold(name): number for number, name in enumerate(MONTHS_FR, start=1)}


def format_date_fr(day: dt.date) -> str:
    """A date the French way: "1er janvier 2023", "5 octobre 2023"."""
    return f"{_day_fr(day.day)} {MONTHS_FR[day.month - 1]} {day.year}"


def _day_fr(number: int) -> str:
    return "1er" if number == 1 else str(number)


@dataclass(frozen=True)
class Period:
    """Days from `start` to `end`, both included."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"Période invalide : la fin ({self.end}) précède le début ({self.start}).")

    @property
    def days(self) -> int:
        """Number of days in the period, both ends counted."""
        return (self.end - self.start).days + 1

    def contains(self, day: dt.date) -> bool:
        """Whether `day` falls within the period (ends included)."""
        return self.start <= day <= self.end

    def previous(self) -> Period:
        """The default baseline: the previous calendar year of a calendar year (2024 for 2025, leap day or not), the
        previous calendar month of a calendar month, else the period of the same length ending the day before."""
        if self.is_calendar_year:
            year = self.start.year - 1
            return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))
        if self.is_calendar_month:
            end = self.start - ONE_DAY
            return Period(end.replace(day=1), end)
        return Period(self.start - dt.timedelta(days=self.days), self.start - ONE_DAY)

    @property
    def is_calendar_year(self) -> bool:
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31) and (
            self.start.year == self.end.year
        )

    @property
    def is_calendar_month(self) -> bool:
        return (
            self.start.day == 1
            and (self.start.year, self.start.month) == (self.end.year, self.end.month)
            and self.end.day == calendar.monthrange(self.end.year, self.end.month)[1]
        )

    @property
    def label(self) -> str:
        """French words for the period, to follow a figure: "en 2023", "en mai 2023", "le 5 octobre 2023",
        "du 3 au 9 avril 2023", "du 1er janvier au 30 juin 2023", "du 1er janvier 2023 au 30 juin 2024"."""
        start, end = self.start, self.end
        if start == end:
            return f"le {format_date_fr(start)}"
        if self.is_calendar_year:
            return f"en {start.year}"
        if self.is_calendar_month:
            return f"en {MONTHS_FR[start.month - 1]} {start.year}"
        if start.year != end.year:
            return f"du {format_date_fr(start)} au {format_date_fr(end)}"
        if start.month != end.month:
            return f"du {_day_fr(start.day)} {MONTHS_FR[start.month - 1]} au {format_date_fr(end)}"
        return f"du {_day_fr(start.day)} au {format_date_fr(end)}"

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def calendar_years(period: Period) -> list[Period]:
    """One slice per calendar year the period overlaps, clipped to it ("20 caméras installées en 2023")."""
    return [
        Period(max(period.start, dt.date(year, 1, 1)), min(period.end, dt.date(year, 12, 31)))
        for year in range(period.start.year, period.end.year + 1)
    ]


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by a number of months, clipped to the end of a shorter month (31 jan + 1 → 28 feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def plan_period(plan_start: dt.date, plan_end: dt.date | None = None, *, today: dt.date | None = None) -> Period:
    """From the start of a plan to its end, or to today while it runs."""
    end = _today(today)
    if plan_end is not None:
        end = min(end, plan_end)
    return Period(plan_start, max(plan_start, end))


def _today(today: dt.date | None) -> dt.date:
    if today is not None:
        return today
    from django.conf import settings

    if settings.configured:
        from django.utils import timezone

        return timezone.localdate()
    return dt.date.today()


_ISO_DAY = r"\d{4}-\d{1,2}-\d{1,2}"
_RANGE = re.compile(rf"^({_ISO_DAY})\s*(?:\.\.|/|–|au|to)\s*({_ISO_DAY})$")
_YEAR = re.compile(r"^(?:en\s+|in\s+)?(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[qt]([1-4])$")
_WEEK = re.compile(r"^(\d{4})-?w(\d{1,2})$")
_RELATIVE = re.compile(
    r"^(\d+)\s*(mois|months?|semaines?|weeks?|ans?|annees?|years?|jours?|days?)"
    r"(?:\s+(?:depuis le debut du plan|du plan|de plan|since plan start))?$"
)
_SINCE = re.compile(r"^(?:depuis|since)\s+(.+)$")
_PLAN_START = re.compile(
    r"^(?:le\s+)?(?:debut|lancement|demarrage)\s+(?:du|de)\s+plan$|^(?:the\s+)?(?:plan\s+start|start)$"
)
_YEAR_START = re.compile(r"^(?:le\s+)?debut\s+(?:de\s+)?(?:l'annee\s+)?(\d{4})$")
_FROM_TO = re.compile(r"^du\s+(.+?)\s+au\s+(.+)$")
_MONTH_NAME = re.compile(r"^(?:en\s+)?([a-z]+)\s+(\d{4})$")
_DMY_NUMERIC = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_DMY_WORDS = re.compile(r"^(\d{1,2})(?:er)?\s+([a-z]+)\s+(\d{4})$")
_PARTIAL = re.compile(r"^(\d{1,2})(?:er)?(?:\s+([a-z]+))?$")


def parse_date(text: str) -> dt.date:
    """A single date: "2023-01-01", "01/01/2023", "1er janvier 2023" (ValueError otherwise)."""
    folded = _fold(text)
    folded = re.sub(r"^le\s+", "", folded)
    try:
        if re.fullmatch(_ISO_DAY, folded):
            year, month, day = (int(part) for part in folded.split("-"))
            return dt.date(year, month, day)
        if match := _DMY_NUMERIC.match(folded):
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        if (match := _DMY_WORDS.match(folded)) and match.group(2) in _MONTH_NUMBERS:
            return dt.date(int(match.group(3)), _MONTH_NUMBERS[match.group(2)], int(match.group(1)))
    except ValueError:
        raise ValueError(f"Date invalide : « {text} ».") from None
    raise ValueError(f"Date non reconnue : « {text} » (formats acceptés : 2023-01-01, 01/01/2023, 1er janvier 2023).")


def parse_period(
    text: str,
    *,
    plan_start: dt.date | None = None,
    plan_end: dt.date | None = None,
    today: dt.date | None = None,
) -> Period:
    """The period a user or a URL names.

    Accepts `2023-01-01..2024-06-30` (or with `/`), `2023`, `2023-05`, `2023-Q2`/`2023-T2`, `2023-W14`
    (ISO week), `2023-05-14`, plan-relative durations (`18 mois`, `6 semaines`, `2 ans`, `18 months`),
    `depuis le 1er janvier 2023` / `depuis le 2023-01-01` / `depuis le 01/01/2023` / `depuis début 2023` /
    `depuis le début du plan` (ending today, or at the plan's end if earlier), and the French labels this
    module writes (`en mai 2023`, `du 1er janvier au 30 juin 2023`, `le 5 octobre 2023`). Anything else
    raises ValueError naming the text.
    """
    folded = _fold(text)
    try:
        period = _parse(folded, text, plan_start=plan_start, plan_end=plan_end, today=today)
    except _Invalid as error:
        raise ValueError(f"Période invalide : « {text} » ({error}).") from None
    if period is None:
        raise ValueError(
            f"Période non reconnue : « {text} ». Exemples acceptés : 2023, 2023-05, 2023-T2, 2023-W14, "
            "2023-05-14, 2023-01-01..2024-06-30, 18 mois, depuis le 1er janvier 2023, "
            "depuis le début du plan."
        )
    return period


class _Invalid(Exception):
    """A text that looks like a period but names an impossible one."""


def _period(start: dt.date, end: dt.date) -> Period:
    if end < start:
        raise _Invalid(f"la fin {end.isoformat()} précède le début {start.isoformat()}")
    return Period(start, end)


def _date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise _Invalid(f"date impossible {year:04d}-{month:02d}-{day:02d}") from None


def _parse_date_or_invalid(text: str) -> dt.date:
    try:
        return parse_date(text)
    except ValueError as error:
        message = str(error).split(" (")[0].rstrip(".")
        raise _Invalid(message[0].lower() + message[1:]) from None


def _parse(
    folded: str, original: str, *, plan_start: dt.date | None, plan_end: dt.date | None, today: dt.date | None
) -> Period | None:
    if match := _RANGE.match(folded):
        return _period(_parse_date_or_invalid(match.group(1)), _parse_date_or_invalid(match.group(2)))
    if match := _YEAR.match(folded):
        year = int(match.group(1))
        return _period(_date(year, 1, 1), _date(year, 12, 31))
    if match := _MONTH.match(folded):
        year, month = int(match.group(1)), int(match.group(2))
        start = _date(year, month, 1)
        return _period(start, add_months(start, 1) - ONE_DAY)
    if match := _QUARTER.match(folded):
        year, quarter = int(match.group(1)), int(match.group(2))
        start = _date(year, 3 * quarter - 2, 1)
        return _period(start, add_months(start, 3) - ONE_DAY)
    if match := _WEEK.match(folded):
        year, week = int(match.group(1)), int(match.group(2))
        try:
            monday = dt.date.fromisocalendar(year, week, 1)
        except ValueError:
            raise _Invalid(f"l'année {year} n'a pas de semaine {week}") from None
        return _period(monday, monday + dt.timedelta(days=6))
    if re.fullmatch(_ISO_DAY, folded) or _DMY_NUMERIC.match(folded) or _DMY_WORDS.match(re.sub(r"^le\s+", "", folded)):
        day = _parse_date_or_invalid(folded)
        return _period(day, day)
    if match := _RELATIVE.match(folded):
        return _relative(int(match.group(1)), match.group(2), plan_start)
    if match := _SINCE.match(folded):
        return _since(match.group(1), plan_start=plan_start, plan_end=plan_end, today=today)
    if match := _FROM_TO.match(folded):
        return _from_to(match.group(1), match.group(2))
    if (match := _MONTH_NAME.match(folded)) and match.group(1) in _MONTH_NUMBERS:
        start = _date(int(match.group(2)), _MONTH_NUMBERS[match.group(1)], 1)
        return _period(start, add_months(start, 1) - ONE_DAY)
    return None


def _relative(count: int, unit: str, plan_start: dt.date | None) -> Period:
    if plan_start is None:
        raise _Invalid("durée comptée depuis le début du plan, qui n'est pas connu")
    if count < 1:
        raise _Invalid("la durée doit être d'au moins un")
    if unit.startswith(("mois", "month")):
        after = add_months(plan_start, count)
    elif unit.startswith(("an", "year")):
        after = add_months(plan_start, 12 * count)
    elif unit.startswith(("semaine", "week")):
        after = plan_start + dt.timedelta(weeks=count)
    else:
        after = plan_start + dt.timedelta(days=count)
    return _period(plan_start, after - ONE_DAY)


def _since(rest: str, *, plan_start: dt.date | None, plan_end: dt.date | None, today: dt.date | None) -> Period:
    if _PLAN_START.match(rest):
        if plan_start is None:
            raise _Invalid("le début du plan n'est pas connu")
        start = plan_start
    elif match := _YEAR_START.match(rest):
        start = _date(int(match.group(1)), 1, 1)
    else:
        start = _parse_date_or_invalid(rest)
    end = _today(today)
    if plan_end is not None:
        end = min(end, plan_end)
    return _period(start, end)


def _from_to(first: str, last: str) -> Period:
    end = _parse_date_or_invalid(last)
    try:
        start = parse_date(first)
    except ValueError:
        match = _PARTIAL.match(first)
        if not match or (match.group(2) and match.group(2) not in _MONTH_NUMBERS):
            raise _Invalid(f"date non reconnue « {first} »") from None
        month = _MONTH_NUMBERS[match.group(2)] if match.group(2) else end.month
        start = _date(end.year, month, int(match.group(1)))
    return _period(start, end)

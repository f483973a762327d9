"""Periods: parsing every accepted syntax, French labels, calendar-year slices."""

import datetime as dt

import pytest

from copil.indicators.periods import Period, add_months, calendar_years, format_date_fr, parse_period

D = dt.date
PLAN_START = D(2023, 1, 1)
TODAY = D(2024, 6, 30)


def parse(text: str, **kwargs) -> Period:
    return parse_period(
        text, plan_start=kwargs.pop("plan_start", PLAN_START), today=kwargs.pop("today", TODAY), **kwargs
    )


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2023-01-01..2024-06-30", D(2023, 1, 1), D(2024, 6, 30)),
        ("2023-01-01/2024-06-30", D(2023, 1, 1), D(2024, 6, 30)),
        (" 2023-01-01 .. 2024-06-30 ", D(2023, 1, 1), D(2024, 6, 30)),
        ("2023", D(2023, 1, 1), D(2023, 12, 31)),
        ("2023-05", D(2023, 5, 1), D(2023, 5, 31)),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),
        ("2023-Q2", D(2023, 4, 1), D(2023, 6, 30)),
        ("2023-T2", D(2023, 4, 1), D(2023, 6, 30)),
        ("2023-t4", D(2023, 10, 1), D(2023, 12, 31)),
        ("2023-W14", D(2023, 4, 3), D(2023, 4, 9)),
        ("2021-W01", D(2021, 1, 4), D(2021, 1, 10)),
        ("2020-W53", D(2020, 12, 28), D(2021, 1, 3)),
        ("2023-05-14", D(2023, 5, 14), D(2023, 5, 14)),
        ("18 mois", D(2023, 1, 1), D(2024, 6, 30)),
        ("18 months", D(2023, 1, 1), D(2024, 6, 30)),
        ("6 semaines", D(2023, 1, 1), D(2023, 2, 11)),
        ("2 ans", D(2023, 1, 1), D(2024, 12, 31)),
        ("1 an", D(2023, 1, 1), D(2023, 12, 31)),
        ("depuis le 1er janvier 2023", D(2023, 1, 1), TODAY),
        ("Depuis le 1er Janvier 2023", D(2023, 1, 1), TODAY),
        ("depuis le 2023-01-01", D(2023, 1, 1), TODAY),
        ("depuis le 01/01/2023", D(2023, 1, 1), TODAY),
        ("depuis le 15 mars 2023", D(2023, 3, 15), TODAY),
        ("depuis début 2023", D(2023, 1, 1), TODAY),
        ("depuis le début du plan", PLAN_START, TODAY),
        ("depuis le debut du plan", PLAN_START, TODAY),
        ("en mai 2023", D(2023, 5, 1), D(2023, 5, 31)),
        ("du 3 au 9 avril 2023", D(2023, 4, 3), D(2023, 4, 9)),
        ("du 1er janvier au 30 juin 2023", D(2023, 1, 1), D(2023, 6, 30)),
        ("le 5 octobre 2023", D(2023, 10, 5), D(2023, 10, 5)),
    ],
)
def test_parse_period_syntaxes(text, start, end):
    assert parse(text) == Period(start, end)


def test_plan_relative_months_from_another_start():
    assert parse("18 mois", plan_start=D(2022, 9, 15)) == Period(D(2022, 9, 15), D(2024, 3, 14))


def test_since_ends_at_plan_end_when_earlier_than_today():
    period = parse_period("depuis le 1er janvier 2023", plan_end=D(2023, 12, 31), today=TODAY)
    assert period == Period(D(2023, 1, 1), D(2023, 12, 31))
    later_end = parse_period("depuis le début du plan", plan_start=PLAN_START, plan_end=D(2030, 1, 1), today=TODAY)
    assert later_end.end == TODAY


@pytest.mark.parametrize(
    "text",
    [
        "",
        "n'importe quoi",
        "2023-13",
        "2023-02-30",
        "2023-Q5",
        "2023-W53",
        "2024-06-30..2023-01-01",
        "0 mois",
        "18 lunes",
        "depuis le 31/02/2023",
        "depuis le 1er juillet 2024",  # after today
        "depuis hier soir",
    ],
)
def test_invalid_text_raises_a_french_error_naming_it(text):
    with pytest.raises(ValueError, match="Période") as error:
        parse(text, today=D(2024, 6, 1))
    assert f"« {text} »" in str(error.value)


def test_plan_relative_forms_need_the_plan_start():
    for text in ("18 mois", "depuis le début du plan"):
        with pytest.raises(ValueError, match="début du plan"):
            parse_period(text, today=TODAY)


@pytest.mark.parametrize(
    ("period", "label"),
    [
        (Period(D(2023, 1, 1), D(2024, 6, 30)), "du 1er janvier 2023 au 30 juin 2024"),
        (Period(D(2023, 1, 1), D(2023, 12, 31)), "en 2023"),
        (Period(D(2023, 5, 1), D(2023, 5, 31)), "en mai 2023"),
        (Period(D(2024, 2, 1), D(2024, 2, 29)), "en février 2024"),
        (Period(D(2023, 10, 5), D(2023, 10, 5)), "le 5 octobre 2023"),
        (Period(D(2023, 10, 1), D(2023, 10, 1)), "le 1er octobre 2023"),
        (Period(D(2023, 1, 1), D(2023, 6, 30)), "du 1er janvier au 30 juin 2023"),
        (Period(D(2023, 4, 3), D(2023, 4, 9)), "du 3 au 9 avril 2023"),
        (Period(D(2023, 5, 1), D(2023, 5, 30)), "du 1er au 30 mai 2023"),
        (Period(D(2023, 1, 1), D(2024, 12, 31)), "du 1er janvier 2023 au 31 décembre 2024"),
    ],
)
def test_french_labels(period, label):
    assert period.label == label
    # A label reads back as the same period.
    assert parse_period(label) == period


def test_format_date_fr_uses_1er_only_for_the_first():
    assert format_date_fr(D(2023, 8, 1)) == "1er août 2023"
    assert format_date_fr(D(2023, 8, 11)) == "11 août 2023"
    assert format_date_fr(D(2023, 12, 21)) == "21 décembre 2023"


def test_days_contains_previous():
    period = Period(D(2023, 1, 1), D(2023, 1, 31))
    assert period.days == 31
    assert period.contains(D(2023, 1, 1)) and period.contains(D(2023, 1, 31))
    assert not period.contains(D(2022, 12, 31)) and not period.contains(D(2023, 2, 1))
    assert period.previous() == Period(D(2022, 12, 1), D(2022, 12, 31))
    assert Period(D(2023, 5, 14), D(2023, 5, 14)).previous() == Period(D(2023, 5, 13), D(2023, 5, 13))
    assert Period(D(2023, 3, 10), D(2023, 3, 20)).previous() == Period(D(2023, 2, 27), D(2023, 3, 9))


def test_a_calendar_year_or_month_is_compared_with_the_previous_one_leap_day_or_not():
    """« 4 327 AFD contre 3 753 en 2024 »: the prefectures compare 2025 with the whole of 2024 (366 days)."""
    assert Period(D(2025, 1, 1), D(2025, 12, 31)).previous() == Period(D(2024, 1, 1), D(2024, 12, 31))
    assert Period(D(2024, 1, 1), D(2024, 12, 31)).previous() == Period(D(2023, 1, 1), D(2023, 12, 31))
    assert Period(D(2024, 3, 1), D(2024, 3, 31)).previous() == Period(D(2024, 2, 1), D(2024, 2, 29))


def test_period_rejects_end_before_start():
    with pytest.raises(ValueError):
        Period(D(2023, 2, 1), D(2023, 1, 31))


def test_calendar_years_clips_to_the_period():
    period = Period(D(2022, 7, 1), D(2024, 3, 15))
    assert calendar_years(period) == [
        Period(D(2022, 7, 1), D(2022, 12, 31)),
        Period(D(2023, 1, 1), D(2023, 12, 31)),
        Period(D(2024, 1, 1), D(2024, 3, 15)),
    ]
    assert calendar_years(Period(D(2023, 3, 1), D(2023, 4, 1))) == [Period(D(2023, 3, 1), D(2023, 4, 1))]


def test_add_months_clips_to_month_end():
    assert add_months(D(2023, 1, 31), 1) == D(2023, 2, 28)
    assert add_months(D(2023, 11, 15), 3) == D(2024, 2, 15)

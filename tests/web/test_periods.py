"""The period picker: presets, custom ranges and free expressions."""

import datetime as dt

import pytest

from copil.indicators.periods import Period
from copil.web.periods import choose_period, picker_context
from tests.factories import make_plan

TODAY = dt.date(2024, 5, 15)


@pytest.fixture
def plan(db):
    return make_plan(slug="p", started_on=dt.date(2023, 1, 1))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"periode": "ce-mois"}, Period(dt.date(2024, 5, 1), TODAY)),
        ({"periode": "trimestre-dernier"}, Period(dt.date(2024, 1, 1), dt.date(2024, 3, 31))),
        ({"periode": "depuis-le-debut"}, Period(dt.date(2023, 1, 1), TODAY)),
        ({}, Period(dt.date(2023, 1, 1), TODAY)),
        ({"periode": "18-derniers-mois"}, Period(dt.date(2022, 11, 16), TODAY)),
        (
            {"periode": "personnalisee", "du": "2023-02-01", "au": "2023-03-15"},
            Period(dt.date(2023, 2, 1), dt.date(2023, 3, 15)),
        ),
        ({"periode": "2023-T2"}, Period(dt.date(2023, 4, 1), dt.date(2023, 6, 30))),
        ({"periode": "depuis le début du plan"}, Period(dt.date(2023, 1, 1), TODAY)),
    ],
)
def test_presets_custom_ranges_and_expressions(plan, params, expected):
    assert choose_period(params, plan, today=TODAY).period == expected


def test_last_quarter_in_january_is_the_previous_year_s_fourth(plan):
    assert choose_period({"periode": "trimestre-dernier"}, plan, today=dt.date(2024, 1, 10)).period == Period(
        dt.date(2023, 10, 1), dt.date(2023, 12, 31)
    )


@pytest.mark.parametrize(
    "params",
    [
        {"periode": "personnalisee", "du": "2023-02-01"},
        {"periode": "personnalisee", "du": "2023-05-01", "au": "2023-02-01"},
        {"periode": "l'an dernier peut-être"},
    ],
)
def test_unreadable_periods_raise_a_french_message(plan, params):
    with pytest.raises(ValueError):
        choose_period(params, plan, today=TODAY)


def test_a_choice_round_trips_through_its_query(plan):
    for params in (
        {"periode": "trimestre-dernier"},
        {"periode": "personnalisee", "du": "2023-02-01", "au": "2023-03-15"},
        {"periode": "2023"},
    ):
        choice = choose_period(params, plan, today=TODAY)
        assert choose_period(choice.query, plan, today=TODAY) == choice


def test_picker_checks_the_chosen_preset_and_fills_the_custom_dates(plan):
    choice = choose_period({"periode": "ce-mois"}, plan, today=TODAY)
    context = picker_context(choice, {"periode": "ce-mois"})
    assert [o["key"] for o in context["options"] if o["checked"]] == ["ce-mois"]
    assert (context["custom_start"], context["custom_end"]) == ("2024-05-01", "2024-05-15")


def test_the_default_is_the_last_complete_quarter_of_the_plan_else_since_its_start(db):
    from copil.web.periods import default_preset

    started_in_february = make_plan(slug="q", started_on=dt.date(2024, 2, 10))
    assert default_preset(started_in_february, TODAY) == "trimestre-dernier"
    assert choose_period({}, started_in_february, TODAY, default="trimestre-dernier").period == Period(
        dt.date(2024, 2, 10), dt.date(2024, 3, 31)
    )  # not before the plan began
    started_this_quarter = make_plan(slug="r", started_on=dt.date(2024, 4, 2))
    assert default_preset(started_this_quarter, TODAY) == "depuis-le-debut"
    ended = make_plan(slug="s", started_on=dt.date(2022, 1, 1), ended_on=dt.date(2023, 8, 20))
    assert choose_period({"periode": "trimestre-dernier"}, ended, TODAY).period == Period(
        dt.date(2023, 4, 1), dt.date(2023, 6, 30)
    )


def test_the_compact_control_offers_the_presets_and_the_plan_s_years_with_the_choice_selected(plan):
    from copil.web.periods import period_options

    options = period_options(plan, choose_period({"periode": "2023"}, plan, TODAY), ("trimestre-dernier",), TODAY)
    assert [o["value"] for o in options] == ["trimestre-dernier", "2024", "2023"]
    assert [o["value"] for o in options if o["selected"]] == ["2023"]
    custom = choose_period({"periode": "personnalisee", "du": "2023-02-01", "au": "2023-03-15"}, plan, TODAY)
    last = period_options(plan, custom, ("trimestre-dernier",), TODAY)[-1]
    assert last == {
        "value": "personnalisee",
        "label": "Personnalisée : du 1er février au 15 mars 2023",
        "selected": True,
    }

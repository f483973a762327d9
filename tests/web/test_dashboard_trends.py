"""The dashboard's trend badges: the comparison's verdict read with the indicator's good_news direction."""

import datetime as dt
import re
from decimal import Decimal

from copil.indicators.catalogue import get_indicator
from copil.web.dashboard import _news
from tests.factories import make_record

from .test_dashboard import PERIOD, _card


def _seizures_in_2022(site, count: int) -> None:
    for n in range(count):
        for partner in (site.partners["police"], site.partners["police-2"]):
            make_record("seizure", partner, seized_on=dt.date(2022, 3, 1) + dt.timedelta(days=n), quantity=Decimal(1))


def _seizures_card(client, site) -> str:
    client.force_login(site.users["coordinator"])
    return re.sub(r"[ \t\n]+", " ", _card(client.get("/plans/ville/", PERIOD).content.decode(), "seizures"))


def test_a_change_the_exact_test_does_not_support_is_stable_without_a_colour(client, site):
    _seizures_in_2022(site, 5)  # 10 seizures in 2022, 10 in 2023
    card = _seizures_card(client, site)
    assert 'data-trend="flat"' in card and "fr-badge--info" in card
    assert "±0 (±0\u00a0%) par rapport à la période précédente (10)" in card


def test_a_clear_rise_of_good_news_is_green_and_never_a_percentage_under_ten(client, site):
    _seizures_in_2022(site, 1)  # 2 seizures in 2022 against 10 in 2023: a rise, but no « +400 % »
    card = _seizures_card(client, site)
    assert 'data-trend="up"' in card and "fr-badge--success" in card
    assert "+8 par rapport à la période précédente (2)" in card and "%" not in card.split("+8")[1][:5]


def test_partners_that_started_later_make_the_change_not_comparable(client, site):
    card = _seizures_card(client, site)  # nothing recorded in 2022: no « +10 », no badge
    assert "non comparable avec la période précédente" in card and "data-trend" not in card


def test_fewer_active_deal_points_is_good_news():
    assert _news(get_indicator("deal_points_active"), "down") == "good"
    assert _news(get_indicator("deal_points_active"), "up") == "bad"
    assert _news(get_indicator("seizures"), "flat") == ""

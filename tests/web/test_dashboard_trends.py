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


def test_a_mass_from_few_earlier_seizures_states_its_change_without_a_percentage(client, site):
    for partner in (site.partners["police"], site.partners["police-2"]):  # 2 seizures, 200 g in 2022
        make_record("seizure", partner, seized_on=dt.date(2022, 3, 1), quantity=Decimal(100), unit="g")
    client.force_login(site.users["coordinator"])
    card = re.sub(r"[ \t\n]+", " ", _card(client.get("/plans/ville/", PERIOD).content.decode(), "seizure_mass"))
    assert "−75\u00a0g par rapport à la période précédente (200\u00a0g)" in card and "%" not in card


def _last_complete_quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    first = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = first - dt.timedelta(days=1)
    return dt.date(end.year, end.month - 2, 1), end


def test_the_dashboard_opens_on_the_last_complete_quarter_then_on_the_last_approved_bilan(client, site):
    from django.utils import timezone

    from copil.indicators.periods import Period
    from copil.reports.models import BilanVersion

    client.force_login(site.users["coordinator"])
    start, end = _last_complete_quarter(timezone.localdate())
    page = client.get("/plans/ville/").content.decode()
    assert f"Chiffres {Period(start, end).label}" in page
    assert re.search(r'value="trimestre-dernier"[^>]*selected', page)
    BilanVersion.objects.create(
        plan=site.plan,
        number=1,
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2023, 12, 31),
        state=BilanVersion.State.APPROVED,
    )
    page = client.get("/plans/ville/").content.decode()
    assert "Chiffres en 2023" in page and re.search(r'value="dernier-bilan"[^>]*selected', page)
    assert '<p class="copil-figure fr-mb-1w">10</p>' in _card(page, "seizures")

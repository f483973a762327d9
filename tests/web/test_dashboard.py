"""The plan dashboard: figures per axis as the policy lets each role see them, linked to their records."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.cache import cache

from copil.plans.models import Target
from copil.records.models import Seizure
from copil.web import caching

from .conftest import add_records, make_site

PERIOD = {"periode": "personnalisee", "du": "2023-01-01", "au": "2023-12-31"}


def _card(page: str, code: str) -> str:
    match = re.search(rf'id="indicateur-{code}".*?</div>\s*</div>\s*</div>', page, re.DOTALL)
    assert match, f"no card {code}"
    return match.group(0)


def test_members_only_and_plans_they_belong_to(client, site):
    assert client.get("/plans/ville/").status_code == 302  # to the login page
    other = make_site("autre", name="Autre plan")
    client.force_login(other.users["coordinator"])
    assert client.get("/plans/ville/").status_code == 404
    client.force_login(site.users["coordinator"])
    assert client.get("/plans/ville/").status_code == 200


def test_cards_per_axis_with_evolution_and_links_to_the_records(client, site):
    client.force_login(site.users["coordinator"])
    page = client.get("/plans/ville/", PERIOD).content.decode()
    assert "Tableau de bord" in page and "Répression" in page
    seizures = _card(page, "seizures")
    assert '<p class="copil-figure fr-mb-1w">10</p>' in seizures
    assert "/enregistrements/seizure/?plan=ville&amp;du=2023-01-01&amp;au=2023-12-31" in seizures
    assert "Voir les 10 enregistrements" in seizures
    assert "non comparable avec la période précédente" in seizures  # nothing was recorded in 2022
    mass = _card(page, "seizure_mass")
    assert "125\u00a0g" in mass and "Crack : 125\u00a0g" in mass
    traffickers = _card(page, "trafficker_arrests")
    assert "/enregistrements/arrest/?plan=ville&amp;du=2023-01-01&amp;au=2023-12-31&amp;role=trafficker" in traffickers
    assert "Aucun enregistrement sur la période." in _card(page, "shelter_occupancy")
    assert 'id="graphique-seizures_by_substance"' in page and 'role="img"' in page


def test_small_person_counts_are_suppressed_for_roles_that_see_them_published(client, site):
    client.force_login(site.users["police"])
    page = client.get("/plans/ville/", PERIOD).content.decode()
    persons = _card(page, "convicted_persons")
    assert "&lt;\u00a05" in persons and "3" not in re.sub(r"<[^>]+>", "", persons).split("condamnées")[1][:40]
    assert "par rapport à la période précédente" not in persons  # a difference would reveal the hidden count
    assert "/enregistrements/conviction/" not in persons  # police may not read conviction lines
    client.force_login(site.users["justice"])
    persons = _card(client.get("/plans/ville/", PERIOD).content.decode(), "convicted_persons")
    assert '<p class="copil-figure fr-mb-1w">3</p>' in persons


def test_record_links_follow_the_policy(client, site):
    from copil.records.actions import create_record

    observed_at = dt.datetime(2023, 5, 1, 22, tzinfo=dt.UTC)
    data = {
        "observed_at": observed_at,
        "latitude": Decimal("48.4"),
        "longitude": Decimal("0.09"),
        "people_count": 3,
        "source": "outreach",
    }
    create_record(None, "field_observation", plan=site.plan, partner=site.partners["care"], data=data)
    client.force_login(site.users["care"])
    page = client.get("/plans/ville/", PERIOD).content.decode()
    assert "/enregistrements/seizure/" not in page  # care partners read no police lines
    assert "/enregistrements/field_observation/" in page  # but their own observations


def test_unreadable_period_is_explained_in_french(client, site):
    client.force_login(site.users["coordinator"])
    response = client.get("/plans/ville/", {"periode": "un jour"})
    assert response.status_code == 400 and "Période non reconnue" in response.content.decode()


def test_figures_are_cached_until_the_plan_s_data_change(client, site):
    client.force_login(site.users["coordinator"])
    version = caching.data_version(site.plan)
    client.get("/plans/ville/", PERIOD)
    assert len(cache._cache) > 0  # LocMemCache
    Seizure.objects.create(
        plan=site.plan,
        partner=site.partners["police"],
        external_id="new",
        seized_on=dt.date(2023, 6, 1),
        substance="cannabis",
        quantity=1,
        unit="kg",
    )
    assert caching.data_version(site.plan) != version
    page = client.get("/plans/ville/", PERIOD).content.decode()
    assert '<p class="copil-figure fr-mb-1w">11</p>' in _card(page, "seizures")
    cache.clear()


@pytest.mark.parametrize("count", [10, 1000])
def test_pages_issue_a_bounded_number_of_queries_whatever_the_data_size(
    client, django_assert_max_num_queries, count, db
):
    """The same bounds with 10 and with 1,000 records of each kind."""
    site = make_site()
    add_records(site, count)
    client.force_login(site.users["coordinator"])
    cache.clear()
    # cold cache: every indicator and chart computed, each link's count of what the reader may open, and each flow's
    # figure of the comparison period, and « Le COPIL en 5 minutes » (306 today with the 69 indicators of the
    # catalogue, 7 of them harm reduction and care activity, 8 the plan's execution: it grows with the catalogue, never
    # with the records)
    with django_assert_max_num_queries(320):
        assert client.get("/plans/ville/", PERIOD).status_code == 200
    # warm cache: session, user, the session's second factor (copil.access.twofactor), memberships, plan, data version,
    # the last approved bilan (the default period, offered in the period choice); « Le COPIL en 5 minutes »: its
    # open alerts, overdue actions and next meeting (its figures come from the same cache)
    with django_assert_max_num_queries(10):
        assert client.get("/plans/ville/", PERIOD).status_code == 200
    for layer in ("points-de-deal", "cameras", "observations"):
        with django_assert_max_num_queries(6):
            response = client.get("/plans/ville/carte/couches.geojson", {"couche": layer, **PERIOD})
        assert response.status_code == 200 and len(response.json()["features"]) > 0
    # + the plan's charter (may the reader see signalements?) and the located signalements counted by status
    with django_assert_max_num_queries(11):
        assert client.get("/plans/ville/carte/", PERIOD).status_code == 200
    # + one query per flow indicator over the same period a year earlier, and one for the partners' first records;
    # 284 today with the 69 indicators of the catalogue and the last approved version (grows with the catalogue only)
    with django_assert_max_num_queries(295):
        assert client.get("/plans/ville/bilan/", PERIOD).status_code == 200
    with django_assert_max_num_queries(9):  # + the audit event, the membership check and the last approved version
        assert client.get("/plans/ville/bilan/", PERIOD).status_code == 200
    for path in ("/plans/ville/reunions/", "/plans/ville/actions/"):
        with django_assert_max_num_queries(7):
            assert client.get(path).status_code == 200


def test_a_plan_target_shows_its_attainment_and_a_change_refreshes_the_page(client, site):
    client.force_login(site.users["coordinator"])
    target = Target.objects.create(plan=site.plan, indicator="seizures", value=Decimal(40))
    seizures = _card(client.get("/plans/ville/", PERIOD).content.decode(), "seizures")
    assert "objectif 40 — atteint à 25\u00a0%" in seizures  # 10 seizures
    target.value = Decimal(20)
    target.save()
    seizures = _card(client.get("/plans/ville/", PERIOD).content.decode(), "seizures")
    assert "objectif 20 — atteint à 50\u00a0%" in seizures


def test_the_records_link_counts_what_the_reader_can_open(client, site):
    """Issue 12 item 7: a care worker's plan-wide figure counts every partner's referrals, but the link opens
    their own partner's only: its count is the latter, for each reader (the cached page is not shared)."""
    from django.contrib.auth import get_user_model

    from copil.plans.models import Membership
    from copil.records.models import CareReferral
    from tests.factories import make_partner

    other = make_partner(site.plan, role="care", code="care-autre", name="Autre association")
    other_user = get_user_model().objects.create_user("care-autre", "ca@example.fr", "x")
    Membership.objects.create(partner=other, user=other_user)
    for n, partner in enumerate([site.partners["care"]] * 6 + [other] * 8):
        CareReferral.objects.create(
            plan=site.plan,
            partner=partner,
            external_id=f"R-{n}",
            referred_on=dt.date(2023, 3, 1) + dt.timedelta(days=n),
            destination="csapa",
            pseudonym=f"{n:064x}",
        )
    for user, own in ((site.users["care"], 6), (other_user, 8)):
        client.force_login(user)
        card = _card(client.get("/plans/ville/", PERIOD).content.decode(), "care_referrals")
        assert '<p class="copil-figure fr-mb-1w">14</p>' in card
        assert f"Voir les {own} enregistrements" in card
        listing = client.get(
            "/enregistrements/care_referral/", {"plan": "ville", "du": "2023-01-01", "au": "2023-12-31"}
        )
        assert f"{own} enregistrements" in listing.content.decode()


def test_a_mean_sentence_is_withheld_by_the_persons_behind_it_not_by_its_value(client, site):
    """Issue 14: a mean of three persons is withheld from the police; « 3 mois » from five persons is not (a mean
    is not a small count)."""
    from tests.factories import make_record

    parquet = site.partners["justice"]
    for person, months in enumerate([2, 3, 4]):
        make_record(
            "penal_step",
            parquet,
            occurred_on=dt.date(2023, 5, 1),
            stage="sentence",
            pseudonym=f"{person:064x}",
            firm_months=months,
        )
    client.force_login(site.users["police"])
    mean = _card(client.get("/plans/ville/", PERIOD).content.decode(), "firm_prison_months_mean")
    assert "&lt;\u00a05" in mean and '<p class="copil-figure fr-mb-1w">3</p>' not in mean
    client.force_login(site.users["justice"])
    assert '<p class="copil-figure fr-mb-1w">3</p>' in _card(
        client.get("/plans/ville/", PERIOD).content.decode(), "firm_prison_months_mean"
    )
    for person in (3, 4):
        make_record(
            "penal_step",
            parquet,
            occurred_on=dt.date(2023, 6, 1),
            stage="sentence",
            pseudonym=f"{person:064x}",
            firm_months=3,
        )
    cache.clear()
    client.force_login(site.users["police"])
    assert '<p class="copil-figure fr-mb-1w">3</p>' in _card(
        client.get("/plans/ville/", PERIOD).content.decode(), "firm_prison_months_mean"
    )


def test_the_persons_counted_by_care_activity_are_small_counts_for_the_police_only(client, site):
    """Issue 14, family 6: a month's active file of 3 people and 2 overdoses are « < 5 » on the police's dashboard
    (its mean and lowest month too), exact for the care partner who entered them; the passages are exact for all."""
    from tests.factories import make_record

    care = site.partners["care"]
    for month, people, overdoses in [(1, 3, 2), (2, 40, 0)]:
        make_record(
            "care_activity",
            care,
            site="CSAPA",
            site_type="csapa",
            month=dt.date(2023, month, 1),
            active_file=people,
            overdoses=overdoses,
            passages=300,
        )
    client.force_login(site.users["police"])
    page = client.get("/plans/ville/", PERIOD).content.decode()
    assert "entre &lt;\u00a05 et 40 par mois" in _card(page, "care_active_file")
    assert "&lt;\u00a05" in _card(page, "care_overdoses")
    assert '<p class="copil-figure fr-mb-1w">600</p>' in _card(page, "care_passages")
    client.force_login(site.users["care"])
    page = client.get("/plans/ville/", PERIOD).content.decode()
    assert "entre 3 et 40 par mois" in _card(page, "care_active_file")
    assert '<p class="copil-figure fr-mb-1w">2</p>' in _card(page, "care_overdoses")


def _budget_line(partner, code, axis, year, planned, committed, spent="0"):
    from tests.factories import make_record

    make_record(
        "budget_line",
        partner,
        external_id=f"BUD-{code}-{year}",
        code=code,
        funder="Ville",
        axis=axis,
        year=dt.date(year, 1, 1),
        planned_eur=Decimal(planned),
        committed_eur=Decimal(committed),
        spent_eur=Decimal(spent),
    )


def _budget_table(page: str) -> list[list[str]]:
    match = re.search(r'id="budget-du-plan".*?<tbody[^>]*>(.*?)</tbody>', page, re.DOTALL)
    assert match, "no budget table"
    return [
        [re.sub(r"<[^>]+>", "", cell).replace("\u00a0", " ") for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", match.group(1))
    ]


def test_the_budget_table_shows_planned_committed_and_spent_per_axis(client, site):
    """Issue 14, family 8: the plan's budget against plan per axis, to the period's end (the years begun)."""
    client.force_login(site.users["coordinator"])
    assert 'id="budget-du-plan"' not in client.get("/plans/ville/", PERIOD).content.decode()  # no budget line
    coordinator = site.partners["coordinator"]
    _budget_line(coordinator, "1", "prevention_care", 2022, "3000000", "7500000")
    _budget_line(coordinator, "1", "prevention_care", 2023, "3000000", "9600000", "8000000")
    _budget_line(site.partners["city"], "2", "repression", 2023, "400000", "300000")
    _budget_line(coordinator, "3", "", 2023, "0", "850000")
    _budget_line(coordinator, "1", "prevention_care", 2024, "3000000", "99000000")  # not begun in 2023

    page = client.get("/plans/ville/", PERIOD).content.decode()

    assert "Budget du plan par axe" in page
    assert '<th role="columnheader" scope="col">Dépensé</th>' in page
    assert '<td role="cell" data-label="Dépensé">8\u00a0M€</td>' in page  # its name above it on a phone
    assert _budget_table(page) == [
        ["Répression", "400 000 €", "300 000 €", "0 €", "75 %"],
        ["Prévention et soins", "6 M€", "17,1 M€", "8 M€", "285 %"],
        ["Sans axe", "0 €", "850 000 €", "0 €", "—"],
        ["Total", "6,4 M€", "18,3 M€", "8 M€", "285 %"],
    ]
    assert '<p class="copil-figure fr-mb-1w">18,3\u00a0M€</p>' in _card(page, "budget_committed")  # money
    assert "Ville : 18,3\u00a0M€" in _card(page, "budget_committed_by_funder")
    client.force_login(site.users["police"])  # every member reads the plan's budget
    assert _budget_table(client.get("/plans/ville/", PERIOD).content.decode())[-1][0] == "Total"

"""The official statistics and evaluation pages of a plan: content, and the plan's normal read access."""

import datetime as dt
import html
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.indicators.test_evaluation import observations

from .conftest import make_site

DATA = Path(__file__).parent.parent / "official_statistics" / "data"


@pytest.fixture
def alencon(db):
    site = make_site("alencon-stats")
    territory = site.plan.territory
    territory.insee_code, territory.name = "61001", "Alençon"
    territory.save()
    call_command("import_ssmsi", str(DATA / "communes.csv"))
    call_command("import_ssmsi", str(DATA / "departements.csv"))
    return site


def test_statistics_page_shows_the_rates_and_the_sentence(client, alencon):
    client.force_login(alencon.users["police"])
    response = client.get(reverse("web:statistics", args=[alencon.plan.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "En 2024, 13,5 personnes mises en cause pour usage de stupéfiants pour 1 000 habitants à Alençon" in page
    assert "<svg" in page
    assert "Statistiques officielles" in page


def test_statistics_and_evaluation_stay_behind_the_plans_read_access(client, alencon):
    outsider_site = make_site("ailleurs")
    for name in ("web:statistics", "web:evaluation"):
        url = reverse(name, args=[alencon.plan.slug])
        assert client.get(url).status_code == 302  # anonymous: log in first
        client.force_login(outsider_site.users["coordinator"])
        assert client.get(url).status_code == 404
        client.logout()


def test_evaluation_page_reads_the_estimate_with_its_caution(client, db):
    site = make_site("evaluee")
    plan = site.plan
    plan.started_on = dt.date(2023, 1, 1)
    plan.save()
    observations(plan, [40.0] * 36 + [16.0] * 12)
    client.force_login(site.users["coordinator"])
    response = client.get(reverse("web:evaluation", args=[plan.slug]), {"indicateurs": "field_observations"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "mois après le lancement du plan, le nombre des observations de terrain est inférieur de" in page
    assert "ne prouve pas que le plan est la cause" in page


def test_evaluation_page_says_why_it_cannot_conclude(client, db):
    site = make_site("jeune")
    site.plan.started_on = dt.date(2024, 7, 1)
    site.plan.save()
    observations(site.plan, [20.0] * 24, first=dt.date(2023, 1, 1))
    client.force_login(site.users["coordinator"])
    page = client.get(reverse("web:evaluation", args=[site.plan.slug])).content.decode()
    assert "la série ne compte que 18 mois avant le lancement du plan ; il en faut au moins 24" in page


def test_evaluation_leaves_out_what_the_role_may_not_read_exactly(client, db):
    """Referrals to care are person-level health data: a police member asking for them gets no evaluation."""
    site = make_site("secret")
    client.force_login(site.users["police"])
    page = client.get(reverse("web:evaluation", args=[site.plan.slug]), {"indicateurs": "care_referrals"})
    assert "orientations vers le soin" not in page.content.decode()
    assert "Aucun indicateur à évaluer." in page.content.decode()
    client.force_login(site.users["care"])
    page = client.get(reverse("web:evaluation", args=[site.plan.slug]), {"indicateurs": "care_referrals"})
    assert "Aucun enregistrement pour l'indicateur « orientations vers le soin »" in html.unescape(
        page.content.decode()
    )

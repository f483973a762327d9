import pytest
from django.contrib.auth import get_user_model

from copil.plans.models import Membership
from tests.factories import make_partner, make_plan


def _coordinator_of(plan):
    user = get_user_model().objects.create_user("prefecture", "prefecture@example.fr", "x")
    Membership.objects.create(partner=make_partner(plan, role="coordinator"), user=user)
    return user


@pytest.mark.django_db
def test_home_lists_plans_with_a_bilan_form(client):
    make_plan(slug="ville", name="Plan de la ville")
    page = client.get("/").content.decode()
    assert "Plan de la ville" in page
    assert 'action="/plans/ville/bilan/"' in page


@pytest.mark.django_db
def test_bilan_page_computes_for_the_requested_period(client):
    plan = make_plan(slug="ville", name="Plan de la ville")
    client.force_login(_coordinator_of(plan))
    response = client.get("/plans/ville/bilan/", {"periode": "2023-T2"})
    assert response.status_code == 200
    assert "bilan du 1er avril au 30 juin 2023" in response.content.decode()


@pytest.mark.django_db
def test_bilan_page_rejects_an_unreadable_period_in_french(client):
    client.force_login(_coordinator_of(make_plan(slug="ville")))
    response = client.get("/plans/ville/bilan/", {"periode": "l'an dernier peut-être"})
    assert response.status_code == 400
    assert "l'an dernier peut-être" in response.content.decode().replace("&#x27;", "'")
    assert client.get("/plans/inconnu/bilan/").status_code == 404

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


@pytest.mark.django_db
def test_a_printed_bilan_page_hides_the_period_form_buttons_and_navigation(client):
    """Issue 12 item 10: the page links a print stylesheet that hides what is of no use on paper, by the very
    classes the bilan page's period form, download buttons, header and footer carry."""
    import re

    from django.contrib.staticfiles import finders

    plan = make_plan(slug="ville", name="Plan de la ville")
    client.force_login(_coordinator_of(plan))
    page = client.get("/plans/ville/bilan/", {"periode": "2023-T2"}).content.decode()
    assert re.search(r'<link rel="stylesheet" href="[^"]*web/print\.css" media="print">', page)
    with open(finders.find("web/print.css"), encoding="utf-8") as file:
        stylesheet = re.sub(r"/\*.*?\*/", "", file.read(), flags=re.DOTALL)
    hidden_rule = re.search(r"([^{}]+)\{\s*display:\s*none !important;\s*\}", stylesheet)
    hidden = {selector.strip() for selector in hidden_rule.group(1).split(",")}
    for selector in [".copil-period-picker", ".fr-btns-group", ".fr-header", ".fr-footer", ".fr-skiplinks"]:
        assert selector in hidden
        assert f'class="{selector[1:]}' in page or f" {selector[1:]}" in page, selector

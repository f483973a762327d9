"""Issue 12, items 2, 3 and 8, through the test client: the account pages in the DSFR layout, the audit trail in
French sentences, the error pages, links only to pages the reader may open, the imports page's kinds and the
formats page."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client, RequestFactory
from django.views import defaults

from copil.access.audit import record_event
from copil.access.models import AuditEvent
from copil.indicators.periods import Period
from copil.records.actions import create_record, update_record
from copil.reports.actions import publish_bilan

from .conftest import sample

NAV_OR_FOOTER = re.compile(r'<(?:a) class="fr-(?:nav__link|footer__bottom-link)" href="(?P<href>/[^"]*)"', re.MULTILINE)


def _client(world, role: str | None) -> Client:
    client = Client()
    if role:
        client.force_login(world.users[role])
    return client


def _in_the_layout(html: str) -> bool:
    return 'name="viewport"' in html and 'class="fr-header"' in html and 'class="fr-footer"' in html


@pytest.mark.parametrize(
    ("role", "path"),
    [
        (None, "/compte/connexion/"),
        (None, "/compte/mot-de-passe/MQ/lien-perime/"),
        ("coordinator", "/compte/membres/"),
        ("coordinator", "/compte/membres/inviter/"),
        ("coordinator", "/compte/journal/"),
        ("police", "/api/jetons/"),
        ("police", "/compte/mot-de-passe/changer/"),
    ],
)
def test_account_pages_use_the_dsfr_layout(world, role, path):
    response = _client(world, role).get(path)
    html = response.content.decode()
    assert response.status_code == 200, path
    assert _in_the_layout(html), path
    assert '<html lang="fr"' in html


def test_a_signed_in_person_changes_their_password_and_the_trail_says_so(world):
    user = world.users["police"]
    user.set_password("Ancien-mot-de-passe-42")
    user.save()
    client = _client(world, "police")
    refused = client.post(
        "/compte/mot-de-passe/changer/",
        {"old_password": "faux", "new_password1": "Nouveau-secret-2024", "new_password2": "Nouveau-secret-2024"},
    )
    assert refused.status_code == 200 and "fr-input-group--error" in refused.content.decode()
    response = client.post(
        "/compte/mot-de-passe/changer/",
        {
            "old_password": "Ancien-mot-de-passe-42",
            "new_password1": "Nouveau-secret-2024",
            "new_password2": "Nouveau-secret-2024",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/" and "Votre mot de passe est modifié." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("Nouveau-secret-2024")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_SET, actor=user).exists()


def test_the_journal_tells_each_event_in_french_with_its_values_in_a_table(world):
    police = world.partners["police-1"]
    seizure = create_record(
        world.users["police"], "seizure", plan=world.plan, partner=police, data=sample("seizure", police, "S-1")
    )
    update_record(world.users["police"], seizure, {"quantity": Decimal("15")}, expected_version=seizure.version)
    record_event(
        world.users["police"],
        AuditEvent.Action.EXPORT,
        plan=world.plan,
        details={"format": "pdf", "period": "2023-01-01/2023-12-31"},
    )
    html = unescape(_client(world, "coordinator").get("/compte/journal/").content.decode())
    assert "police-user a modifié : saisie « " in html
    assert "police-user a créé : saisie « " in html
    assert re.search(
        r'<th scope="row">[^<]*[Qq]uantité[^<]*</th><td class="copil-break">[^<]+</td>'
        r'<td class="copil-break">15',
        html,
    )
    assert '<th scope="row">Format</th>' in html and ">pdf</td>" in html
    assert ">du 01/01/2023 au 31/12/2023</td>" in html
    assert "{'" not in html and "{&#x27;" not in html, "no Python dict printed"


def test_the_404_page_is_french_and_says_what_to_do(world):
    response = _client(world, "police").get("/nulle-part/")
    html = response.content.decode()
    assert response.status_code == 404
    assert _in_the_layout(html) and "Page introuvable" in html and "Retour aux plans" in html
    assert "Not Found" not in html


def test_the_403_page_is_french_and_says_what_to_do(world):
    response = _client(world, "police").get("/compte/journal/")
    html = response.content.decode()
    assert response.status_code == 403
    assert _in_the_layout(html) and "Accès refusé" in html and "coordinateur" in html
    assert "Seul un coordinateur du plan peut consulter son journal" in html, "the reason given by the view"


def test_the_500_page_is_french_and_needs_neither_the_database_nor_the_user(
    world, monkeypatch, django_assert_num_queries
):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = defaults.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert 'name="viewport"' in html and "Erreur inattendue" in html and "Retour aux plans" in html

    def broken(*args, **kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr("copil.web.views.comparison_module.comparison", broken)
    client = _client(world, "coordinator")
    client.raise_request_exception = False
    response = client.get("/comparaison/")
    assert response.status_code == 500 and "Erreur inattendue" in response.content.decode()


def _menu_links(html: str) -> set[str]:
    return {unescape(match["href"]) for match in NAV_OR_FOOTER.finditer(html)}


@pytest.mark.parametrize("role", [None, "public", "police", "care", "coordinator", "superuser"])
def test_the_menu_and_the_footer_only_link_to_pages_the_reader_may_open(world, role):
    client = _client(world, role)
    assert "/bilans/" not in str(_menu_links(client.get(f"/plans/{world.plan.slug}/bilans/").content.decode()))
    publish_bilan(None, plan=world.plan, period=Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31)))
    client.get(f"/plans/{world.plan.slug}/")  # a member's plan pages remember the plan
    seen: set[str] = set()
    for page in ("/", f"/plans/{world.plan.slug}/bilans/", "/enregistrements/"):
        seen |= _menu_links(client.get(page, follow=True).content.decode())
    assert seen, "some link"
    for link in sorted(seen):
        response = client.get(link)
        assert response.status_code == 200, f"{role}: {link} answers {response.status_code}"
    if role in (None, "public"):
        assert "/enregistrements/" not in seen, "no record kind to read or enter"
    if role is None:
        assert f"/plans/{world.plan.slug}/bilans/" in seen, "the published bilans, once there is one"
        assert "/comparaison/" not in seen and f"/plans/{world.plan.slug}/" not in seen
    assert ("/admin/" in seen) == (role == "superuser"), "the admin is linked for administrators only"
    assert ("/compte/membres/" in seen) == (role in ("coordinator", "superuser"))


@pytest.mark.parametrize(
    ("role", "kinds"),
    [
        (
            "police",
            {"deal_point", "network", "operation", "seizure", "arrest", "deployment_reading", "field_observation"}
            | {"drug_fine", "weapon_seizure", "asset_seizure", "street_price", "street_count"}
            | {"administrative_measure"},
        ),
        ("city", {"camera"}),
        ("care", {"field_observation", "prevention_action", "care_referral", "street_count", "care_activity"}),
    ],
)
def test_the_imports_page_offers_only_the_kinds_the_role_may_create(world, role, kinds):
    response = _client(world, role).get("/imports/")
    offered = {value for value, _label in response.context["form"].fields["kind"].choices if value}
    assert offered == kinds


def test_the_formats_page_is_in_the_layout_with_a_way_back(world):
    html = _client(world, None).get("/formats/").content.decode()
    assert _in_the_layout(html) and 'href="/"' in html
    html = _client(world, "police").get("/formats/").content.decode()
    assert "Retour à l’import d’un fichier" in html and 'href="/imports/"' in html

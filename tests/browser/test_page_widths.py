"""Every page of the app at a phone's width (390 px) and a laptop's (1366 px): none scrolls sideways, none has a
serious or critical axe violation (issue 12, item 5). A coordinator's pages with one signed-in context, the
public pages without one; the import job page with long errors as the partner who sent the file (issue 12,
item 8). Screenshots go to test-output/width-<px>-<page>.png: with tests/browser/test_phone_dashboard.py they show
issue 12's six journeys at both widths — the préfet on a phone (dashboard, five-minutes), the chargé de mission
preparing the COPIL (meetings, meeting, decision-edit, actions, bilan), the police entering seizures (police-*),
the association worker entering referrals (care-*), the citizen reading the bilan (public-*), the comparison and
the API docs (comparison, api-docs).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from copil.access.models import TerritoryObserver
from copil.imports.models import ImportJob
from copil.indicators.periods import Period
from copil.plans.models import Action, Decision, Meeting
from copil.records.models import RECORD_KINDS
from copil.reports.actions import publish_bilan
from copil.reports.models import BilanVersion
from tests.factories import make_alert, make_record
from tests.web.conftest import add_records, make_site

from .conftest import OUTPUT, UNREACHABLE_TILES

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (390, 1366)
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
LONG_REASON_VALUE = "une-valeur-très-longue-" * 8


def _signed_in_context(browser, live_server, user):
    """A browser context holding the session of `user` (signed in through Django's test client, which also
    passes the second factor): one sign-in for every page."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context


def _site_with_everything(tmp_path):
    site = make_site()
    add_records(site, 30)
    plan = site.plan
    meeting = Meeting.objects.create(plan=plan, held_on=dt.date(2024, 3, 12), title="COPIL de printemps")
    action = Action.objects.create(plan=plan, owner=site.partners["police"], title="Patrouilles de nuit " * 4)
    Decision.objects.create(meeting=meeting, text="Renforcer les patrouilles autour de la gare " * 3, action=action)
    # The plan's budget (issue 14, family 8): the dashboard's budget table per axis, every column filled.
    for n, (axis, year) in enumerate([("prevention_care", 2022), ("prevention_care", 2023), ("repression", 2023)]):
        make_record(
            "budget_line",
            site.partners["coordinator"],
            external_id=f"BUD-{n}",
            code=str(n),
            funder="Agence régionale de santé d'Île-de-France",
            axis=axis,
            year=dt.date(year, 1, 1),
            planned_eur=Decimal("3000000"),
            committed_eur=Decimal("24100000.55"),
            spent_eur=Decimal("21950000"),
        )
    publish_bilan(None, plan=plan, period=Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31)))
    police = Client()
    police.force_login(site.users["police"])
    rows = "".join(f"S-{n};2024-01-0{n};{LONG_REASON_VALUE};-1;g\n" for n in range(1, 4))
    upload = SimpleUploadedFile("saisies.csv", ("identifiant;date;substance;quantite;unite\n" + rows).encode())
    police.post("/imports/", {"partner": site.partners["police"].pk, "file": upload})
    job = ImportJob.objects.get()
    assert job.error_count > 0
    return site, meeting, job


def _signalement(site):
    """A routed signalement with a long description, taken in hand (its page shows every follow-up form)."""
    from copil.signalements import actions
    from copil.signalements.models import Category

    actions.ensure_default_categories(site.plan)
    hall = Category.objects.get(plan=site.plan, code="occupation_hall")
    actions.set_routing_rule(
        site.plan, actor=None, category=hall, responsible=[site.partners["police"]], informed=[site.partners["city"]]
    )
    item, _created = actions.create_signalement(
        site.plan,
        actor=site.users["city"],
        client_id=uuid.uuid4(),
        category=hall,
        description="Regroupement dans le hall B, au pied de l'escalier, tous les soirs après 22 h. " * 4,
        observed_at=timezone.now() - dt.timedelta(hours=3),
        address="12 rue des Lilas, résidence des Jardins, bâtiment B",
        reporter_partner=site.partners["city"],
    )
    return actions.take_signalement(item, actor=site.users["police"])


def _visit(page, path: str, name: str, problems: list[str]) -> None:
    from .conftest import check_accessibility

    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 844 if width < 500 else 768})
        response = page.goto(path)
        assert response is not None and response.status < 500, f"{path}: {response and response.status}"
        page.wait_for_load_state()
        overflow = page.evaluate(OVERFLOW)
        if overflow > 0:
            wide = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                    .slice(0, 3).map(e => e.tagName + '.' + e.className)"""
            )
            problems.append(f"{path} at {width} px scrolls sideways by {overflow} px ({wide})")
        try:
            check_accessibility(page, f"width-{width}-{name}")
        except AssertionError as error:
            problems.append(f"{path} at {width} px: {error}")
        page.screenshot(path=str(OUTPUT / f"width-{width}-{name}.png"), full_page=True)


def test_no_page_scrolls_sideways_at_390_or_1366_px(browser, live_server, settings, tmp_path):
    settings.COPIL_TILE_URL = UNREACHABLE_TILES
    settings.COPIL_UPLOAD_DIR = tmp_path / "uploads"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    site, meeting, job = _site_with_everything(tmp_path)
    seizure = RECORD_KINDS["seizure"].objects.filter(plan=site.plan, partner=site.partners["police"]).first()
    decision = Decision.objects.get(meeting=meeting)
    version = BilanVersion.objects.published().get(plan=site.plan)
    alert = make_alert(site.plan, place="Square des Lilas")
    signalement = _signalement(site)
    problems: list[str] = []

    coordinator_pages = {
        "home": "/",
        "dashboard": "/plans/ville/?periode=2023",
        "budget-lines": "/enregistrements/budget_line/?plan=ville",
        "budget-line-new": "/enregistrements/budget_line/nouveau/",
        "five-minutes": "/plans/ville/5-minutes/?periode=2023",
        "map": "/plans/ville/carte/?periode=2023",
        "alert": f"/plans/ville/alertes/{alert.pk}/",
        "signalements": "/plans/ville/signalements/",
        "signalements-queue": "/plans/ville/signalements/a-traiter/",
        "signalement": f"/plans/ville/signalements/{signalement.pk}/",
        "signalement-new": "/plans/ville/signalements/nouveau/",
        "signalements-mine": "/plans/ville/signalements/mes-signalements/",
        "signalements-routing": "/plans/ville/signalements/routage/",
        "signalements-charter": "/plans/ville/signalements/charte/",
        "meetings": "/plans/ville/reunions/",
        "meeting": f"/plans/ville/reunions/{meeting.pk}/",
        "decision-edit": f"/plans/ville/reunions/{meeting.pk}/decisions/{decision.pk}/modifier/",
        "decision-delete": f"/plans/ville/reunions/{meeting.pk}/decisions/{decision.pk}/supprimer/",
        "actions": "/plans/ville/actions/",
        "bilan": "/plans/ville/bilan/?periode=2023",
        "bilan-versions": "/plans/ville/bilans/",
        "bilan-workflow": "/plans/ville/bilan/versions/",
        "statistics": "/plans/ville/statistiques/",
        "evaluation": "/plans/ville/evaluation/",
        "comparison": "/comparaison/?periode=2023",
        "records": "/enregistrements/",
        "seizures": "/enregistrements/seizure/",
        "seizure": f"/enregistrements/seizure/{seizure.pk}/",
        "members": "/compte/membres/",
        "invite": "/compte/membres/inviter/",
        "journal": "/compte/journal/",
        "tokens": "/api/jetons/",
        "agreement-form": "/enregistrements/agreement/nouveau/",
        "imports": "/imports/",
        "password": "/compte/mot-de-passe/changer/",
        "second-factor": "/compte/double-facteur/",
        "notification-preferences": "/compte/notifications/",
        "forbidden": "/protection-des-donnees/ville/personne/",
        "api-docs": "/api/docs",
    }
    context = _signed_in_context(browser, live_server, site.users["coordinator"])
    page = context.new_page()
    for name, path in coordinator_pages.items():
        _visit(page, path, name, problems)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/plans/ville/actions/")
    status = page.get_by_role("combobox", name="Statut").first.bounding_box()
    assert status["x"] >= 0 and status["x"] + status["width"] <= 390, "the status control is on the phone's screen"
    context.close()

    context = _signed_in_context(browser, live_server, site.users["police"])
    page = context.new_page()
    _visit(page, f"/imports/{job.pk}/", "import-errors", problems)
    for name, path in {
        "police-seizures": "/enregistrements/seizure/",
        "police-seizure-form": "/enregistrements/seizure/nouveau/",
        "police-seizure-edit": f"/enregistrements/seizure/{seizure.pk}/modifier/",
        "police-seizure-delete": f"/enregistrements/seizure/{seizure.pk}/supprimer/",
        "police-imports": "/imports/",
        "police-signalement": f"/plans/ville/signalements/{signalement.pk}/",
        "police-signalements-queue": "/plans/ville/signalements/a-traiter/",
    }.items():
        _visit(page, path, name, problems)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/imports/{job.pk}/")
    cell = page.locator("table.copil-error-table tbody tr td").nth(3)
    assert page.evaluate("(e) => e.scrollWidth <= e.clientWidth", cell.element_handle()), "the reason wraps"
    button = page.get_by_role("button", name="Supprimer le fichier").bounding_box()
    heading = page.get_by_role("heading", name="Premières lignes").bounding_box()
    assert heading["y"] - (button["y"] + button["height"]) >= 16, "space between the button and the next heading"
    context.close()

    context = _signed_in_context(browser, live_server, site.users["care"])
    page = context.new_page()
    for name, path in {
        "care-referral-form": "/enregistrements/care_referral/nouveau/",
        "care-referrals": "/enregistrements/care_referral/",
        "care-dashboard": "/plans/ville/?periode=2023",
        "care-field": "/plans/ville/terrain/",
    }.items():
        _visit(page, path, name, problems)
    context.close()

    observer = get_user_model().objects.create_user(username="mildeca", password="x")
    TerritoryObserver.objects.create(user=observer, territory_code="FR")
    context = _signed_in_context(browser, live_server, observer)
    page = context.new_page()
    _visit(page, "/territoires/?annee=2023", "territories-national", problems)
    context.close()

    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    for name, path in {
        "public-home": "/",
        "public-bilan-versions": "/plans/ville/bilans/",
        "public-bilan-version": f"/plans/ville/bilans/{version.number}/",
        "login": "/compte/connexion/",
        "formats": "/formats/",
        "not-found": "/nulle-part/",
    }.items():
        _visit(page, path, name, problems)
    context.close()
    assert not problems, "\n".join(problems)

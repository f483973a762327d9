"""The committee's journeys in a real browser: log in, pick a plan and a period, open the map, create a meeting
with a decision and an action item, download the bilan PDF, compare plans, filter records.

They run on both database legs (about 30 s each); every page visited passes axe-core (no serious or critical
violation) and each journey leaves a screenshot in test-output/.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from copil.plans.models import Decision, Meeting, Membership
from tests.web.conftest import PASSWORD, add_records, make_site

from .conftest import check_accessibility, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(db):
    site = make_site()
    add_records(site, 40)
    return site


def _pick_period(page, start: str, end: str) -> None:
    """The dashboard's compact period control: « Personnaliser la période » opens the custom range."""
    page.get_by_text("Personnaliser la période").click()
    page.locator("#periode-du").fill(start)
    page.locator("#periode-au").fill(end)
    page.get_by_role("button", name="Afficher cette période").click()
    page.wait_for_load_state()


def test_log_in_pick_a_plan_and_a_period(page, site):
    log_in(page, "coordinator-ville", PASSWORD)
    check_accessibility(page, "home")
    page.get_by_role("link", name="Plan de la ville").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Tableau de bord"
    _pick_period(page, "2023-01-01", "2023-12-31")
    assert "periode=personnalisee" in page.url
    assert page.get_by_text("Chiffres en 2023").is_visible()
    card = page.locator("#indicateur-seizures")
    assert card.locator(".copil-figure").inner_text() == "40"
    assert (
        card.get_by_role("link").get_attribute("href").startswith("/enregistrements/seizure/?plan=ville&du=2023-01-01")
    )
    assert page.locator("#graphique-seizures_by_substance svg").count() == 1
    check_accessibility(page, "dashboard")
    screenshot(page, "journey-dashboard")
    assert not page.js_errors


def test_open_the_map_without_tiles(page, site):
    log_in(page, "coordinator-ville", PASSWORD)
    page.goto("/plans/ville/carte/?periode=2023")
    page.wait_for_function("document.querySelectorAll('#copil-map path.leaflet-interactive').length >= 80")
    assert page.locator("#copil-map-tiles-error").is_visible()  # the tile server is unreachable here
    slider = page.locator("#copil-slider")
    assert slider.is_visible()
    slider.focus()
    page.keyboard.press("ArrowRight")
    assert page.locator("#copil-slider-value").inner_text().startswith("semaine du")
    assert page.locator("table").first.locator("tbody tr").count() == 40
    check_accessibility(page, "map")
    screenshot(page, "journey-map")
    assert not page.js_errors


def test_create_a_meeting_with_a_decision_and_an_action_item(page, site):
    log_in(page, "coordinator-ville", PASSWORD)
    page.goto("/plans/ville/reunions/")
    check_accessibility(page, "meetings")
    day = timezone.localdate() + dt.timedelta(days=14)
    page.locator("#id_title").fill("COPIL de printemps")
    page.locator("#id_held_on").fill(day.isoformat())
    page.locator("#id_place").fill("Préfecture")
    page.get_by_role("button", name="Programmer").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "COPIL de printemps"
    assert page.get_by_role("heading", name="Ordre du jour").is_visible()
    check_accessibility(page, "meeting")
    page.locator("label", has_text="Police ville").click()
    page.locator("label", has_text="City ville").click()
    page.get_by_role("button", name="Enregistrer les participants").click()
    page.wait_for_load_state()
    page.locator("#id_text").fill("Renforcer les patrouilles de nuit autour de la gare")
    page.locator("#id_action_title").fill("Patrouilles de nuit")
    page.locator("#id_owner").select_option(label="Police ville")
    page.locator("#id_due_on").fill((day + dt.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Enregistrer la décision").click()
    page.wait_for_load_state()
    assert page.get_by_role("cell", name="Patrouilles de nuit", exact=True).is_visible()
    meeting = Meeting.objects.get(title="COPIL de printemps")
    assert (
        meeting.attendees.count() == 2 and Decision.objects.get(meeting=meeting).action.title == "Patrouilles de nuit"
    )
    screenshot(page, "journey-meeting")
    with page.expect_download() as download:
        page.get_by_role("link", name="Relevé de décisions (PDF)").click()
    assert download.value.suggested_filename.startswith("releve-de-decisions-ville-")
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"
    page.goto("/plans/ville/actions/")
    assert page.get_by_role("cell", name="Patrouilles de nuit", exact=True).is_visible()
    check_accessibility(page, "actions")
    assert not page.js_errors


def test_download_the_bilan_pdf(page, site):
    log_in(page, "coordinator-ville", PASSWORD)
    page.goto("/plans/ville/?periode=2023")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Bilans").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Plan de la ville")
    check_accessibility(page, "bilan")
    screenshot(page, "journey-bilan")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le PDF").click()
    assert download.value.suggested_filename.startswith("bilan-ville-")
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"


def test_compare_two_plans(page, site):
    other = make_site("autre", name="Autre plan", population=40000)
    add_records(other, 5)
    user = get_user_model().objects.create_user("prefet", "prefet@example.fr", PASSWORD)
    for plan_site in (site, other):
        Membership.objects.create(partner=plan_site.partners["coordinator"], user=user)
    log_in(page, "prefet", PASSWORD)
    page.goto("/comparaison/")
    page.locator("label[for=periode-personnalisee]").click()  # DSFR: the label covers the radio
    page.locator("#periode-du").fill("2023-01-01")
    page.locator("#periode-au").fill("2023-12-31")
    page.get_by_role("button", name="Comparer").click()
    page.wait_for_load_state()
    assert page.get_by_role("columnheader", name=re.compile("Autre plan")).is_visible()
    check_accessibility(page, "comparison")
    screenshot(page, "journey-comparison")


def test_filter_the_records_behind_a_figure(page, site):
    log_in(page, "coordinator-ville", PASSWORD)
    page.goto("/plans/ville/?periode=2023")
    page.locator("#indicateur-seizures").get_by_role("link").click()
    page.wait_for_load_state()
    if "/enregistrements/seizure/" not in page.url or page.title().startswith(("Page not found", "Not Found")):
        pytest.xfail("the record list pages (/enregistrements/, issue 3) are not wired in copil/urls.py yet")
    check_accessibility(page, "records")
    page.goto(page.url + "&partenaire=police-ville")
    body = page.locator("main").inner_text()
    assert "S0" in body and not re.search(r"\bS1\b", body)  # S1 is the gendarmerie's
    screenshot(page, "journey-records")


def test_read_the_evaluation_and_the_official_statistics(page, site):
    """From the dashboard to the evaluation (too few months before the plan: it says why) and the official rates."""
    territory = site.plan.territory
    territory.insee_code, territory.name = "61001", "Alençon"
    territory.save()
    call_command("import_ssmsi", str(Path(__file__).parent.parent / "official_statistics" / "data" / "communes.csv"))
    log_in(page, "coordinator-ville", PASSWORD)
    page.goto("/plans/ville/?periode=2023")
    page.get_by_role("link", name="Évaluation").click()
    page.wait_for_load_state()
    assert page.get_by_text("Pas de conclusion possible").is_visible()
    check_accessibility(page, "evaluation")
    page.goto("/plans/ville/")
    page.get_by_role("link", name="Statistiques officielles").click()
    page.wait_for_load_state()
    assert page.get_by_text("En 2024, 13,5 personnes mises en cause").is_visible()
    check_accessibility(page, "statistics")
    screenshot(page, "journey-statistics")
    assert not page.js_errors

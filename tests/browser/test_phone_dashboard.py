"""The préfet's dashboard on a phone (issue 12, item 4; issue 11, « Le COPIL en 5 minutes »): at 390 × 844 the
first key figure is on the first screen, above the compact period control, and nothing scrolls sideways; the
custom period opens from « Personnaliser la période ». Screenshots at 390 and 1366 px go to test-output/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from copil.plans.models import Action, Meeting
from tests.factories import make_alert, make_record
from tests.web.conftest import add_records, make_site

from .conftest import OUTPUT, check_accessibility
from .test_page_widths import OVERFLOW, _signed_in_context

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def site():
    site = make_site()
    add_records(site, 40)
    police = site.partners["police"]
    for partner in (police, site.partners["police-2"]):  # 2022: the year before, so 2023's figures compare
        make_record("arrest", partner, arrested_on=dt.date(2022, 5, 1), role="trafficker")
    today = timezone.localdate()
    make_alert(site.plan, place="Square des Lilas")
    Action.objects.create(plan=site.plan, owner=police, title="Fermer le hall B", due_on=today - dt.timedelta(days=5))
    Meeting.objects.create(plan=site.plan, held_on=today + dt.timedelta(days=12), title="COPIL de printemps")
    return site


def test_the_key_figures_come_first_on_a_phone_and_the_period_is_a_compact_control(browser, live_server, site):
    context = _signed_in_context(browser, live_server, site.users["coordinator"])
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto("/plans/ville/?periode=2023")
    first_figure = page.locator("#copil-5-minutes .copil-figure").first.bounding_box()
    assert first_figure is not None and first_figure["y"] + first_figure["height"] < PHONE["height"]
    assert page.locator("#copil-5-minutes").get_by_text("Square des Lilas").is_visible()
    control = page.locator(".copil-period-select").bounding_box()
    assert control["y"] > first_figure["y"] and control["height"] < 200, "one select and a disclosure"
    assert page.evaluate(OVERFLOW) <= 0, "nothing scrolls sideways at 390 px"
    check_accessibility(page, "phone-dashboard-390")
    page.screenshot(path=str(OUTPUT / "phone-dashboard-390.png"), full_page=False)
    page.screenshot(path=str(OUTPUT / "phone-dashboard-390-full.png"), full_page=True)

    page.get_by_label("Période").select_option("2023")
    page.get_by_role("button", name="Afficher", exact=True).click()
    page.wait_for_load_state()
    assert "periode=2023" in page.url
    page.get_by_text("Personnaliser la période").click()
    page.locator("#periode-du").fill("2023-01-01")
    page.locator("#periode-au").fill("2023-06-30")
    page.get_by_role("button", name="Afficher cette période").click()
    page.wait_for_load_state()
    assert page.get_by_text("Chiffres du 1er janvier au 30 juin 2023").first.is_visible()

    page.goto("/plans/ville/5-minutes/?periode=2023")
    assert page.evaluate(OVERFLOW) <= 0
    check_accessibility(page, "phone-five-minutes-390")
    page.screenshot(path=str(OUTPUT / "phone-five-minutes-390.png"), full_page=True)

    page.set_viewport_size(LAPTOP)
    for path, name in (
        ("/plans/ville/?periode=2023", "dashboard"),
        ("/plans/ville/5-minutes/?periode=2023", "five-minutes"),
    ):
        page.goto(path)
        assert page.evaluate(OVERFLOW) <= 0, f"{path} scrolls sideways at 1366 px"
        check_accessibility(page, f"{name}-1366")
        page.screenshot(path=str(OUTPUT / f"{name}-1366.png"), full_page=True)
    context.close()

"""Issue 12 item 6 in the browser: a police officer enters a seizure on a phone and on a desktop, finds its
operation by typing a place in the searchable list, leaves the identifier to Copil; the page passes axe."""

import datetime as dt

import pytest

from copil.records.actions import create_record
from copil.records.models import Seizure
from tests.web.conftest import PASSWORD, make_site

from .conftest import check_accessibility, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_enter_a_seizure_picking_its_operation_by_place(page, db):
    site = make_site()
    police = site.partners["police"]
    for day, kind, place in ((12, "raid", "OPE-STALINGRAD"), (14, "check", "OPE-EOLE")):
        data = {"external_id": place, "occurred_on": dt.date(2024, 3, day), "kind": kind}
        create_record(None, "operation", plan=site.plan, partner=police, data=data)
    log_in(page, "police-ville", PASSWORD)
    for width, height in ((390, 844), (1366, 768)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/enregistrements/seizure/nouveau/?plan=ville")
        options = page.locator("#id_operation option:not([hidden])")
        assert options.count() == 3  # « — » and both operations
        page.locator("#id_operation-recherche").fill("stalingrad")
        assert options.count() == 2 and "12/03/2024 · descente · OPE-STALINGRAD" in options.nth(1).inner_text()
        check_accessibility(page, f"seizure-form-{width}")
        screenshot(page, f"journey-seizure-form-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.locator("#id_date").fill("2024-03-12")
    page.locator("#id_substance").select_option(label="crack")
    page.locator("#id_quantite").fill("13,5")
    page.locator("#id_unite").select_option(label="gramme")
    page.locator("#id_operation").select_option(value=f"{police.code}:OPE-STALINGRAD")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    seizure = Seizure.objects.get()
    assert seizure.external_id == "POLICE-VILLE-2024-0001" and seizure.operation.external_id == "OPE-STALINGRAD"
    assert "12/03/2024" in page.locator("main").inner_text()
    check_accessibility(page, "seizure-detail")
    screenshot(page, "journey-seizure-detail")
    assert not page.js_errors

"""Two-factor sign-in in a real browser: an association worker invited by a coordinator sets a password, is led
to enrolment (no record page opens before), enrols by reading the key off the page, signs out, signs in with
password and code, then with a recovery code, which works once. Screenshots of the new pages at 390 and 1366 px."""

from __future__ import annotations

import re
import time

import pytest

from copil.access.accounts import invite_member
from tests.web.conftest import make_site

from .conftest import check_accessibility, enrol_authenticator, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Un mot de passe solide 2026"
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1366, "height": 900}


def _both_widths(page, name: str) -> None:
    for label, size in (("390", PHONE), ("1366", DESKTOP)):
        page.set_viewport_size(size)
        screenshot(page, f"twofactor-{name}-{label}")
        if label == "390":
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{name}: the page scrolls sideways on a phone ({width} px)"


def _sign_in(page, username: str) -> None:
    page.goto("/compte/connexion/")
    page.get_by_label(re.compile("Nom d.utilisateur", re.I)).fill(username)
    page.get_by_label(re.compile("Mot de passe", re.I)).fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()


def _sign_out(page) -> None:
    page.get_by_role("button", name="Se déconnecter").first.click()
    page.wait_for_load_state()


def test_an_association_worker_enrols_then_signs_in_with_a_code_and_a_recovery_code(page):
    site = make_site()
    invitation = invite_member(
        site.users["coordinator"], plan=site.plan, partner=site.partners["care"], email="educ@asso.example.fr"
    )
    username = invitation.user.get_username()

    page.goto(invitation.link)
    page.get_by_label(re.compile("^Nouveau mot de passe")).fill(PASSWORD)
    page.get_by_label(re.compile("^Confirmation du nouveau mot de passe")).fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    _sign_in(page, username)
    assert "/compte/double-facteur/activer/" in page.url, "led to enrolment right after the password"
    for path in ("/enregistrements/", "/enregistrements/care_referral/", "/plans/ville/", "/admin/"):
        page.goto(path)
        assert "/compte/double-facteur/activer/" in page.url, f"{path} opened before enrolment"
    check_accessibility(page, "twofactor-enrol")
    _both_widths(page, "enrol")

    page.set_viewport_size(PHONE)
    authenticator, recovery_codes = enrol_authenticator(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Vos codes de secours"
    assert len(recovery_codes) == 10
    check_accessibility(page, "twofactor-recovery-codes")
    _both_widths(page, "recovery-codes")
    page.get_by_role("link", name="Continuer").click()
    page.goto("/enregistrements/")
    assert page.url.endswith("/enregistrements/")
    _sign_out(page)

    _sign_in(page, username)
    assert "/compte/double-facteur/" in page.url and "activer" not in page.url
    check_accessibility(page, "twofactor-code")
    _both_widths(page, "code")
    next_step = authenticator.at(time.time() + authenticator.interval)  # the enrolment spent the current step
    page.get_by_role("textbox", name=re.compile("^Code")).fill(next_step)
    page.get_by_role("button", name="Valider").click()
    page.wait_for_load_state()
    page.goto("/enregistrements/care_referral/")
    assert page.url.endswith("/enregistrements/care_referral/")
    _sign_out(page)

    for attempt in ("first", "second"):
        _sign_in(page, username)
        page.get_by_role("textbox", name=re.compile("^Code")).fill(recovery_codes[0])
        page.get_by_role("button", name="Valider").click()
        page.wait_for_load_state()
        if attempt == "first":
            assert "/compte/double-facteur/" not in page.url
            assert page.get_by_text("il vous en reste 9").is_visible()
            _sign_out(page)
        else:
            assert "/compte/double-facteur/" in page.url
            assert page.get_by_text("Ce code n’est pas valide").is_visible()
            screenshot(page, "twofactor-recovery-code-reused")
    assert not page.js_errors

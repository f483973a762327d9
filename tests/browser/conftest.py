"""Browser tests: Playwright driving Debian's Chromium (headless) against pytest-django's live server.

One browser for the journeys, one context (cookies) per test. Each journey saves a screenshot under
`test-output/` and checks every page it visits with axe-core (no serious or critical violation).
Skipped when Playwright or Chromium is missing, unless CI=true. They run in the SQLite leg of `make test` only:
what the browser sees does not depend on the database, and the PostgreSQL leg checks the same pages through
the test client (tests/web); on PostgreSQL the live server's flushes would double their time.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

# The SQLite leg's in-memory test database is one connection, which Django shares with the live server's
# threads: two requests at once (the map fetches its layers in parallel) deadlocked on it now and then, the
# journey hanging for good. The live server answers one request at a time (and closes each connection), in its
# own thread, which already uses the shared connection.


class _OneRequestAtATime(WSGIServer):
    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


LiveServerThread.server_class = _OneRequestAtATime

CHROMIUM = os.environ.get("COPIL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
UNREACHABLE_TILES = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # refused at once: the map must do without tiles
BLOCKING_IMPACTS = {"serious", "critical"}


def _missing() -> str | None:
    try:
        import axe_playwright_python  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        return f"Playwright or axe-playwright-python is not installed ({error})"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (set COPIL_CHROMIUM)"
    return None


def pytest_collection_modifyitems(config, items):
    if os.environ.get("COPIL_TEST_DATABASE") != "postgresql":
        return
    marker = pytest.mark.skip(reason="browser tests run in the SQLite leg only")
    for item in items:
        if item.nodeid.startswith("tests/browser/"):
            item.add_marker(marker)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Chromium, launched once for the journeys (they live in one module), closed after them.

    Playwright's sync API runs an event loop in the test thread, where Django then refuses ORM calls; the
    tests' own calls are synchronous, so DJANGO_ALLOW_ASYNC_UNSAFE is set meanwhile — and only meanwhile:
    later modules must not inherit it (`check --deploy` refuses it)."""
    reason = _missing()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(exist_ok=True)
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server, settings):
    settings.COPIL_TILE_URL = UNREACHABLE_TILES
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="fr-FR", accept_downloads=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    yield page
    context.close()


def check_accessibility(page, name: str) -> None:
    """axe-core on the current page: the report goes to test-output/axe-<name>.json; serious or critical
    violations fail the test."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = results.response["violations"]
    (OUTPUT / f"axe-{name}.json").write_text(
        json.dumps(
            [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]} for v in violations],
            ensure_ascii=False,
            indent=1,
        )
    )
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"{name}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in blocking
    )


def screenshot(page, name: str) -> Path:
    path = OUTPUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, username: str, password: str) -> None:
    page.goto("/compte/connexion/")
    check_accessibility(page, "login")
    page.get_by_label(re.compile("Nom d.utilisateur|Identifiant|Username", re.I)).fill(username)
    page.get_by_label(re.compile("Mot de passe|Password", re.I)).fill(password)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    pass_second_factor(page, username)


def enrol_authenticator(page) -> tuple[object, list[str]]:
    """On the enrolment page: read the key as a person would type it into their application, confirm with its
    code; returns the authenticator (pyotp) and the recovery codes shown."""
    import pyotp

    secret = page.locator("#cle-secrete").inner_text().replace(" ", "")
    authenticator = pyotp.TOTP(secret)
    page.get_by_role("textbox", name=re.compile("^Code")).fill(authenticator.now())
    page.get_by_role("button", name="Activer").click()
    page.wait_for_load_state()
    return authenticator, page.locator("#codes-de-secours code").all_inner_texts()


def pass_second_factor(page, username: str) -> None:
    """After the password: enrol when led to enrolment (then continue), or type the code of the authenticator
    enrolled earlier (its key read from the database, as the person's phone holds it)."""
    import base64
    import time

    import pyotp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if "/compte/double-facteur/activer/" in page.url:
        enrol_authenticator(page)
        page.get_by_role("link", name="Continuer").click()
        page.wait_for_load_state()
    elif "/compte/double-facteur/" in page.url:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        authenticator = pyotp.TOTP(base64.b32encode(device.bin_key).decode())
        next_step = authenticator.at(time.time() + authenticator.interval)  # the current one may be spent
        page.get_by_role("textbox", name=re.compile("^Code")).fill(next_step)
        page.get_by_role("button", name="Valider").click()
        page.wait_for_load_state()

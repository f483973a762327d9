"""The main journeys once against the production server (`copil serve --production`: gunicorn, the production
settings, WhiteNoise's hashed static files, its own worker), on a SQLite copy of the Alençon demo plan."""

import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from copil.testing.postgres import free_port
from tests.browser.conftest import UNREACHABLE_TILES, check_accessibility, log_in, screenshot

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = secrets.token_urlsafe(16)
CREATE_COORDINATOR = f"""
from django.contrib.auth import get_user_model
from copil.plans.models import Membership, Partner
user = get_user_model().objects.create_user("prefecture", "cabinet@example.fr", {PASSWORD!r})
Membership.objects.create(user=user, partner=Partner.objects.get(plan__slug="alencon", code="prefecture"))
"""


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    var = tmp_path_factory.mktemp("production")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "COPIL_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="copil.settings_production",
        SECRET_KEY=secrets.token_urlsafe(50),
        COPIL_PSEUDONYM_KEY=secrets.token_hex(32),
        COPIL_VAR_DIR=str(var),
        COPIL_ALLOWED_HOSTS="localhost",
        COPIL_SSL_REDIRECT="0",  # plain HTTP on the loopback; the reverse proxy does TLS in a deployment
        COPIL_HSTS_SECONDS="0",
        COPIL_TILE_URL=UNREACHABLE_TILES,
        COPIL_WEB_WORKERS="2",
        COPIL_LOG_FORMAT="json",
        COPIL_WORKER_HEARTBEAT_SECONDS="1",
    )

    def copil(*arguments):
        subprocess.run([sys.executable, "-m", "copil", *arguments], env=env, cwd=ROOT, check=True, capture_output=True)

    copil("migrate", "--no-input")
    copil("import-plan", str(ROOT / "demo" / "alencon"))
    copil("shell", "-c", CREATE_COORDINATOR)
    port = free_port()
    log = open(var / "server.log", "w+")  # noqa: SIM115 - read back at the end
    server = subprocess.Popen(
        [sys.executable, "-m", "copil", "serve", "--production", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(base + "/sante/", timeout=5) as response:
                    assert response.status == 200
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    log.seek(0)
                    pytest.fail("the production server did not become healthy:\n" + log.read()[-3000:])
                time.sleep(0.5)
        yield base, log
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()


def test_journeys_on_the_production_server(browser, production_server):
    base, log = production_server
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900}, locale="fr-FR")
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors, static = [], {}
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda r: static.setdefault(r.url, r) if "/static/" in r.url else None)
    try:
        log_in(page, "prefecture", PASSWORD)
        page.goto("/plans/alencon/?periode=2023")
        assert page.get_by_role("heading", level=1).inner_text() == "Tableau de bord"
        assert page.locator("#indicateur-seizures .copil-figure").inner_text().strip()
        check_accessibility(page, "production-dashboard")
        page.goto("/plans/alencon/carte/?periode=2023")
        page.locator("#copil-map path.leaflet-interactive").first.wait_for()  # the layers loaded (no eval: CSP)
        page.goto("/plans/alencon/bilan/?periode=2023")
        assert "saisi" in page.locator("main").inner_text()
        screenshot(page, "production-bilan")
        assert not errors
    finally:
        context.close()
    # static files come from WhiteNoise under hashed names, cached for a year
    assert static and all(r.status == 200 for r in static.values())
    assert any(r.url.endswith(".css") for r in static.values())
    for response in static.values():
        assert "immutable" in response.headers.get("cache-control", ""), response.url
    log.seek(0)
    lines = log.read()
    assert '"path": "/plans/alencon/bilan/"' in lines and '"status": 200' in lines  # one JSON line per request

"""`copil demo` end to end, in a subprocess: seed plans loaded, bilans written, server answering."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import pytest
from django.db import connection

from copil.testing.postgres import free_port


@pytest.fixture
def demo_database_url(db):
    """A database of its own for the subprocess: a file for SQLite, a fresh database on PostgreSQL."""
    if connection.vendor != "postgresql":
        yield None
        return
    import psycopg

    settings_dict = connection.settings_dict
    name = f"copil_demo_{uuid.uuid4().hex[:8]}"
    dsn = f"host={settings_dict['HOST']} port={settings_dict['PORT']} user={settings_dict['USER']} dbname=postgres"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{name}"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_demo_writes_both_bilans_then_serves(tmp_path, demo_database_url):
    port = free_port()
    env = {**os.environ, "COPIL_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "copil.settings"}
    env.pop("DATABASE_URL", None)
    if demo_database_url:
        env["DATABASE_URL"] = demo_database_url
    server = subprocess.Popen(
        [sys.executable, "-m", "copil", "demo", "--address", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 240
        page = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    page = response.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert page is not None, server.stdout.read() if server.poll() is not None else "server did not answer"
        assert "Alençon" in page and "Nord-est parisien" in page and "Haute-Garonne" in page
        written = sorted(p.name for p in (tmp_path / "bilans").iterdir())
        assert any(n.startswith("bilan-alencon-20230101-20240630") and n.endswith(".html") for n in written)
        assert any(n.startswith("bilan-paris-20230101-20231005") and n.endswith(".md") for n in written)
        # The internal bilan needs a login; the published one is open to everyone.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/plans/paris/bilan/?periode=2023", timeout=30) as r:
            assert "/compte/connexion/" in r.url
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/plans/paris/bilans/1/", timeout=30) as r:
            assert "interpellations de trafiquants" in r.read().decode()  # the seed period, published by the demo
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/plans/paris/bilan/publie/?periode=2023", timeout=30) as r:
            assert r.url.endswith("/plans/paris/bilans/")  # the former live address leads to the versions
    finally:
        server.terminate()
        server.wait(timeout=30)
    output = server.stdout.read()
    # The early warning ran as of each bilan's last day: Paris has exactly the Rue Riquet regrouping.
    assert "paris : 1 alerte(s) au 05/10/2023" in output
    assert "Regroupement autour de Rue Riquet, angle rue de Tanger, Paris" in output

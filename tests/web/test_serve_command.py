"""`copil serve` runs a worker next to the server, so background tasks (large imports, the daily scan) run in
the two-command demo too; stopping the server stops the worker."""

import os
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest
from django.db import connection

from copil.testing.postgres import free_port


def _copil(env, *arguments, **kwargs):
    return subprocess.run([sys.executable, "-m", "copil", *arguments], env=env, check=True, **kwargs)


@pytest.mark.skipif(
    os.environ.get("COPIL_TEST_DATABASE") == "postgresql", reason="the demo database is SQLite; runs in that leg"
)
def test_serve_runs_the_queued_tasks_and_stops_its_worker(tmp_path, db):
    assert connection.vendor == "sqlite"
    env = {**os.environ, "COPIL_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "copil.settings"}
    env.pop("DATABASE_URL", None)
    _copil(env, "migrate", "--no-input", capture_output=True)
    _copil(env, "scan", "--day", "2023-06-01", "--replicates", "9", capture_output=True)  # enqueues the daily task
    database = tmp_path / "copil.sqlite3"

    def statuses() -> list[str]:
        with sqlite3.connect(database) as db_file:
            return [row[0] for row in db_file.execute("SELECT status FROM django_tasks_database_dbtaskresult")]

    assert statuses() == ["READY"]
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "copil", "serve", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and statuses() != ["SUCCESSFUL"]:
            time.sleep(0.5)
        assert statuses() == ["SUCCESSFUL"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            assert response.status == 200
        assert len(_workers(tmp_path)) == 1
    finally:
        server.terminate()
        output = server.communicate(timeout=60)[0]
    assert "copil db_worker démarré" in output
    assert _workers(tmp_path) == [], output


def _workers(var_dir) -> list[str]:
    """The live `copil db_worker` processes serving this test's database (found by their environment)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline, open(f"/proc/{pid}/environ", "rb") as environ:
                if b"db_worker" in cmdline.read() and f"COPIL_VAR_DIR={var_dir}".encode() in environ.read():
                    found.append(pid)
        except OSError:
            continue
    return found

"""`copil serve --production`: gunicorn configured from the environment; optional Sentry."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from copil.web.management.commands.serve import gunicorn_command

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    os.environ.get("COPIL_TEST_DATABASE") == "postgresql", reason="no database involved: the SQLite leg runs it"
)


def test_gunicorn_takes_workers_threads_and_proxies_from_the_environment(monkeypatch):
    import copil.gunicorn_conf as conf

    monkeypatch.setenv("COPIL_WEB_WORKERS", "3")
    monkeypatch.setenv("COPIL_WEB_THREADS", "4")
    monkeypatch.setenv("COPIL_BIND", "127.0.0.1:9000,unix:/run/copil.sock")
    monkeypatch.setenv("COPIL_TRUSTED_PROXIES", "10.0.0.1")
    try:
        conf = importlib.reload(conf)
        assert (conf.workers, conf.threads, conf.forwarded_allow_ips) == (3, 4, "10.0.0.1")
        assert conf.bind == ["127.0.0.1:9000", "unix:/run/copil.sock"]
        assert conf.accesslog is None  # copil.requests writes the request lines
    finally:
        monkeypatch.undo()
        importlib.reload(conf)


def test_the_address_on_the_command_line_wins():
    command = gunicorn_command("0.0.0.0:8080")
    assert command[1:6] == ["-m", "gunicorn", "-c", "python:copil.gunicorn_conf", "copil.wsgi:application"]
    assert command[-2:] == ["--bind", "0.0.0.0:8080"]
    assert "--bind" not in gunicorn_command(None)


def test_production_serving_needs_the_production_settings():
    """Under the development settings gunicorn would serve pages without their static files."""
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="DJANGO_SETTINGS_MODULE=copil.settings_production"):
        call_command("serve", "--production", "--no-worker")


def test_sentry_only_with_its_extra_installed(tmp_path):
    env = {**os.environ, "SENTRY_DSN": "https://public@sentry.invalid/1", "COPIL_VAR_DIR": str(tmp_path)}
    env["DJANGO_SETTINGS_MODULE"] = "copil.settings"
    result = subprocess.run(
        [sys.executable, "-m", "copil", "check"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    try:
        import sentry_sdk  # noqa: F401
    except ImportError:
        assert result.returncode != 0 and 'pip install "copil[sentry]"' in result.stderr
    else:
        assert result.returncode == 0, result.stderr

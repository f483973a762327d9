"""The production settings: secrets required, `check --deploy` clean, security headers sent."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def _copil(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "COPIL_PSEUDONYM_KEY", "COPIL_DEBUG"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "copil", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_secrets_set(tmp_path):
    result = _copil(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        "--settings=copil.settings_production",
        SECRET_KEY=secrets.token_urlsafe(50),
        COPIL_PSEUDONYM_KEY=secrets.token_hex(32),
        COPIL_ALLOWED_HOSTS="copil.example.fr",
        COPIL_DEBUG="1",  # ignored in production
        COPIL_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
    assert not any(tmp_path.iterdir()), "no development key written"


@pytest.mark.parametrize("missing", ["SECRET_KEY", "COPIL_PSEUDONYM_KEY"])
def test_production_refuses_to_start_without_its_secrets(tmp_path, missing):
    env = {"SECRET_KEY": secrets.token_urlsafe(50), "COPIL_PSEUDONYM_KEY": secrets.token_hex(32)}
    del env[missing]
    result = _copil("check", "--settings=copil.settings_production", COPIL_VAR_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_no_secret_is_tracked_in_the_repository():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert not [
        path for path in tracked if Path(path).name in {"secret_key", "pseudonym_key"} or path.startswith("var/")
    ]


def test_csp_header_is_sent_when_configured(db, settings):
    settings.COPIL_CSP = "default-src 'self'; frame-ancestors 'none'"
    response = Client().get("/")
    assert response["Content-Security-Policy"] == "default-src 'self'; frame-ancestors 'none'"
    assert response["X-Frame-Options"] in {"DENY", "SAMEORIGIN"}
    settings.COPIL_CSP = ""
    assert "Content-Security-Policy" not in Client().get("/")

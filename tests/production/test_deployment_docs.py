"""docs/deploy.md and its systemd units: the units pass `systemd-analyze verify` (when the tool exists), and the
documented commands and settings exist."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "docs" / "systemd"
INSTALLED_BIN = "/srv/copil/venv/bin/"
pytestmark = pytest.mark.skipif(
    os.environ.get("COPIL_TEST_DATABASE") == "postgresql", reason="no database involved: the SQLite leg runs it"
)


def test_systemd_units_pass_systemd_analyze_verify(tmp_path):
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed")
    # the units name the installed virtualenv; here the test's own one stands in (verify checks the executables)
    for unit in UNITS.iterdir():
        text = unit.read_text().replace(INSTALLED_BIN, str(Path(sys.executable).parent) + "/")
        (tmp_path / unit.name).write_text(text)
    units = sorted(str(p) for p in tmp_path.iterdir())
    assert len(units) == 6
    result = subprocess.run([tool, "verify", *units], capture_output=True, text=True, timeout=120)
    complaints = [line for line in (result.stdout + result.stderr).splitlines() if "copil" in line]
    assert result.returncode == 0 and not complaints, "\n".join(complaints) or result.stderr


def test_every_unit_runs_an_existing_command():
    commands = set()
    for unit in UNITS.glob("*.service"):
        commands |= set(re.findall(r"/srv/copil/venv/bin/copil (\w+)", unit.read_text()))
    assert commands == {"collectstatic", "db_worker", "backup", "scan"}
    from django.core.management import get_commands

    assert commands <= set(get_commands())
    assert get_commands()["db_worker"] == "copil.production"  # the worker with a heartbeat


def test_the_documented_settings_exist():
    doc = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    settings_text = "".join(
        (ROOT / "copil" / name).read_text() for name in ("settings.py", "settings_production.py", "gunicorn_conf.py")
    )
    for name in set(re.findall(r"\b(COPIL_[A-Z_]+)=", doc)):
        assert name in settings_text, f"docs/deploy.md documents {name}, which no setting reads"
    assert "docs/deploy.md" in (ROOT / "README.md").read_text(encoding="utf-8")

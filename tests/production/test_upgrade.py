"""Upgrading from the previous release: its database, filled with the demo by its own code, migrated by the current
code keeps every record and every figure of the bilans."""

import os
import secrets
import sqlite3
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RELEASE_TAG = "v0.1.0"
# The release's commit, pinned: tags may not reach a CI checkout.
RELEASE_COMMIT = "e86e961404fe3b798fc9adcc9e7a4521cd442eb3"
# Tables to which an upgrade adds rows (the migrations applied, the new models' content types and permissions).
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission"}
pytestmark = pytest.mark.skipif(
    os.environ.get("COPIL_TEST_DATABASE") == "postgresql", reason="the upgrade is checked on SQLite, in that leg"
)


def _git(*arguments: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(ROOT), *arguments], capture_output=True, **kwargs)


def release_ref() -> str | None:
    """The tag when this checkout has it, else the pinned commit when its history holds it."""
    for ref in (RELEASE_TAG, RELEASE_COMMIT):
        try:
            found = _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        except FileNotFoundError:
            return None
        if found.returncode == 0 and found.stdout.decode().strip() == RELEASE_COMMIT:
            return ref
    return None


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    ref = release_ref()
    if ref is None:
        reason = f"the history of {RELEASE_TAG} ({RELEASE_COMMIT[:12]}) is not in this checkout (shallow clone?)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}: fetch the full history in CI (fetch-depth: 0)")
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("release")
    archive = folder / "release.tar"
    _git("archive", "--format=tar", f"--output={archive}", ref, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(folder / "code", filter="data")
    return folder / "code"


def _run(env: dict, cwd: Path, *arguments: str) -> str:
    result = subprocess.run([sys.executable, *arguments], env=env, cwd=cwd, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _bilans(env: dict, cwd: Path, output: Path) -> dict[str, str]:
    """Every figure (CSV) and the prose (Markdown) of the demo's bilans."""
    manifest = tomllib.loads((ROOT / "demo" / "bilans.toml").read_text(encoding="utf-8"))
    for entry in manifest["bilan"]:
        start, end = entry["period"].split("..")
        _run(env, cwd, "-m", "copil", "bilan", "--plan", entry["plan"], "--from", start, "--to", end,
             "--format", "csv", "--format", "md", "--output", str(output))  # fmt: skip
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(output.iterdir())}


def _tables(path: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    with sqlite3.connect(path) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        tables = {}
        for name in names:
            columns = [r[1] for r in db.execute(f'PRAGMA table_info("{name}")')]
            tables[name] = (columns, db.execute(f'SELECT * FROM "{name}"').fetchall())
        return tables


def _common_rows(table: tuple[list[str], list[tuple]], columns: list[str]) -> list[tuple]:
    names, rows = table
    positions = [names.index(c) for c in columns]
    return sorted((tuple(row[p] for p in positions) for row in rows), key=repr)


def test_the_previous_release_database_migrates_without_losing_a_record_or_a_figure(release, tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "COPIL_", "PYTHONPATH"))}
    base.update(
        COPIL_VAR_DIR=str(var),
        DJANGO_SETTINGS_MODULE="copil.settings",
        SECRET_KEY=secrets.token_urlsafe(40),
        COPIL_PSEUDONYM_KEY=secrets.token_hex(32),
        COPIL_TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
    )
    old = {**base, "PYTHONPATH": str(release), "COPIL_DEMO_DIR": str(release / "demo")}
    # the release's own code runs (the current packages serve as its dependencies)
    assert _run(old, release, "-c", "import copil; print(copil.__file__)").strip() == str(
        release / "copil" / "__init__.py"
    )
    _run(old, release, "-m", "copil", "migrate", "--no-input")
    for plan in ("alencon", "paris"):
        _run(old, release, "-m", "copil", "import-plan", str(release / "demo" / plan))
    figures_before = _bilans(old, release, tmp_path / "before")
    database = var / "copil.sqlite3"
    tables_before = _tables(database)
    assert len(tables_before["records_seizure"][1]) > 100

    new = {**base, "COPIL_DEMO_DIR": str(ROOT / "demo")}
    assert _run(new, ROOT, "-c", "import copil; print(copil.__file__)").strip() == str(ROOT / "copil" / "__init__.py")
    migrated = _run(new, ROOT, "-m", "copil", "migrate", "--no-input")
    tables_after = _tables(database)

    lost = sorted(set(tables_before) - set(tables_after))
    assert not lost, f"tables dropped by the upgrade: {lost}"
    for name, table in tables_before.items():
        if name == "sqlite_sequence":  # SQLite's id counters: they grow with the rows added above
            continue
        columns = [c for c in table[0] if c in tables_after[name][0]]
        assert columns == table[0], f"{name}: columns dropped by the upgrade"
        before, after = _common_rows(table, columns), _common_rows(tables_after[name], columns)
        if name in BOOKKEEPING_TABLES:  # new apps and models add their rows
            assert set(before) <= set(after), f"{name}: rows lost\n{migrated}"
        else:
            assert after == before, f"{name}: rows changed by the upgrade\n{migrated}"
    assert _bilans(new, ROOT, tmp_path / "after") == figures_before

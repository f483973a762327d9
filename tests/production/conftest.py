"""The demo deployment the production tests share: the previous release's database, filled with the demo by its
own code, then migrated by the current code (built once; the upgrade test checks it, the backup tests copy it)."""

import os
import secrets
import sqlite3
import subprocess
import sys
import tarfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RELEASE_TAG = "v0.1.0"
# The release's commit, pinned: tags may not reach a CI checkout.
RELEASE_COMMIT = "e86e961404fe3b798fc9adcc9e7a4521cd442eb3"
DEMO_PLANS = ("alencon", "paris")
SQLITE_LEG = os.environ.get("COPIL_TEST_DATABASE") != "postgresql"


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


def run(env: dict, cwd: Path, *arguments: str) -> str:
    result = subprocess.run([sys.executable, *arguments], env=env, cwd=cwd, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def bilans(env: dict, cwd: Path, output: Path) -> dict[str, dict[str, list[str]]]:
    """Every figure of the demo's bilans (their CSV), per bilan and indicator code: the rows of each figure.

    The prose is left out: new releases add sentences (comparisons, new indicators) by design."""
    manifest = tomllib.loads((ROOT / "demo" / "bilans.toml").read_text(encoding="utf-8"))
    for entry in manifest["bilan"]:
        if entry["plan"] not in DEMO_PLANS:  # plans the release did not have
            continue
        start, end = entry["period"].split("..")
        run(env, cwd, "-m", "copil", "bilan", "--plan", entry["plan"], "--from", start, "--to", end,
            "--format", "csv", "--output", str(output))  # fmt: skip
    figures: dict[str, dict[str, list[str]]] = {}
    for path in sorted(output.glob("*.csv")):
        header, *rows = path.read_text(encoding="utf-8-sig").splitlines()
        by_code = figures.setdefault(path.name, {})
        for row in rows:
            by_code.setdefault(row.split(";", 1)[0] if ";" in row else row.split(",", 1)[0], []).append(row)
    return figures


def sqlite_tables(path: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every table of a SQLite file: its columns and its rows."""
    with sqlite3.connect(path) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        tables = {}
        for name in names:
            columns = [r[1] for r in db.execute(f'PRAGMA table_info("{name}")')]
            tables[name] = (columns, db.execute(f'SELECT * FROM "{name}"').fetchall())
        return tables


@dataclass
class UpgradedDemo:
    database: Path  # the migrated SQLite file (copy it before writing to it)
    keys: dict[str, str]
    tables_before: dict
    tables_after: dict
    figures_before: dict[str, str]
    figures_after: dict[str, str]
    migrate_output: str


def base_environment(var: Path, keys: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "COPIL_", "PYTHONPATH"))}
    return {**env, **keys, "COPIL_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "copil.settings",
            "COPIL_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}  # fmt: skip


@pytest.fixture(scope="session")
def upgraded_demo(tmp_path_factory) -> UpgradedDemo | None:
    """None when this checkout lacks the release's history (the upgrade test then skips, or fails under CI)."""
    if not SQLITE_LEG:
        pytest.skip("the upgraded demo is a SQLite database")
    ref = release_ref()
    if ref is None:
        return None
    folder = tmp_path_factory.mktemp("release")
    _git("archive", "--format=tar", f"--output={folder / 'release.tar'}", ref, check=True)
    with tarfile.open(folder / "release.tar") as tar:
        tar.extractall(folder / "code", filter="data")
    release = folder / "code"
    var = folder / "var"
    var.mkdir()
    keys = {"SECRET_KEY": secrets.token_urlsafe(40), "COPIL_PSEUDONYM_KEY": secrets.token_hex(32)}
    base = base_environment(var, keys)
    old = {**base, "PYTHONPATH": str(release), "COPIL_DEMO_DIR": str(release / "demo")}
    # the release's own code runs (the current packages serve as its dependencies)
    assert run(old, release, "-c", "import copil; print(copil.__file__)").strip() == str(
        release / "copil" / "__init__.py"
    )
    run(old, release, "-m", "copil", "migrate", "--no-input")
    for plan in DEMO_PLANS:
        run(old, release, "-m", "copil", "import-plan", str(release / "demo" / plan))
    figures_before = bilans(old, release, folder / "before")
    database = var / "copil.sqlite3"
    tables_before = sqlite_tables(database)

    new = {**base, "COPIL_DEMO_DIR": str(ROOT / "demo")}
    assert run(new, ROOT, "-c", "import copil; print(copil.__file__)").strip() == str(ROOT / "copil" / "__init__.py")
    migrate_output = run(new, ROOT, "-m", "copil", "migrate", "--no-input")
    run(new, ROOT, "-m", "copil", "rollup", "--rebuild")  # the upgrade step the README gives for the roll-up
    return UpgradedDemo(
        database=database,
        keys=keys,
        tables_before=tables_before,
        tables_after=sqlite_tables(database),
        figures_before=figures_before,
        figures_after=bilans(new, ROOT, folder / "after"),
        migrate_output=migrate_output,
    )

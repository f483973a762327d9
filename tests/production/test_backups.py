"""`copil backup` / `copil restore` on SQLite: a running demo backed up while writes go on, restored into an empty
database, every table compared; uploads and bilans included, the keys never."""

import os
import secrets
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    os.environ.get("COPIL_TEST_DATABASE") == "postgresql", reason="SQLite backups; PostgreSQL: test_backups_postgresql"
)

WRITER = """
import datetime, decimal, itertools, pathlib, sys, django
django.setup()
from copil.plans.models import Partner, Plan
from copil.records.actions import create_record
plan = Plan.objects.get(slug="alencon")
partner = Partner.objects.get(plan=plan, code="police-nationale")
stop = pathlib.Path(sys.argv[1])
for n in itertools.count():
    if stop.exists():
        break
    create_record(None, "seizure", plan=plan, partner=partner, data={
        "external_id": f"W{n:05d}", "seized_on": datetime.date(2024, 1, 1) + datetime.timedelta(days=n % 300),
        "substance": "crack", "quantity": decimal.Decimal("1.5"), "unit": "g"})
    print(n + 1, flush=True)
"""


def _environment(var: Path, keys: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "COPIL_UPLOAD_DIR", "COPIL_BILAN_DIR"}}
    return {**env, "COPIL_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "copil.settings", **keys}


def _copil(env: dict, *arguments: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "copil", *arguments], env=env, cwd=ROOT, capture_output=True, text=True, check=check
    )


def _tables(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {name: sorted(db.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr) for name in names}


@pytest.fixture(scope="module")
def demo(tmp_path_factory, upgraded_demo):
    """A migrated SQLite deployment holding the demo plans (a copy of the upgraded one when the release's history
    is here, else built by the current code), an upload waiting and a generated bilan."""
    var = tmp_path_factory.mktemp("source")
    if upgraded_demo is not None:
        keys = upgraded_demo.keys
        with sqlite3.connect(upgraded_demo.database) as source, sqlite3.connect(var / "copil.sqlite3") as copy:
            source.backup(copy)
    else:
        keys = {"SECRET_KEY": secrets.token_urlsafe(40), "COPIL_PSEUDONYM_KEY": secrets.token_hex(32)}
        env = _environment(var, keys)
        _copil(env, "migrate", "--no-input")
        _copil(env, "import-plan", str(ROOT / "demo" / "alencon"))
    (var / "uploads" / "2024").mkdir(parents=True)
    (var / "uploads" / "2024" / "saisies.csv").write_text("identifiant;date\nA1;2024-01-02\n", encoding="utf-8")
    (var / "bilans").mkdir()
    (var / "bilans" / "alencon-2023.html").write_text("<p>35 kg de cannabis</p>", encoding="utf-8")
    # a development deployment's key files sit in var/ too: they must stay out of the archive
    (var / "secret_key").write_text(keys["SECRET_KEY"])
    (var / "uploads" / "pseudonym_key").write_text(keys["COPIL_PSEUDONYM_KEY"])
    return var, keys


def _restore(tmp_path: Path, name: str, archive: Path, keys: dict) -> Path:
    target = tmp_path / name
    target.mkdir()
    result = _copil(_environment(target, keys), "restore", str(archive))
    assert "restaurée" in result.stdout and "Attention" not in result.stderr, result.stderr
    return target


def test_backup_during_writes_then_restore_compares_every_table(demo, tmp_path):
    var, keys = demo
    env = _environment(var, keys)
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(stop)], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert int(writer.stdout.readline()) == 1  # writes are going on
        during = tmp_path / "during.tar.gz"
        _copil(env, "backup", str(during))
        for _ in range(3):
            writer.stdout.readline()  # and went on after the backup
    finally:
        stop.touch()
        written = int(writer.communicate(timeout=60)[0].split()[-1])
    assert writer.returncode == 0

    # the snapshot taken during the writes is consistent: each record with its audit entry, nothing half-written
    restored = _tables(_restore(tmp_path, "restored-during", during, keys) / "copil.sqlite3")
    source = _tables(var / "copil.sqlite3")
    with sqlite3.connect(tmp_path / "restored-during" / "copil.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        kept = [r[0] for r in db.execute("SELECT external_id FROM records_seizure WHERE external_id LIKE 'W%'")]
        audited = db.execute(
            "SELECT COUNT(*) FROM access_auditevent WHERE object_type LIKE '%seizure%' AND object_id IN "
            "(SELECT CAST(id AS TEXT) FROM records_seizure WHERE external_id LIKE 'W%')"
        ).fetchone()[0]
        orphans = db.execute(
            "SELECT COUNT(*) FROM access_auditevent WHERE object_type LIKE '%seizure%' AND object_id NOT IN "
            "(SELECT CAST(id AS TEXT) FROM records_seizure)"
        ).fetchone()[0]
    assert 1 <= len(kept) < written
    assert sorted(kept) == [f"W{n:05d}" for n in range(len(kept))]  # a prefix of the writes
    assert audited == len(kept) and orphans == 0  # each record with its audit entry, written together
    changed = {name for name in source if source[name] != restored[name]} - {"sqlite_sequence"}  # id counters
    appended = {"records_seizure", "access_auditevent"}  # rows the writes added, kept as a prefix
    counted = {"indicators_dailyrollup", "indicators_dataversion"}  # the roll-up and version counters they moved on
    assert changed <= appended | counted  # what the writes touched; the rest is identical
    assert all(set(restored[name]) <= set(source[name]) for name in changed & appended)

    # once the writes stopped: backup, restore into an empty database, and every table is the same
    after = tmp_path / "after.tar.gz"
    assert "COPIL_PSEUDONYM_KEY n'y sont pas" in _copil(env, "backup", str(after)).stdout
    target = _restore(tmp_path, "restored-after", after, keys)
    assert _tables(target / "copil.sqlite3") == _tables(var / "copil.sqlite3")
    assert (target / "uploads" / "2024" / "saisies.csv").read_bytes() == (
        var / "uploads" / "2024" / "saisies.csv"
    ).read_bytes()
    assert (target / "bilans" / "alencon-2023.html").read_text(encoding="utf-8") == "<p>35 kg de cannabis</p>"


def test_the_keys_are_never_in_the_archive(demo, tmp_path):
    var, keys = demo
    archive = tmp_path / "copil.tar.gz"
    _copil(_environment(var, keys), "backup", str(archive))
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        content = b"".join(tar.extractfile(m).read() for m in tar.getmembers() if m.isfile())
    assert "manifest.json" in names and "database.sqlite3" in names and "uploads/2024/saisies.csv" in names
    assert not [n for n in names if Path(n).name in {"secret_key", "pseudonym_key"}]
    for key in keys.values():
        assert key.encode() not in content


def test_restore_refuses_a_database_that_is_not_empty(demo, tmp_path):
    var, keys = demo
    archive = tmp_path / "copil.tar.gz"
    env = _environment(var, keys)
    _copil(env, "backup", str(archive))
    before = _tables(var / "copil.sqlite3")
    result = _copil(env, "restore", str(archive), check=False)
    assert result.returncode != 0
    assert "La base de données n'est pas vide" in result.stderr and "rien n'a été modifié" in result.stderr
    assert _tables(var / "copil.sqlite3") == before


def test_restore_warns_when_the_pseudonym_key_differs_and_rejects_other_files(demo, tmp_path):
    var, keys = demo
    archive = tmp_path / "copil.tar.gz"
    _copil(_environment(var, keys), "backup", str(archive))
    other_keys = {**keys, "COPIL_PSEUDONYM_KEY": secrets.token_hex(32)}
    (tmp_path / "other").mkdir()
    result = _copil(_environment(tmp_path / "other", other_keys), "restore", str(archive))
    assert "COPIL_PSEUDONYM_KEY n'est pas la clé de la sauvegarde" in result.stderr
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("bonjour")
    (tmp_path / "empty").mkdir()
    result = _copil(_environment(tmp_path / "empty", keys), "restore", str(not_a_backup), check=False)
    assert result.returncode != 0 and "n'est pas une sauvegarde de Copil" in result.stderr
    incomplete = tmp_path / "incomplete.tar.gz"
    with tarfile.open(archive) as full, tarfile.open(incomplete, "w:gz") as partial:
        partial.addfile(full.getmember("manifest.json"), full.extractfile("manifest.json"))
    result = _copil(_environment(tmp_path / "empty", keys), "restore", str(incomplete), check=False)
    assert result.returncode != 0 and "ne contient pas la base (database.sqlite3)" in result.stderr
    assert not (tmp_path / "empty" / "copil.sqlite3").exists() or not _tables(tmp_path / "empty" / "copil.sqlite3")

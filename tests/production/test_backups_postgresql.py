"""`copil backup` / `copil restore` on PostgreSQL (pg_dump -Fc / pg_restore): the demo restored into an empty
database has every table identical; restoring over a database that is not empty is refused."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    os.environ.get("COPIL_TEST_DATABASE") != "postgresql", reason="PostgreSQL backups: the PostgreSQL leg"
)


def _url(database: str) -> str:
    settings = connection.settings_dict
    return f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{database}"


def _copil(database: str, var: Path, keys: dict, *arguments: str, check: bool = True):
    env = {**os.environ, "DATABASE_URL": _url(database), "COPIL_VAR_DIR": str(var), **keys}
    env["DJANGO_SETTINGS_MODULE"] = "copil.settings"
    return subprocess.run(
        [sys.executable, "-m", "copil", *arguments], env=env, cwd=ROOT, capture_output=True, text=True, check=check
    )


def _tables(database: str) -> dict[str, list[tuple]]:
    with psycopg.connect(_url(database)) as db:
        names = [
            r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        ]
        return {name: sorted(db.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr) for name in names}


def test_backup_and_restore_into_an_empty_postgresql_database(db, tmp_path):
    with psycopg.connect(_url("postgres"), autocommit=True) as server:
        for name in ("copil_backup_source", "copil_backup_restored"):
            server.execute(f"DROP DATABASE IF EXISTS {name}")
            server.execute(f"CREATE DATABASE {name}")
    keys = {"SECRET_KEY": secrets.token_urlsafe(40), "COPIL_PSEUDONYM_KEY": secrets.token_hex(32)}
    source, restored = tmp_path / "source", tmp_path / "restored"
    source.mkdir()
    restored.mkdir()
    _copil("copil_backup_source", source, keys, "migrate", "--no-input")
    _copil("copil_backup_source", source, keys, "import-plan", str(ROOT / "demo" / "alencon"))
    (source / "bilans").mkdir()
    (source / "bilans" / "alencon.md").write_text("# Bilan", encoding="utf-8")
    archive = tmp_path / "copil.tar.gz"
    assert "base postgresql" in _copil("copil_backup_source", source, keys, "backup", str(archive)).stdout

    _copil("copil_backup_restored", restored, keys, "restore", str(archive))
    before = _tables("copil_backup_source")
    assert before["records_seizure"]  # the demo is there
    assert _tables("copil_backup_restored") == before
    assert (restored / "bilans" / "alencon.md").read_text(encoding="utf-8") == "# Bilan"

    refused = _copil("copil_backup_source", source, keys, "restore", str(archive), check=False)
    assert refused.returncode != 0 and "La base de données n'est pas vide" in refused.stderr
    assert _tables("copil_backup_source") == before

"""Backups of a deployment: the database and the files Copil wrote (uploads waiting for their import, generated
bilans), in one archive; never the keys (SECRET_KEY, COPIL_PSEUDONYM_KEY), which are kept apart (docs/deploy.md).

SQLite is copied through its online backup API, PostgreSQL with `pg_dump -Fc`: both give a consistent snapshot
while the server and its worker keep writing. A restore goes into an empty database only, so nothing already
stored can be overwritten or half-replaced.
"""

import glob
import hashlib
import hmac
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

ARCHIVE_FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# Key files a development deployment keeps in var/: never archived, whatever folder they end up in.
KEY_FILE_NAMES = {"secret_key", "pseudonym_key"}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message (French) says why."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    engine: str
    files: int
    size: int


def file_folders() -> dict[str, Path]:
    """The folders of the files Copil writes, by their name in the archive."""
    return {"uploads": Path(settings.COPIL_UPLOAD_DIR), "bilans": Path(settings.COPIL_BILAN_DIR)}


def engine() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(f"Base de données non prise en charge par la sauvegarde : {vendor}")
    return vendor


def key_fingerprint() -> str:
    """A one-way fingerprint of COPIL_PSEUDONYM_KEY, so a restore can tell the key differs (never the key)."""
    key = settings.COPIL_PSEUDONYM_KEY.encode()
    return hmac.new(key, b"copil backup key check", hashlib.sha256).hexdigest()[:16]


def _copil_version() -> str:
    try:
        return version("copil")
    except PackageNotFoundError:
        return "unknown"


def _applied_migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def postgres_tool(name: str) -> str:
    """pg_dump / pg_restore: on the PATH, else Debian's newest versioned folder."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[-3]))
    if candidates:
        return candidates[-1]
    raise BackupError(f"{name} introuvable : installez le client PostgreSQL (paquet postgresql-client)")


def postgres_environment() -> dict[str, str]:
    """libpq's variables from the Django settings (the password never appears on a command line)."""
    database = settings.DATABASES["default"]
    variables = {
        "PGDATABASE": database.get("NAME"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGHOST": database.get("HOST"),
        "PGPORT": str(database.get("PORT") or ""),
    }
    return {**os.environ, **{name: value for name, value in variables.items() if value}}


def _run(command: list[str]) -> None:
    result = subprocess.run(command, env=postgres_environment(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} a échoué : {result.stderr.strip()}")


def _dump_database(kind: str, target: Path) -> None:
    if kind == "sqlite":
        source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]), timeout=60)
        copy = sqlite3.connect(str(target))
        try:
            source.backup(copy)  # one step: a consistent snapshot, even while others write (WAL)
        finally:
            copy.close()
            source.close()
    else:
        _run([postgres_tool("pg_dump"), "--format=custom", "--no-password", f"--file={target}"])


def _skipped(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
    return None if Path(info.name).name in KEY_FILE_NAMES else info


def backup(destination: Path) -> BackupSummary:
    """Write the archive to `destination` (replaced only once complete)."""
    destination = Path(destination).resolve()
    destination.parent.mkdir(parents=True, exist_ok=True)
    kind = engine()
    manifest = {
        "format": ARCHIVE_FORMAT,
        "copil_version": _copil_version(),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "engine": kind,
        "migrations": _applied_migrations(),
        "pseudonym_key_fingerprint": key_fingerprint(),
    }
    files = 0
    with tempfile.TemporaryDirectory(prefix="copil-backup-", dir=destination.parent) as work:
        dump = Path(work) / DATABASE_MEMBERS[kind]
        _dump_database(kind, dump)
        partial = Path(work) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(datetime.now(UTC).timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=dump.name)
            for name, folder in file_folders().items():
                if folder.is_dir():
                    archive.add(folder, arcname=name, filter=_skipped)
                    files += sum(1 for p in folder.rglob("*") if p.is_file() and p.name not in KEY_FILE_NAMES)
        os.replace(partial, destination)
    return BackupSummary(path=destination, engine=kind, files=files, size=destination.stat().st_size)


@dataclass(frozen=True)
class RestoreSummary:
    engine: str
    created_at: str
    files: int
    same_pseudonym_key: bool


def _read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.extractfile(MANIFEST)
        manifest = json.load(member) if member else None
    except (KeyError, json.JSONDecodeError) as error:
        raise BackupError(f"Ce fichier n'est pas une sauvegarde de Copil ({MANIFEST} absent ou illisible)") from error
    if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
        raise BackupError(f"Format de sauvegarde inconnu : {manifest.get('format') if manifest else None}")
    return manifest


def _require_empty_database() -> None:
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            f"La base de données n'est pas vide ({len(tables)} tables) : restaurez dans une base vide, "
            "rien n'a été modifié."
        )


def _require_empty_folders() -> None:
    for name, folder in file_folders().items():
        if folder.is_dir() and any(folder.iterdir()):
            raise BackupError(f"Le dossier des {name} n'est pas vide ({folder}) : rien n'a été modifié.")


def _load_database(kind: str, dump: Path) -> None:
    connection.close()
    if kind == "sqlite":
        source = sqlite3.connect(str(dump))
        target = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]), timeout=60)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        _run(
            [
                postgres_tool("pg_restore"),
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                "--no-password",
                f"--dbname={settings.DATABASES['default']['NAME']}",
                str(dump),
            ]
        )


def restore(source: Path) -> RestoreSummary:
    """Restore an archive of `backup` into an empty database and empty file folders."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"Sauvegarde introuvable : {source}")
    kind = engine()
    try:
        archive = tarfile.open(source, "r:gz")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"Ce fichier n'est pas une sauvegarde de Copil : {error}") from error
    with archive, tempfile.TemporaryDirectory(prefix="copil-restore-") as work:
        manifest = _read_manifest(archive)
        if manifest["engine"] != kind:
            raise BackupError(
                f"La sauvegarde vient d'une base {manifest['engine']}, la base configurée est {kind} : "
                "restaurez dans le même type de base."
            )
        if DATABASE_MEMBERS[kind] not in archive.getnames():
            raise BackupError(
                f"La sauvegarde ne contient pas la base ({DATABASE_MEMBERS[kind]}) : elle est incomplète."
            )
        _require_empty_database()
        _require_empty_folders()
        archive.extractall(work, filter="data")
        _load_database(kind, Path(work) / DATABASE_MEMBERS[kind])
        files = 0
        for name, folder in file_folders().items():
            extracted = Path(work) / name
            if extracted.is_dir():
                shutil.copytree(extracted, folder, dirs_exist_ok=True)
                files += sum(1 for p in extracted.rglob("*") if p.is_file())
    return RestoreSummary(
        engine=kind,
        created_at=manifest["created_at"],
        files=files,
        same_pseudonym_key=manifest.get("pseudonym_key_fingerprint") == key_fingerprint(),
    )

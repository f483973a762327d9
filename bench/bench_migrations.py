"""Migration benchmark: upgrading a 1M-record PostgreSQL database from the previous release, and how long the
migrations keep the record tables from being read or written.

    python bench/bench_migrations.py [--records 1000000] [--release v0.1.0]

Starts a throw-away PostgreSQL, extracts the previous release (`git archive`, the pinned commit when the tag is
absent) and lets its own code migrate the database and load the demo plans, then adds `--records` seizures to a
plan with one INSERT … SELECT (the fastest way to 1M rows; the importer's speed is bench_import's business).
The current code then migrates it (`copil migrate -v 2`: each migration's duration) while a probe, every 100 ms,
reads and writes a row of every record table in its own transaction and times how long it waited: the longest
wait is how long a migration locked that table. Target: no table blocked more than 5 s.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RELEASE_TAG = "v0.1.0"
RELEASE_COMMIT = "e86e961404fe3b798fc9adcc9e7a4521cd442eb3"
TARGET_SECONDS = 5.0
PROBE_INTERVAL = 0.1
FILL = """
INSERT INTO records_seizure (plan_id, partner_id, external_id, version, created_at, updated_at, seized_on,
                             substance, quantity, unit, operation_id)
SELECT %(plan)s, %(partner)s, 'BANC-' || lpad(n::text, 8, '0'), 1, now(), now(),
       DATE '2015-01-01' + (n %% 3650), (ARRAY['cannabis','heroin','cocaine','crack','other'])[1 + n %% 5],
       1 + (n %% 100000) / 100.0, 'g', NULL
FROM generate_series(1, %(records)s) AS n
"""


def release_code(folder: Path, ref: str) -> Path:
    archive = folder / "release.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", f"--output={archive}", ref], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(folder / "code", filter="data")
    return folder / "code"


def record_tables(connection) -> list[str]:
    """The tables of the record kinds (they all have a partner's identifier and a version)."""
    rows = connection.execute(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
        "AND table_name LIKE 'records%%' AND column_name IN ('external_id', 'version') "
        "GROUP BY table_name HAVING count(*) = 2 ORDER BY table_name"
    ).fetchall()
    return [r[0] for r in rows]


class Probe(threading.Thread):
    """Reads and writes one row of each record table in turn; the longest wait per table is the lock it met."""

    def __init__(self, url: str, tables: list[str]):
        super().__init__(daemon=True)
        self.url, self.tables = url, tables
        self.longest = dict.fromkeys(tables, 0.0)
        self.probes = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute("SET lock_timeout = '120s'")
            while not self.stopped.is_set():
                for table in self.tables:
                    started = time.perf_counter()
                    try:
                        with connection.transaction():
                            connection.execute(f"SELECT id FROM {table} ORDER BY id LIMIT 1").fetchall()
                            connection.execute(
                                f"UPDATE {table} SET version = version WHERE id = (SELECT min(id) FROM {table})"
                            )
                    except psycopg.errors.UndefinedTable:
                        pass
                    except psycopg.errors.UndefinedColumn:
                        pass
                    self.longest[table] = max(self.longest[table], time.perf_counter() - started)
                self.probes += 1
                self.stopped.wait(PROBE_INTERVAL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="seizures added (default 1,000,000)")
    parser.add_argument("--release", default=None, help=f"git ref of the previous release (default {RELEASE_TAG})")
    args = parser.parse_args()

    import psycopg

    from copil.testing.postgres import TemporaryPostgres, find_server_binaries

    binaries = find_server_binaries()
    if binaries is None:
        print("bench_migrations: PostgreSQL server binaries (initdb, pg_ctl) not found; skipped.")
        return 0
    ref = args.release
    if ref is None:
        tagged = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", "--quiet", RELEASE_TAG],
                                capture_output=True, text=True)  # fmt: skip
        ref = RELEASE_TAG if tagged.returncode == 0 else RELEASE_COMMIT
    work = Path(tempfile.mkdtemp(prefix="copil-bench-migrations-"))
    server = TemporaryPostgres(binaries)
    try:
        url = server.start()
        old = release_code(work, ref)
        base = {k: v for k, v in os.environ.items() if not k.startswith(("COPIL_", "DATABASE_URL", "PYTHONPATH"))}
        base.update(
            DATABASE_URL=url,
            DJANGO_SETTINGS_MODULE="copil.settings",
            SECRET_KEY=secrets.token_urlsafe(40),
            COPIL_PSEUDONYM_KEY=secrets.token_hex(32),
            COPIL_VAR_DIR=str(work / "var"),
        )
        (work / "var").mkdir()
        old_env = {**base, "PYTHONPATH": str(old)}
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "copil", "migrate", "--no-input", "-v", "0"], env=old_env, cwd=old,
                       check=True)  # fmt: skip
        for plan in ("alencon", "paris"):
            subprocess.run([sys.executable, "-m", "copil", "import-plan", str(old / "demo" / plan)], env=old_env,
                           cwd=old, check=True, capture_output=True)  # fmt: skip
        with psycopg.connect(url, autocommit=True) as connection:
            plan, partner = connection.execute(
                "SELECT p.plan_id, p.id FROM plans_partner p JOIN plans_plan pl ON pl.id = p.plan_id "
                "WHERE pl.slug = 'paris' AND p.role = 'police' ORDER BY p.id LIMIT 1"
            ).fetchone()
            connection.execute(FILL, {"plan": plan, "partner": partner, "records": args.records})
            connection.execute("VACUUM ANALYZE")
            total = sum(
                connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in record_tables(connection)
            )
            tables = record_tables(connection)
        print(f"== release {ref}: migrated, demo loaded, {total:,} records ({time.perf_counter() - started:.0f} s)")

        probe = Probe(url, tables)
        probe.start()
        time.sleep(1)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "copil", "migrate", "--no-input", "-v", "2"],
                                env=base, cwd=ROOT, capture_output=True, text=True)  # fmt: skip
        elapsed = time.perf_counter() - started
        time.sleep(1)
        probe.stopped.set()
        probe.join(timeout=300)
        if result.returncode != 0:
            print(result.stdout[-3000:] + result.stderr[-3000:])
            return 1
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)

    applied = [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("Applying ")]
    print(f"== current code: {len(applied)} migration(s) applied in {elapsed:.1f} s")
    for line in applied:
        print(f"   {line}")
    worst_table, worst = max(probe.longest.items(), key=lambda item: item[1])
    print(
        f"== {probe.probes} probes of {len(tables)} record tables (read + write a row each, every {PROBE_INTERVAL} s)"
    )
    for table, seconds in sorted(probe.longest.items(), key=lambda item: -item[1])[:5]:
        print(f"   longest wait {seconds * 1000:8.1f} ms  {table}")
    met = worst <= TARGET_SECONDS
    print(
        f"== longest block of a record table: {worst:.2f} s ({worst_table}) — target ≤ {TARGET_SECONDS:.0f} s: "
        f"{'MET' if met else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

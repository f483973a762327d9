"""Import benchmark: N seizure rows validated and stored by `copil import`'s code path, on SQLite and on a
throw-away PostgreSQL, against PostgreSQL's own COPY of the same file measured in the same run.

    python bench/bench_import.py [--rows 1000000] [--memory-rows N/5] [--backends sqlite,postgresql]

For each backend and file size a child process migrates a fresh database, creates a plan, a partner and
1,000 operations (a tenth of the seizures refer to one), imports the file (`import_records`), then imports
it again (every row unchanged). The child reports the phases of the import and its peak resident memory
(`ru_maxrss`): the increase during the import, at two file sizes, shows whether memory is flat.

The target's baseline is PostgreSQL's COPY of the same rows into the table Copil stores them in,
`records_seizure` with its primary key, unique and foreign keys and checks, in the same database just before
the import (then emptied). The rows are handed to COPY already converted to stored values (substance codes,
operation keys): converting them is what the importer does, so it is not timed. For context the benchmark also
times COPY of the file into a table with the same columns but no index and no constraint, where no table that
keeps records can be.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = "identifiant;date;substance;quantite;unite;operation\n"
SUBSTANCES = ("cannabis", "héroïne", "cocaïne", "crack", "autre")
UNITS = ("g", "kg", "unités")
OPERATIONS = 1000
PLAIN_TABLE = (
    "CREATE TABLE bench_plain (identifiant text, date date, substance text, quantite numeric(14, 3), "
    "unite text, operation text)"
)


def write_file(path: Path, rows: int, operations: bool = True) -> None:
    """Seizures in the published format (ISO dates, decimal point so COPY reads the same file); a tenth refer
    to one of the operations unless `operations` is false."""
    rnd = random.Random(20240101)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        for i in range(rows):
            date = f"20{rnd.randint(10, 23)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
            operation = f"OPE-{rnd.randrange(OPERATIONS):04d}" if operations and i % 10 == 0 else ""
            quantity = f"{rnd.randint(1, 999_999) / 100:.2f}"
            out.write(f"SAI-{i:08d};{date};{SUBSTANCES[i % 5]};{quantity};{UNITS[i % 3]};{operation}\n")


# --- child: one import into a fresh database ------------------------------------------------------------------


def child(database_url: str, csv_path: str) -> dict:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copil.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from copil.imports.importer import import_records
    from copil.plans.models import Partner, Plan, Territory

    territory = Territory.objects.create(insee_code="99999", name="Banc d'essai", level="commune", population=1)
    plan = Plan.objects.create(slug="banc", name="Banc d'essai", territory=territory, started_on="2023-01-01")
    partner = Partner.objects.create(plan=plan, code="police", name="Police", role="police")
    operations = Path(csv_path).with_name(f"operations-{os.getpid()}.csv")
    operations.write_text(
        "identifiant;date;type\n" + "".join(f"OPE-{i:04d};2023-01-01;contrôle\n" for i in range(OPERATIONS))
    )
    import_records(operations, plan=plan, partner=partner, kind="operation")
    table_copy_seconds = table_copy(csv_path, plan.pk, partner.pk) if database_url.startswith("postgresql") else None
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    report = import_records(csv_path, plan=plan, partner=partner)
    seconds = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    again = import_records(csv_path, plan=plan, partner=partner)
    again_seconds = time.perf_counter() - started
    result = {
        "rows": report.rows,
        "created": report.created,
        "seconds": seconds,
        "timings": report.timings,
        "reimport_seconds": again_seconds,
        "reimport_unchanged": again.unchanged,
        "rss_before_kb": rss_before,
        "rss_peak_kb": rss_after,
        "table_copy_seconds": table_copy_seconds,
    }
    return result


def table_copy(csv_path: str, plan_id: int, partner_id: int) -> float:
    """COPY the file's rows, converted beforehand to stored values, into `records_seizure`, then empty it: the
    time of COPY and of the commit, where PostgreSQL runs the deferred foreign-key checks."""
    from django.db import connection

    from copil.formats import FORMATS, normalize_token

    choices = {c.name: c.choices for c in FORMATS["seizure"].columns if c.options}
    with connection.cursor() as cursor:
        cursor.execute("SELECT external_id, id FROM records_operation")
        operation_ids = dict(cursor.fetchall())
    converted = Path(csv_path).with_suffix(".converted.tsv")  # on disk: the child's peak memory stays the import's
    rows = 0
    with open(csv_path, encoding="utf-8") as source, converted.open("w", encoding="utf-8") as out:
        next(source)
        for line in source:
            ext, date, substance, quantity, unit, operation = line.rstrip("\n").split(";")
            out.write(
                f"{plan_id}\t{partner_id}\t{ext}\t1\t2024-01-01 00:00:00+00\t2024-01-01 00:00:00+00\t{date}\t"
                f"{choices['substance'][normalize_token(substance)]}\t{quantity}\t{choices['unite'][normalize_token(unit)]}"
                f"\t{operation_ids[operation] if operation else chr(92) + 'N'}\n"
            )
            rows += 1
    columns = (
        "plan_id, partner_id, external_id, version, created_at, updated_at, seized_on, substance, quantity, "
        "unit, operation_id"
    )
    raw = connection.connection
    raw.commit()
    started = time.perf_counter()
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY records_seizure ({columns}) FROM STDIN") as copy,
        converted.open("rb") as source,
    ):
        while chunk := source.read(1 << 20):
            copy.write(chunk)
    raw.commit()
    seconds = time.perf_counter() - started
    with raw.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM records_seizure")
        assert cursor.fetchone()[0] == rows
        cursor.execute("TRUNCATE records_seizure")
        cursor.execute("CHECKPOINT")
    raw.commit()
    converted.unlink()
    return seconds


# --- parent ---------------------------------------------------------------------------------------------------


def run_child(database_url: str, csv_path: Path) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "COPIL_VAR_DIR": str(csv_path.parent / "var")}
    env.pop("COPIL_DEBUG", None)
    done = subprocess.run(
        [sys.executable, __file__, "--child", database_url, str(csv_path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"import child failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def plain_copy(url: str, csv_path: Path, repeat: int = 3) -> float:
    """Best time of PostgreSQL's COPY of the file into a plain table with the same columns (committed)."""
    import psycopg

    best = float("inf")
    with psycopg.connect(url) as conn:
        conn.execute(PLAIN_TABLE)
        conn.commit()
        for _ in range(repeat):
            conn.execute("TRUNCATE bench_plain")
            conn.commit()
            started = time.perf_counter()
            with (
                conn.cursor() as cursor,
                cursor.copy("COPY bench_plain FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';')") as copy,
                csv_path.open("rb") as source,
            ):
                while chunk := source.read(1 << 20):
                    copy.write(chunk)
            conn.commit()
            best = min(best, time.perf_counter() - started)
    return best


def create_database(url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return url.rsplit("/", 1)[0] + f"/{name}"


def mb(kb: int) -> str:
    return f"{kb / 1024:.0f} MB"


def report_line(label: str, result: dict, plain_seconds: float | None) -> None:
    rows, seconds = result["rows"], result["seconds"]
    phases = result["timings"]
    commit = seconds - sum(phases.values())
    print(f"  {label}: {seconds:.1f} s, {rows / seconds:,.0f} rows/s")
    table = result["table_copy_seconds"]
    if table:
        print(
            f"    baseline: COPY of the same rows into records_seizure: {table:.1f} s, {rows / table:,.0f} rows/s "
            f"— import = {seconds / table:.2f}× COPY"
        )
    if plain_seconds:
        print(f"    for context: {seconds / plain_seconds:.1f}× the COPY into a table without index or constraint")
    detail = ", ".join(f"{name} {value:.1f} s" for name, value in phases.items())
    print(f"    phases: {detail}, commit {commit:.1f} s")
    print(
        f"    memory: peak RSS {mb(result['rss_peak_kb'])}, "
        f"+{mb(result['rss_peak_kb'] - result['rss_before_kb'])} during the import"
    )
    print(
        f"    re-import of the same file: {result['reimport_seconds']:.1f} s "
        f"({result['reimport_unchanged']:,} unchanged, {rows / result['reimport_seconds']:,.0f} rows/s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--memory-rows", type=int, help="second, smaller file for the memory comparison (rows/5)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return

    from copil.testing.postgres import TemporaryPostgres, find_server_binaries

    backends = args.backends.split(",")
    sizes = [args.rows]
    small = args.memory_rows if args.memory_rows is not None else args.rows // 5
    if small and small != args.rows:
        sizes.append(small)
    with tempfile.TemporaryDirectory(prefix="copil-bench-import-") as folder:
        root = Path(folder)
        files = {}
        for size in sizes:
            files[size] = root / f"saisies-{size}.csv"
            write_file(files[size], size)
        print(f"Import benchmark: {args.rows:,} seizure rows ({files[args.rows].stat().st_size / 1e6:.1f} MB)")
        server = None
        plain_seconds = None
        results: dict[tuple[str, int], dict] = {}
        try:
            if "postgresql" in backends:
                binaries = find_server_binaries()
                if binaries is None:
                    print("  PostgreSQL: skipped (no server binaries)")
                    backends.remove("postgresql")
                else:
                    server = TemporaryPostgres(binaries)
                    url = server.start()
                    plain_seconds = plain_copy(create_database(url, "bench_copy"), files[args.rows])
                    print(
                        f"  PostgreSQL COPY of the file into a table without index or constraint (best of 3): "
                        f"{plain_seconds:.1f} s, {args.rows / plain_seconds:,.0f} rows/s"
                    )
            for backend in backends:
                for size in sizes:
                    if backend == "postgresql":
                        database = create_database(url, f"bench_{size}")
                    else:
                        database = f"sqlite:///{root / f'bench-{size}.sqlite3'}"
                    results[(backend, size)] = run_child(database, files[size])
        finally:
            if server is not None:
                server.stop()
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        for backend in backends:
            result = results[(backend, args.rows)]
            report_line(f"Copil import, {names[backend]}", result, plain_seconds if backend == "postgresql" else None)
        if len(sizes) > 1:
            for backend in backends:
                big, little = results[(backend, sizes[0])], results[(backend, sizes[1])]
                print(
                    f"  memory, {names[backend]}: +{mb(little['rss_peak_kb'] - little['rss_before_kb'])} at "
                    f"{sizes[1]:,} rows, +{mb(big['rss_peak_kb'] - big['rss_before_kb'])} at {sizes[0]:,} rows "
                    f"(peak RSS {mb(little['rss_peak_kb'])} / {mb(big['rss_peak_kb'])})"
                )
        if "postgresql" in backends:
            result = results[("postgresql", args.rows)]
            ratio = result["seconds"] / result["table_copy_seconds"]
            verdict = "met" if ratio <= 3 else "MISSED"
            print(f"  target: PostgreSQL import within 3× of COPY into the same table — {ratio:.2f}×, {verdict}")


if __name__ == "__main__":
    main()

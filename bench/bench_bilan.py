"""Bilan benchmark: the Alençon plan grown to N records, its figures read from the daily roll-up, against the
record-table path (every figure scanned from the records at request time) measured in the same run.

    python bench/bench_bilan.py [--records 1000000] [--pg-records 1000000,10000000] [--backends sqlite,postgresql]

For each backend and size a child process migrates a fresh database, loads the Alençon demo plan through the
importer, grows it with N seizures, arrests, field observations, referrals to care and convictions spread over
its 18 months (bulk inserts, the roll-up then folded in with one `INSERT … SELECT … GROUP BY`, as the importer
does, and the persons' first appearances rebuilt), and times, each on the roll-up path then on the record-table
path (`copil.indicators.engine.record_tables()`, with the former `data_version` that scanned every record table):

- `build_bilan` over the 18 months (text and charts), best of a few runs;
- the warm dashboard page (figures cached, the data version read on each view), best of a few views;
- `create_record` of one seizure through `copil.records.actions`, then the bilan page until it states it (the
  cached page is keyed by the data version, so the first view after the write recomputes it).
"""

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PERIOD = (dt.date(2023, 1, 1), dt.date(2024, 6, 30))
PERIOD_QUERY = {"periode": "personnalisee", "du": "2023-01-01", "au": "2024-06-30"}
SHARES = {"seizure": 0.35, "arrest": 0.3, "field_observation": 0.25, "care_referral": 0.05, "conviction": 0.05}
BATCH = 50_000
REPEAT = 3


def scanning_data_version(plan) -> str:
    """The data version as Copil computed it before the version counters: every record table of the plan scanned
    for its count and latest change on each page view (the baseline of the warm dashboard)."""
    import hashlib

    from django.db import connection

    from copil.plans.models import Action, Axis, Decision, Meeting, Partner, Plan, Target, Territory
    from copil.records.models import RECORD_KINDS

    quote = connection.ops.quote_name
    parts, params = [], []

    def latest(name: str, model: type, join: str = "", plan_column: str = "o.plan_id") -> None:
        column = ".".join(quote(part) for part in plan_column.split("."))
        parts.append(
            f"SELECT '{name}', COUNT(*), CAST(MAX(o.{quote('updated_at')}) AS TEXT) "
            f"FROM {quote(model._meta.db_table)} o {join} WHERE {column} = %s"
        )
        params.append(plan.pk)

    for kind, model in RECORD_KINDS.items():
        latest(kind, model)
    for name, model in {
        "meeting": Meeting,
        "action": Action,
        "partner": Partner,
        "axis": Axis,
        "target": Target,
    }.items():
        latest(name, model)
    latest("decision", Decision, f"JOIN {quote(Meeting._meta.db_table)} m ON m.id = o.meeting_id", "m.plan_id")
    latest("plan", Plan, "", "o.id")
    latest("territory", Territory, f"JOIN {quote(Plan._meta.db_table)} p ON p.territory_id = o.id", "p.id")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = sorted((str(kind), int(count), str(last)) for kind, count, last in cursor.fetchall())
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]


# --- child: one database, one size -----------------------------------------------------------------------------


def grow(plan, records: int) -> float:
    """Bulk-insert `records` records over the plan's 18 months, then fold them into the roll-up; the seconds."""
    from django.db import connection, transaction
    from django.utils import timezone

    from copil.indicators import rollup, versions
    from copil.plans.models import Partner
    from copil.records.models import RECORD_KINDS

    rnd = random.Random(16)
    partners = {
        role: list(Partner.objects.filter(plan=plan, role=role)) for role in ("police", "justice", "care", "city")
    }
    days = (PERIOD[1] - PERIOD[0]).days + 1
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    started = time.perf_counter()
    for kind, share in SHARES.items():
        model = RECORD_KINDS[kind]
        count = int(records * share)
        role = {"conviction": "justice", "care_referral": "care", "field_observation": "city"}.get(kind, "police")
        columns, make = _row_maker(kind, rnd, days, connection.ops.adapt_datetimefield_value)
        columns = ["plan_id", "partner_id", "external_id", "version", "created_at", "updated_at", *columns]
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        for start in range(0, count, BATCH):
            rows = []
            for n in range(start, min(count, start + BATCH)):
                partner = partners[role][n % len(partners[role])]
                rows.append((plan.pk, partner.pk, f"BENCH-{kind}-{n}", 1, now, now, *make(n)))
            with transaction.atomic(), connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    with transaction.atomic():
        rollup.rebuild([plan.pk])
        versions.bump([plan.pk], *SHARES)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


def _row_maker(kind: str, rnd: random.Random, days: int, adapt_datetime):
    def day(n: int) -> str:
        return (PERIOD[0] + dt.timedelta(days=rnd.randrange(days))).isoformat()

    if kind == "seizure":
        substances, units = ("cannabis", "heroin", "cocaine", "crack", "other"), ("g", "g", "kg", "unit")
        return ["seized_on", "substance", "quantity", "unit"], lambda n: (
            day(n),
            substances[n % 5],
            f"{rnd.randint(1, 99_999) / 1000:.3f}",
            units[n % 4],
        )
    if kind == "arrest":
        return ["arrested_on", "role"], lambda n: (day(n), "trafficker" if n % 3 else "user")
    if kind == "field_observation":
        sources = ("outreach", "patrol", "camera")
        return ["observed_at", "people_count", "source", "address"], lambda n: (
            adapt_datetime(
                dt.datetime.combine(PERIOD[0] + dt.timedelta(days=rnd.randrange(days)), dt.time(), dt.UTC)
                + dt.timedelta(minutes=rnd.randrange(24 * 60))
            ),
            rnd.randint(1, 30),
            sources[n % 3],
            "",
        )
    if kind == "care_referral":
        destinations, outcomes = ("csapa", "caarud", "hospital", "shelter"), ("pending", "admitted")
        return ["referred_on", "destination", "pseudonym", "outcome"], lambda n: (
            day(n),
            destinations[n % 4],
            f"{rnd.randrange(200_000):064x}",
            outcomes[n % 2],
        )
    flags = ["repeat_offender", "referral_to_court", "residence_ban", "care_order", "removal_order"]
    return ["convicted_on", "pseudonym", "sentence", *flags], lambda n: (
        day(n),
        f"{rnd.randrange(100_000):064x}",
        "",
        *(bool((n >> bit) & 1) for bit in range(5)),
    )


def best(function, repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def child(database_url: str, records: int) -> dict:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copil.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    from copil.imports.plan_file import import_plan_directory
    from copil.indicators.periods import Period
    from copil.plans.models import Membership, Partner, Plan
    from copil.records import actions
    from copil.records.models import RECORD_KINDS
    from copil.reports.bilan import build_bilan

    import_plan_directory(settings.COPIL_DEMO_DIR / "alencon")
    plan = Plan.objects.select_related("territory").get(slug="alencon")
    grow_seconds = grow(plan, records)
    total = sum(model.objects.filter(plan=plan).count() for model in RECORD_KINDS.values())
    # The préfecture's coordinator: sees every figure exactly.
    user = get_user_model().objects.create_user("bench", "bench@example.org", "bench")
    Membership.objects.create(partner=Partner.objects.get(plan=plan, role="coordinator"), user=user)
    client = Client()
    client.force_login(user)
    from tests.conftest import pass_second_factor  # the coordinator signs in with a second factor

    pass_second_factor(client, user)
    period = Period(*PERIOD)
    police = Partner.objects.filter(plan=plan, role="police").first()
    counter = iter(range(1, 1000))

    def dashboard() -> None:
        assert client.get(f"/plans/{plan.slug}/", PERIOD_QUERY).status_code == 200

    def write_then_read() -> None:
        before = client.get(f"/plans/{plan.slug}/bilan/", PERIOD_QUERY).content
        started = time.perf_counter()
        actions.create_record(
            None,
            "seizure",
            plan=plan,
            partner=police,
            data={
                "external_id": f"BENCH-NEW-{next(counter)}",
                "seized_on": dt.date(2024, 6, 1),
                "substance": "crack",
                "quantity": Decimal("1.5"),
                "unit": "g",
            },
        )
        after = client.get(f"/plans/{plan.slug}/bilan/", PERIOD_QUERY).content
        timings.append(time.perf_counter() - started)
        assert after != before, "the bilan page did not change after the write"

    results = {"records": total, "grow_seconds": grow_seconds}
    for path in ("rollup", "record_tables"):
        with contextlib.nullcontext() if path == "rollup" else _record_table_path():
            # Cold each run: the cache emptied first (results and chart images are cached by content and versions).
            results[f"{path}_bilan"] = best(
                lambda: (cache.clear(), build_bilan(plan, period)), 2 if path == "record_tables" else REPEAT
            )
            cache.clear()
            results[f"{path}_bilan_text"] = best(lambda: build_bilan(plan, period, charts=False), 1)
            cache.clear()
            dashboard()  # cold: fills the cache
            results[f"{path}_warm_dashboard"] = best(dashboard, 5)
            timings: list[float] = []
            for _ in range(2):
                write_then_read()
            results[f"{path}_write_to_bilan"] = min(timings)
    return results


class _record_table_path:
    """Today's record-table path: figures scanned from the records, the data version from every record table."""

    def __enter__(self):
        from unittest import mock

        from copil.indicators import engine

        self.engine = engine.record_tables()
        self.engine.__enter__()
        self.patches = [
            mock.patch("copil.web.bilans.data_version", scanning_data_version),
            mock.patch("copil.web.dashboard.data_version", scanning_data_version),
            # The dashboard view reads the version itself and hands it down (as does « le COPIL en 5 minutes »).
            mock.patch("copil.web.views.data_version", scanning_data_version),
            mock.patch("copil.web.five_minutes.data_version", scanning_data_version),
        ]
        for patch in self.patches:
            patch.start()
        return self

    def __exit__(self, *exc):
        for patch in self.patches:
            patch.stop()
        self.engine.__exit__(*exc)
        return False


# --- parent ---------------------------------------------------------------------------------------------------


def run_child(database_url: str, records: int, folder: Path) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "COPIL_VAR_DIR": str(folder / "var"),
        "COPIL_ALLOWED_HOSTS": "testserver",
    }
    env.pop("COPIL_DEBUG", None)
    env.pop("COPIL_CACHE_DIR", None)
    done = subprocess.run(
        [sys.executable, __file__, "--child", database_url, str(records)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"bilan child failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(backend: str, result: dict) -> None:
    print(f"  {backend}, {result['records']:,} records (grown in {result['grow_seconds']:.0f} s):")
    for name, label in (
        ("bilan", "build_bilan, 18 months, with charts"),
        ("bilan_text", "build_bilan, text only"),
        ("warm_dashboard", "warm dashboard"),
        ("write_to_bilan", "create_record → bilan page stating it"),
    ):
        rolled, scanned = result[f"rollup_{name}"], result[f"record_tables_{name}"]
        print(
            f"    {label}: {rolled * 1000:,.0f} ms (record tables: {scanned * 1000:,.0f} ms) "
            f"— {scanned / rolled:.1f}× faster"
        )


def create_database(url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return url.rsplit("/", 1)[0] + f"/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="records on SQLite")
    parser.add_argument("--pg-records", default="1000000,10000000", help="records on PostgreSQL, comma-separated sizes")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1]))))
        return
    from copil.testing.postgres import TemporaryPostgres, find_server_binaries

    with tempfile.TemporaryDirectory(prefix="copil-bench-bilan-") as folder:
        root = Path(folder)
        if "sqlite" in args.backends:
            print("SQLite:")
            report("SQLite", run_child(f"sqlite:///{root / 'bench.sqlite3'}", args.records, root))
        if "postgresql" in args.backends:
            binaries = find_server_binaries()
            if binaries is None:
                print("PostgreSQL: skipped (no server binaries)")
                return
            print("PostgreSQL:")
            server = TemporaryPostgres(binaries)
            url = server.start()
            try:
                for index, size in enumerate(int(s) for s in args.pg_records.split(",")):
                    database = create_database(url, f"bench_bilan_{index}")
                    report("PostgreSQL", run_child(database, size, root))
            finally:
                server.stop()


if __name__ == "__main__":
    main()

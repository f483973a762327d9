"""Load benchmark of the committee's pages: dashboard, map layers and bilan page under concurrent users.

    python bench/bench_load.py [--users 50] [--duration 60] [--workers N] [--records 1000000] [--strict]

Starts a throw-away PostgreSQL (`copil.testing.postgres.TemporaryPostgres`), migrates it and loads the demo
plans (demo/*/) through the importer, plus with `--records N` a plan `banc` of N seizures (`copil import` of a
generated file), opens a session for a member coordinating every plan, serves the app with the production server
(`copil serve --production`: gunicorn sync workers, `copil.settings_production`, WhiteNoise, a file cache shared by
the workers, its worker; ready once `/sante/` answers 200), opens each page once (cold: figures and charts
computed, then cached), then runs locust headless: `--users` simulated members, each requesting a page every
0.5–1.5 s for `--duration` seconds (`load_users.py`).

Prints requests/s, p50, p95, p99 and the error count, overall and per page, against the target: p95 under
150 ms with no error. `--strict` exits with status 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_P95_MS = 150
PERIODS = ("depuis-le-debut", "2023")
LAYERS = ("points-de-deal", "cameras", "observations")


# --- child: database setup --------------------------------------------------------------------------------------


def setup_database(records: int) -> dict:
    """Migrate, load the demo plans (and a plan of `records` seizures), and open a session for a coordinator of
    every plan (runs in a child)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copil.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from copil.access import twofactor
    from copil.imports.plan_file import import_plan_directory
    from copil.plans.models import Membership, Partner, Plan

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    for plan_dir in sorted(p for p in settings.COPIL_DEMO_DIR.iterdir() if (p / "plan.toml").exists()):
        import_plan_directory(plan_dir)
    if records:
        large_plan(records)
    loaded = time.perf_counter() - started
    user = get_user_model().objects.create_user("bench", "bench@example.fr", None)
    for partner in Partner.objects.filter(role=Partner.Role.COORDINATOR):
        Membership.objects.get_or_create(partner=partner, user=user)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # a coordinator signs in with two factors: the session has passed its second factor with the bench's device
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session[twofactor.SESSION_KEY] = {"method": twofactor.TOTP, "at": time.time(), "device": device.pk}
    session.set_expiry(24 * 3600)
    session.save()
    from copil.records.models import RECORD_KINDS

    records = sum(model.objects.count() for model in RECORD_KINDS.values())
    plans = list(Plan.objects.order_by("slug").values_list("slug", flat=True))
    return {"session": session.session_key, "plans": plans, "records": records, "load_seconds": loaded}


def large_plan(records: int) -> None:
    """A plan `banc` with its coordinator partner and `records` seizures of its police, through `copil import`."""
    from django.core.management import call_command

    from bench.bench_import import write_file
    from copil.plans.models import Partner, Plan, Territory

    territory = Territory.objects.create(insee_code="99999", name="Banc d'essai", level="commune", population=50000)
    plan = Plan.objects.create(slug="banc", name="Banc d'essai", territory=territory, started_on="2010-01-01")
    Partner.objects.create(plan=plan, code="prefecture", name="Préfecture", role=Partner.Role.COORDINATOR)
    Partner.objects.create(plan=plan, code="police", name="Police", role="police")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "saisies.csv"
        write_file(path, records, operations=False)
        call_command("import", str(path), plan="banc", partner="police", kind="seizure", verbosity=0)


# --- parent -----------------------------------------------------------------------------------------------------


def _wait_for(url: str, timeout: float = 120) -> None:
    """Until the URL answers 200 (`/sante/`: the database and the worker are ready)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local server
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the server did not answer at {url}")


def _get(url: str, session: str) -> tuple[int, float]:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - local server
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, (time.perf_counter() - started) * 1000


def _pages(plans: list[str]) -> list[tuple[str, str]]:
    pages = []
    for plan in plans:
        for period in PERIODS:
            pages.append(("dashboard", f"/plans/{plan}/?periode={period}"))
            pages.append(("bilan page", f"/plans/{plan}/bilan/?periode={period}"))
            pages += [
                (f"map layer {layer}", f"/plans/{plan}/carte/couches.geojson?couche={layer}&periode={period}")
                for layer in LAYERS
            ]
    return pages


def _descendants(pid: int) -> list[int]:
    """The process and every process below it (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, frontier = [pid], [pid]
    while frontier:
        frontier = [child for parent in frontier for child in children.get(parent, [])]
        found += frontier
    return found


def cpu_seconds(pid: int | None) -> float:
    """CPU time (user + system) used so far by a process tree, reaped children included; 0 off Linux."""
    if pid is None or not Path(f"/proc/{pid}/stat").exists():
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for index, process in enumerate(_descendants(pid)):
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
        if index == 0:
            total += int(fields[13]) + int(fields[14])  # cutime, cstime: children already reaped
    return total / ticks


def _postmaster_pid(server) -> int | None:
    try:
        return int((server.data / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _read_stats(prefix: Path) -> list[dict[str, str]]:
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _row(name: str, requests: str, failures: str, rps: str, p50: str, p95: str, p99: str) -> str:
    return f"{name:<28} {requests:>9} {failures:>7} {rps:>8} {p50:>8} {p95:>8} {p99:>8}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent simulated users (default 50)")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument("--records", type=int, default=0, help="also a plan of that many seizures (e.g. 1000000)")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when the target is missed")
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)  # child mode
    args = parser.parse_args()
    if args.setup:
        print(json.dumps(setup_database(args.records)))
        return 0

    from copil.testing.postgres import TemporaryPostgres, find_server_binaries, free_port

    binaries = find_server_binaries()
    if binaries is None:
        print("bench_load: PostgreSQL server binaries (initdb, pg_ctl) not found; skipped.")
        return 0
    work = Path(tempfile.mkdtemp(prefix="copil-bench-load-"))
    server = TemporaryPostgres(binaries)
    gunicorn = None
    try:
        database_url = server.start()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "copil.settings_production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "COPIL_PSEUDONYM_KEY": secrets.token_hex(32),
            "COPIL_SSL_REDIRECT": "0",  # plain HTTP on the loopback: TLS is the reverse proxy's
            "COPIL_VAR_DIR": str(work / "var"),
            "COPIL_CACHE_DIR": str(work / "cache"),
            "COPIL_CONN_MAX_AGE": "600",
            "COPIL_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "COPIL_WEB_WORKERS": str(args.workers),
            "COPIL_WEB_TIMEOUT": "300",
            "COPIL_LOG_LEVEL": "WARNING",  # no line per request during the measure
            "PYTHONPATH": str(ROOT),
        }
        started = time.perf_counter()
        setup = subprocess.run(
            [sys.executable, __file__, "--setup", "--records", str(args.records)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        info = json.loads(setup.stdout.strip().splitlines()[-1])
        print(
            f"== demo data on PostgreSQL: {info['records']:,} records in {', '.join(info['plans'])} "
            f"(migrate + import {time.perf_counter() - started:.0f} s)"
        )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "copil", "serve", "--production", f"127.0.0.1:{port}"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        _wait_for(base + "/sante/")
        print(f"== copil serve --production: gunicorn, {args.workers} sync workers on {base}, /sante/ 200")
        print("== cold pages (figures and charts computed, then cached):")
        for name, path in _pages(info["plans"]):
            status, ms = _get(base + path, info["session"])
            print(f"   {status} {ms:8.0f} ms  {name:<26} {path}")
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
        print("== warm pages, one at a time (median of 5: the service time without concurrency):")
        for name, path in _pages(info["plans"]):
            times = sorted(_get(base + path, info["session"])[1] for _ in range(5))
            print(f"   {times[2]:8.1f} ms  {name:<26} {path}")
        prefix = work / "locust"
        locust_env = {**env, "COPIL_BENCH_SESSION": info["session"], "COPIL_BENCH_PLANS": ",".join(info["plans"])}
        print(f"== locust: {args.users} users, 0.5-1.5 s think time, {args.duration} s")
        postmaster = _postmaster_pid(server)
        cpu_before = (cpu_seconds(gunicorn.pid), cpu_seconds(postmaster))
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "load_users.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(max(1, args.users // 5)),
                "--run-time",
                f"{args.duration}s",
                "--host",
                base,
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env=locust_env,
            cwd=ROOT,
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        cpu_used = (cpu_seconds(gunicorn.pid) - cpu_before[0], cpu_seconds(postmaster) - cpu_before[1])
        rows = _read_stats(prefix)
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            try:
                gunicorn.wait(timeout=20)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
        server.stop()
        shutil.rmtree(work, ignore_errors=True)

    print(_row("page", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms"))
    total = None
    for row in rows:
        line = _row(
            row["Name"] if row["Name"] != "Aggregated" else "ALL",
            row["Request Count"],
            row["Failure Count"],
            f"{float(row['Requests/s']):.1f}",
            row["50%"],
            row["95%"],
            row["99%"],
        )
        print(line)
        if row["Name"] == "Aggregated":
            total = row
    if total is None:
        print("bench_load: locust produced no statistics")
        return 1
    p95, errors = float(total["95%"]), int(total["Failure Count"])
    served = max(1, int(total["Request Count"]))
    app_ms, db_ms = (1000 * seconds / served for seconds in cpu_used)
    cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    print(
        f"== server CPU per request: {app_ms:.1f} ms gunicorn + {db_ms:.1f} ms PostgreSQL; these {cores} cores "
        f"could serve about {cores * 1000 / max(app_ms + db_ms, 0.1):.0f} requests/s if Copil had them to itself "
        f"(load average now {load:.1f})"
    )
    met = p95 < TARGET_P95_MS and errors == 0
    print(
        f"== {float(total['Requests/s']):.1f} requests/s, p50 {total['50%']} ms, p95 {total['95%']} ms, "
        f"p99 {total['99%']} ms, {errors} errors — target p95 < {TARGET_P95_MS} ms and no error: "
        f"{'MET' if met else 'MISSED'} (p95 / target = {p95 / TARGET_P95_MS:.2f})"
    )
    return 0 if met or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())

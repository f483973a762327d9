"""A background import whose worker is killed mid-import: detected by its stale heartbeat, shown as failed with
a French message, its task no longer RUNNING, nothing written; it can be confirmed again or cancelled (the
file is then deleted). The worker is a real `copil db_worker` process, killed with SIGKILL."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROWS = 200_000

SETUP = f"""
import datetime as dt, django
django.setup()
from django.contrib.auth import get_user_model
from copil.imports import jobs
from copil.imports.models import ImportJob
from copil.plans.models import Membership
from tests.factories import make_partner, make_plan

plan = make_plan(slug="plan-kill")
police = make_partner(plan, role="police", code="police-kill")
user = get_user_model().objects.create_user("agent", "agent@example.fr", None, is_staff=True)
Membership.objects.create(partner=police, user=user)
folder = jobs.upload_dir() / "kill"
folder.mkdir(parents=True)
path = folder / "saisies.csv"
day = dt.date(2023, 1, 1)
with path.open("w") as out:
    out.write("identifiant;date;substance;quantite;unite\\n")
    for n in range({ROWS}):
        out.write(f"S{{n}};{{day + dt.timedelta(days=n % 365)}};crack;{{n % 50 + 1}};g\\n")
job = ImportJob.objects.create(
    plan=plan, partner=police, created_by=user, file_name="saisies.csv", stored_path=str(path),
    size=path.stat().st_size, kind="seizure", background=True, status=ImportJob.Status.PREVIEWED,
    preview={{"header": ["identifiant"], "rows": []}}, rows_total={ROWS},
)
jobs.confirm(user, job)
print(job.pk)
"""

CHECK = """
import json, sys, time, django
django.setup()
from django.conf import settings
from django_tasks_db.models import DBTaskResult
from copil.imports import jobs
from copil.imports.models import ImportJob
from copil.records.models import Seizure

job = ImportJob.objects.get(pk=int(sys.argv[1]))
before = job.status
time.sleep(settings.COPIL_IMPORT_LEASE_SECONDS + 1)
job = jobs.mark_if_interrupted(job)
print(json.dumps({
    "before": before, "after": job.status, "message": job.message, "may_confirm": jobs.can_confirm(job),
    "tasks": sorted(DBTaskResult.objects.values_list("status", flat=True)), "seizures": Seizure.objects.count(),
}))
"""

CANCEL = """
import sys, django
django.setup()
from pathlib import Path
from copil.imports import jobs
from copil.imports.models import ImportJob

job = ImportJob.objects.get(pk=int(sys.argv[1]))
print(jobs.cancel(job), ImportJob.objects.get(pk=job.pk).status, Path(job.stored_path).exists())
"""


def _python(env, code, *args):
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.skipif(
    os.environ.get("COPIL_TEST_DATABASE") == "postgresql", reason="a SQLite file shared with the worker; SQLite leg"
)
def test_a_killed_worker_leaves_a_failed_job_that_can_be_cancelled(tmp_path):
    env = {**os.environ, "COPIL_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "copil.settings"}
    env.pop("DATABASE_URL", None)
    env.update(COPIL_IMPORT_HEARTBEAT_SECONDS="0.5", COPIL_IMPORT_LEASE_SECONDS="3", PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-m", "copil", "migrate", "--no-input"], env=env, check=True, capture_output=True)
    job_id = _python(env, SETUP)
    progress = tmp_path / "uploads" / "kill" / "progress.json"
    worker = subprocess.Popen(
        [sys.executable, "-m", "copil", "db_worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and worker.poll() is None:
            try:
                if json.loads(progress.read_text())["done"] > 0:
                    break
            except (OSError, ValueError, KeyError):
                pass
            time.sleep(0.2)
        assert worker.poll() is None, "the worker ended before it could be killed mid-import"
        assert json.loads(progress.read_text())["done"] < ROWS
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)

    checked = json.loads(_python(env, CHECK, job_id))
    assert checked["before"] == "importing"  # what the review saw: « en cours » forever
    assert checked["after"] == "failed" and "s'est arrêté avant la fin" in checked["message"]
    assert checked["may_confirm"] and checked["tasks"] == ["FAILED"] and checked["seizures"] == 0
    assert _python(env, CANCEL, job_id) == "True cancelled False"

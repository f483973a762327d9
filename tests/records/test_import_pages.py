"""Imports through the web: upload, preview of the first rows and of every error, confirmation; large files
checked and imported by background tasks with their progress on the page."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.html import escape

from copil.access.models import AuditEvent
from copil.imports import jobs
from copil.imports.models import ImportJob
from copil.records.models import RECORD_KINDS

HEADER = "identifiant;date;substance;quantite;unite\n"


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.COPIL_UPLOAD_DIR = tmp_path / "uploads"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _csv(rows: list[str], name: str = "saisies.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HEADER + "".join(f"{r}\n" for r in rows)).encode("utf-8"))


def _upload(client, world, upload, **extra):
    return client.post("/imports/", {"partner": world.partners["police-1"].pk, "file": upload, **extra})


def test_upload_preview_then_confirm(world, client_for):
    client = client_for("police")
    assert client.get("/imports/").status_code == 200
    response = _upload(client, world, _csv(["S-1;2024-03-01;crack;12,5;g", "S-2;01/03/2024;Héroïne;1;kg"]))
    job = ImportJob.objects.get()
    assert response.url == f"/imports/{job.pk}/"
    assert (job.status, job.kind, job.background, job.report["created"]) == ("previewed", "seizure", False, 2)
    page = client.get(response.url).content.decode()
    assert "S-2" in page and "Héroïne" in page  # the first rows as written
    assert not RECORD_KINDS["seizure"].objects.exists()  # nothing written before confirmation

    assert client.post(f"/imports/{job.pk}/confirmer/").status_code == 302
    job.refresh_from_db()
    assert job.status == "done" and job.report["created"] == 2
    assert RECORD_KINDS["seizure"].objects.count() == 2
    summary = AuditEvent.objects.get(action="import")
    assert (summary.actor, summary.channel, summary.details["file"]) == (world.users["police"], "web", "saisies.csv")
    assert not (jobs.upload_dir() / "x").exists() and not any(jobs.upload_dir().iterdir())  # file removed


def test_every_error_listed_in_french_and_downloadable(world, client_for):
    client = client_for("police")
    _upload(client, world, _csv(["S-1;2999-01-01;crack;12;g", "S-2;2024-01-01;sel;-1;g", "S-1;2024-01-01;crack;1;g"]))
    job = ImportJob.objects.get()
    assert job.status == "rejected" and job.error_count == 4
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "dans le futur" in page and "valeur inconnue « sel »" in page
    for error in job.errors:  # each with its line, column, value and reason
        cells = re.sub(r"<td [^>]*>", "<td>", page)  # the cells carry their column's name for the phone layout
        assert f"<td>{error['line']}</td><td>{error['column']}</td><td>{escape(error['value'])}</td>" in cells
        assert escape(error["reason"]) in page
    assert "Importer</button>" not in page
    response = client.get(f"/imports/{job.pk}/erreurs.csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "fichier;ligne;colonne;valeur;erreur"
    assert lines[1].startswith("saisies.csv;2;date;2999-01-01;")
    assert len(lines) == 5
    assert client.post(f"/imports/{job.pk}/confirmer/").status_code == 302
    assert not RECORD_KINDS["seizure"].objects.exists()


def test_the_user_may_only_import_what_they_may_write(world, client_for):
    client = client_for("police")
    response = client.post(
        "/imports/", {"partner": world.partners["police-1"].pk, "file": _csv(["C-1;2024-01-01"]), "kind": "camera"}
    )
    assert response.status_code == 400 and "kind" in response.context["form"].errors
    cameras = SimpleUploadedFile("cameras.csv", b"identifiant;installee_le\nC-1;2024-01-01\n")
    _upload(client, world, cameras)
    job = ImportJob.objects.get()
    assert job.status == "rejected" and job.message  # the kind came from the file: refused after the check
    assert (job.errors, job.preview, job.report) == ([], {}, {})  # and nothing of the check is kept
    assert client.post("/imports/", {"partner": world.partners["city-1"].pk, "file": _csv([])}).status_code == 400
    assert client_for("public").get("/imports/").status_code == 403
    other = client_for("justice")
    assert other.get(f"/imports/{job.pk}/").status_code == 404


def test_large_files_go_to_background_tasks_with_progress(world, client_for, settings):
    settings.COPIL_IMPORT_BACKGROUND_ROWS = 3
    client = client_for("police")
    rows = [f"S-{n};2024-03-01;crack;1;g" for n in range(5)]
    _upload(client, world, _csv(rows))
    job = ImportJob.objects.get()
    assert job.background and job.status == "previewed" and job.rows_total == 5  # ran by the (immediate) task
    client.post(f"/imports/{job.pk}/confirmer/")
    job.refresh_from_db()
    assert job.status == "done" and RECORD_KINDS["seizure"].objects.count() == 5


def test_a_running_job_page_refreshes_and_shows_the_progress(world, client_for, tmp_path):
    client = client_for("police")
    folder = jobs.upload_dir() / "job"
    folder.mkdir(parents=True)
    (folder / "saisies.csv").write_text(HEADER)
    job = ImportJob.objects.create(
        plan=world.plan,
        partner=world.partners["police-1"],
        created_by=world.users["police"],
        file_name="saisies.csv",
        stored_path=str(folder / "saisies.csv"),
        background=True,
        status=ImportJob.Status.IMPORTING,
    )
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert 'http-equiv="refresh"' in page and "En attente" in page
    ImportJob.objects.filter(pk=job.pk).update(started_at=timezone.now())  # a live worker has just started
    jobs.ProgressFile(job)(20000, 80000)  # what the importer calls every 10,000 rows
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "20000" in page.replace("\u202f", "").replace(" ", "") and "25" in page

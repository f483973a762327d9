"""Imports through the web: upload, preview, confirmation — inline for small files, in a background task
(`copil.imports.tasks`, run by `copil db_worker`) for large ones.

The uploaded file is kept under COPIL_UPLOAD_DIR until its import is done or cancelled. Checking and importing
call the importer (`preview_import`, `import_records`); while a large file is read, the importer's
`on_progress` callback writes the rows read so far next to the file (`progress.json`, replaced atomically), where
the page reads it: the import itself holds a database transaction the whole time, in which a progress written
to the database would stay invisible (and, on SQLite, would wait for the import's lock).

For the same reason the process working on a file proves it is alive with a heartbeat file next to it, touched
every COPIL_IMPORT_HEARTBEAT_SECONDS by a thread of that process. A running job whose heartbeat is older than
COPIL_IMPORT_LEASE_SECONDS lost its worker (killed, machine restarted): `interrupted` finds it, and the page
and the cancel button then mark it failed with a French message — nothing was written, since the import's
transaction died with the worker — so it can be confirmed again or cancelled (which deletes the file).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import threading
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from copil.access import policy
from copil.access.actors import Actor
from copil.imports.importer import ImportRejected, import_records, preview_import
from copil.imports.models import ImportJob
from copil.imports.results import ImportError_, ImportReport
from copil.plans.models import Partner, Plan
from copil.records.models import RECORD_KINDS

PREVIEW_ROWS = 10
ERRORS_SHOWN = 200
CHUNK = 1 << 20


def upload_dir() -> Path:
    return Path(settings.COPIL_UPLOAD_DIR)


def background_limits() -> tuple[int, int]:
    """(rows, bytes): a file with at least this many rows, or this size, is checked and imported in the
    background."""
    return settings.COPIL_IMPORT_BACKGROUND_ROWS, settings.COPIL_IMPORT_BACKGROUND_BYTES


def importable_partners(user: Actor, plan: Plan | None = None) -> list[Partner]:
    """The partners the user may import some kind of records for (create and update them)."""
    ids: set[int] = set()
    for kind in RECORD_KINDS:
        creatable = policy.creatable_partners(user, kind, plan)
        ids |= {p.pk for p in creatable if policy.can(user, "update", kind, p)}
    return list(Partner.objects.filter(pk__in=ids).select_related("plan").order_by("plan__name", "name"))


def importable_kinds(user: Actor) -> list[str]:
    """The record kinds the user may import somewhere (create and update them), from the access policy."""
    return [
        kind
        for kind in RECORD_KINDS
        if policy.may_somewhere(user, "create", kind) and policy.may_somewhere(user, "update", kind)
    ]


def require_import(user: Actor, kind: str, partner: Partner, replace: bool) -> None:
    """An import creates and updates the partner's records of the kind (and deletes some, replacing a period)."""
    for action in ("create", "update", *(("delete",) if replace else ())):
        policy.require(user, action, kind, partner)


# --- upload ---------------------------------------------------------------------------------------------------


def _count_lines(path: Path, limit: int) -> int:
    """Line breaks in the file, counting no further than `limit`."""
    count = 0
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            count += chunk.count(b"\n")
            if count >= limit:
                break
    return count


def is_large(path: Path, size: int) -> bool:
    rows, size_limit = background_limits()
    if size >= size_limit:
        return True
    return path.suffix.lower() not in {".xlsx", ".ods"} and _count_lines(path, rows + 1) > rows


def start(
    user: Actor,
    *,
    partner: Partner,
    upload: UploadedFile,
    kind: str = "",
    replace_period: tuple | None = None,
) -> ImportJob:
    """Keep the uploaded file and check it (at once, or in the background if it is large)."""
    folder = upload_dir() / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    name = Path(upload.name or "fichier.csv").name
    try:
        safe = get_valid_filename(name)
    except SuspiciousFileOperation:
        safe = "fichier"
    path = folder / safe
    with path.open("wb") as output:
        for chunk in upload.chunks():
            output.write(chunk)
    size = path.stat().st_size
    job = ImportJob.objects.create(
        plan=partner.plan,
        partner=partner,
        created_by=user,
        file_name=name[:255],
        stored_path=str(path),
        size=size,
        requested_kind=kind,
        kind=kind,
        replace_from=replace_period[0] if replace_period else None,
        replace_to=replace_period[1] if replace_period else None,
        background=is_large(path, size),
        status=ImportJob.Status.PREVIEWING,
    )
    if job.background:
        from copil.imports.tasks import preview_task

        preview_task.enqueue(job.pk)
    else:
        run_preview(job.pk)
        job.refresh_from_db()
    return job


def can_confirm(job: ImportJob) -> bool:
    """A checked file waiting for confirmation, or one whose import failed (its worker died) and is still kept."""
    if job.status == ImportJob.Status.PREVIEWED:
        return True
    return (
        job.status == ImportJob.Status.FAILED
        and bool(job.kind)
        and bool(job.preview)
        and not job.error_count
        and Path(job.stored_path).exists()
    )


def confirm(user: Actor, job: ImportJob) -> ImportJob:
    """Import a checked file (at once, or in the background if it is large); again after an interruption."""
    if not can_confirm(job):
        return job
    require_import(user, job.kind, job.partner, bool(job.replace_period))
    updated = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
        status=ImportJob.Status.IMPORTING, started_at=None, rows_done=0, updated_at=timezone.now()
    )
    if not updated:  # confirmed twice (double click, two tabs): the first one runs
        job.refresh_from_db()
        return job
    _clear_progress(job)
    if job.background:
        from copil.imports.tasks import import_task

        import_task.enqueue(job.pk)
    else:
        run_import(job.pk)
    job.refresh_from_db()
    return job


def cancel(job: ImportJob) -> bool:
    """Forget a file not imported yet (an interrupted job first becomes failed); False while a live worker is on
    it, or once it is imported: nothing is cancelled then."""
    job = mark_if_interrupted(job)
    if job.status in {ImportJob.Status.PREVIEWED, ImportJob.Status.REJECTED, ImportJob.Status.FAILED}:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.CANCELLED, updated_at=timezone.now())
        _remove_file(job)
        return True
    return job.status == ImportJob.Status.CANCELLED


# --- liveness -------------------------------------------------------------------------------------------------


def _heartbeat_path(job: ImportJob) -> Path:
    return Path(job.stored_path).with_name("heartbeat")


class Heartbeat:
    """While open, a thread of this process touches the job's heartbeat file: it stops when the process dies."""

    def __init__(self, job: ImportJob):
        self.path = _heartbeat_path(job)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"copil-import-{job.pk}-heartbeat", daemon=True)

    def _beat(self) -> None:
        while True:
            try:
                self.path.touch()
            except OSError:  # the file was cancelled meanwhile
                pass
            if self.stopped.wait(settings.COPIL_IMPORT_HEARTBEAT_SECONDS):
                return

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopped.set()
        self.thread.join()


def last_sign_of_life(job: ImportJob) -> dt.datetime | None:
    """When the process working on the job last proved alive (its heartbeat, else its start)."""
    try:
        beat = dt.datetime.fromtimestamp(_heartbeat_path(job).stat().st_mtime, tz=dt.UTC)
    except OSError:
        beat = None
    return max(filter(None, [beat, job.started_at]), default=None)


def interrupted(job: ImportJob, now: dt.datetime | None = None) -> bool:
    """A started job whose worker gave no sign of life for longer than the lease (a queued one is waiting)."""
    if not job.running or job.started_at is None:
        return False
    alive = last_sign_of_life(job)
    lease = dt.timedelta(seconds=settings.COPIL_IMPORT_LEASE_SECONDS)
    return alive is not None and (now or timezone.now()) - alive > lease


def mark_if_interrupted(job: ImportJob) -> ImportJob:
    """If the job's worker died, record it: the job failed (French message) and its task too."""
    if not interrupted(job):
        return job
    message = _(
        "The processing of this file stopped before its end (the process in charge of it was interrupted). "
        "Nothing was written: confirm the import again, or cancel it."
    )
    now = timezone.now()
    if ImportJob.objects.filter(pk=job.pk, status=job.status).update(
        status=ImportJob.Status.FAILED, message=message, updated_at=now
    ):
        _fail_tasks_of(job, now)
    job.refresh_from_db()
    return job


def _fail_tasks_of(job: ImportJob, now: dt.datetime) -> None:
    """The job's task stays RUNNING in the task table when its worker dies: mark it failed too."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another task backend
        return
    from copil.imports.tasks import import_task, preview_task

    paths = [task.module_path for task in (import_task, preview_task)]
    DBTaskResult.objects.running().filter(task_path__in=paths, args_kwargs__args=[job.pk]).update(
        status="FAILED", finished_at=now, exception_class_path="copil.imports.jobs.WorkerLost", traceback=""
    )


# --- work (inline or in a task) -------------------------------------------------------------------------------


def run_preview(job_id: int) -> None:
    """Check the whole file without writing anything; keep its first rows, every error and the counts."""
    with Heartbeat(ImportJob.objects.get(pk=job_id)):
        _preview(job_id)


def run_import(job_id: int) -> None:
    """Import a confirmed file, as the person who uploaded it (policy checked again, audit trail written)."""
    with Heartbeat(ImportJob.objects.get(pk=job_id)):
        _import(job_id)


def _preview(job_id: int) -> None:
    job = ImportJob.objects.select_related("plan", "partner", "created_by").get(pk=job_id)
    if job.status != ImportJob.Status.PREVIEWING:
        return
    _started(job)
    try:
        preview = preview_import(
            job.stored_path,
            job.plan,
            job.partner,
            job.requested_kind or None,
            rows=PREVIEW_ROWS,
            file_name=job.file_name,
            replace_period=job.replace_period,
            actor=job.created_by,
            on_progress=ProgressFile(job),
        )
        job.kind = preview.kind or ""
        if job.kind:
            # A kind the user may not write: nothing of the check is kept (its errors would tell which
            # records of that kind exist).
            require_import(job.created_by, job.kind, job.partner, bool(job.replace_period))
        job.preview = {"header": preview.header, "rows": preview.rows, "sheet": preview.sheet}
        job.rows_total = job.rows_done = preview.total_rows
        job.errors = [_error_json(error) for error in preview.errors]
        job.error_count = preview.error_count
        job.report = _report_json(preview.report) if preview.report else {}
        job.status = ImportJob.Status.PREVIEWED if preview.valid else ImportJob.Status.REJECTED
    except PermissionDenied as denied:
        job.status, job.message = ImportJob.Status.REJECTED, str(denied)
    except Exception as error:  # noqa: BLE001 - the page must say the check failed, not spin forever
        job.status, job.message = ImportJob.Status.FAILED, _failure(error)
    job.save()


def _import(job_id: int) -> None:
    job = ImportJob.objects.select_related("plan", "partner", "created_by").get(pk=job_id)
    if job.status != ImportJob.Status.IMPORTING:
        return
    _started(job)
    try:
        require_import(job.created_by, job.kind, job.partner, bool(job.replace_period))
        report = import_records(
            job.stored_path,
            plan=job.plan,
            partner=job.partner,
            kind=job.kind,
            file_name=job.file_name,
            replace_period=job.replace_period,
            actor=job.created_by,
            channel="web",
            on_progress=ProgressFile(job),
        )
    except ImportRejected as rejection:
        job.status = ImportJob.Status.REJECTED
        job.errors = [_error_json(error) for error in rejection.errors]
        job.error_count = rejection.error_count
    except PermissionDenied as denied:
        job.status, job.message = ImportJob.Status.REJECTED, str(denied)
    except Exception as error:  # noqa: BLE001
        job.status, job.message = ImportJob.Status.FAILED, _failure(error)
    else:
        job.status = ImportJob.Status.DONE
        job.report = _report_json(report)
        job.rows_done = job.rows_total = report.rows
        _remove_file(job)
    job.save()


def _started(job: ImportJob) -> None:
    job.started_at = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(started_at=job.started_at, updated_at=job.started_at)


def _failure(error: Exception) -> str:
    return _("The file could not be processed ({error}).").format(error=type(error).__name__)


def _error_json(error: ImportError_) -> dict[str, Any]:
    return {
        "line": error.line,
        "column": error.column,
        "value": error.value,
        "reason": error.reason,
        "code": error.code,
    }


def _report_json(report: ImportReport) -> dict[str, Any]:
    return {
        "kind": report.kind,
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "deleted": report.deleted,
        "summary": report.summary(),
    }


def rejection_of(job: ImportJob) -> ImportRejected:
    """The job's errors as the importer reports them (for `errors_csv`)."""
    errors = [
        ImportError_(job.file_name, e.get("line"), e.get("column"), e.get("value"), e.get("reason", ""), **_code(e))
        for e in job.errors
    ]
    return ImportRejected(errors, job.error_count)


def _code(error: dict[str, Any]) -> dict[str, str]:
    """The stored error's code, when it was stored with one."""
    return {"code": error["code"]} if error.get("code") else {}


def jobs_of(user: Actor) -> Any:
    """The imports a user sees: their own only (a file's rows and errors are line-level data of its kind)."""
    if not getattr(user, "is_authenticated", False):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(created_by=user).select_related("plan", "partner", "created_by")


def _remove_file(job: ImportJob) -> None:
    folder = Path(job.stored_path).parent
    if folder.parent == upload_dir() and folder.exists():
        shutil.rmtree(folder, ignore_errors=True)


# --- progress -------------------------------------------------------------------------------------------------


def _progress_path(job: ImportJob) -> Path:
    return Path(job.stored_path).with_name("progress.json")


def _clear_progress(job: ImportJob) -> None:
    _progress_path(job).unlink(missing_ok=True)


class ProgressFile:
    """The importer's `on_progress` callback: rows read so far and the estimated total, next to the file."""

    def __init__(self, job: ImportJob):
        self.path = _progress_path(job)

    def __call__(self, done: int, total: int | None) -> None:
        temporary = self.path.with_suffix(".tmp")
        try:
            temporary.write_text(json.dumps({"done": done, "total": total}))
            os.replace(temporary, self.path)
        except OSError:  # progress is informative only
            pass


def progress(job: ImportJob) -> tuple[int, int | None]:
    """(rows read, estimated total) of a running job."""
    try:
        data = json.loads(_progress_path(job).read_text())
        return int(data.get("done") or 0), (int(data["total"]) if data.get("total") else None)
    except (OSError, ValueError, TypeError):
        return job.rows_done, job.rows_total

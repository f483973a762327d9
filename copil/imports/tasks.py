"""Background tasks of the web imports (django-tasks; `copil db_worker` runs them with the database backend)."""

from django_tasks import task

from copil.imports import jobs


@task()
def preview_task(job_id: int) -> None:
    """Check a large uploaded file (`copil.imports.jobs.run_preview`)."""
    jobs.run_preview(job_id)


@task()
def import_task(job_id: int) -> None:
    """Import a large confirmed file (`copil.imports.jobs.run_import`)."""
    jobs.run_import(job_id)

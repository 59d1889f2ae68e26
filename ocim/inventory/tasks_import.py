"""Background tasks of actor imports: thin wrappers around the services (safe to run twice)."""

from django_tasks import task

from . import services_import


@task()
def run_import(job_id: int) -> str:
    """Write a queued import, all or nothing; returns the job's final status."""
    return services_import.import_run(job_id)


@task()
def run_preview(job_id: int) -> str:
    """Check every row of a mapped import and keep the preview; returns the job's status."""
    return services_import.import_preview_run(job_id)


@task()
def purge_import_files() -> int:
    """Delete the files of old imports (see ``services_import.import_files_purge``)."""
    return services_import.import_files_purge()

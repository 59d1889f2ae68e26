"""Background task of actor imports: a thin wrapper around the service (safe to run twice)."""

from django_tasks import task

from . import services_import


@task()
def run_import(job_id: int) -> str:
    """Write a queued import, all or nothing; returns the job's final status."""
    return services_import.import_run(job_id)

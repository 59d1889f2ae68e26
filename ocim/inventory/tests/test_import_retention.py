"""Uploaded import files may hold contacts: a daily job deletes them once the import is old
enough (finished, or left before its commit); the job and its report stay."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from ocim.core.models import AuditLogEntry
from ocim.core.scheduler import periodic_registry
from ocim.inventory.models import ImportJob, ImportStatus
from ocim.inventory.services_import import import_files_purge

pytestmark = pytest.mark.django_db


def _job(status, *, days_old):
    job = ImportJob(file_name="acteurs.csv", source="s", status=status, report={"outcome": {}})
    job.file.save("acteurs.csv", ContentFile(b"Nom;Type\r\nA;B\r\n"), save=False)
    job.checked_rows.save("checked.json", ContentFile(b"[]"), save=False)
    job.save()
    then = timezone.now() - datetime.timedelta(days=days_old)
    ImportJob.objects.filter(pk=job.pk).update(updated_at=then)
    job.refresh_from_db()
    return job


def test_old_files_are_deleted_and_the_jobs_kept(settings):
    settings.OCIM_IMPORT_FILES_RETENTION_DAYS = 30
    done = _job(ImportStatus.DONE, days_old=31)
    left = _job(ImportStatus.PREVIEWED, days_old=40)
    recent = _job(ImportStatus.FAILED, days_old=2)
    running = _job(ImportStatus.RUNNING, days_old=90)
    paths = {job.pk: (job.file.path, job.checked_rows.path) for job in (done, left, recent)}

    assert import_files_purge() == 2
    for job in (done, left):
        job.refresh_from_db()
        assert not job.file and not job.checked_rows
        assert job.report == {"outcome": {}}  # the report stays
        assert not any(job.file.storage.exists(path) for path in paths[job.pk])
    recent.refresh_from_db()
    running.refresh_from_db()
    assert recent.file and recent.checked_rows and running.file
    assert AuditLogEntry.objects.filter(action="inventory.import.files_purged").count() == 1
    assert import_files_purge() == 0  # nothing left: safe to run again


def test_a_retention_of_zero_keeps_every_file_and_the_job_runs_daily(settings):
    settings.OCIM_IMPORT_FILES_RETENTION_DAYS = 0
    job = _job(ImportStatus.DONE, days_old=400)
    assert import_files_purge() == 0
    job.refresh_from_db()
    assert job.file
    jobs = {item.name: item for item in periodic_registry.jobs()}
    assert jobs["inventory.import_files.purge"].every == datetime.timedelta(days=1)
    assert "inventory.directory_counts.compact" in jobs

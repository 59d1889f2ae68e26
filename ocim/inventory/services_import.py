"""Writes of actor imports: an upload becomes an ``ImportJob``; its mapping is checked at once
and every row in a background task (the preview); the staff's decisions queue it; a background
task writes it all or nothing (``import_commit``, which writes exactly what
``services.actor_save`` would). Both tasks report their progress where every process sees it
(``import_progress``).
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import json
import logging
from pathlib import PurePath, PurePosixPath

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ocim.core.audit import audit_log
from ocim.core.errors import ApplicationError, ConflictError

from .bulk_writes import bulk_insert, bulk_update_columns  # noqa: F401 - part of this module's API
from .import_commit import ImportAborted, import_rows_write  # noqa: F401 - part of this module's API
from .imports import (
    ImportFileError,
    check_size,
    guess_mapping,
    mapping_problems,
    read_table,
    rows_check,
)
from .models_import import DuplicateDecision, ImportJob, ImportStatus

logger = logging.getLogger(__name__)

SAMPLE_ROWS = 20
# The preview's check reports its progress every this many rows.
CHECK_PROGRESS_ROWS = 5000


# --- Progress ---------------------------------------------------------------------------------
#
# A running task tells how far it is in a small file next to the uploaded one, in the media
# storage that every web process and worker already share (they read the upload from it). Not
# in the cache: the embedded set-up's cache is each process's own memory. Not in the job's row:
# the commit writes in one transaction, which hides its own updates of the row until the end,
# and SQLite lets no other connection write while it lasts.

PROGRESS_FILE = "progress.txt"


def _progress_name(job: ImportJob) -> str:
    return f"{PurePosixPath(job.file.name).parent}/{PROGRESS_FILE}"


def _progress_write(job: ImportJob, percent: int) -> None:
    """Tell the others how far the running task is (best effort: never stops the task)."""
    if not job.file:
        return
    try:
        with job.file.storage.open(_progress_name(job), "wb") as handle:
            handle.write(str(max(0, min(int(percent), 100))).encode())
    except (OSError, ValueError):
        logger.warning("Import %s: the progress could not be written", job.pk, exc_info=True)


def _progress_clear(job: ImportJob) -> None:
    if not job.file:
        return
    try:
        job.file.storage.delete(_progress_name(job))
    except (OSError, ValueError):
        logger.warning("Import %s: the progress file could not be deleted", job.pk, exc_info=True)


def import_progress(job: ImportJob) -> int:
    """How far the job's running task is, in percent, as written by the process running it
    (the job's own ``progress`` while none is written yet); 100 once imported."""
    if job.status == ImportStatus.DONE:
        return 100
    if job.status in (ImportStatus.CHECKING, ImportStatus.RUNNING) and job.file:
        try:
            with job.file.storage.open(_progress_name(job), "rb") as handle:
                return max(0, min(int(handle.read(8).decode() or job.progress), 100))
        except (OSError, ValueError):
            pass  # not written yet, or being rewritten
    return job.progress


@contextlib.contextmanager
def _collector_paused():
    """Python's cycle collector off while a task checks or writes a whole file, then back as
    it was. These steps allocate millions of small objects and keep hundreds of thousands
    (rows, records, snapshots) alive, none in cycles: each full collection walked them all
    for nothing (a third of the check's time and of the commit's Python time for 100,000
    rows). Whatever cycles they leave are collected once it is back on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- Upload, mapping, preview, queue ----------------------------------------------------------


def import_job_create(*, uploaded_file, source: str = "", user=None) -> ImportJob:
    """Keep an uploaded file as a new import job with a guessed column mapping. Raises
    ``ImportFileError`` (nothing kept) when the file is empty, too large or unreadable."""
    check_size(uploaded_file.size or 0)
    data = uploaded_file.read(uploaded_file.size + 1)
    file_name = PurePath(uploaded_file.name or "import.csv").name[:255]
    with _collector_paused():
        table = read_table(data, file_name)
    job = ImportJob(
        file_name=file_name,
        source=(source or PurePath(file_name).stem)[:100],
        # The first rows too, as examples beside the mapping form (not read again for it).
        file_info={
            **table.info(),
            "samples": [[cell[:200] for cell in row] for row in table.rows[:SAMPLE_ROWS]],
        },
        mapping=guess_mapping(table.headers),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    job.file.save(get_valid_filename(file_name) or "import", ContentFile(data), save=False)
    job.save()
    audit_log(action="inventory.import.uploaded", actor=user, obj=job, data=table.info())
    return job


def import_job_table(job: ImportJob):
    try:
        with job.file.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError) as error:  # ValueError: the job has no file at all
        raise ImportFileError(
            _("The uploaded file is no longer available: upload it again.")
        ) from error
    return read_table(data, job.file_name)


MAPPABLE = (
    ImportStatus.UPLOADED,
    ImportStatus.CHECKING,
    ImportStatus.PREVIEWED,
    ImportStatus.FAILED,
)


@transaction.atomic
def import_preview_queue(
    *, job: ImportJob, mapping: dict[str, str], source: str = "", user=None
) -> ImportJob:
    """Keep ``mapping`` (checked at once against the file's columns) and start checking every
    row in the background (after this transaction commits): the job is ``CHECKING`` until the
    task has kept the preview. Raises ``ApplicationError`` for a mapping that cannot be used,
    ``ConflictError`` for a job already committed."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status not in MAPPABLE:
        raise ConflictError(_("This import has already been started."))
    mapping = {str(index): key for index, key in mapping.items() if key}
    problems = mapping_problems(mapping, job.file_info.get("headers", []))
    if problems:
        raise ApplicationError(" ".join(problems), code="import_mapping")
    job.mapping = mapping
    if source:
        job.source = source[:100]
    job.status = ImportStatus.CHECKING
    job.progress = 0
    job.report = {}
    job.decisions = {}
    job.save()
    audit_log(action="inventory.import.mapped", actor=user, obj=job, data={"mapping": mapping})

    def enqueue():
        from .tasks_import import run_preview

        run_preview.enqueue(job.pk)

    transaction.on_commit(enqueue, robust=True)
    return job


def import_preview(*, job: ImportJob, mapping: dict[str, str], source: str = "") -> ImportJob:
    """Check every row now (what the background task does): ``import_preview_queue`` then
    ``import_preview_run``. Returns the job, previewed or failed."""
    job = import_preview_queue(job=job, mapping=mapping, source=source)
    import_preview_run(job.pk)
    return ImportJob.objects.get(pk=job.pk)


def import_preview_run(job_id: int) -> str:
    """Check every row of a ``CHECKING`` job under its mapping and keep the preview (errors
    with row, column and reason; duplicates of existing actors; the cleaned rows the commit
    will write). Reads only until the end, reporting its progress; a job whose mapping changed
    meanwhile is left to the run that change queued. A file that can no longer be read fails
    the job with a message. Safe to run twice; returns the job's status."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.status != ImportStatus.CHECKING:
        return job.status if job else ""
    mapping = dict(job.mapping)
    try:
        with _collector_paused():
            table = import_job_table(job)
            _progress_write(job, 5)  # the file is read: a tenth of the time
            result = rows_check(
                table,
                mapping,
                source=job.source,
                progress=lambda done: _progress_write(job, 5 + int(done * 85)),
                every=CHECK_PROGRESS_ROWS,
            )
            checked = json.dumps(result.valid_rows(), separators=(",", ":")).encode()
            summary = result.summary()
    except ApplicationError as error:
        return _preview_fail(job_id, mapping, str(error.message))
    except Exception:
        logger.exception("Import %s: the check failed", job_id)
        return _preview_fail(
            job_id, mapping, gettext("The rows could not be checked; nothing was imported.")
        )
    _progress_write(job, 95)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status != ImportStatus.CHECKING or job.mapping != mapping:
            return job.status  # mapped again meanwhile: that run keeps its own preview
        if job.checked_rows:
            job.checked_rows.delete(save=False)
        job.checked_rows.save("checked.json", ContentFile(checked), save=False)
        job.report = {"preview": summary}
        job.status = ImportStatus.PREVIEWED
        job.progress = 100
        job.save()
    _progress_clear(job)
    return job.status


def _preview_fail(job_id: int, mapping: dict, message: str) -> str:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status != ImportStatus.CHECKING or job.mapping != mapping:
            return job.status
        job.status = ImportStatus.FAILED
        job.finished_at = timezone.now()
        job.report = {"failure": {"message": message}}
        job.save()
    _progress_clear(job)
    return job.status


@transaction.atomic
def import_queue(
    *,
    job: ImportJob,
    decisions: dict[str, str],
    default_decision: str = DuplicateDecision.MERGE,
    skip_invalid_rows: bool = False,
    user=None,
) -> ImportJob:
    """Record the staff's decisions and start the commit in the background (after this
    transaction commits). Raises ``ApplicationError`` when rows have errors and they were not
    to be skipped, or when the job is not previewed."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportStatus.PREVIEWED:
        raise ConflictError(_("This import has already been started."))
    preview = job.report.get("preview", {})
    if preview.get("invalid_rows") and not skip_invalid_rows:
        raise ApplicationError(
            _(
                "%(count)d row(s) have errors: correct the file and upload it again, or choose "
                "to skip those rows."
            )
            % {"count": preview["invalid_rows"]},
            code="import_invalid_rows",
        )
    if not preview.get("valid_rows"):
        raise ApplicationError(_("No row can be imported."), code="import_nothing")
    choices = set(DuplicateDecision.values)
    job.decisions = {str(row): value for row, value in decisions.items() if value in choices}
    job.default_decision = default_decision if default_decision in choices else "merge"
    job.skip_invalid_rows = skip_invalid_rows
    job.status = ImportStatus.QUEUED
    job.progress = 0
    job.save()
    audit_log(action="inventory.import.queued", actor=user, obj=job)

    def enqueue():
        from .tasks_import import run_import

        run_import.enqueue(job.pk)

    transaction.on_commit(enqueue, robust=True)
    return job


# --- Retention ----------------------------------------------------------------------------------

# Jobs whose files are only kept for the record once they are this old: finished ones, and
# ones left before their commit.
PURGEABLE = (
    ImportStatus.DONE,
    ImportStatus.FAILED,
    ImportStatus.UPLOADED,
    ImportStatus.PREVIEWED,
)


def import_files_purge(*, older_than_days: int | None = None) -> int:
    """Delete the uploaded file and the checked rows of the imports not touched for
    ``older_than_days`` days (``OCIM_IMPORT_FILES_RETENTION_DAYS`` by default; 0 keeps every
    file), finished or left before their commit: they may hold contacts. The jobs stay, with
    their report. Audited as ``inventory.import.files_purged``. Safe to run twice; returns the
    number of jobs whose files were deleted."""
    from django.conf import settings

    days = settings.OCIM_IMPORT_FILES_RETENTION_DAYS if older_than_days is None else older_than_days
    if days <= 0:
        return 0
    cutoff = timezone.now() - datetime.timedelta(days=days)
    purged = 0
    jobs = ImportJob.objects.filter(status__in=PURGEABLE, updated_at__lt=cutoff).exclude(
        file="", checked_rows=""
    )
    for job in jobs.iterator():
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=job.pk)
            if job.status not in PURGEABLE or job.updated_at >= cutoff:
                continue  # picked up again meanwhile
            for field in (job.file, job.checked_rows):
                if field:
                    try:
                        field.delete(save=False)
                    except OSError:
                        logger.warning("Import %s: %s not deleted", job.pk, field.name)
            _progress_clear(job)
            # The timestamp is left as it was: the job was not changed by a person.
            ImportJob.objects.filter(pk=job.pk).update(file="", checked_rows="")
            purged += 1
    if purged:
        audit_log(
            action="inventory.import.files_purged", data={"jobs": purged, "older_than_days": days}
        )
    return purged


# --- Commit -----------------------------------------------------------------------------------


def import_run(job_id: int) -> str:
    """Write a queued import, all or nothing; returns the job's final status. Safe to run
    twice: a job that is not queued is left alone."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != ImportStatus.QUEUED:
            return job.status if job else ""
        job.status = ImportStatus.RUNNING
        job.save(update_fields=["status", "updated_at"])
    try:
        with _collector_paused(), transaction.atomic():
            outcome = import_rows_write(job, progress=lambda percent: _progress_write(job, percent))
            job.status = ImportStatus.DONE
            job.progress = 100
            job.finished_at = timezone.now()
            job.report = {**job.report, "outcome": outcome}
            job.save()
            audit_log(
                action="inventory.import.committed", actor=job.created_by, obj=job, data=outcome
            )
    except ApplicationError as error:
        _fail(job, str(error.message), error.extra)
    except Exception:
        logger.exception("Import %s failed", job_id)
        _fail(job, gettext("The import failed unexpectedly; nothing was imported."), {})
    finally:
        _progress_clear(job)
    return job.status


def _fail(job: ImportJob, message: str, extra: dict) -> None:
    job.refresh_from_db()
    job.status = ImportStatus.FAILED
    job.finished_at = timezone.now()
    job.report = {**job.report, "failure": {"message": message, **extra}}
    job.save()

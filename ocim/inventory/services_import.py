"""Writes of actor imports: an upload becomes an ``ImportJob``; its mapping is checked at once
and every row in a background task (the preview); the staff's decisions queue it; a background
task writes it all or nothing. Both tasks report their progress where every process sees it
(``import_progress``).

The commit writes in batches (``COPY`` on PostgreSQL, else ``bulk_create``; ``bulk_update``)
so that 100,000 rows fit in seconds, but it writes exactly what ``services.actor_save`` would:
the same cleaning (identifiers, sanitised description), the same copied columns (family,
department, region), unique slugs, field validation (foreign keys left to the database), and
one ``ActorRevision`` per actor created or changed (source "import", the file's name as
detail, the same snapshot and changes). The test
``test_the_bulk_path_writes_what_actor_save_writes`` holds the two paths together.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import gc
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from operator import attrgetter
from pathlib import PurePath, PurePosixPath
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import EMPTY_VALUES
from django.db import connections, models, router, transaction
from django.utils import timezone, translation
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ocim.core.audit import audit_log
from ocim.core.errors import ApplicationError, ConflictError
from ocim.core.models import Commune
from ocim.core.sanitiser import sanitise_html

from . import geocoding, identifiers
from .imports import (
    Context,
    ImportFileError,
    check_size,
    guess_mapping,
    mapping_problems,
    read_table,
    rows_check,
    rows_recheck,
)
from .map_grid import map_cell
from .models import (
    Actor,
    ActorRevision,
    ActorVisitorCount,
    CoordinatesSource,
    RevisionSource,
)
from .models_import import DuplicateDecision, ImportJob, ImportStatus
from .search import actor_search_index_rebuild
from .services import reserved_slugs, snapshot_fields

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
SAMPLE_ROWS = 20
# The preview's check reports its progress every this many rows.
CHECK_PROGRESS_ROWS = 5000
UPDATE_BATCH_SIZE = 250
# Fields a row can set on an actor (besides labels).
ROW_FIELDS = (
    "name", "other_names", "type_id", "legal_status", "street", "postal_code", "commune_id",
    "email", "phone", "website", "siret", "museofile", "wikidata", "rna", "uai", "rnsr", "ror",
    "osm", "year_founded", "status", "closed_year", "staff_band", "description",
)  # fmt: skip


class ImportAborted(ApplicationError):
    default_message = _("The import was stopped: nothing was imported.")
    default_code = "import_aborted"


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
            outcome = _import_write(job)
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


def _import_write(job: ImportJob) -> dict:
    try:
        with job.checked_rows.open("rb") as handle:
            stored = json.loads(handle.read())
    except (OSError, ValueError) as error:
        raise ImportAborted(
            _("The checked rows are no longer available: check the file again.")
        ) from error
    headers = job.file_info.get("headers", [])
    columns = {
        key: headers[int(index)] for index, key in job.mapping.items() if int(index) < len(headers)
    }
    _progress_write(job, 1)
    result = rows_recheck(stored, source=job.source, headers=columns)
    _progress_write(job, 10)
    invalid = [row for row in result.rows if not row.valid]
    if invalid and not job.skip_invalid_rows:
        raise ImportAborted(
            _(
                "%(count)d row(s) have errors (the data changed since the preview?): nothing "
                "was imported."
            )
            % {"count": len(invalid)},
            extra={"errors": [error.as_dict() for row in invalid[:100] for error in row.errors]},
        )
    writer = _Writer(job, context=result.context)
    outcome = {
        "created": 0, "updated": 0, "merged": 0, "unchanged": 0, "skipped": 0,
        "skipped_invalid": job.report["preview"]["invalid_rows"] + len(invalid), "geocoded": 0,
    }  # fmt: skip
    plan = []
    for row in result.rows:
        if not row.valid:
            continue
        kind = row.match[0] if row.match else "create"
        if kind == "duplicate":
            decision = job.decisions.get(str(row.number), job.default_decision)
            if decision == DuplicateDecision.SKIP:
                outcome["skipped"] += 1
                continue
            kind = "merge" if decision == DuplicateDecision.MERGE else "create"
        plan.append((row, kind))
    total = len(plan) or 1
    batches = [plan[start : start + BATCH_SIZE] for start in range(0, len(plan), BATCH_SIZE)]
    language = translation.get_language()
    # Each batch is prepared (pure Python) in a second thread while the one before is written
    # (mostly the database's work, during which this thread waits and holds no lock on the
    # interpreter): the two overlap on two CPUs. A batch that updates or merges into existing
    # actors is read and prepared after the one before is written, which may change them.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-prepare") as pool:

        def start(number):
            return pool.submit(writer.prepare, writer.load(batches[number]), outcome, language)

        pending = start(0) if batches else None
        for number in range(len(batches)):
            prepared = pending.result()
            following = number + 1 < len(batches)
            pending = None
            if following and all(kind == "create" for _row, kind in batches[number + 1]):
                pending = start(number + 1)
            writer.flush(prepared)
            if following and pending is None:
                pending = start(number + 1)
            if (number + 1) & number == 0:  # after batches 1, 2, 4, 8…
                _statistics_refresh()
            _progress_write(job, min(99, 10 + (number + 1) * BATCH_SIZE * 89 // total))
    return outcome


# The tables an import writes whose statistics plan the statements of its next batches: the
# actors (joined to new links and rows by the triggers and the search index's statement) and
# their label links (read by actor). The other tables it writes are only appended to, or
# written by key (revisions, search index, facet rows, counts): analysing them (JSON and
# tsvector columns) took most of the time of these ANALYZE runs for nothing.
_WRITTEN_TABLES = ("inventory_actor", "inventory_actor_labels")


def _statistics_refresh() -> None:
    """ANALYZE the tables the import writes (PostgreSQL), each time their rows may have
    doubled: the whole import is one transaction, which autovacuum cannot see, and statements
    planned from the statistics of a smaller table scan it (each batch of a 100,000-row import
    into an empty inventory took 0.5 s at first and 1.5 s at the end: 52 s in all, 31 s with
    the statistics kept)."""
    database = connections[router.db_for_write(Actor)]
    if database.vendor != "postgresql":
        return
    with database.cursor() as cursor:
        # A tenth of the default sample (3,000 rows): enough for the sizes and key columns
        # these plans need, and a tenth of the cost. Put back at once (local to the
        # transaction); autovacuum analyses the tables fully once the import is committed.
        cursor.execute(
            "SELECT current_setting('default_statistics_target'), "
            "set_config('default_statistics_target', '10', true)"
        )
        target = cursor.fetchone()[0]
        cursor.execute(f"ANALYZE {', '.join(_WRITTEN_TABLES)}")
        cursor.execute("SELECT set_config('default_statistics_target', %s, true)", [target])


_PLAIN_FIELDS = frozenset(
    {
        models.BigAutoField, models.AutoField, models.CharField, models.TextField,
        models.SlugField, models.EmailField, models.URLField, models.IntegerField,
        models.PositiveIntegerField, models.PositiveSmallIntegerField, models.SmallIntegerField,
        models.BigIntegerField, models.FloatField, models.BooleanField, models.ForeignKey,
    }
)  # fmt: skip


def bulk_insert(model, objects: list, *, batch_size: int = BATCH_SIZE, keys: bool = True) -> None:
    """Insert new ``objects`` and give them their primary keys, as ``bulk_create`` does, but
    on PostgreSQL through ``COPY``: the same rows, values prepared by the same fields (so
    ``auto_now_add`` and JSON apply), without the per-value array encoding that makes
    ``bulk_create`` cost more than the data for 100,000 rows. Keys are taken from the table's
    sequence first, so nothing has to come back from the copy.

    ``objects`` are model instances or plain records holding every concrete field under its
    attribute name (``field.attname``): a record costs a fraction of a model instance, which
    the copy does not need (elsewhere they become instances for ``bulk_create``). With
    ``keys=False`` the database numbers the rows itself and the objects are not told their
    keys (links and revisions, which nothing refers to)."""
    if not objects:
        return
    alias = router.db_for_write(model)
    connection = connections[alias]
    meta = model._meta
    if connection.vendor != "postgresql":
        instances = [
            obj if isinstance(obj, models.Model) else model(**_record_values(model, obj))
            for obj in objects
        ]
        model.objects.using(alias).bulk_create(instances, batch_size=batch_size)
        for obj, instance in zip(objects, instances, strict=True):
            if obj is not instance:
                obj.__dict__.update(_record_values(model, instance))
        return
    fields = [field for field in meta.concrete_fields if keys or not field.primary_key]
    # Fields whose Python value is already what the database takes are read as they are
    # (most of the cost of a row was this preparation); the others (JSON, dates,
    # auto_now_add) go through their field.
    read = attrgetter(*(field.attname for field in fields))
    prepared = [
        (index, field)
        for index, field in enumerate(fields)
        if type(field) not in _PLAIN_FIELDS and not field.primary_key
    ]
    with connection.cursor() as cursor:
        if keys:
            _keys_reserve(cursor, meta, objects)
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in fields)
        statement = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
        with cursor.cursor.copy(statement) as copy:
            write_row = copy.write_row
            for obj in objects:
                row = list(read(obj))
                for index, field in prepared:
                    row[index] = _copy_value(field, field.pre_save(obj, True), connection)
                write_row(row)
    for obj in objects:
        if keys and isinstance(obj, models.Model):
            obj._state.adding = False
            obj._state.db = alias


def _keys_reserve(cursor, meta, objects: list) -> None:
    """Give ``objects`` the next keys of their table's sequence, in one statement returning
    one array (not a row per key), the sequence looked up once."""
    cursor.execute(
        "SELECT array_agg(nextval(q.sequence)) FROM (SELECT pg_get_serial_sequence(%s, %s)"
        "::regclass AS sequence) q, generate_series(1, %s)",
        [meta.db_table, meta.pk.column, len(objects)],
    )
    for obj, pk in zip(objects, cursor.fetchone()[0], strict=True):
        setattr(obj, meta.pk.attname, pk)


def _record_values(model, obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in model._meta.concrete_fields}


def _copy_value(field, value, connection):
    if isinstance(field, models.JSONField):
        # The JSON text itself: COPY reads it into the jsonb column as PostgreSQL would read
        # the adapted value, without the adapter's wrapping per value.
        return None if value is None else json.dumps(value, cls=field.encoder)
    return field.get_db_prep_save(value, connection)


def bulk_update_columns(model, objects: list, field_names: list[str]) -> None:
    """Write ``field_names`` of ``objects``, as ``bulk_update`` does, but on PostgreSQL in one
    ``UPDATE … FROM`` a temporary table filled by ``COPY`` (``bulk_update`` builds a CASE per
    column and row: minutes for 100,000 rows)."""
    if not objects:
        return
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        model.objects.using(alias).bulk_update(objects, field_names, batch_size=UPDATE_BATCH_SIZE)
        return
    meta = model._meta
    fields = [meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    table, temporary = quote(meta.db_table), quote(f"{meta.db_table}_import_update")
    pk = quote(meta.pk.column)
    columns = ", ".join(quote(field.column) for field in fields)
    # Every name in these statements is a quoted column or table name of the model.
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {temporary} AS SELECT {pk}, {columns} FROM {table} "  # noqa: S608
            "WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY {temporary} ({pk}, {columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row(
                    [
                        obj.pk,
                        *(
                            field.get_db_prep_save(getattr(obj, field.attname), connection)
                            for field in fields
                        ),
                    ]
                )
        assignments = ", ".join(f"{quote(f.column)} = new.{quote(f.column)}" for f in fields)
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM {temporary} AS new "  # noqa: S608
            f"WHERE {table}.{pk} = new.{pk}"
        )
        cursor.execute(f"DROP TABLE {temporary}")


@dataclasses.dataclass
class _Batch:
    """One batch of rows on its way: what ``_Writer.load`` read, then what ``prepare`` built
    for ``flush`` to write."""

    plan: list
    existing: dict
    labels: dict
    concepts: dict
    counts: dict
    # (new actor, its label ids, its revision), the key of both set once the actor is written.
    created: list = dataclasses.field(default_factory=list)
    changed: list = dataclasses.field(default_factory=list)
    changed_columns: set = dataclasses.field(default_factory=lambda: {"updated_at"})
    links: list = dataclasses.field(default_factory=list)
    revisions: list = dataclasses.field(default_factory=list)


class _Writer:
    """Builds and writes the actors of a batch of rows, and their revisions."""

    FOREIGN_KEYS = ("type", "commune", "parent", "image")
    # Fields every row may change besides its own values (coordinates placed, copied source,
    # slug, closing year).
    ALWAYS_CHECKED = frozenset(
        {
            "latitude", "longitude", "coordinates_source", "source", "source_id", "slug",
            "status", "closed_year",
        }
    )  # fmt: skip

    def __init__(self, job: ImportJob, context: Context | None = None):
        self.job = job
        self.ctx = context or Context()
        self.user = job.created_by if job.created_by and job.created_by.is_active else None
        self.slugs = set(Actor.objects.values_list("slug", flat=True).iterator(chunk_size=10000))
        self.slugs.update(reserved_slugs())  # never given, as if taken
        self.provider = geocoding.geocoder()
        self.commune_objects: dict[str, Commune] = {}
        self.fields = snapshot_fields()
        self.by_attname = {f.attname: f.name for f in Actor._meta.concrete_fields}
        self.never_checked = ["family", "department", "region", *self.FOREIGN_KEYS]
        self.field_names = [
            f.name for f in Actor._meta.concrete_fields if f.name not in self.never_checked
        ]
        self.now = timezone.now()
        # A new actor starts as the defaults of every column (see ``_NewActor``).
        concrete = Actor._meta.concrete_fields
        self.defaults = {f.attname: f.get_default() for f in concrete}
        self.fresh_defaults = [f for f in concrete if f.has_default() and callable(f.default)]
        self.rules = {name: _FieldRule(Actor._meta.get_field(name)) for name in self.field_names}
        self.always_checked = [self.rules[name] for name in sorted(self.ALWAYS_CHECKED)]
        self.read_snapshot = attrgetter(*(field.attname for field in self.fields))
        self.snapshot_names = [field.attname for field in self.fields]
        # Columns whose values are not JSON as they are (dates): written as text.
        self.snapshot_text = [
            index
            for index, field in enumerate(self.fields)
            if not isinstance(field, _JSON_NATIVE_FIELDS)
        ]

    # -- one batch
    def write(self, plan: list, outcome: dict) -> None:
        """Write one batch of rows (``load``, ``prepare`` and ``flush`` in turn)."""
        self.flush(self.prepare(self.load(plan), outcome))

    def load(self, plan: list) -> _Batch:
        """Read what a batch of rows changes: the existing actors it updates or merges into,
        with their labels, concepts and visitor counts."""
        existing_ids = {row.match[1] for row, kind in plan if kind in ("update", "merge")}
        existing = Actor.objects.in_bulk(existing_ids)
        labels, concepts, counts = self._relations(existing_ids)
        return _Batch(plan, existing, labels, concepts, counts)

    def prepare(self, batch: _Batch, outcome: dict, language: str | None = None) -> _Batch:
        """Build the batch's actors, links and revisions in memory, without any query (it
        may run in another thread while the previous batch is written): rows applied,
        cleaned and checked (``ImportAborted`` for a row that cannot be saved), snapshots
        and changes."""
        with translation.override(language):
            self._prepare(batch, outcome)
        return batch

    def _prepare(self, batch: _Batch, outcome: dict) -> None:
        existing, before_labels = batch.existing, batch.labels
        concepts, counts = batch.concepts, batch.counts
        before = {
            pk: self._snapshot(
                actor, before_labels.get(pk, []), concepts.get(pk, []), counts.get(pk, {})
            )
            for pk, actor in existing.items()
        }
        labels = {pk: set(values) for pk, values in before_labels.items()}
        touched: dict[int, str] = {}
        for row, kind in batch.plan:
            actor = None if kind == "create" else existing.get(row.match[1])
            if actor is None:  # a new actor, or one deleted since the preview: created again
                actor = self._new_actor()
                self._apply(actor, row, creating=True, outcome=outcome)
                actor_labels = sorted(set(row.values.get("labels", [])))
                revision = self._revision(actor, {}, self._snapshot(actor, actor_labels, [], {}))
                batch.created.append((actor, actor_labels, revision))
                continue
            self._apply(actor, row, creating=False, outcome=outcome)
            labels.setdefault(actor.pk, set()).update(row.values.get("labels", []))
            touched[actor.pk] = kind
        outcome["created"] += len(batch.created)
        through = Actor.labels.through
        for pk, kind in touched.items():
            actor = existing[pk]
            after = self._snapshot(
                actor, labels.get(pk, set()), concepts.get(pk, []), counts.get(pk, {})
            )
            changes = {
                key: [before[pk].get(key), after.get(key)]
                for key in sorted(set(before[pk]) | set(after))
                if before[pk].get(key) != after.get(key)
            }
            if not changes:
                outcome["unchanged"] += 1
                continue
            actor.updated_at = self.now
            batch.changed.append(actor)
            batch.changed_columns.update(
                self.by_attname[key] for key in changes if key in self.by_attname
            )
            # The columns copied from the type and the commune follow them.
            if "type_id" in changes:
                batch.changed_columns.add("family")
            if "commune_id" in changes:
                batch.changed_columns.update(("department", "region"))
            if "latitude" in changes or "longitude" in changes:
                batch.changed_columns.add("map_cell")
            new_labels = labels.get(pk, set()) - set(before_labels.get(pk, []))
            batch.links += [through(actor_id=pk, label_id=label) for label in sorted(new_labels)]
            batch.revisions.append(self._revision(actor, changes, after))
            outcome["updated" if kind == "update" else "merged"] += 1

    def flush(self, batch: _Batch) -> None:
        """Write a prepared batch: new actors (which get their keys here), changed columns,
        label links, revisions, and the directory's search index and facet rows."""
        bulk_insert(Actor, [actor for actor, _labels, _revision in batch.created])
        through = Actor.labels.through
        links = []
        for actor, actor_labels, revision in batch.created:
            revision.actor_id = actor.pk
            links += [through(actor_id=actor.pk, label_id=label) for label in actor_labels]
        # Only the columns that changed somewhere in the batch: bulk_update writes a CASE per
        # column and row, and a re-import usually changes a few columns of a few actors.
        bulk_update_columns(Actor, batch.changed, sorted(batch.changed_columns))
        bulk_insert(through, links + batch.links, keys=False)
        bulk_insert(
            ActorRevision,
            [revision for _actor, _labels, revision in batch.created] + batch.revisions,
            keys=False,
        )
        # The directory's search index, as actor_save writes it.
        actor_search_index_rebuild(
            [actor.pk for actor, _labels, _revision in batch.created]
            + [actor.pk for actor in batch.changed]
        )

    def _relations(self, ids):
        labels, concepts, counts = {}, {}, {}
        if not ids:
            return labels, concepts, counts
        ids = sorted(ids)
        for actor_id, label_id in Actor.labels.through.objects.filter(actor_id__in=ids).values_list(
            "actor_id", "label_id"
        ):
            labels.setdefault(actor_id, []).append(label_id)
        for actor_id, concept_id in Actor.concepts.through.objects.filter(
            actor_id__in=ids
        ).values_list("actor_id", "concept_id"):
            concepts.setdefault(actor_id, []).append(concept_id)
        for actor_id, year, visitors in ActorVisitorCount.objects.filter(
            actor_id__in=ids
        ).values_list("actor_id", "year", "visitors"):
            counts.setdefault(actor_id, {})[str(year)] = visitors
        return labels, concepts, counts

    # -- one actor
    def _apply(self, actor: Actor, row, *, creating: bool, outcome: dict) -> None:
        values = row.values
        commune_before = actor.commune_id
        for key in ROW_FIELDS:
            if key in values:
                setattr(actor, key, values[key])
        if values.get("source_id") and (creating or not actor.source):
            actor.source = self.job.source
            actor.source_id = values["source_id"]
        if "latitude" in values:
            actor.latitude, actor.longitude = values["latitude"], values["longitude"]
            actor.coordinates_source = CoordinatesSource.ENTERED
        elif actor.commune_id and (
            actor.latitude is None
            or (
                actor.coordinates_source == CoordinatesSource.COMMUNE
                and actor.commune_id != commune_before
            )
        ):
            if isinstance(self.provider, geocoding.CommuneGeocoder):
                # Offline: the commune's point straight from the loaded territory data.
                _name, latitude, longitude, _dep, _reg = self.ctx.communes[actor.commune_id]
                found = (
                    geocoding.GeocodeResult(latitude, longitude, CoordinatesSource.COMMUNE)
                    if latitude is not None and longitude is not None
                    else None
                )
            else:
                found = geocoding.geocode(
                    street=actor.street,
                    postal_code=actor.postal_code,
                    commune=self._commune(actor.commune_id),
                    provider=self.provider,
                )
            if found:
                actor.latitude, actor.longitude, actor.coordinates_source = found
                outcome["geocoded"] += 1
        self._clean(actor)
        if creating:
            actor.slug = self._slug(actor.name)
        # What ``clean_fields`` checks, for the fields this row set and those written from it
        # here: the others keep a default or a value saved before, valid already (checking
        # the 40-odd fields of every actor took a third of the commit's time). Foreign keys
        # are left to the database: the type and commune were found in the loaded context,
        # the others are not imported (Django would query each one).
        rules = self.rules
        messages = []
        for rule in self.always_checked:
            rule.check(actor, messages)
        for key in row.values:
            rule = rules.get(key)
            if rule is not None and key not in self.ALWAYS_CHECKED:
                rule.check(actor, messages)
        if messages:
            raise ImportAborted(
                _("Row %(row)d cannot be saved: %(reason)s Nothing was imported.")
                % {"row": row.number, "reason": " ".join(messages)}
            )

    def _new_actor(self) -> _NewActor:
        actor = _NewActor(self.defaults)
        for field in self.fresh_defaults:
            setattr(actor, field.attname, field.get_default())
        return actor

    def _clean(self, actor: Actor) -> None:
        # What services.actor_clean does, from the loaded context instead of queries.
        actor.siret = identifiers.normalise_siret(actor.siret)
        for name in ("museofile", "wikidata", "rna", "uai", "rnsr"):
            setattr(actor, name, identifiers.normalise_identifier(getattr(actor, name)))
        actor.ror = identifiers.normalise_identifier(actor.ror, lower=True)
        actor.osm = identifiers.normalise_identifier(actor.osm, lower=True)
        actor.description = sanitise_html(actor.description) if actor.description else ""
        actor.family_id = self.ctx.type_family[actor.type_id]
        if actor.commune_id:
            _name, _lat, _lon, department, region = self.ctx.communes[actor.commune_id]
            actor.department_id, actor.region_id = department, region
        else:
            actor.department_id = actor.region_id = None
        if actor.status != "closed":
            actor.closed_year = None
        actor.map_cell = map_cell(actor.latitude, actor.longitude)

    def _commune(self, insee: str) -> Commune:
        commune = self.commune_objects.get(insee)
        if commune is None:
            name, latitude, longitude, department, _region = self.ctx.communes[insee]
            commune = Commune(
                insee_code=insee,
                name=name,
                latitude=latitude,
                longitude=longitude,
                department_id=department,
            )
            self.commune_objects[insee] = commune
        return commune

    def _slug(self, name: str) -> str:
        # services._unique_slug, against the slugs in memory.
        base = slugify(name)[:100].strip("-") or "acteur"
        candidate, number = base, 1
        while candidate in self.slugs:
            number += 1
            candidate = f"{base}-{number}"
        self.slugs.add(candidate)
        return candidate

    def _snapshot(self, actor, labels, concepts, counts) -> dict:
        # services.actor_snapshot, with the relations given instead of queried.
        data = dict(zip(self.snapshot_names, self.read_snapshot(actor), strict=True))
        for index in self.snapshot_text:
            name = self.snapshot_names[index]
            value = data[name]
            if value is not None and not isinstance(value, (str, int, float, bool, list, dict)):
                data[name] = str(value)
        data["labels"] = sorted(labels)
        data["concepts"] = sorted(concepts)
        data["visitor_counts"] = dict(counts)
        return data

    def _revision(self, actor, changes: dict, snapshot: dict):
        # A plain record (see ``bulk_insert``) spares 100,000 model instances.
        return SimpleNamespace(
            id=None,
            created_at=None,
            actor_id=actor.pk,
            user_id=self.user.pk if self.user else None,
            source=RevisionSource.IMPORT,
            source_detail=self.job.file_name[:255],
            changes=changes,
            snapshot=snapshot,
        )


# Fields whose values are JSON as they are (anything else, dates, goes into a snapshot as text).
_JSON_NATIVE_FIELDS = (
    models.CharField, models.TextField, models.IntegerField, models.FloatField,
    models.BooleanField, models.JSONField, models.ForeignKey,
)  # fmt: skip


class _NewActor:
    """An actor to create, as plain attributes (every column under its attribute name): what
    the writer sets, checks, snapshots and copies, at a fraction of the cost of a model
    instance (``bulk_insert`` makes instances of them where ``COPY`` is not available)."""

    def __init__(self, values: dict):
        self.__dict__.update(values)

    @property
    def pk(self):
        return self.id


class _FieldRule:
    """``Field.clean`` as ``Model.clean_fields`` calls it, for one field, compiled once: the
    same conversion, choices, null and blank checks and validators, and the same messages
    (on a failure the field's own ``clean`` gives them). Values seen valid before are not
    checked again (types, statuses, postal codes and years repeat from row to row)."""

    SEEN_LIMIT = 20_000

    def __init__(self, field):
        self.field = field
        self.attname = field.attname
        self.blank = field.blank
        self.null = field.null
        # Field.validate checks nothing more of a field that is not editable.
        self.validated = field.editable
        self.choices = (
            {value for value, _label in field.flatchoices} if field.choices is not None else None
        )
        self.validators = list(field.validators)
        self.seen: set = set()

    def check(self, actor, messages: list) -> None:
        value = getattr(actor, self.attname)
        if self.blank and value in EMPTY_VALUES:
            return  # what clean_fields skips
        try:
            if value in self.seen:
                return
        except TypeError:  # not hashable (a list): checked every time
            pass
        field = self.field
        try:
            cleaned = field.to_python(value)
            if self.validated and (
                (self.choices is not None and cleaned not in EMPTY_VALUES
                 and cleaned not in self.choices)
                or (cleaned is None and not self.null)
                or (not self.blank and cleaned in EMPTY_VALUES)
            ):  # fmt: skip
                raise ValidationError("invalid")
            if cleaned not in EMPTY_VALUES:
                for validator in self.validators:
                    validator(cleaned)
        except (ValidationError, TypeError, ValueError):
            try:
                cleaned = field.clean(value, None)  # the field's own message
            except ValidationError as invalid:
                messages.extend(invalid.messages)
                return
        if cleaned is not value:
            setattr(actor, self.attname, cleaned)
        elif len(self.seen) < self.SEEN_LIMIT:
            with contextlib.suppress(TypeError):  # not hashable
                self.seen.add(value)

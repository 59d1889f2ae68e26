"""The commit of an import: the checked rows written all or nothing, in batches (``COPY`` on
PostgreSQL, else ``bulk_create``; ``bulk_update``), so that 100,000 rows fit in seconds. It
writes exactly what ``services.actor_save`` would: the same cleaning (identifiers, sanitised
description), the same copied columns (family, department, region), unique slugs, field
validation (foreign keys left to the database), and one ``ActorRevision`` per actor created
or changed (source "import", the file's name as detail, the same snapshot and changes). The
test ``test_the_bulk_path_writes_what_actor_save_writes`` holds the two paths together.

How the time goes (PostgreSQL): each batch is read and prepared — rows applied, cleaned,
checked, snapshotted, and encoded for ``COPY`` — in a second thread while the batch before is
written, so that the writing thread only sends data and statements; the foreign keys are
checked as each statement ends, beside the next batch's preparation; the new actors' facet
cells are counted once at the end; the search rows reuse their communes' vectors from batch to
batch. ``bench/import_bench.py`` measures it.

Called by ``services_import.import_run`` inside its transaction.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from operator import attrgetter
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.core.validators import (
    EMPTY_VALUES,
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
)
from django.db import connections, models, router
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from ocim.core.errors import ApplicationError
from ocim.core.models import Commune
from ocim.core.sanitiser import sanitise_html

from . import geocoding, identifiers
from .bulk_writes import CopyRows, bulk_insert, bulk_update_columns, keys_reserve
from .imports import Context, rows_recheck
from .map_grid import map_cell
from .models import (
    Actor,
    ActorRevision,
    ActorVisitorCount,
    CoordinatesSource,
    RevisionSource,
)
from .models_directory import ActorFacets, ActorSearchIndex
from .models_import import DuplicateDecision, ImportJob
from .search import ActorSearchIndexWriter
from .services import reserved_slugs, snapshot_fields

BATCH_SIZE = 2000
# Fields a row can set on an actor (besides labels).
ROW_FIELDS = (
    "name", "other_names", "type_id", "legal_status", "street", "postal_code", "commune_id",
    "email", "phone", "website", "siret", "museofile", "wikidata", "rna", "uai", "rnsr", "ror",
    "osm", "year_founded", "status", "closed_year", "staff_band", "description",
)  # fmt: skip


class ImportAborted(ApplicationError):
    default_message = _("The import was stopped: nothing was imported.")
    default_code = "import_aborted"


def import_rows_write(job: ImportJob, *, progress: Callable[[int], None]) -> dict:
    """Write the checked rows of ``job`` (checked again first), in the caller's transaction;
    returns the outcome (counts). ``progress`` is told the percentage done. Raises
    ``ImportAborted`` when a row became invalid (unless invalid rows are skipped) or cannot
    be saved."""
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
    progress(1)
    result = rows_recheck(stored, source=job.source, headers=columns)
    progress(10)
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
    with (
        _foreign_keys_checked_at_once(),
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-prepare") as pool,
    ):

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
            progress(min(99, 10 + (number + 1) * BATCH_SIZE * 89 // total))
        writer.finish()
    return outcome


# --- The directory's facet cells of the new actors --------------------------------------------
#
# The cells (``DirectoryCount``) are kept by triggers on the actors and their links (migration
# ``0007``), whose insert triggers step aside while ``ocim.directory_counts_deferred`` is on
# (migration ``0013``). The import sets it, local to its transaction, only around the
# statements inserting new actors and the links of those new actors, and counts these actors
# in one statement at the end: the rows the triggers would have added, grouped over the whole
# import instead of batch by batch. No one else can see or change these actors before the
# import commits, so there is nothing to lock. Actors that existed before (updated or merged
# into) and their new links are written with the triggers on.

_DEFERRED_FLAG = "ocim.directory_counts_deferred"
_CELL = "a.family_id, a.type_id, a.region_id, a.department_id, a.status"
_CELLS_OF_NEW_ACTORS = (
    "WITH new AS MATERIALIZED (SELECT a.id, a.family_id, a.type_id, "  # noqa: S608 - constants only
    "coalesce(a.region_id, '') AS region_id, coalesce(a.department_id, '') AS department_id, "
    "a.status FROM inventory_actor a WHERE a.id = ANY(%s)) "
    "INSERT INTO inventory_directorycount (kind, item_id, family_id, type_id, region_id, "
    "department_id, status, count) "
    f"SELECT 0, 0, {_CELL}, count(*) FROM new a GROUP BY 3, 4, 5, 6, 7 "
    f"UNION ALL SELECT 1, l.label_id, {_CELL}, count(*) FROM new a "
    "JOIN inventory_actor_labels l ON l.actor_id = a.id GROUP BY 2, 3, 4, 5, 6, 7 "
    f"UNION ALL SELECT 2, c.concept_id, {_CELL}, count(*) FROM new a "
    "JOIN inventory_actor_concepts c ON c.actor_id = a.id GROUP BY 2, 3, 4, 5, 6, 7"
)


@contextlib.contextmanager
def _foreign_keys_checked_at_once():
    """The foreign keys of the tables the import writes checked at the end of each statement
    rather than at commit (PostgreSQL), then deferred again: the same checks (about eight a
    new actor), but made while the next batch is prepared in the other thread, and on rows
    just written, instead of one after the other once every batch is written (a third of the
    commit's PostgreSQL time, with nothing else to do meanwhile). A failed check fails the
    import as at commit. The rows are written in an order that never needs a deferred check
    (actors, then what refers to them)."""
    if not _postgresql():
        yield
        return
    database = connections[router.db_for_write(Actor)]
    with database.cursor() as cursor:
        cursor.execute(
            "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.conname) "
            "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
            "WHERE c.contype = 'f' AND c.condeferrable AND c.condeferred "
            "AND c.conrelid = ANY(%s::regclass[]) ORDER BY 1",
            [
                [
                    model._meta.db_table
                    for model in (
                        Actor,
                        Actor.labels.through,
                        ActorRevision,
                        ActorSearchIndex,
                        ActorFacets,
                    )
                ]
            ],
        )
        names = ", ".join(name for (name,) in cursor.fetchall())
        if names:
            cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")
    # On an error they are deferred again by the rollback (of the transaction or savepoint).
    yield
    if names:
        with database.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {names} DEFERRED")


def _postgresql() -> bool:
    return connections[router.db_for_write(Actor)].vendor == "postgresql"


@contextlib.contextmanager
def _directory_counts_deferred():
    """The facet-cell insert triggers off for the statements inside (PostgreSQL)."""
    if not _postgresql():
        yield
        return
    database = connections[router.db_for_write(Actor)]
    with database.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [_DEFERRED_FLAG])
    # On an error the flag goes with the rolled-back transaction (or savepoint): the
    # statement putting it back would only fail in the aborted transaction.
    yield
    with database.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'off', true)", [_DEFERRED_FLAG])


def _directory_counts_add(actor_ids: list[int]) -> None:
    """Count the new actors ``actor_ids`` and their links in their facet cells, as the insert
    triggers would have (PostgreSQL)."""
    if not actor_ids or not _postgresql():
        return
    with connections[router.db_for_write(Actor)].cursor() as cursor:
        cursor.execute(_CELLS_OF_NEW_ACTORS, [actor_ids])


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


@dataclasses.dataclass
class _Batch:
    """One batch of rows on its way: what ``_Writer.load`` read, then what ``prepare`` built
    for ``flush`` to write."""

    plan: list
    existing: dict
    labels: dict
    concepts: dict
    counts: dict
    # PostgreSQL: the keys of the actors it creates, taken from the sequence beforehand.
    keys: list = dataclasses.field(default_factory=list)
    # (new actor, its label ids, its revision), the key of both set once the actor has one.
    created: list = dataclasses.field(default_factory=list)
    changed: list = dataclasses.field(default_factory=list)
    changed_columns: set = dataclasses.field(default_factory=lambda: {"updated_at"})
    links: list = dataclasses.field(default_factory=list)
    revisions: list = dataclasses.field(default_factory=list)
    # PostgreSQL: what COPY reads, encoded by ``prepare`` (new actors, their label links, the
    # new links of existing actors, revisions).
    copy_data: dict = dataclasses.field(default_factory=dict)


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
        self.created_ids: list[int] = []
        self.search_index = ActorSearchIndexWriter()
        # PostgreSQL: rows encoded for COPY while the batch before is written.
        self.copy = (
            {
                Actor: CopyRows(Actor),
                Actor.labels.through: CopyRows(Actor.labels.through, keys=False),
                ActorRevision: CopyRows(ActorRevision, keys=False),
            }
            if _postgresql()
            else None
        )
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
    def load(self, plan: list) -> _Batch:
        """Read what a batch of rows changes: the existing actors it updates or merges into,
        with their labels, concepts and visitor counts."""
        existing_ids = {row.match[1] for row, kind in plan if kind in ("update", "merge")}
        existing = Actor.objects.in_bulk(existing_ids)
        labels, concepts, counts = self._relations(existing_ids)
        batch = _Batch(plan, existing, labels, concepts, counts)
        if self.copy is not None:
            # New actors, and those deleted since the preview (created again).
            creating = sum(
                1 for row, kind in plan if kind == "create" or row.match[1] not in existing
            )
            batch.keys = keys_reserve(Actor, creating)[::-1]  # taken from the end, in order
        return batch

    def prepare(self, batch: _Batch, outcome: dict, language: str | None = None) -> _Batch:
        """Build the batch's actors, links and revisions in memory, without any query (it
        may run in another thread while the previous batch is written): rows applied,
        cleaned and checked (``ImportAborted`` for a row that cannot be saved), snapshots
        and changes."""
        with translation.override(language):
            self._prepare(batch, outcome)
        if self.copy is not None:
            self._encode(batch)
        return batch

    def _encode(self, batch: _Batch) -> None:
        # The actors' keys are known (``load``): their links and revisions are complete, and
        # everything the batch copies is encoded here, off the thread that writes.
        copy, through = self.copy, Actor.labels.through
        links = []
        for actor, actor_labels, revision in batch.created:
            revision.actor_id = actor.pk
            links += [SimpleNamespace(actor_id=actor.pk, label_id=label) for label in actor_labels]
        batch.copy_data = {
            Actor: copy[Actor].encode([actor for actor, _labels, _revision in batch.created]),
            "new links": copy[through].encode(links),
            through: copy[through].encode(batch.links),
            ActorRevision: copy[ActorRevision].encode(
                [revision for _actor, _labels, revision in batch.created] + batch.revisions
            ),
        }

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
                if batch.keys:
                    actor.id = batch.keys.pop()
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
        """Write a prepared batch: new actors (which get their keys here) and their label
        links, counted in the facet cells at the end (``finish``); changed columns and new
        links of existing actors; revisions; the directory's search index and facet rows."""
        through = Actor.labels.through
        data, copy = batch.copy_data, self.copy
        with _directory_counts_deferred():
            if copy is not None:  # PostgreSQL: encoded by ``prepare``
                copy[Actor].write(data[Actor])
                copy[through].write(data["new links"])
            else:
                bulk_insert(Actor, [actor for actor, _labels, _revision in batch.created])
                links = []
                for actor, actor_labels, revision in batch.created:
                    revision.actor_id = actor.pk
                    links += [through(actor_id=actor.pk, label_id=label) for label in actor_labels]
                bulk_insert(through, links, keys=False)
        created = [actor.pk for actor, _labels, _revision in batch.created]
        self.created_ids += created
        # Only the columns that changed somewhere in the batch: bulk_update writes a CASE per
        # column and row, and a re-import usually changes a few columns of a few actors.
        bulk_update_columns(Actor, batch.changed, sorted(batch.changed_columns))
        if copy is not None:
            copy[through].write(data[through])
            copy[ActorRevision].write(data[ActorRevision])
        else:
            bulk_insert(through, batch.links, keys=False)
            bulk_insert(
                ActorRevision,
                [revision for _actor, _labels, revision in batch.created] + batch.revisions,
                keys=False,
            )
        # The directory's search index, as actor_save writes it.
        self.search_index.write(
            created=created,
            changed=[actor.pk for actor in batch.changed],
            communes={actor.commune_id for actor, _labels, _revision in batch.created}
            | {actor.commune_id for actor in batch.changed},
        )

    def finish(self) -> None:
        """After the last batch: the new actors counted in the facet cells."""
        _directory_counts_add(self.created_ids)
        self.search_index.close()

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
        # (An empty identifier stays empty: most rows have few of them.)
        normalise = identifiers.normalise_identifier
        actor.siret = identifiers.normalise_siret(actor.siret) if actor.siret else ""
        for name in ("museofile", "wikidata", "rna", "uai", "rnsr"):
            value = getattr(actor, name)
            setattr(actor, name, normalise(value) if value else "")
        actor.ror = normalise(actor.ror, lower=True) if actor.ror else ""
        actor.osm = normalise(actor.osm, lower=True) if actor.osm else ""
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
        self.quick = self._quick_check()

    def _quick_check(self):
        """For the fields whose only rules are a length or a range, a test that passes only
        the values the full check passes unchanged (a text no longer than the limit, a number
        within the limits); anything else goes through the full check. Names, addresses,
        identifiers and coordinates differ from row to row: the cache of values seen does not
        spare them the full check, which cost a third of the time of preparing a row."""
        if not self.validated or self.choices is not None:
            return None
        field, validators = self.field, self.validators
        if (
            isinstance(field, models.CharField)
            and type(field).to_python is models.CharField.to_python
            and all(type(v) is MaxLengthValidator for v in validators)
            and all(type(v.limit_value) is int for v in validators)
        ):
            limit = min((v.limit_value for v in validators), default=None)
            if limit is None:
                return lambda value: type(value) is str and value != ""
            return lambda value: type(value) is str and value != "" and len(value) <= limit
        if type(field) in (models.FloatField, models.IntegerField, models.SmallIntegerField,
                           models.PositiveSmallIntegerField, models.PositiveIntegerField,
                           models.BigIntegerField) and all(
            type(v) in (MinValueValidator, MaxValueValidator)
            and type(v.limit_value) in (int, float)
            for v in validators
        ):  # fmt: skip
            kind = float if isinstance(field, models.FloatField) else int
            low = max((v.limit_value for v in validators if type(v) is MinValueValidator),
                      default=-math.inf)  # fmt: skip
            high = min((v.limit_value for v in validators if type(v) is MaxValueValidator),
                       default=math.inf)  # fmt: skip
            return lambda value: type(value) is kind and low <= value <= high
        return None

    def check(self, actor, messages: list) -> None:
        value = getattr(actor, self.attname)
        if self.blank and value in EMPTY_VALUES:
            return  # what clean_fields skips
        quick = self.quick
        if quick is not None and quick(value):
            return
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

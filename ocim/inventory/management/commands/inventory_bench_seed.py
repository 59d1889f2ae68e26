"""Seed a throw-away database with many actors, fast, for bench/ (default 100,000).

Actors are spread over the real communes weighted by population (every commune can get one),
over every type in plausible proportions, with coordinates near their commune, labels,
thesaurus concepts, legal statuses, identifiers valid by construction, visitor counts and
descriptions of a few paragraphs. The generator is the demo's (``demo_generator``), seeded, so
every run builds the same content. Rows are inserted in bulk (COPY on PostgreSQL) with the
copied columns that ``actor_save`` derives (family from the type, department and region from
the commune) and, unless ``--no-history``, each actor's first revision. Statistics are refreshed
at the end (PostgreSQL), so that the benchmarks' plans are those of a real database.

Needs the territories (``load_territories``); concepts are used when the thesaurus is loaded.
Only for benchmarks: it refuses a database whose name contains neither "bench" nor "test"
unless ``--any-database`` is given. A second run adds more actors (source ids continue);
``--clear`` removes the previously seeded ones first.
"""

from __future__ import annotations

import random
import time
from itertools import accumulate

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from ocim.inventory.demo_generator import (
    PROFILES,
    ActorDraft,
    ActorGenerator,
    draft_snapshot,
    drafts_insert,
    places_load,
    typology_load,
)
from ocim.inventory.models import Actor, ActorRevision, ActorVisitorCount, RevisionSource
from ocim.inventory.search import actor_search_index_rebuild

SOURCE = "bench-seed"
# Generated in chunks, so that memory stays flat whatever the count.
CHUNK = 10_000
# Every commune can receive actors, the populated ones many more.
POPULATION_FLOOR = 300
# The typology's proportions, universities (not generated alone in the demo) included.
WEIGHTS = {slug: profile.weight or 2 for slug, profile in PROFILES.items()}


class Command(BaseCommand):
    help = "Insert many actors quickly (benchmarks only; see the docstring)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=20260502)
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--no-history", action="store_true", help="skip the first revision of each actor"
        )
        parser.add_argument(
            "--clear", action="store_true", help="delete the actors seeded by a previous run first"
        )
        parser.add_argument(
            "--any-database",
            action="store_true",
            help="seed even a database whose name contains neither 'bench' nor 'test'",
        )

    def handle(self, *args, **options):
        name = str(connection.settings_dict.get("NAME", ""))
        if not options["any_database"] and not any(
            word in name.lower() for word in ("bench", "test")
        ):
            raise CommandError(f"{name!r} does not look like a throw-away database.")
        count = options["count"]
        if count < 0 or options["batch_size"] < 1:
            raise CommandError("The count cannot be negative and the batch size must be positive.")
        rng = random.Random(options["seed"])  # noqa: S311 (reproducible data, no secret)
        began = time.monotonic()
        places = places_load()
        if not places:
            raise CommandError("No communes: run manage.py load_territories first.")
        types, labels, concepts = typology_load()
        generator = ActorGenerator(
            rng,
            types=types,
            labels=labels,
            concepts=concepts,
            source=SOURCE,
            long_descriptions=True,
        )
        cumulative = list(accumulate(p.population + POPULATION_FLOOR for p in places))
        loaded = time.monotonic() - began
        if options["clear"]:
            cleared = time.monotonic()
            with transaction.atomic():
                deleted = seeded_delete()
            # The dead rows' space is made reusable before the new rows come (PostgreSQL;
            # VACUUM cannot run inside a transaction, as in the tests).
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                _maintain("VACUUM")
            self.stdout.write(
                f"deleted {deleted} previously seeded actors in {time.monotonic() - cleared:.1f} s"
            )
        began = time.monotonic()
        with transaction.atomic():
            first = Actor.objects.filter(source=SOURCE).count() + 1
            type_slugs = generator.type_sequence(count, WEIGHTS)
            chosen = rng.choices(places, cum_weights=cumulative, k=count)
            for start in range(0, count, CHUNK):
                drafts = []
                for offset in range(start, min(start + CHUNK, count)):
                    number = first + offset
                    type_slug, place = type_slugs[offset], chosen[offset]
                    actor_name = generator.name(type_slug, place)
                    drafts.append(
                        generator.make(
                            name=actor_name,
                            type_slug=type_slug,
                            place=place,
                            source_id=str(number),
                            # Unique by construction: the run's numbers follow the previous.
                            slug=f"{slugify(actor_name)[:100].strip('-')}-b{number}",
                        )
                    )
                if connection.vendor == "postgresql":
                    drafts_copy(drafts, history=not options["no_history"])
                else:
                    drafts_insert(
                        drafts,
                        batch_size=options["batch_size"],
                        history=not options["no_history"],
                    )
        inserted = time.monotonic() - began
        if connection.vendor == "postgresql":
            _maintain("ANALYZE")
        self.stdout.write(
            f"{count} actors in {inserted:.1f} s (generation included; communes loaded before, "
            f"in {loaded:.1f} s; {time.monotonic() - began:.1f} s with the statistics)"
        )


def _maintain(statement: str) -> None:
    """VACUUM or ANALYZE the tables the seed writes."""
    with connection.cursor() as cursor:
        for model in (
            Actor,
            Actor.labels.through,
            Actor.concepts.through,
            ActorVisitorCount,
            ActorRevision,
        ):
            cursor.execute(f"{statement} {connection.ops.quote_name(model._meta.db_table)}")


def seeded_delete() -> int:
    """Delete the seeded actors and the rows that depend on them, in a few statements (the
    ORM's cascade would load every row first). Relations of other apps to actors are followed
    one level, as their ``on_delete`` says (cascade or set null)."""
    seeded = Actor.objects.filter(source=SOURCE)
    for relation in Actor._meta.related_objects:
        if relation.many_to_many:
            continue  # the through tables are reached as one-to-many relations below
        related = relation.related_model._base_manager.filter(
            **{f"{relation.field.name}__in": seeded.values("pk")}
        )
        if relation.on_delete is models.CASCADE:
            related._raw_delete(related.db)
        elif relation.on_delete is models.SET_NULL:
            related.update(**{relation.field.name: None})
    for through in (Actor.labels.through, Actor.concepts.through):
        rows = through._base_manager.filter(actor__in=seeded.values("pk"))
        rows._raw_delete(rows.db)
    return seeded._raw_delete(seeded.db)


def drafts_copy(drafts: list[ActorDraft], *, history: bool) -> None:
    """Insert the drafts on PostgreSQL with COPY: ids are taken from the table's sequence
    first, so that labels, concepts, visitor counts and revisions can point to the actors."""
    connection.ensure_connection()
    ids = _ids_reserve(Actor, len(drafts))
    now = timezone.now()
    labels, concepts, counts, revisions = [], [], [], []
    actor_rows = []
    for actor_id, draft in zip(ids, drafts, strict=True):
        actor_rows.append({**draft.values, "id": actor_id, "created_at": now, "updated_at": now})
        labels += [{"actor_id": actor_id, "label_id": pk} for pk in draft.labels]
        concepts += [{"actor_id": actor_id, "concept_id": pk} for pk in draft.concepts]
        counts += [
            {"actor_id": actor_id, "year": year, "visitors": visitors}
            for year, visitors in draft.visitors.items()
        ]
        if history:
            revisions.append(
                {
                    "actor_id": actor_id,
                    "created_at": now,
                    "source": RevisionSource.SYSTEM.value,
                    "source_detail": SOURCE,
                    "changes": {},
                    "snapshot": draft_snapshot(draft),
                }
            )
    _copy(Actor, actor_rows, with_pk=True)
    _copy(Actor.labels.through, labels)
    _copy(Actor.concepts.through, concepts)
    _copy(ActorVisitorCount, counts)
    _copy(ActorRevision, revisions)
    # The directory's search index, as actor_save writes it.
    actor_search_index_rebuild(ids)


def _ids_reserve(model, count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


# Columns whose Python value COPY takes as it is (anything else goes through the field).
_PLAIN = {
    "AutoField", "BigAutoField", "CharField", "SlugField", "EmailField", "URLField", "TextField",
    "IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
    "PositiveSmallIntegerField", "FloatField", "BooleanField", "DateField", "DateTimeField",
    "ForeignKey",
}  # fmt: skip


def _copy(model, rows: list[dict], *, with_pk: bool = False) -> None:
    """COPY ``rows`` (values by attname; missing ones take the field's default) into the
    model's table, through the connection of the current transaction."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    prepare = {
        f.attname: (
            None
            if f.get_internal_type() in _PLAIN
            else (lambda value, f=f: f.get_db_prep_save(value, connection))
        )
        for f in fields
    }
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            values = []
            for f in fields:
                value = row.get(f.attname, defaults[f.attname])
                convert = prepare[f.attname]
                values.append(value if convert is None else convert(value))
            copy.write_row(values)

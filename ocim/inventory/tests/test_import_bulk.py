"""The import's bulk writes: rows encoded for ``COPY`` hold what ``bulk_create`` writes; the
facet cells of new actors are counted once, at the end of the import, and those of existing
actors by their triggers; the search rows written batch after batch, with the communes'
vectors kept between batches, are those a rebuild writes."""

import datetime

import pytest
from django.db import connection

from ocim.inventory import import_commit
from ocim.inventory.bulk_writes import CopyRows, bulk_insert
from ocim.inventory.models import Actor, ActorType, Label
from ocim.inventory.models_directory import ActorSearchIndex, DirectoryCount
from ocim.inventory.search import actor_search_index_rebuild
from ocim.inventory.services import actor_save
from ocim.inventory.services_import import import_job_create, import_preview, import_queue

from .import_support import csv_bytes, load_communes, upload

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY and the facet cells are PostgreSQL's"
)


@pytest.fixture
def communes(tmp_path):
    load_communes(tmp_path / "geo-fr")


@pytest.fixture
def run_import(django_capture_on_commit_callbacks):
    def run(data, *, source="essai"):
        job = import_job_create(uploaded_file=upload(data), source=source)
        job = import_preview(job=job, mapping=job.mapping)
        with django_capture_on_commit_callbacks(execute=True):
            import_queue(job=job, decisions={}, default_decision="merge")
        job.refresh_from_db()
        return job

    return run


def _awkward_actor(number: int, kind: ActorType) -> Actor:
    return Actor(
        name=f"Musée « d'ici »\\{number}",
        slug=f"musee-{number}",
        type=kind,
        family_id=kind.family_id,
        other_names="Premier\tnom\nSecond nom\r\n\\N",
        street="",
        latitude=47.123456789012345,
        longitude=-0.1,
        year_founded=1901,
        social_links=[{"url": "https://example.org/a\\b", "label": "tab\there\nnewline"}],
        last_confirmed_on=datetime.date(2024, 2, 29),
        description="<p>Ligne 1\nLigne 2 \\ fin</p>",
    )


def test_rows_copied_hold_what_bulk_create_writes():
    kind = ActorType.objects.first()
    copied = [_awkward_actor(1, kind), _awkward_actor(2, kind)]
    created = [_awkward_actor(3, kind), _awkward_actor(4, kind)]
    bulk_insert(Actor, copied)  # COPY on PostgreSQL
    Actor.objects.bulk_create(created)

    ignored = {"id", "slug", "name", "created_at", "updated_at"}
    columns = [f.attname for f in Actor._meta.concrete_fields if f.attname not in ignored]
    rows = {
        actor.slug: actor
        for actor in Actor.objects.filter(slug__in=[f"musee-{n}" for n in range(1, 5)])
    }
    assert len(rows) == 4
    for one, other in (("musee-1", "musee-3"), ("musee-2", "musee-4")):
        assert {c: getattr(rows[one], c) for c in columns} == {
            c: getattr(rows[other], c) for c in columns
        }
    assert rows["musee-1"].name == "Musée « d'ici »\\1"
    assert rows["musee-1"].created_at is not None
    assert [actor.pk for actor in copied] == sorted(rows[s].pk for s in ("musee-1", "musee-2"))


@postgresql_only
def test_a_text_with_a_nul_character_is_refused_before_anything_is_sent():
    kind = ActorType.objects.first()
    actor = _awkward_actor(1, kind)
    actor.pk = 10**9
    actor.other_names = "nul\x00"
    with pytest.raises(ValueError, match="NUL"):
        CopyRows(Actor).encode([actor])


@postgresql_only
def test_new_actors_are_counted_once_per_cell_at_the_end_and_existing_ones_by_the_triggers(
    communes, run_import, monkeypatch
):
    kind = ActorType.objects.get(slug="planetarium")
    label = Label.objects.get(slug="musee-de-france")
    existing = Actor(name="Planétarium de Dijon", type=kind, commune_id="21231")
    actor_save(existing)
    monkeypatch.setattr(import_commit, "BATCH_SIZE", 2)
    before = set(DirectoryCount.objects.values_list("pk", flat=True))
    rows = [["Identifiant", "Nom", "Type", "Commune", "Labels"]]
    rows += [
        [f"N{n}", f"Observatoire numéro {n}", "Planétarium", "21231", "Musée de France"]
        for n in range(6)
    ]
    rows.append(["", "Planétarium de Dijon", "Planétarium", "21231", "Musée de France"])

    job = run_import(csv_bytes(rows))

    assert job.status == "done", job.report
    assert (job.report["outcome"]["created"], job.report["outcome"]["merged"]) == (6, 1)
    from ocim.inventory.directory_counts import directory_counts_differences

    assert directory_counts_differences() == []
    added = DirectoryCount.objects.exclude(pk__in=before)
    # The six new actors: one row for their cell and one for their label's, not one per batch
    # (three batches of two), however the links were written.
    assert sorted(added.filter(count=6).values_list("kind", "item_id")) == [
        (DirectoryCount.ACTORS, 0),
        (DirectoryCount.LABELS, label.pk),
    ]
    # The label given to the existing actor, counted by the links' trigger.
    assert list(added.exclude(count=6).values_list("kind", "item_id", "count")) == [
        (DirectoryCount.LABELS, label.pk, 1)
    ]
    # The flag went with the import: a later save in the same transaction is counted.
    actor_save(Actor(name="Planétarium de Beaune", type=kind, commune_id="21231"))
    assert directory_counts_differences() == []


def test_search_rows_written_batch_after_batch_are_those_a_rebuild_writes(
    communes, run_import, monkeypatch
):
    monkeypatch.setattr(import_commit, "BATCH_SIZE", 1)
    existing = Actor(
        name="Planétarium de Dijon", type=ActorType.objects.get(slug="planetarium"),
        commune_id="21231",
    )  # fmt: skip
    actor_save(existing)
    rows = [["Nom", "Type", "Commune", "Adresse"]]
    rows += [[f"Jardin botanique {n}", "Planétarium", "21231", ""] for n in range(3)]
    rows.append(["Planétarium de Dijon", "Planétarium", "21231", "1 rue Buffon"])  # a merge

    job = run_import(csv_bytes(rows))

    assert (job.report["outcome"]["created"], job.report["outcome"]["merged"]) == (3, 1)
    columns = [f.attname for f in ActorSearchIndex._meta.concrete_fields]
    written = sorted(ActorSearchIndex.objects.values_list(*columns))
    assert len(written) == 4
    actor_search_index_rebuild()
    assert sorted(ActorSearchIndex.objects.values_list(*columns)) == written


def test_map_cells_interleave_the_bits_of_the_column_and_the_row():
    import random

    from ocim.inventory.map_grid import FINE_LEVEL, _interleave

    def one_bit_at_a_time(column, row):
        code = 0
        for bit in range(FINE_LEVEL):
            code |= ((column >> bit) & 1) << (2 * bit)
            code |= ((row >> bit) & 1) << (2 * bit + 1)
        return code

    draw = random.Random(7)
    pairs = [(0, 0), ((1 << FINE_LEVEL) - 1, 0), (0, (1 << FINE_LEVEL) - 1), (-1, 5)]
    pairs += [(draw.randint(-(1 << 26), 1 << 26), draw.randint(0, 1 << 26)) for _ in range(500)]
    for column, row in pairs:
        assert _interleave(column, row) == one_bit_at_a_time(column, row)


@postgresql_only
def test_a_failed_import_leaves_the_facet_cells_counted_by_their_triggers(
    communes, run_import, monkeypatch
):
    from ocim.inventory.directory_counts import directory_counts_differences

    monkeypatch.setattr(import_commit, "BATCH_SIZE", 2)

    def failing_write(self, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_commit.ActorSearchIndexWriter, "write", failing_write)
    rows = [["Nom", "Type", "Commune"]]
    rows += [[f"Observatoire numéro {n}", "Planétarium", "21231"] for n in range(3)]

    job = run_import(csv_bytes(rows))

    assert job.status == "failed"
    assert not Actor.objects.exists()
    # The flag went with the rolled-back import: a save afterwards is counted.
    actor_save(
        Actor(name="Planétarium de Dijon", type=ActorType.objects.get(slug="planetarium"),
              commune_id="21231")
    )  # fmt: skip
    assert directory_counts_differences() == []
    assert DirectoryCount.objects.filter(kind=DirectoryCount.ACTORS).count() == 1


@postgresql_only
def test_foreign_keys_are_deferred_again_after_the_import(communes, run_import):
    from django.db import transaction

    from ocim.inventory.bulk_writes import keys_reserve
    from ocim.inventory.models import ActorRevision

    job = run_import(
        csv_bytes([["Nom", "Type", "Commune"], ["Observatoire", "Planétarium", "21231"]])
    )
    assert job.status == "done", job.report

    # In the same transaction, a revision may again be written before its actor.
    kind = ActorType.objects.get(slug="planetarium")
    (key,) = keys_reserve(Actor, 1)
    with transaction.atomic():
        ActorRevision.objects.create(actor_id=key, source="import", snapshot={})
        Actor.objects.create(pk=key, name="Planétarium", slug="planetarium-x", type=kind,
                             family_id=kind.family_id)  # fmt: skip
    assert ActorRevision.objects.filter(actor_id=key).exists()

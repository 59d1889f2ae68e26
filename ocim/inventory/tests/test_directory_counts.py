"""The directory's facet cells (``DirectoryCount``), kept by PostgreSQL triggers: whatever writes
the actors or their links, the cells add up to a recount of the data; the compaction and the
rebuild change nothing of what they add up to; a link written while its actor moves to another
cell is counted in the new one. SQLite does not keep them (the directory counts from the actors
there)."""

import threading

import pytest
from django.db import connection, connections, transaction

from ocim.inventory.directory import directory_search
from ocim.inventory.directory_counts import (
    directory_counts_compact,
    directory_counts_differences,
    directory_counts_rebuild,
)
from ocim.inventory.filters import ActorFilters
from ocim.inventory.models import Actor, ActorFamily, ActorType, Label
from ocim.inventory.models_directory import DirectoryCount
from ocim.inventory.selectors import actors_filtered
from ocim.inventory.services import actor_save
from ocim.inventory.services_admin import actor_type_family_sync
from ocim.inventory.services_import import bulk_insert

from .directory_fixtures import actor, concept, places, seed_typology

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's triggers only"),
]


def _kept() -> dict[tuple, int]:
    """The cells as the directory adds them up (zero cells left out)."""
    totals: dict[tuple, int] = {}
    for row in DirectoryCount.objects.values_list(
        "kind", "item_id", "family_id", "type_id", "region_id", "department_id", "status", "count"
    ):
        totals[row[:-1]] = totals.get(row[:-1], 0) + row[-1]
    return {key: value for key, value in totals.items() if value}


@pytest.fixture
def where():
    return places()


@pytest.fixture
def network(where):
    botany, geology = concept("botanique", "Botanique"), concept("geologie", "Géologie")
    return {
        "museum": actor(
            "Muséum de Dijon",
            commune=where.dijon,
            labels=["musee-de-france"],
            concepts=[botany, geology],
        ),
        "garden": actor(
            "Jardin des sciences",
            "jardin-botanique-arboretum",
            commune=where.lyon,
            labels=["jardin-remarquable", "musee-de-france"],
            concepts=[botany],
        ),
        "network": actor("Réseau sans adresse", "reseau-federation"),
        "botany": botany,
        "geology": geology,
    }


def test_saves_moves_and_relinks_are_counted_in_the_actors_cells(network, where):
    assert directory_counts_differences() == []
    assert _kept()[(DirectoryCount.ACTORS, 0, *_cell(network["network"]))] == 1
    museum = network["museum"]
    museum.commune = where.lyon  # another department and region
    museum.type = ActorType.objects.get(slug="planetarium")  # another family
    museum.status, museum.closed_year = "closed", 2022
    actor_save(museum, labels=[Label.objects.get(slug="jardin-remarquable")], concepts=[])
    assert directory_counts_differences() == []
    cells = _kept()
    assert cells[(DirectoryCount.ACTORS, 0, *_cell(museum))] == 1
    label = Label.objects.get(slug="jardin-remarquable")
    assert cells[(DirectoryCount.LABELS, label.pk, *_cell(museum))] == 1
    assert not any(
        key[0] == DirectoryCount.CONCEPTS and key[1] == network["geology"].pk for key in cells
    )


def test_deletes_in_either_order_leave_nothing_behind(network):
    network["museum"].delete()  # the ORM: links first, then the actor
    assert directory_counts_differences() == []
    garden = network["garden"]
    with transaction.atomic(), connection.cursor() as cursor:
        # The actor first, its links after (foreign keys are checked at commit).
        cursor.execute("DELETE FROM inventory_actorsearchindex WHERE actor_id = %s", [garden.pk])
        cursor.execute("DELETE FROM inventory_actorfacets WHERE actor_id = %s", [garden.pk])
        cursor.execute("DELETE FROM inventory_actorrevision WHERE actor_id = %s", [garden.pk])
        cursor.execute("DELETE FROM inventory_actor WHERE id = %s", [garden.pk])
        cursor.execute("DELETE FROM inventory_actor_labels WHERE actor_id = %s", [garden.pk])
        cursor.execute("DELETE FROM inventory_actor_concepts WHERE actor_id = %s", [garden.pk])
    assert directory_counts_differences() == []
    assert set(_kept()) == {(DirectoryCount.ACTORS, 0, *_cell(network["network"]))}


def test_bulk_writes_and_a_type_moving_family_are_counted(network, where):
    museum_type = ActorType.objects.get(slug="museum-histoire-naturelle")
    new = [
        Actor(
            name=f"Muséum {number}",
            slug=f"museum-{number}",
            type=museum_type,
            family_id=museum_type.family_id,
            commune=where.beaune,
            department_id="21",
            region_id="27",
        )
        for number in range(5)
    ]
    bulk_insert(Actor, new)  # COPY, as the import writes
    label = Label.objects.get(slug="musee-de-france")
    bulk_insert(
        Actor.labels.through,
        [Actor.labels.through(actor_id=item.pk, label_id=label.pk) for item in new],
    )
    assert directory_counts_differences() == []
    museum_type.family = ActorFamily.objects.get(slug="centres-sciences")
    museum_type.save()
    assert actor_type_family_sync(actor_type=museum_type) == 6
    assert directory_counts_differences() == []
    counts = directory_search(ActorFilters(families=("centres-sciences",)))
    assert counts.total == 6


def test_compaction_and_rebuild_keep_every_count(network, where):
    for number in range(3):  # every save of a change adds rows
        garden = network["garden"]
        garden.commune = where.dijon if number % 2 == 0 else where.lyon
        actor_save(garden)
    before, rows = _kept(), DirectoryCount.objects.count()
    removed = directory_counts_compact()
    assert removed > 0
    assert DirectoryCount.objects.count() == rows - removed
    assert _kept() == before
    assert not DirectoryCount.objects.filter(count=0).exists()
    assert directory_counts_compact() == 0  # nothing left to add up
    # A count gone wrong (by hand) is found, and the rebuild repairs it.
    DirectoryCount.objects.create(
        kind=DirectoryCount.ACTORS, family_id=1, type_id=1, status="open", count=7
    )
    assert directory_counts_differences() != []
    directory_counts_rebuild()
    assert directory_counts_differences() == []
    assert _kept() == before


def test_listings_counted_from_the_cells_equal_the_actors(network, where):
    for filters in (
        ActorFilters(),
        ActorFilters(regions=("84",)),
        ActorFilters(families=("musees",), statuses=("open",)),
        ActorFilters(departments=("21",), types=("museum-histoire-naturelle", "planetarium")),
    ):
        results = directory_search(filters)
        assert results.total == actors_filtered(filters).count()
        labels = {v.value: v.count for f in results.facets if f.name == "label" for v in f.values}
        for slug, count in labels.items():
            assert (
                count
                == actors_filtered(
                    ActorFilters(**{**_as_kwargs(filters), "labels": (slug,)})
                ).count()
            )


@pytest.mark.django_db(transaction=True)
def test_a_link_written_while_its_actor_moves_is_counted_where_the_actor_goes(where):
    """Two transactions at once: one moves the actor to another region, the other gives it a
    label. The label's trigger waits for the move and counts the label in the new cell."""
    # A transactional test starts from whatever the previous one flushed: the typology that the
    # migration seeds may be gone, so seed it again (the seed is idempotent).
    seed_typology()
    item = actor("Muséum voyageur", commune=where.dijon)
    label = Label.objects.get(slug="musee-de-france")
    moved = threading.Event()
    errors = []

    def link():
        try:
            moved.wait(10)
            with transaction.atomic():
                item.labels.add(label)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    worker = threading.Thread(target=link)
    worker.start()
    with transaction.atomic():
        Actor.objects.filter(pk=item.pk).update(
            commune_id=where.lyon.pk, department_id="69", region_id="84"
        )
        moved.set()
        # The other transaction is now blocked on the actor's row (bounded wait).
        _wait_for_a_blocked_backend()
    worker.join(20)
    assert not worker.is_alive() and errors == []
    assert directory_counts_differences() == []
    item.refresh_from_db()
    assert _kept()[(DirectoryCount.LABELS, label.pk, *_cell(item))] == 1


@pytest.mark.django_db(transaction=True)
def test_the_compaction_job_leaves_the_cells_readable_from_their_index(where):
    """Outside a transaction (as the scheduler runs it) the compaction vacuums the cells, so
    that the counting statement reads them from the index alone."""
    seed_typology()
    for number in range(30):
        actor(f"Jardin {number}", "jardin-botanique-arboretum", commune=where.dijon)
    assert directory_counts_compact() > 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relpages, relallvisible FROM pg_class WHERE relname = %s",
            [DirectoryCount._meta.db_table],
        )
        pages, visible = cursor.fetchone()
    assert pages >= 1 and visible == pages
    assert directory_counts_differences() == []


def _wait_for_a_blocked_backend(seconds: float = 10) -> None:
    import time

    deadline = time.monotonic() + seconds
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the link's transaction never waited for the move")


def _cell(item: Actor) -> tuple:
    return (
        item.family_id,
        item.type_id,
        item.region_id or "",
        item.department_id or "",
        item.status,
    )


def _as_kwargs(filters: ActorFilters) -> dict:
    return {name: getattr(filters, name) for name in ActorFilters.PARAMETERS}

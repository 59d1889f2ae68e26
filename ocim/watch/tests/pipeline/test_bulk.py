"""Bulk writes of the ingest (``pipeline.bulk``): the rows written are the rows given, on
either database (one statement for every table on PostgreSQL, one INSERT per table
elsewhere); a unique conflict is an IntegrityError that leaves nothing behind."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from ocim.core.models import Concept, Region
from ocim.watch.models import ConceptOrigin, Item, ItemConcept, ItemSighting
from ocim.watch.pipeline.bulk import ids_reserve, rows_insert, rows_write

from .support import source_make

pytestmark = pytest.mark.django_db

SEEN_AT = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _item(source, number):
    return Item.objects.create(
        source=source,
        guid=f"urn:{number}",
        url=f"https://musee.example.org/{number}",
        title=f"Actualité {number}",
        published_at=SEEN_AT,
        first_seen_at=SEEN_AT,
    )


@pytest.fixture
def region():
    return Region.objects.get_or_create(code="84", defaults={"name": "Auvergne-Rhône-Alpes"})[0]


def test_rows_of_several_tables_are_written_as_given(region):
    source = source_make()
    first, second = _item(source, 1), _item(source, 2)
    concept = Concept.objects.create(label_fr="Musée", label_en="Museum", slug="musee")
    sightings = [
        (first.pk, source.pk, "a" * 64, "https://musee.example.org/1", SEEN_AT),
        (second.pk, source.pk, "b" * 64, "", SEEN_AT),
    ]
    with CaptureQueriesContext(connection) as captured:
        rows_write(
            [
                (ItemSighting, ("item", "source", "guid_hash", "url", "seen_at"), sightings),
                (ItemConcept, ("item", "concept", "origin", "rule"), [
                    (first.pk, concept.pk, str(ConceptOrigin.THESAURUS), None),
                ]),
                (Item.regions.through, ("item", "region"), [(second.pk, region.pk)]),
                (Item.actors.through, ("item", "actor"), []),
            ]
        )  # fmt: skip
    expected_statements = 1 if connection.vendor == "postgresql" else 3
    assert len(captured.captured_queries) == expected_statements
    assert sorted(
        ItemSighting.objects.values_list("item_id", "source_id", "guid_hash", "url", "seen_at")
    ) == sorted(sightings)
    assert list(ItemConcept.objects.values_list("item_id", "concept_id", "origin", "rule")) == [
        (first.pk, concept.pk, "thesaurus", None)
    ]
    assert list(second.regions.values_list("pk", flat=True)) == [region.pk]


def test_a_unique_conflict_raises_and_writes_nothing():
    source = source_make()
    item = _item(source, 1)
    row = (item.pk, source.pk, "a" * 64, "", SEEN_AT)
    rows_write([(ItemSighting, ("item", "source", "guid_hash", "url", "seen_at"), [row])])
    other = (item.pk, source.pk, "c" * 64, "", SEEN_AT)
    with pytest.raises(IntegrityError), transaction.atomic():
        rows_write(
            [(ItemSighting, ("item", "source", "guid_hash", "url", "seen_at"), [other, row])]
        )
    assert list(ItemSighting.objects.values_list("guid_hash", flat=True)) == ["a" * 64]
    # Asked to, conflicts are skipped and the rest is written.
    rows_insert(
        ItemSighting,
        ("item", "source", "guid_hash", "url", "seen_at"),
        [other, row],
        ignore_conflicts=True,
    )
    assert sorted(ItemSighting.objects.values_list("guid_hash", flat=True)) == [
        "a" * 64,
        "c" * 64,
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's sequences")
def test_reserved_ids_are_new_and_usable():
    source = source_make()
    existing = _item(source, 1)
    ids = ids_reserve(Item, 3)
    assert len(set(ids)) == 3 and min(ids) > existing.pk
    fields = Item._meta.concrete_fields
    item = Item(
        pk=ids[0],
        source=source,
        guid="urn:2",
        title="Réservée",
        published_at=SEEN_AT,
        first_seen_at=SEEN_AT,
    )
    rows_write(
        [
            (
                Item,
                tuple(field.name for field in fields),
                [tuple(getattr(item, field.attname) for field in fields)],
            )
        ]
    )
    assert Item.objects.get(pk=ids[0]).title == "Réservée"
    # The sequence goes on after the reserved ids.
    assert _item(source, 3).pk > max(ids)


def test_an_ingested_item_is_stored_with_every_value_it_was_given():
    # The PostgreSQL path sends the rows as JSON: bytes, dates, booleans, empty strings, text
    # with quotes and backslashes must come back as the pipeline computed them.
    from ocim.watch.models import ItemSearchIndex
    from ocim.watch.pipeline.ingest import source_document_ingest
    from ocim.watch.pipeline.stories import (
        signature_bands,
        story_words,
        text_signature,
    )

    from .support import FETCHED_AT, rss, rss_item

    source = source_make()
    text = (
        'Le muséum d\'histoire naturelle ouvre « ses réserves » au public, avec "guillemets"'
        " et une barre \\ oblique, pour trois journées de visites guidées en mars."
    )
    report = source_document_ingest(
        source=source,
        body=rss([rss_item(1, description=f"<p>{text}</p>")]),
        content_type="application/rss+xml",
        encoding=None,
        final_url=source.url,
        fetched_at=FETCHED_AT,
    )
    item = Item.objects.get(pk=report.new_item_ids[0])
    assert item.summary == text
    signature = text_signature(story_words(text))
    assert signature is not None and bytes(item.minhash) == signature
    assert [getattr(item, f"story_band{band}") for band in range(8)] == signature_bands(signature)
    assert (item.first_seen_at, item.date_estimated, item.starred, item.full_text) == (
        FETCHED_AT,
        False,
        False,
        "",
    )
    assert ItemSearchIndex.objects.filter(item=item).exists()
    assert ItemSighting.objects.get(item=item).seen_at == FETCHED_AT


def test_times_with_microseconds_and_offsets_keep_their_instant():
    source = source_make()
    item = _item(source, 1)
    paris = timezone(timedelta(hours=2))
    seen = [datetime(2026, 7, 1, 9, 30, 15, 123456, tzinfo=paris), SEEN_AT]
    rows_write(
        [
            (
                ItemSighting,
                ("item", "source", "guid_hash", "url", "seen_at"),
                [(item.pk, source.pk, f"{n}" * 64, "", at) for n, at in enumerate(seen)],
            )
        ]
    )
    assert sorted(ItemSighting.objects.values_list("seen_at", flat=True)) == sorted(seen)

"""Retention: items past the age are purged unless kept; their stories follow; entries already
past the age are not stored, so they do not come back."""

from datetime import UTC, datetime, timedelta

import pytest

from ocim.core.models import AuditLogEntry
from ocim.watch.models import Item, ItemSighting, Story
from ocim.watch.pipeline.ingest import source_document_ingest
from ocim.watch.pipeline.retention import items_purge_expired
from ocim.watch.pipeline.tasks import purge_expired_items

from .support import source_make

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _item(source, number, *, days_old, story=None, **flags):
    published = NOW - timedelta(days=days_old)
    item = Item.objects.create(
        source=source,
        guid=f"g{number}",
        url=f"https://e.org/{number}",
        url_hash=f"{number:064d}",
        title=f"Article {number}",
        published_at=published,
        first_seen_at=published,
        story=story,
        **flags,
    )
    ItemSighting.objects.create(
        item=item, source=source, guid_hash=f"{number:064d}", seen_at=published
    )
    return item


def test_old_items_are_purged_unless_kept(settings):
    settings.OCIM_WATCH_RETENTION_DAYS = 30
    source = source_make()
    story = Story.objects.create(title="S", first_seen_at=NOW, last_seen_at=NOW, item_count=2)
    big_story = Story.objects.create(title="B", first_seen_at=NOW, last_seen_at=NOW, item_count=3)
    old = _item(source, 1, days_old=40, story=story)
    lonely = _item(source, 2, days_old=5, story=story)
    starred = _item(source, 3, days_old=400, starred=True, story=big_story)
    curated = _item(source, 4, days_old=400, curated=True, story=big_story)
    published = _item(source, 5, days_old=400, published=True)
    _item(source, 6, days_old=31, story=big_story)
    recent = _item(source, 7, days_old=29)

    assert items_purge_expired(now=NOW, batch_size=1) == 2
    assert set(Item.objects.values_list("pk", flat=True)) == {
        lonely.pk, starred.pk, curated.pk, published.pk, recent.pk
    }  # fmt: skip
    assert not ItemSighting.objects.filter(item_id=old.pk).exists()
    # A story left with one item is no story; the others are recounted.
    assert not Story.objects.filter(pk=story.pk).exists()
    assert Item.objects.get(pk=lonely.pk).story is None
    big_story.refresh_from_db()
    assert big_story.item_count == 2
    entry = AuditLogEntry.objects.get(action="watch.items.purged")
    assert entry.data["count"] == 2
    # Idempotent.
    assert items_purge_expired(now=NOW) == 0


def test_zero_keeps_everything_and_the_task_calls_the_service(settings):
    settings.OCIM_WATCH_RETENTION_DAYS = 0
    _item(source_make(), 1, days_old=5000)
    assert purge_expired_items.call() == 0
    settings.OCIM_WATCH_RETENTION_DAYS = 365
    assert purge_expired_items.call() == 1


def test_entries_past_the_age_are_not_stored(settings):
    settings.OCIM_WATCH_RETENTION_DAYS = 30
    source = source_make()
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
        b"<item><title>Old</title><link>https://e.org/old</link>"
        b"<pubDate>Mon, 02 Jan 2006 10:00:00 GMT</pubDate></item>"
        b"<item><title>New</title><link>https://e.org/new</link></item>"
        b"</channel></rss>"
    )
    report = source_document_ingest(
        source=source,
        body=body,
        content_type="application/rss+xml",
        encoding=None,
        final_url=source.url,
        fetched_at=NOW,
    )
    assert (report.entries_read, report.too_old, report.new_items) == (2, 1, 1)
    assert list(Item.objects.values_list("title", flat=True)) == ["New"]


def _purge_statements(links_per_item: int) -> tuple[int, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ocim.core.models import Concept
    from ocim.watch.models import ConceptOrigin, ItemConcept

    source = source_make()
    concepts = [
        Concept.objects.create(label_fr=f"Notion {n}", label_en=f"Notion {n}", slug=f"n-{n}")
        for n in range(links_per_item)
    ]
    items = [_item(source, n, days_old=40) for n in range(10)]
    ItemConcept.objects.bulk_create(
        ItemConcept(item=item, concept=concept, origin=ConceptOrigin.THESAURUS)
        for item in items
        for concept in concepts
    )
    with CaptureQueriesContext(connection) as captured:
        assert items_purge_expired(now=NOW) == 10
    assert not ItemConcept.objects.exists() and not ItemSighting.objects.exists()
    statements = [query["sql"] for query in captured.captured_queries]
    Concept.objects.filter(pk__in=[concept.pk for concept in concepts]).delete()
    return len(statements), statements


def test_purge_deletes_links_in_bulk_whatever_their_number(settings):
    # Links are deleted by one statement per table, never loaded one by one: the statements
    # do not grow with the number of links (a purge of 1,000 items carried some 35,000).
    settings.OCIM_WATCH_RETENTION_DAYS = 30
    few, _statements = _purge_statements(1)
    many, statements = _purge_statements(12)
    assert many == few
    assert not any(
        sql.startswith("SELECT") and "watch_itemconcept" in sql.split(" FROM ", 1)[-1][:40]
        for sql in statements
    )

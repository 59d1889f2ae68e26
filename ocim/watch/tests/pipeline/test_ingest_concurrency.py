"""Two workers ingesting the same article at the same moment (PostgreSQL, one connection per
thread): both look it up before either stores it; the database's unique key makes the loser
retry, and the article ends as one item with a sighting per source, without an error."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from ocim.watch.models import Item, ItemSighting
from ocim.watch.pipeline import ingest as ingest_module
from ocim.watch.pipeline.ingest import source_document_ingest

from .support import FETCHED_AT, rss, rss_item, source_make

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: DATABASE_URL=postgres://…"
    ),
    pytest.mark.django_db(transaction=True),
]


def test_a_race_on_the_same_link_ends_in_one_item_and_two_sightings(monkeypatch):
    sources = [source_make(), source_make()]
    body = rss(
        [
            rss_item(1, link="https://musee.example.org/expo?utm_source=a"),
            rss_item(2, link="https://musee.example.org/autre"),
        ]
    )
    barrier = threading.Barrier(2, timeout=20)
    waited = threading.local()
    original = ingest_module.stories_assign

    def stories_assign_after_both_looked(*args, **kwargs):
        # Both workers have looked the links up and found nothing: now both insert.
        if not getattr(waited, "done", False):
            waited.done = True
            barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(ingest_module, "stories_assign", stories_assign_after_both_looked)

    def work(source):
        try:
            return source_document_ingest(
                source=source,
                body=body,
                content_type="application/rss+xml",
                encoding=None,
                final_url=source.url,
                fetched_at=FETCHED_AT,
            )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(work, sources))

    assert sorted((r.new_items, r.new_sightings) for r in reports) == [(0, 2), (2, 0)]
    assert Item.objects.count() == 2
    assert ItemSighting.objects.count() == 4
    for item in Item.objects.all():
        assert set(item.sightings.values_list("source_id", flat=True)) == {
            source.pk for source in sources
        }

"""source_document_ingest: a fetched feed becomes items stored once, with a sighting per source
that carried them; what was read and what went wrong is reported."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ocim.watch.models import Item, ItemSighting
from ocim.watch.pipeline.classify import classifier_current
from ocim.watch.pipeline.errors import FeedParseError
from ocim.watch.pipeline.ingest import source_document_ingest
from ocim.watch.search import item_search_condition

from .support import (
    FETCHED_AT,
    atom,
    atom_entry,
    json_feed,
    rss,
    rss_item,
    source_make,
)

pytestmark = pytest.mark.django_db


def ingest(source, body, *, content_type="application/rss+xml", final_url=None, **kwargs):
    return source_document_ingest(
        source=source,
        body=body,
        content_type=content_type,
        encoding=kwargs.pop("encoding", None),
        final_url=final_url or source.url,
        fetched_at=kwargs.pop("fetched_at", FETCHED_AT),
    )


def test_an_rss_feed_becomes_items_with_clean_text_and_utc_dates():
    source = source_make()
    body = rss(
        [
            rss_item(
                1,
                title="L&#8217;exposition &amp; ses <b>ateliers</b>",
                link="HTTPS://Musee.Example.org:443/expo?utm_source=rss&id=4&fbclid=abc#haut",
                description='<p onclick="x()">Le muséum <script>alert(1)</script>ouvre'
                ' <a href="/billets">sa billetterie</a>.</p>',
                content="<h2>Programme</h2><p>Visites <em>guidées</em> du samedi.</p>"
                '<img src="images/affiche.jpg" alt="Affiche">',
            )
        ]
    )
    report = ingest(source, body, final_url="https://musee.example.org/flux/rss.xml")

    assert (report.parser, report.entries_read, report.new_items) == ("fastfeedparser", 1, 1)
    assert report.problems == []
    item = Item.objects.get()
    assert item.title == "L’exposition & ses ateliers"
    assert item.url == "https://Musee.Example.org:443/expo?utm_source=rss&id=4&fbclid=abc#haut"
    assert item.canonical_url == "https://musee.example.org/expo?id=4"
    assert "<script" not in item.summary_html and "onclick" not in item.summary_html
    # Relative links are made absolute against the entry's link, never left to point at us.
    assert 'href="https://Musee.Example.org:443/billets"' in item.summary_html
    assert 'src="https://Musee.Example.org:443/images/affiche.jpg"' in item.content_html
    assert item.summary == "Le muséum ouvre sa billetterie."
    assert item.content_text == "Programme Visites guidées du samedi. Affiche"
    assert item.published_at == datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    assert item.date_estimated is False
    assert item.first_seen_at == FETCHED_AT
    assert item.language == "fr"
    sighting = ItemSighting.objects.get()
    assert (sighting.item_id, sighting.source_id, sighting.seen_at) == (
        item.pk,
        source.pk,
        FETCHED_AT,
    )
    assert report.new_item_ids == [item.pk]


def test_new_items_are_found_by_the_staff_search():
    source = source_make()
    ingest(source, rss([rss_item(1, title="Les météorites du muséum"), rss_item(2)]))
    found = Item.objects.filter(item_search_condition("météorite"))
    assert list(found.values_list("title", flat=True)) == ["Les météorites du muséum"]


def test_reading_the_same_feed_again_stores_nothing_new():
    source = source_make()
    ingest(source, rss(5))
    report = ingest(source, rss(7))
    assert (report.entries_read, report.new_items, report.duplicates) == (7, 2, 5)
    assert Item.objects.count() == 7
    assert ItemSighting.objects.count() == 7


def test_an_article_relayed_by_another_source_is_a_new_sighting_not_a_new_item():
    first, second = source_make(), source_make()
    ingest(first, rss([rss_item(1, link="https://musee.example.org/expo")]))
    report = ingest(
        second,
        rss([rss_item(1, guid="autre-guid", link="https://MUSEE.example.org/expo?utm_medium=x")]),
    )
    assert (report.new_items, report.new_sightings) == (0, 1)
    item = Item.objects.get()
    assert item.source == first
    assert set(item.sightings.values_list("source_id", flat=True)) == {first.pk, second.pk}


def test_repeats_within_a_document_are_stored_once():
    source = source_make()
    body = rss(
        [
            rss_item(1),
            rss_item(1, title="Le même identifiant, répété"),
            rss_item(2, link="https://musee.example.org/actualites/1"),
        ]
    )
    report = ingest(source, body)
    # Same GUID twice: a duplicate; another GUID with the same link: a second sighting.
    assert (report.new_items, report.duplicates, report.new_sightings) == (1, 1, 1)
    item = Item.objects.get()
    assert item.title == "Actualité 1"
    assert item.sightings.count() == 2


def test_atom_json_feed_rss1_and_rss091_are_read():
    atom_report = ingest(source_make(), atom([atom_entry(1), atom_entry(2, link="/news/relative")]))
    assert (atom_report.parser, atom_report.new_items) == ("fastfeedparser", 2)
    relative = Item.objects.get(guid="tag:science.example.com,2026:2")
    assert relative.url == "https://source1.example.org/news/relative"
    assert relative.author == "Ada Lovelace"
    assert relative.language == "en"

    json_report = ingest(
        source_make(),
        json_feed(
            [
                {
                    "id": 42,
                    "url": "https://blog.example.net/post",
                    "title": "Post",
                    "content_text": "Plain <text> with a < sign",
                    "date_published": "2026-03-01T10:00:00Z",
                    "authors": [{"name": "Zoé"}],
                }
            ]
        ),
        content_type="application/feed+json",
    )
    assert (json_report.parser, json_report.new_items) == ("jsonfeed", 1)
    post = Item.objects.get(guid="42")
    assert post.content_text == "Plain <text> with a < sign"
    assert "&lt;text&gt;" in post.content_html
    assert post.published_at == datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    assert post.author == "Zoé"

    rdf = (
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        b' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        b'<channel rdf:about="https://e.org"><title>x</title><link>https://e.org</link></channel>'
        b'<item rdf:about="https://rdf.example.org/1"><title>RDF</title>'
        b"<link>https://rdf.example.org/1</link><dc:date>2026-01-02T10:00:00+01:00</dc:date>"
        b"</item></rdf:RDF>"
    )
    assert ingest(source_make(), rdf).new_items == 1
    assert Item.objects.get(title="RDF").published_at == datetime(2026, 1, 2, 9, tzinfo=UTC)

    rss091 = (
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<!DOCTYPE rss PUBLIC "-//Netscape'
        b' Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">'
        b'<rss version="0.91"><channel><title>x</title><link>https://e.org</link>'
        b"<item><title>Caf&eacute; des sciences</title><link>https://e.org/cafe</link>"
        b"<description>Rencontre au caf\xe9</description></item></channel></rss>"
    )
    report = ingest(source_make(), rss091)
    assert report.new_items == 1
    assert "doctype_removed" in report.repairs
    cafe = Item.objects.get(url="https://e.org/cafe")
    assert cafe.title == "Café des sciences"
    assert cafe.summary == "Rencontre au café"


def test_entries_with_missing_or_wrong_fields_are_kept_as_well_as_they_can_be():
    source = source_make()
    body = rss(
        [
            rss_item(1, link="javascript:alert(document.cookie)"),
            rss_item(2, date=None),
            rss_item(3, date="le 32 du mois de brumaire"),
            rss_item(4, date="Sat, 01 Jan 2099 00:00:00 GMT"),
            rss_item(5, title="", guid="", link="", description=""),
            rss_item(6, title="", guid="", link="", description="Seulement du texte."),
        ]
    )
    report = ingest(source, body)
    problems = {(problem.index, problem.code) for problem in report.problems}
    # (The fast parser does not tell a missing date from an unreadable one: entry 3 has none.)
    assert problems == {(0, "link_refused"), (3, "date_out_of_range"), (4, "empty_entry")}
    assert report.new_items == 5
    no_link = Item.objects.get(guid="urn:musee:1")
    assert (no_link.url, no_link.canonical_url, no_link.url_hash) == ("", "", "")
    for guid in ("urn:musee:2", "urn:musee:3", "urn:musee:4"):
        item = Item.objects.get(guid=guid)
        assert (item.published_at, item.date_estimated) == (FETCHED_AT, True)
    text_only = Item.objects.get(summary="Seulement du texte.")
    assert text_only.guid.startswith("content:")
    assert text_only.title == "Seulement du texte."
    # Problems carry translated messages for the source's health record.
    assert all(str(problem.message) for problem in report.problems)


def test_an_unreadable_date_is_reported():
    report = ingest(
        source_make(),
        json_feed([{"id": "1", "title": "T", "date_published": "32/13/2026 25:61"}]),
    )
    assert [problem.code for problem in report.problems] == ["date_unreadable"]
    assert Item.objects.get().date_estimated


def test_a_huge_entry_is_cut_and_reported():
    source = source_make()
    huge = "<p>" + "Muséum et planétarium. " * 40_000 + "</p>"
    report = ingest(source, rss([rss_item(1, content=huge)]))
    assert [problem.code for problem in report.problems] == ["truncated"]
    item = Item.objects.get()
    assert 400_000 < len(item.content_html) < 600_000
    assert item.content_html.endswith("</p>")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"", "empty"),
        (b"   \n ", "empty"),
        (
            b"<!DOCTYPE html><html><head><title>Accueil</title></head><body>x</body></html>",
            "not_a_feed",
        ),
        (b"Just some text, no markup at all.", "not_a_feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "json_invalid"),
        (b'{"hello": "world"}', "not_a_feed"),
        (b"<note><to>Tove</to></note>", "not_a_feed"),
        (bytes(range(256)) * 20, "not_a_feed"),
    ],
)
def test_a_document_that_is_not_a_feed_is_a_clean_error_and_writes_nothing(body, code):
    source = source_make()
    with pytest.raises(FeedParseError) as raised:
        ingest(source, body)
    assert raised.value.code == code
    assert str(raised.value.message)
    assert not Item.objects.exists()


def test_a_valid_feed_without_entries_is_not_an_error():
    report = ingest(source_make(), rss([]))
    assert (report.entries_read, report.new_items, report.problems) == (0, 0, [])


def test_fetched_at_must_be_aware():
    with pytest.raises(ValueError, match="aware"):
        ingest(source_make(), rss(1), fetched_at=datetime(2026, 1, 1))


def _queries(source, body) -> int:
    with CaptureQueriesContext(connection) as captured:
        ingest(source, body)
    return len(captured.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_entries():
    small, large = source_make(), source_make()
    # Different links so that each document creates all its items.
    small_body = rss([rss_item(n, link=f"https://a.example.org/{n}") for n in range(3)])
    large_body = rss([rss_item(n, link=f"https://b.example.org/{n}") for n in range(40)])
    assert Item.objects.count() == 0
    classifier_current()  # built once per process, not per document
    small_queries = _queries(small, small_body)
    large_queries = _queries(large, large_body)
    # SQLite inserts at most 999 parameters per statement, so 40 items take a few INSERTs.
    assert large_queries <= small_queries + 4
    # Savepoints (4); on PostgreSQL one statement for the two lookups, the source's concepts
    # and the transaction's settings, the items' ids and one statement for items,
    # sightings, links and search rows (3); elsewhere a query per lookup and the source's
    # concepts (3) and one INSERT per table.
    assert small_queries <= (7 if connection.vendor == "postgresql" else 14)
    # Read again: the lookups in a transaction, nothing written.
    assert _queries(large, large_body) <= 5
    assert Item.objects.count() == 43


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's commit settings")
@pytest.mark.parametrize("redoable", [False, True])
def test_a_callers_transaction_waits_for_the_disk_unless_it_is_redoable(redoable):
    from django.db import transaction

    def setting():
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    source = source_make()
    # The test runs in a transaction of its own: the ingest's is never the outermost here.
    with transaction.atomic():
        source_document_ingest(
            source=source,
            body=rss(2),
            content_type="application/rss+xml",
            encoding=None,
            final_url=source.url,
            fetched_at=FETCHED_AT,
            redoable=redoable,
        )
        assert setting() == ("off" if redoable else "on")


def _ingest_redoable(source):
    """Two entries ingested as the fetcher ingests them (its transaction may be redone), so
    that the ingest applies its transaction's settings inside the caller's."""
    source_document_ingest(
        source=source,
        body=rss(2),
        content_type="application/rss+xml",
        encoding=None,
        final_url=source.url,
        fetched_at=FETCHED_AT,
        redoable=True,
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")
def test_the_ingest_transaction_compiles_no_query():
    """A large document's near-duplicate query is estimated expensive enough to be compiled
    (JIT), which took seconds for a query that runs in milliseconds: off in the ingest."""
    from django.db import transaction

    source = source_make()
    with transaction.atomic():
        _ingest_redoable(source)
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
            cursor.execute("SHOW max_parallel_workers_per_gather")
            assert cursor.fetchone()[0] == "0"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")
def test_the_ingest_reads_items_by_index_even_when_the_table_looks_empty():
    """The foreign-key checks run at commit are planned once per connection: planned while the
    items table looked empty, they read the whole table at every check as it grew (a commit
    went from 4 to 29 ms over 600 documents). In the ingest they use the key's index, and the
    near-duplicate candidates are read backwards through their band's index."""
    from django.db import transaction

    source = source_make()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE watch_item")
        _ingest_redoable(source)
        with connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN SELECT 1 FROM ONLY watch_item x WHERE id = 1 FOR KEY SHARE OF x"
            )
            check = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute(
                "EXPLAIN SELECT id FROM watch_item WHERE story_band0 = 7 AND source_id <> 1 "
                "ORDER BY id DESC LIMIT 32"
            )
            candidates = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index" in check and "Seq Scan" not in check
    assert "Index Scan Backward using watch_item_story_band0" in candidates


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's TOAST compression")
def test_item_texts_are_compressed_with_lz4_where_the_server_has_it():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        if not cursor.fetchone()[0]:
            pytest.skip("this PostgreSQL was built without lz4")
        cursor.execute(
            "SELECT attname, attcompression FROM pg_attribute "
            "WHERE attrelid = 'watch_item'::regclass AND attname = ANY(%s)",
            [["summary_html", "summary", "content_html", "content_text", "full_text"]],
        )
        assert dict(cursor.fetchall()) == dict.fromkeys(
            ["summary_html", "summary", "content_html", "content_text", "full_text"], "l"
        )

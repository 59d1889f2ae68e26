"""The watch's whole ingest pipeline against plain feedparser, on a generated corpus of feeds.

Run on its own (``python bench/watch_ingest_bench.py``), never by the test suite.

1. Set-up (not timed): a PostgreSQL database of its own (``--server``/``--database``; or a
   throw-away SQLite file with ``--sqlite``), migrated, with the territories and the thesaurus
   loaded, ``--actors`` actors (the corpus names some of them), 20 classification rules (half
   "contains", half regular expressions), one source per feed; the corpus of
   ``bench/watch_corpus.py`` (320 feeds, 5 KB to 5 MB, about 19,000 entries, some malformed).
2. The baseline and the pipeline, feed by feed in the same loop: ``feedparser.parse(body)``
   (parsing alone) on the feed if it is well-formed XML (feedparser reads no JSON Feed), then
   ``source_document_ingest`` on the same feed, each document in its own transaction as the
   fetcher calls it: decode, make safe, parse, identify, look up, sanitise, plain text,
   language, MinHash, classify, store items, sightings, stories, links and the search index.
   Timing them side by side keeps both under the same load on a shared machine (two passes
   minutes apart were not: one run measured feedparser 5× slower than the next).
3. For reference: fastfeedparser alone and feedparser-rs alone (when installed) on the same
   well-formed XML feeds.
4. On PostgreSQL, the database alone: the rows the pass stored inserted again, table by table,
   into temporary copies with the same indexes (``_database_ceiling``): a ceiling on the rate
   of any pipeline that stores these rows in this database, whatever its own speed. And the
   floor of any design: the compiled steps (the fastest parser, one sanitiser pass, CLD2)
   plus the database's work, with its WAL, for the same items stored the leanest way known
   (``_lean_storage_floor``: classification as one GIN-indexed array on the item).
   The same documents again: what a fetch costs when a feed changed nothing but its ETag.
   Then, on PostgreSQL, every item deleted and the whole corpus ingested once more as one
   worker process of the fetcher ingests it: ``--threads`` threads (8, the fetcher's default),
   each with its own connection, so that Python in one thread overlaps PostgreSQL's work for
   another. The headline ratio stays the one-thread pass of step 2.
5. Checks: on every well-formed XML feed the pipeline read as many entries as feedparser (and
   as the generator wrote, for JSON Feed); every malformed feed ended as entries or a clean
   ``FeedParseError``; relays grouped into stories (found, partly, missed) and stories mixing
   unrelated items; SQL statements per document.

Entries per second are entries over wall time; CPU is the benchmark process's own (PostgreSQL
works in its own process). The script sets its own environment (``ocim.settings.bench``,
``DATABASE_URL``, no Redis).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.http_bench import doc_update, machine_facts  # noqa: E402
from bench.registration_bench import database_drop, database_recreate, database_url  # noqa: E402
from bench.watch_corpus import ACTOR_NAMES, corpus_generate  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
RESULTS = ROOT / "bench" / "results"
START_MARK = "<!-- watch_ingest_bench:latest:start -->"
END_MARK = "<!-- watch_ingest_bench:latest:end -->"
HISTORY_MARK = "<!-- watch_ingest_bench:history:next -->"
FETCHED_AT = dt.datetime(2026, 3, 10, 12, 30, tzinfo=dt.UTC)
GOAL = 10.0

RULES = [
    ("contains", "title", "appel à projets"),
    ("contains", "summary", "sciences participatives"),
    ("contains", "content", "escape game"),
    ("contains", "title", "nuit des étoiles"),
    ("contains", "summary", "fête de la science"),
    ("contains", "author", "communication"),
    ("contains", "url", "/actualites/"),
    ("contains", "source", "site01"),
    ("contains", "content", "mécénat"),
    ("contains", "summary", "residency"),
    ("regex", "title", r"\b(exposition|exhibition)s?\b"),
    ("regex", "summary", r"\b\d{3} (participants|guests)\b"),
    ("regex", "content", r"météorites?|meteorites?"),
    ("regex", "url", r"/news/\d+"),
    ("regex", "title", r"^(le|la|l')\s"),
    ("regex", "content", r"intelligence artificielle|artificial intelligence"),
    ("regex", "summary", r"(jardin|garden)s? (botanique|botanical)"),
    ("regex", "content", r"(?:conférences?|lectures?) (?:sur|about)"),
    ("regex", "title", r"planétarium|planetarium"),
    ("regex", "summary", r"réservation|booking"),
]


def _seed(actors: int) -> dict[str, int]:
    """Reference data, actors, rules and sources; returns counts."""
    import random

    from ocim.core.models import Commune, Concept
    from ocim.core.services import territories_load, thesaurus_load
    from ocim.inventory.models import Actor, ActorType
    from ocim.watch.models import ClassificationRule, RuleCondition

    territories_load()
    thesaurus_load()
    rng = random.Random(6)
    types = list(ActorType.objects.all())
    communes = list(Commune.objects.order_by("insee_code").values_list("name", flat=True)[:20000])
    names = list(ACTOR_NAMES)
    prefixes = ["Musée de", "Médiathèque de", "Association scientifique de", "Jardin de"]
    while len(names) < actors:
        names.append(f"{rng.choice(prefixes)} {rng.choice(communes)} {len(names)}")
    batch = []
    for number, name in enumerate(names[:actors]):
        actor_type = types[number % len(types)]
        batch.append(
            Actor(
                name=name,
                slug=f"bench-{number}",
                type=actor_type,
                family_id=actor_type.family_id,
                other_names="",
            )
        )
    Actor.objects.bulk_create(batch, batch_size=2000)
    concepts = list(Concept.objects.order_by("pk").values_list("pk", flat=True))
    for number, (operator, field, value) in enumerate(RULES):
        rule = ClassificationRule(name=f"Règle {number}", match="all")
        rule.save()
        RuleCondition.objects.create(rule=rule, field=field, operator=operator, value=value)
        rule.concepts.set([concepts[number * 7 % len(concepts)]])
        rule.save()
    return {"actors": Actor.objects.count(), "concepts": len(concepts), "rules": len(RULES)}


def _sources(corpus) -> dict:
    from ocim.watch.models import Source

    Source.objects.bulk_create(
        Source(title=f"Actualités {feed.name}", url=f"https://{feed.name}.example.org/feed")
        for feed in corpus.feeds
    )
    return {source.url: source for source in Source.objects.all()}


def _time_parser(parse, feeds) -> tuple[float, int, dict[str, int]]:
    """Wall seconds, entries and entries per feed of ``parse`` over ``feeds``."""
    counts = {}
    began = time.perf_counter()
    for feed in feeds:
        try:
            counts[feed.name] = len(parse(feed.body).entries)
        except Exception:  # a parser's failure on a feed counts as no entries
            counts[feed.name] = 0
    return time.perf_counter() - began, sum(counts.values()), counts


def _lower_bound(feeds) -> dict:
    """What no pipeline with these libraries can go below, on ``feeds``: fastfeedparser's
    parse, one pass of the core sanitiser's nh3 cleaner (it makes two when the first is not a
    fixed point) on each entry's content and summary, CLD2 on the first
    ``language.MAX_CHARACTERS`` of the cleaned text (tags skipped by CLD2 itself, no plain
    text made), and a bare ``COPY`` of the results (link, title, summary, content) into a
    table without index or key (PostgreSQL; on SQLite one ``executemany``). No identity,
    deduplication, plain text, classification, search index or commit: each of those only
    adds to it. ``parse``, ``clean`` and ``language`` are the compiled steps every design
    runs; ``store`` is not a floor of storage (``_lean_storage_floor`` is)."""
    import fastfeedparser
    import pycld2
    from django.db import connection, transaction

    from ocim.core.sanitiser import _cleaner
    from ocim.watch.pipeline.language import MAX_CHARACTERS

    parse_seconds = clean_seconds = language_seconds = store_seconds = 0.0
    entries = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE bench_floor (link text, title text, summary text, "
                "content text)"
            )
        for feed in feeds:
            began = time.perf_counter()
            try:
                parsed = fastfeedparser.parse(feed.body)
            except Exception:  # noqa: S112 - no entries, as in ``_time_parser``
                continue
            parse_seconds += time.perf_counter() - began
            began = time.perf_counter()
            rows = []
            for entry in parsed.entries:
                content = entry.get("content")
                html = (content[0].get("value") or "") if content else ""
                summary = entry.get("description") or entry.get("summary") or ""
                rows.append(
                    (
                        entry.get("link") or "",
                        entry.get("title") or "",
                        _cleaner.clean(summary) if summary else "",
                        _cleaner.clean(html) if html else "",
                    )
                )
            clean_seconds += time.perf_counter() - began
            began = time.perf_counter()
            for _link, title, summary, content in rows:
                sample = f"{title} {content or summary}"[:MAX_CHARACTERS]
                with contextlib.suppress(pycld2.error, UnicodeError):
                    pycld2.detect(sample, isPlainText=False)
            language_seconds += time.perf_counter() - began
            began = time.perf_counter()
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(
                        "COPY bench_floor (link, title, summary, content) FROM STDIN"
                    ) as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    cursor.executemany("INSERT INTO bench_floor VALUES (%s, %s, %s, %s)", rows)
            store_seconds += time.perf_counter() - began
            entries += len(rows)
        transaction.set_rollback(True)
    return {
        "entries": entries,
        "parse": parse_seconds,
        "clean": clean_seconds,
        "language": language_seconds,
        "store": store_seconds,
        "seconds": parse_seconds + clean_seconds + language_seconds + store_seconds,
    }


def _database_ceiling() -> dict | None:
    """What the database alone costs for the rows a pass stored (PostgreSQL): every row of the
    items, sightings, concept and other links and search index, inserted table by table in one
    ``INSERT … SELECT`` each, in the order of their keys, into a temporary copy of its table
    with the same indexes (rows read beforehand into a temporary table without index, not
    timed). No WAL, no JSON, no round trip, no Python: whatever the pipeline does before, it
    cannot store these rows faster, so entries over these seconds is a ceiling on its rate."""
    from django.db import connection, transaction

    from ocim.watch.models import Item, ItemConcept, ItemSighting
    from ocim.watch.models.search import ItemSearchIndex

    if connection.vendor != "postgresql":
        return None
    models = [
        Item,
        ItemSighting,
        ItemConcept,
        *(getattr(Item, name).through for name in _M2M_LINKS),
        ItemSearchIndex,
    ]
    by_table: dict[str, tuple[int, float]] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for model in models:
            by_table[model._meta.db_table] = _copy_timed(cursor, model, logged=False)
        transaction.set_rollback(True)
    return _totals(by_table)


def _copy_timed(cursor, model, *, logged: bool) -> tuple[int, float]:
    """(rows, seconds) of inserting again every row of ``model``'s table, in key order, in one
    ``INSERT … SELECT`` into a copy with the same indexes: a temporary copy (no WAL), or an
    ordinary one (``logged``). The rows are read beforehand, not timed; both copies are
    dropped (the caller's transaction rolls back)."""
    table = model._meta.db_table
    key = model._meta.pk.column
    cursor.execute(
        f"CREATE TEMPORARY TABLE copy_rows AS SELECT * FROM {table} ORDER BY {key}"  # noqa: S608 - names from the models
    )
    kind = "" if logged else "TEMPORARY "
    cursor.execute(f"CREATE {kind}TABLE bench_copy (LIKE {table} INCLUDING ALL)")
    began = time.perf_counter()
    cursor.execute("INSERT INTO bench_copy SELECT * FROM copy_rows")
    timed = (cursor.rowcount, time.perf_counter() - began)
    cursor.execute("DROP TABLE copy_rows, bench_copy")
    return timed


def _totals(by_table: dict[str, tuple[int, float]]) -> dict:
    return {
        "rows": sum(rows for rows, _seconds in by_table.values()),
        "seconds": sum(seconds for _rows, seconds in by_table.values()),
        "by_table": by_table,
    }


def _lean_storage_floor() -> dict | None:
    """What the database costs, with its WAL, for the leanest storage we know that still
    serves what the issue asks of the stored rows (PostgreSQL), for the rows a pass stored:

    - each item as stored now (its indexes serve the deduplication by link, the story bands,
      the stream and the filters), plus every classification link as one tagged id in a
      ``bigint[]`` column with a single GIN index, instead of about 35 link rows with their
      keys: the cheapest form measured (ADR 0002);
    - its sightings and its search row as now (the search vector's GIN index).

    Inserted in one ``INSERT … SELECT`` per table, in key order, into ordinary (logged)
    tables created for the purpose, then rolled back: no JSON, no round trip, no Python, no
    commit (rows prepared beforehand, not timed). Production tables are logged: a crash must
    not lose what was stored, so the WAL is part of any design's cost."""
    from django.db import connection, transaction

    from ocim.watch.models import Item, ItemConcept, ItemSighting
    from ocim.watch.models.search import ItemSearchIndex

    if connection.vendor != "postgresql":
        return None
    items = Item._meta.db_table
    # Every link as one id tagged with its kind in the high bits (concept, family, region,
    # department, actor): one GIN index serves every filter.
    concept_links = ItemConcept._meta
    links = [
        (
            concept_links.db_table,
            concept_links.get_field("item").column,
            concept_links.get_field("concept").column,
        )
    ]
    for name in _M2M_LINKS:
        field = Item._meta.get_field(name)
        through = field.remote_field.through._meta
        links.append(
            (
                through.db_table,
                through.get_field(field.m2m_field_name()).column,
                through.get_field(field.m2m_reverse_field_name()).column,
            )
        )
    tagged = [
        # Regions and departments are keyed by their code: every key becomes a number the
        # same way (an integer key of the array's design would cost the same).
        f"SELECT {item} AS item_id, ({kind}::bigint << 40) "  # noqa: S608 - names from the models
        f"+ (hashtext({column}::text)::bigint & 4294967295) AS tag FROM {table}"
        for kind, (table, item, column) in enumerate(links)
    ]
    by_table: dict[str, tuple[int, float]] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE lean_links AS SELECT item_id, array_agg(tag ORDER BY tag) "  # noqa: S608 - names from the models
            f"AS tags FROM ({' UNION ALL '.join(tagged)}) AS links GROUP BY item_id"
        )
        cursor.execute(
            f"CREATE TEMPORARY TABLE lean_rows AS SELECT item.*, lean_links.tags FROM {items} "  # noqa: S608 - names from the models
            "AS item LEFT JOIN lean_links ON lean_links.item_id = item.id ORDER BY item.id"
        )
        cursor.execute(f"CREATE TABLE bench_lean_item (LIKE {items} INCLUDING ALL)")
        cursor.execute("ALTER TABLE bench_lean_item ADD COLUMN classification bigint[]")
        cursor.execute(
            "CREATE INDEX bench_lean_item_classification ON bench_lean_item "
            "USING gin (classification)"
        )
        began = time.perf_counter()
        cursor.execute("INSERT INTO bench_lean_item SELECT * FROM lean_rows")
        by_table["items with their classification"] = (
            cursor.rowcount,
            time.perf_counter() - began,
        )
        for model, label in ((ItemSighting, "sightings"), (ItemSearchIndex, "search index")):
            by_table[label] = _copy_timed(cursor, model, logged=True)
        transaction.set_rollback(True)
    return _totals(by_table)


class _StatementCounter:
    """Counts the SQL statements the pipeline sends (a database execute wrapper: no debug
    cursor, negligible cost)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class _Stages:
    """Wall time spent in each step of the pipeline (module functions wrapped while a pass
    runs; a wrapper costs about a microsecond a call)."""

    STEPS = [
        ("ingest", "feed_parse", "parse (decode, make safe, fastfeedparser)"),
        ("ingest", "entry_identify", "identify (GUID, canonical link, hashes)"),
        ("ingest", "entry_normalise", "normalise (sanitise, plain text, date, language)"),
        ("ingest._Storage", "_item", "item rows (+ MinHash signature)"),
        ("ingest._Storage", "_classify", "classify"),
        ("ingest", "stories_assign", "near-duplicates (candidates, stories)"),
        ("ingest", "classification_rows", "classification link rows"),
        ("ingest", "stories_grow", "story counts"),
        ("search", "index_rows_new", "search index (stems, vectors)"),
        ("ingest", "ids_reserve", "item ids (PostgreSQL sequence)"),
        ("ingest", "rows_write", "store items, sightings, links, search rows"),
    ]

    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)
        self._saved = []

    def __enter__(self):
        import importlib

        for module_path, name, label in self.STEPS:
            module_name, _, owner_name = module_path.partition(".")
            module = importlib.import_module(
                "ocim.watch.search"
                if module_name == "search"
                else f"ocim.watch.pipeline.{module_name}"
            )
            owner = getattr(module, owner_name) if owner_name else module
            original = getattr(owner, name)
            self._saved.append((owner, name, original))
            setattr(owner, name, self._wrap(original, label))
        return self

    def __exit__(self, *exc):
        for owner, name, original in reversed(self._saved):
            setattr(owner, name, original)

    def _wrap(self, function, label):
        seconds = self.seconds

        def timed(*args, **kwargs):
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                seconds[label] += time.perf_counter() - began

        return timed


def _feed_ingest(feed, source, *, at) -> dict:
    """``feed`` ingested as the fetcher ingests a document; what its report says, or the
    parse error's code."""
    from ocim.watch.pipeline.errors import FeedParseError
    from ocim.watch.pipeline.ingest import source_document_ingest

    try:
        report = source_document_ingest(
            source=source,
            body=feed.body,
            content_type=feed.content_type,
            encoding=None,
            final_url=source.url,
            fetched_at=at,
        )
    except FeedParseError as error:
        return {"error": error.code}
    return {
        "entries": report.entries_read,
        "new_items": report.new_items,
        "new_sightings": report.new_sightings,
        "duplicates": report.duplicates,
        "too_old": report.too_old,
        "problems": len(report.problems),
        "parser": report.parser,
    }


def _ingest_pass(corpus, sources, *, at, stages: _Stages | None = None, baseline=None) -> dict:
    """Ingest every feed; with ``baseline`` (a parse function), time it on each well-formed
    XML feed right before the pipeline reads that feed: both see the same load on a shared
    machine, which two separate passes minutes apart do not."""
    from django.db import connection

    outcome = {}
    statements = []
    counter = _StatementCounter()
    wall_by_feed = {}
    baseline_by_feed: dict[str, tuple[float, int]] = {}
    cpu_began = time.process_time()
    began = time.perf_counter()
    with connection.execute_wrapper(counter), stages or contextlib.nullcontext():
        for feed in corpus.feeds:
            source = sources[f"https://{feed.name}.example.org/feed"]
            if baseline is not None and not feed.malformed and feed.format != "json":
                parse_began = time.perf_counter()
                parsed_entries = len(baseline(feed.body).entries)
                baseline_by_feed[feed.name] = (time.perf_counter() - parse_began, parsed_entries)
            before = counter.count
            feed_began = time.perf_counter()
            outcome[feed.name] = _feed_ingest(feed, source, at=at)
            wall_by_feed[feed.name] = time.perf_counter() - feed_began
            statements.append(counter.count - before)
    baseline_seconds = sum(seconds for seconds, _entries in baseline_by_feed.values())
    return {
        "baseline_by_feed": baseline_by_feed,
        "seconds": time.perf_counter() - began - baseline_seconds,
        "cpu_seconds": time.process_time() - cpu_began,
        "outcome": outcome,
        "wall_by_feed": wall_by_feed,
        "statements_max": max(statements),
        "statements_mean": statistics.mean(statements),
    }


def _items_clear() -> None:
    """Every item, sighting, story, link and search row deleted (the sources, rules, thesaurus
    and actors stay): the corpus is new again for the next pass."""
    from django.db import connection

    from ocim.watch.models import Item, ItemConcept, ItemSighting, Story
    from ocim.watch.models.search import ItemSearchIndex

    tables = [
        Item._meta.db_table,
        ItemSighting._meta.db_table,
        Story._meta.db_table,
        ItemConcept._meta.db_table,
        ItemSearchIndex._meta.db_table,
        *(getattr(Item, name).through._meta.db_table for name in _M2M_LINKS),
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        cursor.execute("ANALYZE")


_M2M_LINKS = ("families", "regions", "departments", "actors")


def _ingest_threaded(corpus, sources, *, at, threads: int) -> dict:
    """Every feed ingested as one worker process of the fetcher ingests them: ``threads``
    threads (``OCIM_WATCH_FETCH_THREADS``), each with its own database connection, taking the
    next document when done. PostgreSQL only (a SQLite file takes one writer at a time).
    Documents are handed out largest first, so that no thread starts a 5 MB feed last."""
    import queue
    import threading

    from django.db import connection

    work: queue.SimpleQueue = queue.SimpleQueue()
    for feed in sorted(corpus.feeds, key=lambda feed: len(feed.body), reverse=True):
        work.put(feed)
    outcome: dict[str, dict] = {}
    failures: list[str] = []

    def worker():
        try:
            while True:
                try:
                    feed = work.get_nowait()
                except queue.Empty:
                    return
                source = sources[f"https://{feed.name}.example.org/feed"]
                try:
                    outcome[feed.name] = _feed_ingest(feed, source, at=at)
                except Exception as error:
                    failures.append(f"{feed.name}: {type(error).__name__}: {error}")
        finally:
            connection.close()

    cpu_began = time.process_time()
    began = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return {
        "threads": threads,
        "seconds": time.perf_counter() - began,
        "cpu_seconds": time.process_time() - cpu_began,
        "entries": sum(o.get("entries", 0) for o in outcome.values()),
        "new_items": sum(o.get("new_items", 0) for o in outcome.values()),
        "new_sightings": sum(o.get("new_sightings", 0) for o in outcome.values()),
        "failures": failures,
    }


def _relays(corpus) -> dict:
    from ocim.watch.models import Item
    from ocim.watch.pipeline.urls import text_hash, url_canonical

    found = partial = missed = 0
    for group in corpus.relay_groups:
        hashes = {text_hash(url_canonical(link)) for _feed, link in group}
        items = list(Item.objects.filter(url_hash__in=hashes).values_list("pk", "story_id"))
        stories = {story for _pk, story in items}
        if len(items) < 2:
            # The relays shared the original's link (tracking parameters aside): one item,
            # several sightings — deduplicated before any story is needed.
            found += 1
        elif None not in stories and len(stories) == 1:
            found += 1
        elif stories - {None}:
            partial += 1
        else:
            missed += 1
    from ocim.watch.models import Story

    # The story each stored link tells (an original and its relays share one); a story of
    # the pipeline mixes unrelated items when its items tell more than one.
    told = {text_hash(url_canonical(link)): original for link, original in corpus.story_of.items()}
    mixed = 0
    for story in Story.objects.prefetch_related("items"):
        if len({told.get(item.url_hash, item.pk) for item in story.items.all()}) > 1:
            mixed += 1
    return {
        "groups": len(corpus.relay_groups),
        "found": found,
        "partial": partial,
        "missed": missed,
        "stories": Story.objects.count(),
        "stories_mixing_unrelated_items": mixed,
    }


def run(args) -> dict:
    import django

    # Before anything runs: the load average says whether the machine was quiet.
    facts = machine_facts()
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    seeded = _seed(args.actors)
    corpus = corpus_generate(seed=args.seed, feeds=args.feeds, scale=args.scale)
    sources = _sources(corpus)
    well_formed_xml = [f for f in corpus.feeds if not f.malformed and f.format != "json"]
    size_class = {feed.name: feed.size_class for feed in corpus.feeds}
    connection.close()

    import fastfeedparser
    import feedparser

    parsers = {}
    print("fastfeedparser…", flush=True)
    parsers["fastfeedparser"] = _time_parser(fastfeedparser.parse, well_formed_xml)
    with contextlib.suppress(ImportError):
        import feedparser_rs

        print("feedparser-rs…", flush=True)
        parsers["feedparser-rs"] = _time_parser(
            lambda body: feedparser_rs.parse(body, sanitize_html=False), well_formed_xml
        )

    print("lower bound (parse, one sanitiser pass, bare COPY)…", flush=True)
    floor = _lower_bound(well_formed_xml)
    connection.close()

    from ocim.watch.pipeline.classify import classifier_current

    classifier_current()  # built once per worker process, not per document
    print("pipeline, new entries…", flush=True)
    stages = _Stages()
    first = _ingest_pass(corpus, sources, at=FETCHED_AT, stages=stages, baseline=feedparser.parse)
    paired = first["baseline_by_feed"]
    parsers = {
        "feedparser": (
            sum(seconds for seconds, _entries in paired.values()),
            sum(entries for _seconds, entries in paired.values()),
            {name: entries for name, (_seconds, entries) in paired.items()},
        ),
        **parsers,
    }
    print("the database alone, the same rows…", flush=True)
    ceiling = _database_ceiling()
    print("the database alone, the leanest storage with its WAL…", flush=True)
    lean = _lean_storage_floor()
    print("pipeline, same documents again…", flush=True)
    again = _ingest_pass(corpus, sources, at=FETCHED_AT + dt.timedelta(hours=1))
    relays = _relays(corpus)
    threaded = None
    if connection.vendor == "postgresql" and args.threads > 1:
        print(f"pipeline, new entries again, one process with {args.threads} threads…", flush=True)
        _items_clear()
        threaded = _ingest_threaded(corpus, sources, at=FETCHED_AT, threads=args.threads)

    baseline_seconds, baseline_entries, baseline_counts = parsers["feedparser"]
    mismatches = []
    for feed in corpus.feeds:
        result = first["outcome"][feed.name]
        if feed.malformed:
            continue
        expected = baseline_counts[feed.name] if feed.format != "json" else feed.entries
        if result.get("entries") != expected:
            mismatches.append((feed.name, feed.format, expected, result))
    xml_names = {feed.name for feed in well_formed_xml}
    pipeline_xml_entries = sum(first["outcome"][name]["entries"] for name in xml_names)
    pipeline_xml_seconds = sum(first["wall_by_feed"][name] for name in xml_names)
    by_class = {}
    for label in ("small", "medium", "large"):
        names = [n for n in xml_names if size_class[n] == label]
        fp_seconds = sum(paired[n][0] for n in names) if names else None
        entries = sum(first["outcome"][n]["entries"] for n in names)
        seconds = sum(first["wall_by_feed"][n] for n in names)
        by_class[label] = {
            "feeds": len(names),
            "entries": entries,
            "pipeline_seconds": seconds,
            "feedparser_seconds": fp_seconds,
            "ratio": (entries / seconds) / (entries / fp_seconds)
            if entries and fp_seconds
            else None,
        }
    malformed = {
        feed.name: (feed.malformed, first["outcome"][feed.name])
        for feed in corpus.feeds
        if feed.malformed
    }
    report = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": facts,
        "database": connection.vendor,
        "database_version": ".".join(map(str, connection.Database.sqlite_version_info))
        if connection.vendor == "sqlite"
        else connection.cursor().connection.info.server_version,
        "seeded": seeded,
        "corpus": {
            "feeds": len(corpus.feeds),
            "bytes": sum(len(feed.body) for feed in corpus.feeds),
            "smallest": min(len(f.body) for f in corpus.feeds if not f.malformed),
            "largest": max(len(f.body) for f in corpus.feeds if not f.malformed),
            "entries": sum(feed.entries for feed in corpus.feeds),
            "formats": Counter(feed.format for feed in corpus.feeds),
            "languages": Counter(feed.language for feed in corpus.feeds),
            "malformed": Counter(feed.malformed for feed in corpus.feeds if feed.malformed),
            "well_formed_xml_feeds": len(well_formed_xml),
        },
        "parsers": {
            name: {"seconds": seconds, "entries": entries, "entries_per_second": entries / seconds}
            for name, (seconds, entries, _counts) in parsers.items()
        },
        "pipeline_xml": {
            "seconds": pipeline_xml_seconds,
            "entries": pipeline_xml_entries,
            "entries_per_second": pipeline_xml_entries / pipeline_xml_seconds,
        },
        "pipeline_all": {
            key: first[key]
            for key in ("seconds", "cpu_seconds", "statements_max", "statements_mean")
        }
        | {"entries": sum(o.get("entries", 0) for o in first["outcome"].values())},
        "pipeline_again": {
            key: again[key]
            for key in ("seconds", "cpu_seconds", "statements_max", "statements_mean")
        }
        | {"entries": sum(o.get("entries", 0) for o in again["outcome"].values())},
        "new_items": sum(o.get("new_items", 0) for o in first["outcome"].values()),
        "new_sightings": sum(o.get("new_sightings", 0) for o in first["outcome"].values()),
        "by_class": by_class,
        "mismatches": mismatches,
        "malformed": malformed,
        "relays": relays,
        "threaded": threaded,
        "stages": dict(stages.seconds),
        "lower_bound": floor,
        "database_ceiling": ceiling,
        "lean_storage_floor": lean,
    }
    report["ratio"] = (
        report["pipeline_xml"]["entries_per_second"]
        / report["parsers"]["feedparser"]["entries_per_second"]
    )
    del baseline_seconds, baseline_entries
    return report


def table(report: dict) -> str:
    fp = report["parsers"]["feedparser"]["entries_per_second"]
    lines = [
        "| what (well-formed XML feeds unless said) | entries | seconds | entries/s |"
        " × feedparser |",
        "|---|---:|---:|---:|---:|",
    ]
    labels = {
        "feedparser": "feedparser, parsing alone (baseline)",
        "fastfeedparser": "fastfeedparser, parsing alone",
        "feedparser-rs": "feedparser-rs, parsing alone (not used)",
    }
    for name, figures in report["parsers"].items():
        lines.append(
            f"| {labels[name]} | {figures['entries']:,} | {figures['seconds']:.2f} | "
            f"{figures['entries_per_second']:,.0f} | {figures['entries_per_second'] / fp:.1f} |"
        )
    xml = report["pipeline_xml"]
    lines.append(
        f"| **whole pipeline**, new entries | {xml['entries']:,} | {xml['seconds']:.2f} | "
        f"{xml['entries_per_second']:,.0f} | **{report['ratio']:.1f}** |"
    )
    for key, label in (
        ("pipeline_all", "whole pipeline, every feed (JSON Feed and malformed too)"),
        ("pipeline_again", "whole pipeline, the same documents again (nothing new)"),
    ):
        figures = report[key]
        rate = figures["entries"] / figures["seconds"]
        lines.append(
            f"| {label} | {figures['entries']:,} | {figures['seconds']:.2f} | {rate:,.0f} | "
            f"{rate / fp:.1f} |"
        )
    threaded = report.get("threaded")
    if threaded:
        rate = threaded["entries"] / threaded["seconds"]
        lines.append(
            f"| whole pipeline, every feed, one worker process with {threaded['threads']} "
            f"threads as the fetcher runs it (each its own connection) | "
            f"{threaded['entries']:,} | {threaded['seconds']:.2f} | {rate:,.0f} | "
            f"{rate / fp:.1f} |"
        )
    floor = report.get("lower_bound")
    if floor and floor["entries"]:
        rate = floor["entries"] / floor["seconds"]
        lines.append(
            f"| lower bound: fastfeedparser, one sanitiser pass, CLD2, bare `COPY` (parse "
            f"{floor['parse']:.2f} s, sanitise {floor['clean']:.2f} s, language "
            f"{floor['language']:.2f} s, store "
            f"{floor['store']:.2f} s) | {floor['entries']:,} | {floor['seconds']:.2f} | "
            f"{rate:,.0f} | {rate / fp:.1f} |"
        )
    ceiling = report.get("database_ceiling")
    if ceiling:
        entries = report["pipeline_all"]["entries"]
        rate = entries / ceiling["seconds"]
        lines.append(
            f"| ceiling set by the database alone: the {ceiling['rows']:,} rows this pass "
            "stored (items, sightings, links, search index), inserted table by table into "
            "copies with the same indexes, without WAL, JSON, round trips or Python | "
            f"{entries:,} | {ceiling['seconds']:.2f} | {rate:,.0f} | {rate / fp:.1f} |"
        )
    design_floor = _design_floor(report)
    if design_floor:
        lines.append(
            f"| floor of any design, one core: the compiled steps ({design_floor['parser']} "
            f"{design_floor['parse']:.2f} s, one sanitiser pass {floor['clean']:.2f} s, CLD2 "
            f"{floor['language']:.2f} s) and the database's work, with its WAL, for the same "
            f"items stored the leanest way we know (classification as one GIN-indexed array: "
            f"{design_floor['database']:.2f} s); nothing else | {design_floor['entries']:,} | "
            f"{design_floor['seconds']:.2f} | {design_floor['rate']:,.0f} | "
            f"{design_floor['rate'] / fp:.1f} (both cores busy: at most "
            f"{2 * design_floor['rate'] / fp:.1f}) |"
        )
    lines += ["", "| feeds by size | feeds | entries | pipeline s | feedparser s | × feedparser |"]
    lines.append("|---|---:|---:|---:|---:|---:|")
    for label, figures in report["by_class"].items():
        if not figures["feeds"]:
            continue
        lines.append(
            f"| {label} | {figures['feeds']} | {figures['entries']:,} | "
            f"{figures['pipeline_seconds']:.2f} | {figures['feedparser_seconds']:.2f} | "
            f"{figures['ratio']:.1f} |"
        )
    entries = report["pipeline_all"]["entries"]
    total = report["pipeline_all"]["seconds"]
    lines += [
        "",
        "| step of the pipeline (every feed, new entries) | seconds | µs per entry | share |",
    ]
    lines.append("|---|---:|---:|---:|")
    measured = 0.0
    for label, seconds in sorted(report["stages"].items(), key=lambda pair: -pair[1]):
        measured += seconds
        lines.append(
            f"| {label} | {seconds:.2f} | {seconds / entries * 1e6:,.0f} | {seconds / total:.0%} |"
        )
    rest = total - measured
    lines.append(
        "| the rest: look-ups, source facts, savepoints, commits (deferred key checks) | "
        f"{rest:.2f} | "
        f"{rest / entries * 1e6:,.0f} | {rest / total:.0%} |"
    )
    return "\n".join(lines)


def _design_floor(report: dict) -> dict | None:
    """The compiled steps of the lower bound (per entry of the well-formed XML feeds) and the
    leanest storage's database time (per entry of the whole pass), summed per entry: what any
    pipeline spends on one core before its own work, whatever it is written in."""
    floor, lean = report.get("lower_bound"), report.get("lean_storage_floor")
    if not floor or not floor["entries"] or not lean:
        return None
    # The fastest parser measured on the same feeds (feedparser-rs when installed).
    fast = [
        figures
        for name, figures in report["parsers"].items()
        if name in ("fastfeedparser", "feedparser-rs")
    ]
    parser = min(fast, key=lambda figures: figures["seconds"] / figures["entries"])
    parse = parser["seconds"] / parser["entries"]
    compiled = parse + (floor["clean"] + floor["language"]) / floor["entries"]
    database = lean["seconds"] / report["pipeline_all"]["entries"]
    entries = floor["entries"]
    seconds = (compiled + database) * entries
    return {
        "entries": entries,
        "seconds": seconds,
        "parse": parse * entries,
        "parser": next(name for name, figures in report["parsers"].items() if figures is parser),
        "database": database * entries,
        "rate": entries / seconds,
    }


def summary(report: dict) -> str:
    corpus = report["corpus"]
    relays = report["relays"]
    outcomes = Counter(
        "entries" if "entries" in result else result["error"]
        for _kind, result in report["malformed"].values()
    )
    return (
        f"Corpus: {corpus['feeds']} feeds, {corpus['bytes'] / 1e6:.1f} MB, "
        f"{corpus['smallest'] / 1e3:.1f} KB to {corpus['largest'] / 1e6:.2f} MB, "
        f"{corpus['entries']:,} entries; formats {dict(corpus['formats'])}; languages "
        f"{dict(corpus['languages'])}; {sum(corpus['malformed'].values())} malformed "
        f"({dict(corpus['malformed'])}). Seeded: {report['seeded']['actors']:,} actors, "
        f"{report['seeded']['concepts']} concepts, {report['seeded']['rules']} rules, every "
        "region, department and commune.\n\n"
        f"Checks: {len(report['mismatches'])} well-formed feeds where the pipeline read another "
        f"number of entries than feedparser (or than written, for JSON Feed); malformed feeds "
        f"ended as {dict(outcomes)}; {report['new_items']:,} items and "
        f"{report['new_sightings']:,} sightings of relayed links stored. Relays: "
        f"{relays['found']} of {relays['groups']} groups in one story (or one item), "
        f"{relays['partial']} partly, {relays['missed']} missed; {relays['stories']} stories, "
        f"{relays['stories_mixing_unrelated_items']} mixing unrelated items. SQL statements "
        f"per document: at most {report['pipeline_all']['statements_max']} "
        f"(mean {report['pipeline_all']['statements_mean']:.1f}); again: at most "
        f"{report['pipeline_again']['statements_max']}. CPU of the benchmark process: "
        f"{report['pipeline_all']['cpu_seconds']:.1f} s of "
        f"{report['pipeline_all']['seconds']:.1f} s (the rest: the database)."
        + _threaded_summary(report)
        + _ceiling_summary(report)
    )


def _ceiling_summary(report: dict) -> str:
    ceiling = report.get("database_ceiling")
    if not ceiling:
        return ""
    entries = report["pipeline_all"]["entries"]
    parts = [
        f"{table.removeprefix('watch_')} {rows:,} rows {seconds / entries * 1e6:,.0f} µs"
        for table, (rows, seconds) in sorted(
            ceiling["by_table"].items(), key=lambda pair: -pair[1][1]
        )
    ]
    text = " The database alone, per entry: " + ", ".join(parts) + "."
    lean = report.get("lean_storage_floor")
    if lean:
        parts = [
            f"{label} {rows:,} rows {seconds / entries * 1e6:,.0f} µs"
            for label, (rows, seconds) in lean["by_table"].items()
        ]
        text += " The leanest storage, with its WAL, per entry: " + ", ".join(parts) + "."
    return text


def _threaded_summary(report: dict) -> str:
    threaded = report.get("threaded")
    if not threaded:
        return ""
    failures = threaded["failures"]
    return (
        f" With {threaded['threads']} threads: {threaded['new_items']:,} items and "
        f"{threaded['new_sightings']:,} sightings stored, {len(failures)} documents failed"
        + (f" ({'; '.join(failures[:3])})" if failures else "")
        + f"; CPU of the process {threaded['cpu_seconds']:.1f} s of "
        f"{threaded['seconds']:.1f} s."
    )


def record(report: dict, markdown: str) -> None:
    facts = report["machine"]
    latest = "\n".join(
        [
            START_MARK,
            f"Run of {report['date']} on {facts['cpus']} CPU(s) ({facts['cpu_model']}), "
            f"{facts['os']}; Python {facts['python']}, Django {facts['django']}, "
            f"{report['database']} {report['database_version']}; load average before the run: "
            f"{facts['load_average_1min']}.",
            "",
            markdown,
            "",
            summary(report),
            END_MARK,
        ]
    )
    history = (
        f"| {report['date']} | {facts['load_average_1min']} | {report['database']} | "
        f"{report['parsers']['feedparser']['entries_per_second']:,.0f} | "
        f"{report['pipeline_xml']['entries_per_second']:,.0f} | {report['ratio']:.1f} |"
    )
    doc_update(DOC, marks=(START_MARK, END_MARK, HISTORY_MARK), latest=latest, history_line=history)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432"),
    )
    parser.add_argument("--database", default="ocim_bench_watch_ingest")
    parser.add_argument("--sqlite", action="store_true", help="a throw-away SQLite file instead")
    parser.add_argument("--feeds", type=int, default=320)
    parser.add_argument("--scale", type=float, default=1.0, help="entries per feed × this")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--actors", type=int, default=5000)
    parser.add_argument(
        "--threads",
        type=int,
        default=8,
        help="threads of the pass run as one fetch worker (PostgreSQL; 1 to skip it)",
    )
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--no-record", action="store_true", help="do not update docs/benchmarks.md")
    # Accepted for bench/run_all.py, which passes the same options to every script.
    parser.add_argument("--seconds", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    os.environ["DJANGO_SETTINGS_MODULE"] = "ocim.settings.bench"
    os.environ.pop("REDIS_URL", None)
    temporary = None
    if args.sqlite:
        temporary = tempfile.TemporaryDirectory(prefix="watch-ingest-")
        os.environ["DATABASE_URL"] = f"sqlite:///{temporary.name}/bench.sqlite3"
    else:
        database_recreate(args.server, args.database)
        os.environ["DATABASE_URL"] = database_url(args.server, args.database)
    try:
        report = run(args)
    finally:
        if not args.sqlite and not args.keep_database:
            from django.db import connections

            connections.close_all()
            database_drop(args.server, args.database)
        if temporary is not None:
            temporary.cleanup()
    markdown = table(report)
    print()
    print(markdown)
    print()
    print(summary(report))
    for mismatch in report["mismatches"][:10]:
        print("mismatch:", mismatch)
    RESULTS.mkdir(exist_ok=True)
    stamp = report["date"].replace(" ", "_").replace(":", "")
    (RESULTS / f"watch_ingest-{stamp}.json").write_text(json.dumps(report, indent=2, default=str))
    if not args.no_record:
        record(report, markdown)
    if report["mismatches"]:
        return 1
    return 0 if report["ratio"] >= GOAL else 2


if __name__ == "__main__":
    sys.exit(main())

"""The watch's staff reading view and its search index at full size, in-process.

Two questions, each against a baseline measured in the same run:

1. *Index*: what does ``items_index`` (the full-text index the pipeline writes after it stores
   items) cost, in batches of ``--batch`` items as the pipeline would call it, compared with
   storing the same items and their sightings (``bulk_create``, the pipeline's own write)?
2. *Reading view*: how long does a page of the stream take (filters, search, deep pages) with
   ``--items`` items, compared with the sources' list of the same admin (a plain Wagtail
   listing of 50 rows)?

Run on its own, never by the test suite::

    python bench/watch_reading_bench.py                       # PostgreSQL, 100,000 items
    python bench/watch_reading_bench.py --engine sqlite --items 20000

The script creates its own database (PostgreSQL ``--database``, default ``ocim_bench_wui``; or
a SQLite file in a temporary folder), migrates it, generates ``--sources`` sources and
``--items`` items in French, English and German (titles, summaries and contents built from
sentence pieces, a fifth of the items carried by a second source, a concept on a third of
them), then measures. Each page is asked ``--requests`` times through Django's test client as
a logged-in curator (the whole middleware stack, no HTTP server) after a warm-up. The database
is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.registration_bench import (  # noqa: E402  (needs the path above)
    database_drop,
    database_recreate,
    database_url,
    django_setup,
    postgres_version,
)

FRENCH = [
    "Le muséum d'histoire naturelle ouvre ses réserves au public",
    "Une exposition temporaire consacrée aux minéraux fluorescents",
    "Les centres de culture scientifique accueillent les scolaires",
    "La numérisation de l'herbier rend les planches consultables en ligne",
    "Un appel à projets soutient la médiation scientifique en région",
    "Les chercheuses et chercheurs de l'université animent des ateliers",
    "Le planétarium itinérant visite les collèges ruraux",
    "La restitution de restes humains suit une recherche de provenance",
    "Le plan de sobriété énergétique réduit la consommation des réserves",
    "Les écomusées associent les habitants à la collecte du patrimoine",
    "La fréquentation des musées repart à la hausse cette année",
    "Un escape game sur le climat pour la Fête de la science",
]
ENGLISH = [
    "Science centres reach rural audiences with travelling exhibitions",
    "Digitised herbaria help date flowering seasons over two centuries",
    "Museums share lessons on the repatriation of ancestral remains",
    "Interactive exhibits about artificial intelligence draw record crowds",
    "Citizen science programmes count garden birds across the country",
    "Energy savings in museum storage without harming collections",
]
GERMAN = [
    "Das Naturkundemuseum zeigt neue Sammlungen zur Evolution",
    "Wissenschaftszentren laden Familien zu Experimenten ein",
]
LANGUAGES = [("fr", FRENCH, 0.7), ("en", ENGLISH, 0.25), ("de", GERMAN, 0.05)]
# (label, query string); "source" and "concept" are filled in with ids of the seeded data.
PAGES = [
    ("stream, page 1", ""),
    ("stream, page 100", "p=100"),
    ("search: musée (frequent)", "q=musée"),
    ("search: herbier numérisé", "q=herbier+numérisé"),
    ("search: exhibitions (English)", "q=exhibitions"),
    ("filter: one source", "source={source}"),
    ("filter: one concept", "concept={concept}"),
    ("filter: language + 30 days", "language=en&date_from={month_ago}"),
    ("search + source + language", "q=musée&source={source}&language=fr"),
]


def sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def text(rng: random.Random, pieces: list[str], sentences: int) -> str:
    return ". ".join(rng.choice(pieces) for _ in range(sentences)) + "."


def seed(*, sources: int, items: int, batch: int, rng: random.Random) -> dict:
    """Sources, items (with their sightings and some concepts) inserted in bulk, timed: the
    baseline of the index's cost. Returns the timings and a few ids for the pages."""
    from django.db import transaction
    from django.utils import timezone

    from ocim.core.models import Concept
    from ocim.watch.models import ConceptOrigin, Item, ItemConcept, ItemSighting, Source

    now = timezone.now()
    source_rows = Source.objects.bulk_create(
        Source(title=f"Source {n}", url=f"https://source-{n}.example/flux.xml")
        for n in range(sources)
    )
    concepts = list(
        Concept.objects.bulk_create(
            Concept(slug=f"concept-{n}", label_fr=f"Concept {n}", label_en=f"Concept {n}")
            for n in range(20)
        )
    )
    weights = [weight for _code, _pieces, weight in LANGUAGES]
    store_seconds = 0.0
    ids: list[int] = []
    for start in range(0, items, batch):
        rows, sightings, links = [], [], []
        for number in range(start, min(start + batch, items)):
            code, pieces, _weight = rng.choices(LANGUAGES, weights=weights)[0]
            source = rng.choice(source_rows)
            url = f"https://source-{source.pk}.example/articles/{number}"
            published = now - dt.timedelta(minutes=rng.randint(0, 365 * 24 * 60))
            rows.append(
                Item(
                    source=source,
                    guid=url,
                    url=url,
                    canonical_url=url,
                    url_hash=sha(url),
                    title=text(rng, pieces, 1)[:-1] + f" ({number})",
                    summary=text(rng, pieces, 2),
                    content_text=text(rng, pieces, rng.randint(4, 30)),
                    published_at=published,
                    first_seen_at=published,
                    language=code,
                )
            )
        began = time.perf_counter()
        with transaction.atomic():
            created = Item.objects.bulk_create(rows)
            for item in created:
                sightings.append(
                    ItemSighting(
                        item=item,
                        source_id=item.source_id,
                        guid_hash=sha(item.guid),
                        url=item.url,
                        seen_at=item.first_seen_at,
                    )
                )
                if rng.random() < 0.2:
                    other = rng.choice(source_rows)
                    if other.pk != item.source_id:
                        sightings.append(
                            ItemSighting(
                                item=item,
                                source=other,
                                guid_hash=sha(f"{other.pk}:{item.guid}"),
                                url=item.url,
                                seen_at=item.first_seen_at,
                            )
                        )
                if rng.random() < 0.33:
                    links.append(
                        ItemConcept(
                            item=item, concept=rng.choice(concepts), origin=ConceptOrigin.RULE
                        )
                    )
            ItemSighting.objects.bulk_create(sightings)
            ItemConcept.objects.bulk_create(links)
        store_seconds += time.perf_counter() - began
        ids += [item.pk for item in created]
    return {
        "store_seconds": store_seconds,
        "ids": ids,
        "source": source_rows[0].pk,
        "concept": concepts[0].pk,
    }


def index_all(ids: list[int], batch: int) -> float:
    from django.db import transaction

    from ocim.watch.search import items_index

    began = time.perf_counter()
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            items_index(ids[start : start + batch])
    return time.perf_counter() - began


def analyse() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


def curator_client():
    from django.test import Client

    from ocim.accounts.roles import role_group, roles_ensure
    from ocim.accounts.tests.factories import UserFactory

    roles_ensure()
    user = UserFactory()
    user.groups.add(role_group("watch-curator"))
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user)
    return client


def measure(client, path: str, requests: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    timings = []
    for _ in range(requests):
        began = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - began) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    timings.sort()
    return {
        "p50": statistics.median(timings),
        "p95": timings[max(int(len(timings) * 0.95) - 1, 0)],
        "queries": len(queries.captured_queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="ocim_bench_wui")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--batch", type=int, default=200, help="items per index call")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    # Accepted for bench/run_all.py, which passes the same options to every script (this one
    # prints its figures and records nothing).
    parser.add_argument("--seconds", type=float, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--no-record", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()

    folder = None
    if arguments.engine == "postgres":
        database_recreate(arguments.postgres, arguments.database)
        url = database_url(arguments.postgres, arguments.database)
    else:
        folder = tempfile.TemporaryDirectory()
        url = f"sqlite:///{folder.name}/bench.sqlite3"
    try:
        django_setup(
            {
                "DJANGO_SETTINGS_MODULE": "ocim.settings.bench",
                "DATABASE_URL": url,
                "REDIS_URL": "",
                "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-" + os.urandom(16).hex()),
            }
        )
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone

        call_command("migrate", verbosity=0)
        rng = random.Random(arguments.seed)
        seeded = seed(
            sources=arguments.sources, items=arguments.items, batch=arguments.batch, rng=rng
        )
        index_seconds = index_all(seeded["ids"], arguments.batch)
        analyse()
        engine = (
            f"PostgreSQL {postgres_version(arguments.postgres)}"
            if connection.vendor == "postgresql"
            else f"SQLite {connection.Database.sqlite_version}"
        )
        load = Path("/proc/loadavg").read_text().split()[:3]
        print(
            f"{engine}; {arguments.items:,} items, {arguments.sources} sources; "
            f"batches of {arguments.batch}; load average {' '.join(load)}"
        )
        store, count = seeded["store_seconds"], len(seeded["ids"])
        print(f"{'step':46} {'s':>8} {'items/s':>10}")
        print(f"{'store items + sightings (bulk_create)':46} {store:8.1f} {count / store:10,.0f}")
        print(
            f"{'items_index (full-text index)':46} {index_seconds:8.1f} "
            f"{count / index_seconds:10,.0f}"
        )
        print(f"index / store: {index_seconds / store:.2f}×\n")

        client = curator_client()
        month_ago = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
        values = {"source": seeded["source"], "concept": seeded["concept"], "month_ago": month_ago}
        baseline = measure(client, "/admin/watch/sources/", arguments.requests)
        print(f"{'page':46} {'p50 ms':>8} {'p95 ms':>8} {'SQL':>5}")
        print(
            f"{'baseline: sources list (Wagtail listing)':46} {baseline['p50']:8.1f} "
            f"{baseline['p95']:8.1f} {baseline['queries']:5}"
        )
        for label, query in PAGES:
            path = "/admin/watch/items/" + ("?" + query.format(**values) if query else "")
            row = measure(client, path, arguments.requests)
            print(f"{label:46} {row['p50']:8.1f} {row['p95']:8.1f} {row['queries']:5}")
    finally:
        from django.db import connections

        connections.close_all()
        if arguments.engine == "postgres" and not arguments.keep:
            database_drop(arguments.postgres, arguments.database)
        if folder is not None:
            folder.cleanup()


if __name__ == "__main__":
    main()

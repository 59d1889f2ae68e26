"""La Lettre de l'Ocim at full size: article, issue and magazine pages and search, under gunicorn.

Run on its own (``make bench`` or ``python bench/publishing_bench.py``), never by the test
suite. Needs a PostgreSQL server (``--postgres``, trust or password in the URL); the script
creates its own database (``--database``, default ``ocim_bench_publishing``) and drops it at the
end. Every other database of the server is left alone.

1. Set-up (timed apart): create the database, ``migrate``, ``ocim_demo``, then
   ``publishing_bench_seed`` (2,000 issues of 10 articles and 10,000 news items by default,
   written in bulk, search index included).
2. gunicorn serves ``ocim.settings.bench`` (page cache on: ``OCIM_PAGE_CACHE_SECONDS`` 300,
   local-memory cache per worker) on a free 127.0.0.1 port.
3. Each URL is warmed up, then loaded for a fixed time with ``bench/http_bench.py``'s client,
   all in the same run as ``/bench/bare``: the bare view and the cached article by
   ``--concurrency`` threads (throughput), the others by ``--latency-concurrency`` threads (one
   per gunicorn worker by default, so their latency is the page's, not the backlog's):

   - the bare Django view;
   - an article behind the moving wall, as an anonymous outsider: answered from the page cache
     (checked: the answer says ``hit``);
   - articles uncached: each request the next of 10,000 articles with a query string never sent
     before (``?bench=<n>``, ignored by the page, passes the cache by): every figure a render;
   - issue pages uncached, the same way (table of contents of 10 articles);
   - the magazine index uncached, the same way (every issue is listed);
   - search: the publishing search if the URL ``publishing:search`` exists, else the site
     search, with a few queries in turn (never cached: they have a query string).
4. Goals (the run fails when one is missed, unless ``--no-goal``): cached article ≥ 60 % of the
   bare view's requests/s; uncached article p95 ≤ 100 ms; search p95 ≤ 50 ms.
5. Each URL is then fetched once in-process, queries counted.

Results go to bench/results/ (JSON) and docs/benchmarks.md (latest run + history line).
All traffic goes to 127.0.0.1 and every wait is bounded in time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import itertools
import json
import os
import random
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: make `bench` and `ocim` importable

from bench.http_bench import (  # noqa: E402  (needs the path above)
    HOST,
    Measure,
    doc_update,
    free_port,
    load,
    machine_facts,
    markdown_table,
    run_manage,
    wait_until_up,
)
from bench.registration_bench import (  # noqa: E402
    database_drop,
    database_recreate,
    database_url,
    django_setup,
    postgres_version,
    server_start,
    server_stop,
)

DOC = ROOT / "docs" / "benchmarks.md"
RESULTS_DIR = ROOT / "bench" / "results"
START_MARK = "<!-- publishing_bench:latest:start -->"
END_MARK = "<!-- publishing_bench:latest:end -->"
HISTORY_MARK = "<!-- publishing_bench:history:next -->"
DATABASE_PREFIX = "ocim_bench_"  # the only databases this script creates or drops
CACHE_HEADER = "X-Ocim-Page-Cache"
SEARCH_QUERIES = ["conservation", "médiation numérique", "herbier", "réserve climat", "musée"]
# Queries never asked before: this many measured, and as many others for the warm-up.
NEW_QUERIES = 2000
WARMUP_QUERIES = 400


# --- What to measure ---------------------------------------------------------------------------


@dataclass
class Target:
    key: str
    label: str
    paths: list[str]  # requested in turn; one path = the same URL every time
    cached: bool = False  # the answer must come from the page cache
    throughput: bool = False  # loaded by --concurrency threads, else --latency-concurrency
    bust: bool = False  # a fresh query string on every request: the page cache is passed by
    new_queries: bool = False  # each path is asked once: the run fails if they run out

    @property
    def shown_path(self) -> str:
        path = f"{self.paths[0]}?bench=<n>" if self.bust else self.paths[0]
        if len(self.paths) == 1:
            return path
        return f"{path} (1 of {len(self.paths):,})"


@dataclass
class Stage:
    targets: list[Target]
    warmup_paths: dict[str, list[str]]
    embargoed_article: str
    search_url_name: str


def stage_build(*, search_rounds: int) -> Stage:
    """The URLs: read from the seeded database through the project's models."""
    from django.db import connections
    from django.urls import NoReverseMatch, reverse
    from django.utils import translation

    from ocim.publishing.access import article_is_open
    from ocim.publishing.models import ArticlePage, IssuePage, MagazinePage

    def path_of(page) -> str:
        return urllib.parse.urlsplit(page.get_url()).path

    magazine = MagazinePage.objects.live().first()
    if magazine is None:
        raise SystemExit("no magazine after seeding: nothing to measure")
    issues = list(
        IssuePage.objects.child_of(magazine).live().filter(slug__endswith="-bench").order_by("?")
    )
    articles = list(
        ArticlePage.objects.live().filter(path__startswith=magazine.path).order_by("?")[:20000]
    )
    embargoed = next((a for a in articles if not article_is_open(a)), None)
    if embargoed is None:
        raise SystemExit("no article behind the moving wall: the seeding went wrong")
    half_articles, half_issues = len(articles) // 2, len(issues) // 2
    with translation.override("fr"):
        try:
            search_path = reverse("publishing:search")
            search_name = "publishing:search"
        except NoReverseMatch:
            search_path = reverse("core:search")
            search_name = "core:search"

    def search_url(query: str) -> str:
        return f"{search_path}?{urllib.parse.urlencode({'q': query})}"

    search_paths = [search_url(q) for q in SEARCH_QUERIES] * search_rounds
    # Queries never asked before, as readers type them (one to three words drawn with their
    # frequency in the seeded texts: see bench_corpus): nothing the search keeps between
    # requests (its counts cache) can answer them. And heavy ones, new too: two to four of the
    # most common words, each matching a large part of the corpus.
    from ocim.publishing.management import bench_corpus

    new_queries = bench_corpus.new_queries(random.Random(7), NEW_QUERIES + WARMUP_QUERIES)
    heavy_queries = bench_corpus.heavy_queries(NEW_QUERIES + WARMUP_QUERIES)
    magazine_path = path_of(magazine)
    targets = [
        Target("bare", "bare Django view", ["/bench/bare"], throughput=True),
        Target(
            "article_cached",
            "article, cached (anonymous)",
            [path_of(embargoed)],
            cached=True,
            throughput=True,
        ),
        Target(
            "article_uncached",
            "article, uncached",
            [path_of(a) for a in articles[half_articles:]],
            bust=True,
        ),
        Target(
            "issue_uncached",
            "issue, uncached",
            [path_of(i) for i in issues[half_issues:]],
            bust=True,
        ),
        Target("magazine_uncached", "magazine index, uncached", [magazine_path], bust=True),
        Target("search", f"search ({search_name})", search_paths),
        Target(
            "search_new",
            f"search, every query new ({search_name})",
            [search_url(q) for q in new_queries[:NEW_QUERIES]],
            new_queries=True,
        ),
        Target(
            "search_heavy",
            f"search, every query new and heavy ({search_name})",
            [search_url(q) for q in heavy_queries[:NEW_QUERIES]],
            new_queries=True,
        ),
    ]
    warmup = {
        "article_uncached": [path_of(a) for a in articles[:half_articles]],
        "issue_uncached": [path_of(i) for i in issues[:half_issues]],
        "search_new": [search_url(q) for q in new_queries[NEW_QUERIES:]],
        "search_heavy": [search_url(q) for q in heavy_queries[NEW_QUERIES:]],
    }
    connections.close_all()
    return Stage(targets, warmup, path_of(embargoed), search_name)


def publishing_search_exists() -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("publishing:search")
    except NoReverseMatch:
        return False
    return True


# --- Load ------------------------------------------------------------------------------------


def load_paths(
    port: int,
    measure: Measure,
    paths: list[str],
    *,
    concurrency: int,
    seconds: float,
    bust: bool = False,
) -> Measure:
    """Like ``http_bench.load`` but each request takes the next of ``paths`` (shared by the
    threads), with ``bust`` a query string never sent before (``?bench=<n>``), which the page
    cache passes by and the pages ignore."""
    lock = threading.Lock()
    cursor = itertools.cycle(paths)
    counter = itertools.count(1)

    def next_path() -> str:
        with lock:
            path = next(cursor)
            return f"{path}?bench={next(counter)}" if bust else path

    return load(port, measure, concurrency=concurrency, seconds=seconds, next_path=next_path)


def cache_status(port: int, path: str) -> tuple[int, str, str]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("GET", path, headers={"Host": HOST, "Accept-Language": "fr"})
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, response.getheader(CACHE_HEADER, ""), body
    finally:
        conn.close()


def check_targets(port: int, stage: Stage) -> list[str]:
    """Every URL answers 200; the cached article comes from the cache, the others do not."""
    failures = []
    for target in stage.targets:
        path = f"{target.paths[0]}?bench=0" if target.bust else target.paths[0]
        status, first, _body = cache_status(port, path)
        if status != 200:
            failures.append(f"{target.label} {path}: HTTP {status}")
            continue
        if target.cached:
            # One store per gunicorn worker: ask until every worker has it (bounded).
            answers = [cache_status(port, path)[1] for _ in range(20)]
            if "hit" not in answers:
                failures.append(f"{target.label} {path}: never served from the page cache")
        elif first or cache_status(port, path)[1]:
            failures.append(f"{target.label} {path}: unexpectedly in the page cache")
    return failures


# --- In-process query counts -------------------------------------------------------------------


def queries_per_page(stage: Stage) -> dict[str, int]:
    """Queries of one request of each uncached URL (Django's test client, page cache off)."""
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    counts = {}
    client = Client(HTTP_HOST=HOST)
    with override_settings(OCIM_PAGE_CACHE_SECONDS=0):
        for target in stage.targets:
            if target.key == "bare" or target.cached:
                continue
            path = target.paths[-1]
            client.get(path)  # the site shell and Wagtail's routing caches, as in a warm worker
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            counts[target.key] = len(queries) if response.status_code == 200 else -1
    connections.close_all()
    return counts


def search_match_statistics(paths: list[str], asked: int, *, sample: int = 250) -> dict:
    """How many documents the queries asked (the first ``asked`` of ``paths``) match, counted
    exactly in-process on an evenly spread ``sample`` of them, after the load (it warms
    nothing the load used): median, 90th percentile, largest, and the share of queries above
    the exact-count limit (their counts were estimated)."""
    from django.conf import settings
    from django.db import connections

    from ocim.publishing.search.query import SearchFilters, document_search

    asked = min(asked, len(paths))
    if not asked:
        return {}
    step = max(1, asked // sample)
    matches = []
    for path in paths[:asked:step]:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)["q"][0]
        outcome = document_search(query=query, filters=SearchFilters(), with_facets=False)
        matches.append(0 if outcome is None else outcome.documents.count())
    connections.close_all()
    matches.sort()
    limit = settings.OCIM_SEARCH_EXACT_COUNT_LIMIT
    return {
        "queries": len(matches),
        "median": matches[len(matches) // 2],
        "p90": matches[min(len(matches) - 1, int(len(matches) * 0.9))],
        "max": matches[-1],
        "above_limit": round(sum(count > limit for count in matches) / len(matches), 3),
        "limit": limit,
    }


# --- Report -------------------------------------------------------------------------------------


def goals(results: dict[str, dict], *, ratio_goal: float, article_ms: float, search_ms: float):
    bare = results["bare"]["requests_per_second"]
    cached = results["article_cached"]["requests_per_second"]
    ratio = cached / bare if bare else 0.0
    article_p95 = results["article_uncached"]["latency_ms"]["p95"]
    search_p95 = results["search"]["latency_ms"]["p95"]
    search_new_p95 = results["search_new"]["latency_ms"]["p95"]
    search_heavy_p95 = results["search_heavy"]["latency_ms"]["p95"]
    return [
        {
            "goal": f"cached article ≥ {ratio_goal:.0%} of the bare view's requests/s",
            "measured": f"{ratio:.0%}",
            "met": ratio >= ratio_goal,
        },
        {
            "goal": f"uncached article p95 ≤ {article_ms:.0f} ms",
            "measured": f"{article_p95:.1f} ms",
            "met": article_p95 <= article_ms,
        },
        {
            "goal": f"search p95 ≤ {search_ms:.0f} ms (PostgreSQL)",
            "measured": f"{search_p95:.1f} ms",
            "met": search_p95 <= search_ms,
        },
        {
            "goal": f"search, every query new, p95 ≤ {search_ms:.0f} ms (PostgreSQL)",
            "measured": f"{search_new_p95:.1f} ms",
            "met": search_new_p95 <= search_ms,
        },
        {
            "goal": f"search, every query new and heavy, p95 ≤ {search_ms:.0f} ms (PostgreSQL)",
            "measured": f"{search_heavy_p95:.1f} ms",
            "met": search_heavy_p95 <= search_ms,
        },
    ]


def goals_table(checked: list[dict]) -> str:
    lines = ["| goal | measured | result |", "|---|---:|---|"]
    for goal in checked:
        lines.append(
            f"| {goal['goal']} | {goal['measured']} | {'PASS' if goal['met'] else 'FAIL'} |"
        )
    return "\n".join(lines)


def record(doc: Path, report: dict, table: str, goals_md: str) -> None:
    facts = report["machine"]
    results = report["results_by_key"]
    seed = report["seed"]
    queries = report["queries"]
    latest = "\n".join(
        [
            START_MARK,
            f"Run of {report['date']} on {facts['cpus']} CPU(s) ({facts['cpu_model']}), "
            f"{facts['os']}; Python {facts['python']}, Django {facts['django']}, "
            f"Wagtail {facts['wagtail']}, gunicorn {facts['gunicorn']}, PostgreSQL "
            f"{report['postgresql']}; load average before the run: "
            f"{facts['load_average_1min']}.",
            "",
            f"Seeded: {seed['issues']:,} issues, {seed['articles']:,} articles, "
            f"{seed['news']:,} news "
            + (
                f"in {seed['seconds']:.0f} s (search index included). "
                if seed["seconds"] is not None
                else "(seeded by an earlier run, database kept). "
            )
            + (
                f"gunicorn: {report['workers']} sync workers; client: {report['concurrency']} "
                f"threads for the bare view and the cached article, "
                f"{report['latency_concurrency']} for the uncached pages and search; "
                f"{report['seconds']:.0f} s per URL after {report['warmup']:.0f} s of "
                "warm-up, all URLs in the same run."
            ),
            "",
            table,
            "",
            "Queries per uncached request (in-process): "
            + ", ".join(f"{key.replace('_', ' ')} {count}" for key, count in queries.items())
            + ".",
            "",
            *(
                f"Documents matched by the {label} (exact counts on {stats['queries']} of "
                f"them, in-process): median {stats['median']:,}, 90th percentile "
                f"{stats['p90']:,}, largest {stats['max']:,}; "
                f"{stats['above_limit']:.0%} above the exact-count limit of "
                f"{stats['limit']:,} (their counts estimated)."
                for label, stats in (
                    ("new queries", report["match_statistics"].get("search_new")),
                    ("heavy queries", report["match_statistics"].get("search_heavy")),
                )
                if stats
            ),
            "",
            goals_md,
            END_MARK,
        ]
    )
    checked = {goal["goal"]: goal for goal in report["goals"]}
    history_line = (
        f"| {report['date']} | {facts['cpus']} | {facts['load_average_1min']} | "
        f"{seed['articles']:,} | {results['bare']['requests_per_second']:,.0f} | "
        f"{results['article_cached']['requests_per_second']:,.0f} | "
        f"{results['article_uncached']['latency_ms']['p95']:.0f} | "
        f"{results['issue_uncached']['latency_ms']['p95']:.0f} | "
        f"{results['magazine_uncached']['latency_ms']['p95']:.0f} | "
        f"{results['search']['latency_ms']['p95']:.0f} / "
        f"{results['search_new']['latency_ms']['p95']:.0f} / "
        f"{results['search_heavy']['latency_ms']['p95']:.0f} | "
        f"{' '.join('PASS' if g['met'] else 'FAIL' for g in checked.values())} |"
    )
    doc_update(
        doc, marks=(START_MARK, END_MARK, HISTORY_MARK), latest=latest, history_line=history_line
    )


# --- Main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=2000, help="issues to seed")
    parser.add_argument("--articles-per-issue", type=int, default=10)
    parser.add_argument("--news", type=int, default=10000, help="news items to seed")
    parser.add_argument("--seconds", type=float, default=10.0, help="load time per URL")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up time per URL")
    parser.add_argument(
        "--concurrency", type=int, default=8, help="client threads: bare view, cached article"
    )
    # Latency goals are about the page, not the backlog: with more client threads than workers,
    # a request mostly waits for the ones ahead of it (latency = threads / throughput).
    parser.add_argument(
        "--latency-concurrency",
        type=int,
        default=None,
        help="client threads for the uncached pages and search (default: --workers)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--ratio-goal", type=float, default=0.60)
    parser.add_argument("--article-goal-ms", type=float, default=100.0)
    parser.add_argument("--search-goal-ms", type=float, default=50.0)
    parser.add_argument(
        "--no-goal", action="store_true", help="report the goals but do not fail on them"
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL without a database name (env BENCH_POSTGRES_URL)",
    )
    parser.add_argument(
        "--database",
        default="ocim_bench_publishing",
        help=f"database to create and drop; must start with {DATABASE_PREFIX}",
    )
    parser.add_argument("--keep-database", action="store_true", help="do not drop it at the end")
    parser.add_argument(
        "--reuse-database",
        action="store_true",
        help="measure a database seeded by an earlier run kept with --keep-database (only "
        "new migrations are applied; the seeding time is then not measured)",
    )
    parser.add_argument("--no-record", action="store_true", help="do not touch docs/")
    args = parser.parse_args(argv)
    if args.latency_concurrency is None:
        args.latency_concurrency = args.workers
    if not re.fullmatch(rf"{DATABASE_PREFIX}[a-z0-9_]+", args.database):
        parser.error(f"--database must match {DATABASE_PREFIX}[a-z0-9_]+")
    if not 1 <= args.issues <= 10000 or not 1 <= args.articles_per_issue <= 50:
        parser.error("need 1 <= --issues <= 10000 and 1 <= --articles-per-issue <= 50")
    if not 0 <= args.news <= 100000:
        parser.error("need 0 <= --news <= 100000")
    if not 1 <= args.latency_concurrency <= 64 or not 1 <= args.concurrency <= 64:
        parser.error("client threads must be between 1 and 64")
    if not 0 < args.seconds <= 120 or not 0 <= args.warmup <= 60:
        parser.error("--seconds must be in (0, 120] and --warmup in [0, 60]")

    facts = machine_facts()
    facts.pop("sqlite", None)
    workdir = Path(tempfile.mkdtemp(prefix="ocim-bench-publishing-"))
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ocim.settings.bench",
        DATABASE_URL=database_url(args.postgres, args.database),
        SECRET_KEY=secrets.token_urlsafe(50),
        MEDIA_ROOT=str(workdir / "media"),
        OCIM_PAGE_CACHE_SECONDS="300",
        PYTHONPATH=str(ROOT),
    )
    server = None
    log = workdir / "gunicorn.log"
    pg_version = postgres_version(args.postgres)
    failures: list[str] = []
    try:
        if args.reuse_database:
            run_manage(env, "migrate", "--noinput", timeout=900)
            django_setup(env)
            seed_seconds = None
        else:
            database_recreate(args.postgres, args.database)
            run_manage(env, "migrate", "--noinput", timeout=900)
            run_manage(env, "ocim_demo", timeout=900)
            django_setup(env)
            # The site search's index is built only when it is the search measured.
            skip_site_index = ["--no-site-index"] if publishing_search_exists() else []
            began = time.monotonic()
            run_manage(
                env,
                "publishing_bench_seed",
                "--issues",
                str(args.issues),
                "--articles-per-issue",
                str(args.articles_per_issue),
                "--news",
                str(args.news),
                *skip_site_index,
                timeout=2400,
            )
            seed_seconds = time.monotonic() - began
        stage = stage_build(search_rounds=1)
        port = free_port()
        server_args = argparse.Namespace(workers=args.workers, worker_class="sync", threads=1)
        server = server_start(env, server_args, port, log)
        wait_until_up(port, server, timeout=60)

        def threads_for(target: Target) -> int:
            return args.concurrency if target.throughput else args.latency_concurrency

        failures += check_targets(port, stage)
        if failures:
            raise SystemExit("; ".join(failures))

        for target in stage.targets:
            if args.warmup:
                paths = stage.warmup_paths.get(target.key, target.paths)
                load_paths(
                    port,
                    Measure(target.label, target.shown_path, 0),
                    paths,
                    concurrency=threads_for(target),
                    seconds=args.warmup,
                    bust=target.bust,
                )
        measures = {}
        for target in stage.targets:
            print(
                f"measuring {target.label} {target.shown_path} for {args.seconds:.0f} s "
                f"with {threads_for(target)} threads…"
            )
            measures[target.key] = load_paths(
                port,
                Measure(target.label, target.shown_path, 0),
                target.paths,
                concurrency=threads_for(target),
                seconds=args.seconds,
                bust=target.bust,
            )
        _status, after, _body = cache_status(port, stage.embargoed_article)
        if after != "hit":
            failures.append("the cached article was no longer served from the cache")
        server_stop(server)
        for target in stage.targets:
            sent = measures[target.key].ok + sum(measures[target.key].errors.values())
            if target.new_queries and sent > len(target.paths):
                failures.append(
                    f"{target.label}: {sent} requests for {len(target.paths)} queries, some "
                    "were asked twice (use fewer --seconds)"
                )
        queries = queries_per_page(stage)
        match_statistics = {
            target.key: search_match_statistics(target.paths, measures[target.key].ok)
            for target in stage.targets
            if target.new_queries
        }
    finally:
        server_stop(server)
        server_log = log.read_text(errors="replace") if log.exists() else ""
        shutil.rmtree(workdir, ignore_errors=True)
        if not args.keep_database:
            from django.conf import settings

            if settings.configured:
                from django.db import connections

                connections.close_all()
            database_drop(args.postgres, args.database)

    ordered = [measures[target.key] for target in stage.targets]
    table = markdown_table(ordered)
    results = {key: m.as_dict() for key, m in measures.items()}
    checked = goals(
        results,
        ratio_goal=args.ratio_goal,
        article_ms=args.article_goal_ms,
        search_ms=args.search_goal_ms,
    )
    goals_md = goals_table(checked)
    print()
    print(table)
    print()
    print(goals_md)
    print(f"\nqueries per uncached request: {queries}")
    report = {
        "benchmark": "publishing_bench",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": facts,
        "postgresql": pg_version,
        "workers": args.workers,
        "concurrency": args.concurrency,
        "latency_concurrency": args.latency_concurrency,
        "seconds": args.seconds,
        "warmup": args.warmup,
        "seed": {
            "issues": args.issues,
            "articles": args.issues * args.articles_per_issue,
            "news": args.news,
            "seconds": None if seed_seconds is None else round(seed_seconds, 1),
        },
        "search_url_name": stage.search_url_name,
        "results": [m.as_dict() for m in ordered],
        "results_by_key": results,
        "queries": queries,
        "match_statistics": match_statistics,
        "goals": checked,
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS_DIR / f"publishing_bench-{stamp}.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False)
    )
    for m in ordered:
        if not m.ok or m.errors:
            failures.append(f"{m.label} {m.path}: {m.ok} ok, errors {m.errors}")
    tracebacks = server_log.count("Traceback")
    if tracebacks:
        failures.append(f"{tracebacks} tracebacks in gunicorn's log")
    if failures:
        for failure in failures:
            print(f"error: {failure}", file=sys.stderr)
        if server_log.strip():
            print("gunicorn's log (end):\n" + server_log[-4000:], file=sys.stderr)
        return 1
    if not args.no_record:
        record(DOC, report, table, goals_md)
    if not all(goal["met"] for goal in checked) and not args.no_goal:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

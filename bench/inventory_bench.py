"""The inventory at full size (100,000 actors): the directory and the map, under gunicorn.

Run on its own (``make bench`` or ``python bench/inventory_bench.py``), never by the test
suite. Needs a PostgreSQL server (``--postgres``); the script creates its own database
(``--database``, default ``ocim_bench_inventory``) and drops it at the end. Every other
database of the server is left alone.

1. Set-up (timed apart): create the database, ``migrate``, the territories and the thesaurus,
   then ``inventory_bench_seed`` (``--actors`` actors, 100,000 by default: every type, all
   over France weighted by population, labels, concepts, descriptions of a few paragraphs,
   written with COPY), then ``VACUUM ANALYZE`` as autovacuum would leave the tables.
2. gunicorn serves ``ocim.settings.bench`` on a free 127.0.0.1 port with nothing kept between
   requests: the directory's counts cache is off (``OCIM_DIRECTORY_CACHE_SECONDS=0``) and so is
   the page cache; every directory figure is the counts and the page computed afresh.
3. Each URL is warmed up, then loaded for a fixed time with ``bench/http_bench.py``'s client,
   all in the same run as ``/bench/bare``: the bare view by ``--concurrency`` threads
   (throughput), the others by ``--latency-concurrency`` threads (one per gunicorn worker by
   default: their goal is a latency, not a backlog):

   - the directory with a few fixed searches and filters (the whole directory, a frequent word,
     a rare one, a word and a region, a family, a label, a label and a region, a concept, a page
     far down the list);
   - the directory with a search **never asked before** on every request: a word (or none) and
     filters drawn from a seeded list of thousands of combinations, each sent once;
   - the map's endpoint at whole-France and other zooms, the choropleths and the map page.
4. Goals (the run fails when one is missed, unless ``--no-goal``): every directory URL p95 ≤
   50 ms; the map at whole-France zoom p95 ≤ 80 ms and ≤ 150 KB gzipped.
5. Each URL is then fetched once in-process, queries counted.

Results go to bench/results/ (JSON) and docs/benchmarks.md (latest run + history line).
All traffic goes to 127.0.0.1 and every wait is bounded in time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
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
START_MARK = "<!-- inventory_bench:latest:start -->"
END_MARK = "<!-- inventory_bench:latest:end -->"
HISTORY_MARK = "<!-- inventory_bench:history:next -->"
DATABASE_PREFIX = "ocim_bench_"  # the only databases this script creates or drops
MAP_API = "/api/v1/inventory/map/"
FRANCE = "bbox=-11.5,39.5,16.5,52.5&zoom=6"

# Words people type in a directory of science and heritage places, frequent and rare; the
# searches never asked before combine them (or none) with filters.
QUERY_WORDS = [
    "musée", "muséum", "jardin", "sciences", "centre", "planétarium", "botanique", "zoo",
    "aquarium", "observatoire", "association", "patrimoine", "maison", "fablab", "université",
    "histoire naturelle", "géologie", "minéraux", "étoiles", "astronomie", "herbier",
    "arboretum", "écomusée", "médiation", "laboratoire", "technique", "industrie", "mer",
    "volcans", "préhistoire", "santé", "énergie", "réseau", "culture scientifique",
    "collections", "expositions", "ateliers", "archéologie", "insectes", "climat",
]  # fmt: skip
REGIONS = ["11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94"]
STATUSES = ["open", "closed"]


@dataclass
class Target:
    key: str
    label: str
    paths: list[str]  # requested in turn; one path = the same URL every time
    group: str  # "bare", "directory" or "map"
    throughput: bool = False
    goal_ms: float | None = None
    goal_kb: float | None = None  # gzipped body


@dataclass
class Stage:
    targets: list[Target]
    warmup_paths: dict[str, list[str]]
    actors: int


def _directory_paths(base: str, combos: list[dict]) -> list[str]:
    return [
        f"{base}?{urllib.parse.urlencode(combo, doseq=True)}" if combo else base for combo in combos
    ]


def new_searches(count: int, *, families: list[str], labels: list[str], seed: int = 11):
    """``count`` distinct directory queries: a word (or none) and 0–2 filters, some on page 2."""
    rng = random.Random(seed)
    seen, found = set(), []
    while len(found) < count:
        combo: dict[str, str] = {}
        if rng.random() < 0.8:
            combo["q"] = rng.choice(QUERY_WORDS)
        for name, values, chance in (
            ("region", REGIONS, 0.35),
            ("family", families, 0.25),
            ("label", labels, 0.1),
            ("status", STATUSES, 0.1),
        ):
            if values and rng.random() < chance:
                combo[name] = rng.choice(values)
        if rng.random() < 0.15:
            combo["page"] = "2"
        key = tuple(sorted(combo.items()))
        if key not in seen:
            seen.add(key)
            found.append(combo)
    return found


def stage_build(*, searches_new: int) -> Stage:
    """The URLs, read from the seeded database through the project's models."""
    from django.db import connections
    from django.db.models import Count
    from django.urls import reverse
    from django.utils import translation

    from ocim.inventory.models import Actor, ActorFamily, Label

    actors = Actor.objects.count()
    if not actors:
        raise SystemExit("no actor after seeding: nothing to measure")
    families = list(ActorFamily.objects.order_by("pk").values_list("slug", flat=True))
    labels = list(Label.objects.order_by("pk").values_list("slug", flat=True))
    concept = (
        Actor.concepts.through.objects.values("concept__slug")
        .annotate(n=Count("actor_id"))
        .order_by("-n")
        .values_list("concept__slug", flat=True)
        .first()
    )
    with translation.override("fr"):
        directory = reverse("inventory:directory")
        map_page = reverse("inventory:map")
    fixed = [
        ("dir_all", "directory, every actor", {}),
        ("dir_frequent", "directory, a frequent word", {"q": "musée"}),
        ("dir_rare", "directory, a rare word", {"q": "herbier"}),
        ("dir_everywhere", "directory, a word in most actors", {"q": "centre"}),
        ("dir_middle", "directory, a word in a tenth of the actors", {"q": "maison"}),
        ("dir_word_region", "directory, a word and a region", {"q": "jardin", "region": "84"}),
        ("dir_family", "directory, a family", {"family": "musees"}),
        ("dir_label", "directory, a label", {"label": "musee-de-france"}),
        (
            "dir_label_region",
            "directory, a label and a region",
            {"label": "musee-de-france", "region": "84"},
        ),
        ("dir_concept", "directory, a concept", {"concept": concept or "none"}),
        ("dir_deep", "directory, page 200", {"page": "200"}),
    ]
    targets = [Target("bare", "bare Django view", ["/bench/bare"], "bare", throughput=True)]
    for key, label, combo in fixed:
        targets.append(
            Target(key, label, _directory_paths(directory, [combo]), "directory", goal_ms=50)
        )
    combos = new_searches(searches_new * 2, families=families, labels=labels)
    targets.append(
        Target(
            "dir_new",
            "directory, every search new",
            _directory_paths(directory, combos[:searches_new]),
            "directory",
            goal_ms=50,
        )
    )
    targets += [
        Target(
            "map_france",
            "map, France at zoom 6",
            [f"{MAP_API}?{FRANCE}"],
            "map",
            goal_ms=80,
            goal_kb=150,
        ),
        Target("map_zoom5", "map, zoom 5", [f"{MAP_API}?bbox=-25,33,32,58&zoom=5"], "map"),
        Target(
            "map_family",
            "map, France, a family",
            [f"{MAP_API}?{FRANCE}&family=musees"],
            "map",
            goal_ms=80,
            goal_kb=150,
        ),
        Target("map_word", "map, France, a word", [f"{MAP_API}?{FRANCE}&q=jardin"], "map"),
        Target(
            "map_paris",
            "map, Paris at zoom 12",
            [f"{MAP_API}?bbox=2.2,48.80,2.5,48.92&zoom=12"],
            "map",
        ),
        Target(
            "map_choropleth",
            "map, departments choropleth",
            [f"{MAP_API}choropleth/?level=department"],
            "map",
        ),
        Target("map_page", "map page (HTML, both tables)", [map_page], "map"),
    ]
    warmup = {"dir_new": _directory_paths(directory, combos[searches_new:])}
    connections.close_all()
    return Stage(targets, warmup, actors)


# --- Load ------------------------------------------------------------------------------------


def load_paths(port: int, measure: Measure, paths: list[str], *, concurrency: int, seconds: float):
    """``http_bench.load``, each request taking the next of ``paths`` (shared by the threads);
    a list of new searches is never started again (it would no longer be new)."""
    lock = threading.Lock()
    cursor = iter(paths) if len(paths) > 1 else itertools.repeat(paths[0])
    exhausted = []

    def next_path() -> str:
        with lock:
            try:
                return next(cursor)
            except StopIteration:
                exhausted.append(1)
                return "/bench/bare"

    measure = load(port, measure, concurrency=concurrency, seconds=seconds, next_path=next_path)
    if exhausted:
        raise SystemExit(f"{measure.label}: more requests than new searches; give more")
    return measure


def fetch(port: int, path: str) -> tuple[int, bytes, str]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("GET", path, headers={"Host": HOST, "Accept-Language": "fr"})
        response = conn.getresponse()
        return response.status, response.read(), response.getheader("X-Ocim-Page-Cache", "")
    finally:
        conn.close()


def check_targets(port: int, stage: Stage) -> tuple[list[str], dict[str, float]]:
    """Every URL answers 200 and none from the page cache; the gzipped size of each map answer."""
    failures, sizes = [], {}
    for target in stage.targets:
        # The searches to be measured as new are not asked here.
        path = stage.warmup_paths.get(target.key, target.paths)[-1]
        status, body, cached = fetch(port, path)
        if status != 200:
            failures.append(f"{target.label} {path}: HTTP {status}")
        elif cached:
            failures.append(f"{target.label}: served from the page cache")
        sizes[target.key] = len(gzip.compress(body, 6)) / 1024
    return failures, sizes


# --- In-process query counts -------------------------------------------------------------------


def queries_per_page(stage: Stage) -> dict[str, int]:
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    counts = {}
    client = Client(HTTP_HOST=HOST)
    with override_settings(OCIM_PAGE_CACHE_SECONDS=0, OCIM_DIRECTORY_CACHE_SECONDS=0):
        for target in stage.targets:
            if target.group == "bare":
                continue
            path = target.paths[-1]
            client.get(path)  # the site shell's caches, as in a warm worker
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            counts[target.key] = len(queries) if response.status_code == 200 else -1
    connections.close_all()
    return counts


# --- Report -------------------------------------------------------------------------------------


def goals(stage: Stage, results: dict[str, dict], sizes: dict[str, float]) -> list[dict]:
    checked = []
    for target in stage.targets:
        if target.goal_ms is not None:
            p95 = results[target.key]["latency_ms"]["p95"]
            checked.append(
                {
                    "goal": f"{target.label}: p95 ≤ {target.goal_ms:.0f} ms",
                    "measured": f"{p95:.1f} ms",
                    "met": p95 <= target.goal_ms,
                }
            )
        if target.goal_kb is not None:
            size = sizes[target.key]
            checked.append(
                {
                    "goal": f"{target.label}: ≤ {target.goal_kb:.0f} KB gzipped",
                    "measured": f"{size:.1f} KB",
                    "met": size <= target.goal_kb,
                }
            )
    return checked


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
    directory = [key for key in results if key.startswith("dir_")]
    worst = max(directory, key=lambda key: results[key]["latency_ms"]["p95"])
    latest = "\n".join(
        [
            START_MARK,
            f"Run of {report['date']} on {facts['cpus']} CPU(s) ({facts['cpu_model']}), "
            f"{facts['os']}; Python {facts['python']}, Django {facts['django']}, "
            f"Wagtail {facts['wagtail']}, gunicorn {facts['gunicorn']}, PostgreSQL "
            f"{report['postgresql']}; load average before the run: "
            f"{facts['load_average_1min']}.",
            "",
            f"Seeded: {report['actors']:,} actors "
            + (
                f"in {seed['seconds']:.0f} s. "
                if seed["seconds"] is not None
                else "(seeded by an earlier run, database kept). "
            )
            + (
                f"gunicorn: {report['workers']} sync workers, directory counts cache and page "
                f"cache off; client: {report['concurrency']} threads for the bare view, "
                f"{report['latency_concurrency']} for the others; {report['seconds']:.0f} s per "
                f"URL after {report['warmup']:.0f} s of warm-up, all URLs in the same run."
            ),
            "",
            table,
            "",
            "Queries per request (in-process): "
            + ", ".join(f"{key} {count}" for key, count in queries.items())
            + ".",
            "",
            goals_md,
            END_MARK,
        ]
    )
    history_line = (
        f"| {report['date']} | {facts['cpus']} | {facts['load_average_1min']} | "
        f"{report['actors']:,} | {results['bare']['requests_per_second']:,.0f} | "
        f"{results['dir_all']['latency_ms']['p95']:.0f} | "
        f"{results['dir_frequent']['latency_ms']['p95']:.0f} | "
        f"{results['dir_new']['latency_ms']['p95']:.0f} | "
        f"{results[worst]['latency_ms']['p95']:.0f} ({worst}) | "
        f"{results['map_france']['latency_ms']['p95']:.0f} | "
        f"{'PASS' if all(goal['met'] for goal in report['goals']) else 'FAIL'} |"
    )
    doc_update(
        doc, marks=(START_MARK, END_MARK, HISTORY_MARK), latest=latest, history_line=history_line
    )


# --- Main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=100_000, help="actors to seed")
    parser.add_argument("--seconds", type=float, default=10.0, help="load time per URL")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up time per URL")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads: bare view")
    parser.add_argument(
        "--latency-concurrency",
        type=int,
        default=None,
        help="client threads for the directory and the map (default: --workers)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument(
        "--new-searches", type=int, default=3000, help="searches never asked before (each run)"
    )
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
        default="ocim_bench_inventory",
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
    if not 1 <= args.actors <= 1_000_000:
        parser.error("need 1 <= --actors <= 1,000,000")
    if not 100 <= args.new_searches <= 20000:
        parser.error("need 100 <= --new-searches <= 20,000")
    if not 1 <= args.latency_concurrency <= 64 or not 1 <= args.concurrency <= 64:
        parser.error("client threads must be between 1 and 64")
    if not 0 < args.seconds <= 120 or not 0 <= args.warmup <= 60:
        parser.error("--seconds must be in (0, 120] and --warmup in [0, 60]")

    facts = machine_facts()
    facts.pop("sqlite", None)
    workdir = Path(tempfile.mkdtemp(prefix="ocim-bench-inventory-"))
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
        OCIM_PAGE_CACHE_SECONDS="0",
        OCIM_DIRECTORY_CACHE_SECONDS="0",
        PYTHONPATH=str(ROOT),
    )
    server = None
    log = workdir / "gunicorn.log"
    pg_version = postgres_version(args.postgres)
    failures: list[str] = []
    try:
        if args.reuse_database:
            run_manage(env, "migrate", "--noinput", timeout=900)
            seed_seconds = None
        else:
            database_recreate(args.postgres, args.database)
            run_manage(env, "migrate", "--noinput", timeout=900)
            run_manage(env, "load_territories", timeout=600)
            run_manage(env, "load_thesaurus", timeout=600)
            began = time.monotonic()
            run_manage(env, "inventory_bench_seed", "--count", str(args.actors), timeout=3600)
            seed_seconds = time.monotonic() - began
        django_setup(env)
        from django.db import connection, connections

        from ocim.inventory.directory_counts import directory_counts_compact

        # What the scheduler's job (inventory.directory_counts.compact, every 5 minutes) leaves
        # of the rows the seed's statements added to the facet cells: one row per cell.
        directory_counts_compact()
        with connection.cursor() as cursor:
            # What autovacuum leaves after a while: statistics, and the visibility map that
            # index-only scans rely on.
            cursor.execute("VACUUM ANALYZE")
        connections.close_all()
        stage = stage_build(searches_new=args.new_searches)
        port = free_port()
        server_args = argparse.Namespace(workers=args.workers, worker_class="sync", threads=1)
        server = server_start(env, server_args, port, log)
        wait_until_up(port, server, timeout=60)

        def threads_for(target: Target) -> int:
            return args.concurrency if target.throughput else args.latency_concurrency

        failures, sizes = check_targets(port, stage)
        if failures:
            raise SystemExit("; ".join(failures))
        for target in stage.targets:
            if args.warmup:
                load_paths(
                    port,
                    Measure(target.label, target.paths[0], 0),
                    stage.warmup_paths.get(target.key, target.paths),
                    concurrency=threads_for(target),
                    seconds=args.warmup,
                )
        measures = {}
        for target in stage.targets:
            shown = target.paths[0] + (
                f" (1 of {len(target.paths):,}, each once)" if len(target.paths) > 1 else ""
            )
            print(
                f"measuring {target.label} {shown} for {args.seconds:.0f} s "
                f"with {threads_for(target)} threads…",
                flush=True,
            )
            measures[target.key] = load_paths(
                port,
                Measure(target.label, shown, 0),
                target.paths,
                concurrency=threads_for(target),
                seconds=args.seconds,
            )
        server_stop(server)
        queries = queries_per_page(stage)
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
    checked = goals(stage, results, sizes)
    goals_md = goals_table(checked)
    print()
    print(table)
    print()
    print(goals_md)
    print(f"\nqueries per request: {queries}")
    report = {
        "benchmark": "inventory_bench",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": facts,
        "postgresql": pg_version,
        "workers": args.workers,
        "concurrency": args.concurrency,
        "latency_concurrency": args.latency_concurrency,
        "seconds": args.seconds,
        "warmup": args.warmup,
        "actors": stage.actors,
        "seed": {"seconds": None if seed_seconds is None else round(seed_seconds, 1)},
        "results": [m.as_dict() for m in ordered],
        "results_by_key": results,
        "gzip_kb": {key: round(size, 1) for key, size in sizes.items()},
        "queries": queries,
        "goals": checked,
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS_DIR / f"inventory_bench-{stamp}.json").write_text(
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

"""A full fetch cycle of the watch over 2,000 sources served on loopback.

Run on its own (``python bench/watch_cycle_bench.py``), never by the test suite. Needs
PostgreSQL (``--postgres``; the script creates ``--database``, default
``ocim_bench_wfetch_cycle``, and drops it at the end) and, for the production topology, Redis
(``--redis``: a database number that must be empty; emptied at the end).

1. Set-up (not timed): a plan of ``--sources`` feeds over ``--hosts`` sites (most sites carry
   one feed, a few up to five), served by ``bench/watch_feed_server.py`` in a process of its own
   (one loopback port per site). Latency mix: most answer within 30 ms, 5 % in 1–5 s, 1 % in
   10–20 s, 0.5 % hang (headers begun, never finished); 1 % answer 404, 0.5 % 500. Feeds carry
   5–30 entries (3–25 KB), 10 % of them share links with other feeds (relayed news); 80 % send
   an ETag and a Last-Modified, 7 % one of them each, 6 % none; half are gzipped; 30 % of the
   sites have a robots.txt (a few with a 1 s crawl delay). The database is migrated and the
   sources are created.
2. ``--workers`` worker processes as deployed: ``manage.py rqworker --job-class
   django_tasks_rq.Job fetch`` (``--queue rq``, Redis) or ``manage.py db_worker`` (``--queue
   db``, the embedded set-up), each reading ``--threads`` sources at a time.
3. Cycles, each timed from the scheduler's sweep (``sources_enqueue_due``, called again every
   minute like the scheduler) until every source has a fetch-log line of the cycle:
   **cold** (robots.txt, every feed downloaded and processed: parsing, deduplication,
   classification, storage), **unchanged** (nothing changed on the servers: conditional
   requests, the share of 304 answers), and **unchanged, no hanging** (the hanging servers
   answer normally: the control for "hanging sources do not delay the others").
4. Baseline in the same run: the same conditional requests sent by bare ``safe_fetch`` calls
   on as many threads as the workers have in all (no database, no leases, no robots.txt, no
   processing), against the no-hanging servers.

Measured: wall time per cycle, outcomes (fetch log), the share of 304, the durations of the
hanging reads and of the others, when the last other source was done, the most requests the
servers ever had in flight on one site (must be 1), the workers' peak memory (PSS of the
worker processes and their work horses, sampled every 0.2 s) and CPU time.

Results go to bench/results/ (JSON) and docs/benchmarks.md (latest run + history line).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.http_bench import doc_update, machine_facts, run_manage  # noqa: E402
from bench.registration_bench import (  # noqa: E402
    database_drop,
    database_recreate,
    database_url,
    postgres_version,
    redis_claim,
    redis_release,
)

DOC = ROOT / "docs" / "benchmarks.md"
RESULTS_DIR = ROOT / "bench" / "results"
START_MARK = "<!-- watch_cycle_bench:latest:start -->"
END_MARK = "<!-- watch_cycle_bench:latest:end -->"
HISTORY_MARK = "<!-- watch_cycle_bench:history:next -->"
DATABASE_PREFIX = "ocim_bench_"
SWEEP_EVERY = 60.0  # the scheduler's period for watch.sources.enqueue_due


# --- The plan ---------------------------------------------------------------------------------


def plan_build(*, sources: int, hosts: int, seed: int) -> dict:
    rng = random.Random(seed)
    shared_pool = [f"https://relais.example.org/depeches/{n}" for n in range(300)]
    feeds = []
    for number in range(sources):
        host = number if number < hosts else rng.randrange(max(1, hosts // 8))
        draw = rng.random()
        if draw < 0.005:
            behaviour, delay = "hang", 0.0
        elif draw < 0.015:
            behaviour, delay = "404", rng.uniform(0, 0.03)
        elif draw < 0.02:
            behaviour, delay = "500", rng.uniform(0, 0.03)
        elif draw < 0.03:
            behaviour, delay = "ok", rng.uniform(10, 20)
        elif draw < 0.08:
            behaviour, delay = "ok", rng.uniform(1, 5)
        else:
            behaviour, delay = "ok", rng.uniform(0, 0.03)
        validators = rng.choices(["both", "etag", "lm", "none"], weights=[80, 7, 7, 6])[0]
        items = rng.randint(5, 30)
        shared = rng.sample(shared_pool, 3) if rng.random() < 0.1 else []
        feeds.append(
            {
                "id": number,
                "host": host,
                "path": f"/flux/{number}.xml",
                "behaviour": behaviour,
                "delay": round(delay, 3),
                "validators": validators,
                "items": items,
                "shared_links": shared,
                "gzip": rng.random() < 0.5,
            }
        )
    robots = [
        rng.choices(["none", "allow", "crawl_delay"], weights=[70, 27, 3])[0] for _ in range(hosts)
    ]
    return {"hosts": hosts, "feeds": feeds, "robots": robots}


# --- Processes --------------------------------------------------------------------------------


def server_start(plan_path: Path, log: Path) -> tuple[subprocess.Popen, list[int], int]:
    with log.open("wb") as errors:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "watch_feed_server.py"), str(plan_path)],
            stdout=subprocess.PIPE,
            stderr=errors,
            cwd=ROOT,
        )
    line = process.stdout.readline()
    if not line:
        raise SystemExit(f"the feed server did not start; see {log}")
    ready = json.loads(line)
    return process, ready["ports"], ready["control"]


def server_call(control: int, method: str, path: str) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", control, timeout=10)
    connection.request(method, path)
    return json.loads(connection.getresponse().read())


def workers_start(env: dict, args, logs: Path) -> list[subprocess.Popen]:
    manage = [sys.executable, str(ROOT / "manage.py")]
    if args.queue == "rq":
        command = [*manage, "rqworker", "--job-class", "django_tasks_rq.Job", "fetch"]
    else:
        command = [
            *manage,
            "db_worker",
            "--queue-name",
            "fetch",
            "--interval",
            "0.2",
            "--no-startup-delay",
            "--no-reload",
        ]
    processes = []
    for number in range(args.workers):
        with (logs / f"worker-{number}.log").open("wb") as log:
            processes.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log))
    return processes


def processes_stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# --- Memory and CPU of the workers (from /proc) ------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                text = Path(f"/proc/{pid}/task/{task}/children").read_text()
                found += [int(child) for child in text.split()]
    return found


def _tree(pid: int) -> list[int]:
    tree, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        tree.append(current)
        frontier += _children(current)
    return tree


def _pss_kib(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def _rss_kib(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pids: list[int]) -> float:
    """User + system time of the processes and of their reaped children (work horses)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(value) for value in fields[11:15])
    return total / ticks


class MemorySampler(threading.Thread):
    def __init__(self, roots: list[int]):
        super().__init__(daemon=True)
        self.roots = roots
        self.stop = threading.Event()
        self.peak_pss_kib = 0
        self.peak_rss_kib = 0

    def reset(self):
        self.peak_pss_kib = 0
        self.peak_rss_kib = 0

    def run(self):
        while not self.stop.wait(0.2):
            pids = [pid for root in self.roots for pid in _tree(root)]
            self.peak_pss_kib = max(self.peak_pss_kib, sum(_pss_kib(pid) for pid in pids))
            self.peak_rss_kib = max(self.peak_rss_kib, max((_rss_kib(p) for p in pids), default=0))


# --- Cycles -----------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def cycle(
    label: str,
    *,
    hanging_ids: set[int],
    sampler: MemorySampler,
    worker_pids: list[int],
    control: int,
    timeout: float,
    specs: dict,
) -> dict:
    from django.db.models import Count
    from django.utils import timezone

    from ocim.watch.fetching import sources_enqueue_due
    from ocim.watch.models import FetchLog, Source

    total = Source.objects.count()
    # The cycle starts before the sources are made due: a worker still busy from the previous
    # cycle may read one of them at once, and that read belongs to this cycle.
    started_at = timezone.now()
    started = time.monotonic()
    Source.objects.update(next_fetch_at=started_at, enqueued_at=None)
    server_call(control, "POST", "/reset")
    sampler.reset()
    cpu_before = cpu_seconds([pid for root in worker_pids for pid in _tree(root)])
    print(f"[{label}] {total} sources…", flush=True)
    sweeps = 1
    queued = sources_enqueue_due()
    next_sweep = started + SWEEP_EVERY
    while True:
        time.sleep(0.2)
        done = (
            FetchLog.objects.filter(started_at__gte=started_at).values("source").distinct().count()
        )
        if done >= total and not Source.objects.exclude(lease_token="").exists():
            break
        now = time.monotonic()
        if now - started > timeout:
            raise SystemExit(f"[{label}] only {done}/{total} sources read after {timeout:.0f} s")
        if now >= next_sweep:
            queued += sources_enqueue_due()
            sweeps += 1
            next_sweep = now + SWEEP_EVERY
    wall = time.monotonic() - started
    cpu = cpu_seconds([pid for root in worker_pids for pid in _tree(root)]) - cpu_before
    logs = list(
        FetchLog.objects.filter(started_at__gte=started_at).values(
            "source_id",
            "started_at",
            "duration_ms",
            "outcome",
            "error_code",
            "status_code",
            "new_entries",
            "bytes_received",
        )
    )
    outcomes: dict[str, int] = {}
    for log in logs:
        key = log["outcome"] if log["outcome"] != "error" else f"error:{log['error_code']}"
        outcomes[key] = outcomes.get(key, 0) + 1
    answered = sum(1 for log in logs if log["outcome"] in ("content", "not_modified"))
    not_modified = sum(1 for log in logs if log["outcome"] == "not_modified")

    def ends(rows):
        return [
            (row["started_at"] - started_at).total_seconds() + row["duration_ms"] / 1000
            for row in rows
        ]

    late = [log for log in logs if (log["started_at"] - started_at).total_seconds() > SWEEP_EVERY]
    hanging = [log for log in logs if log["source_id"] in hanging_ids]
    others = [log for log in logs if log["source_id"] not in hanging_ids]
    durations = [log["duration_ms"] for log in others]
    stats = server_call(control, "GET", "/stats")
    read_twice = (
        FetchLog.objects.filter(started_at__gte=started_at)
        .values("source")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    result = {
        "label": label,
        "sources": total,
        "wall_seconds": round(wall, 2),
        "sources_per_second": round(total / wall, 1),
        "sweeps": sweeps,
        "queued": queued,
        "outcomes": outcomes,
        "share_304": round(not_modified / answered, 4) if answered else 0.0,
        "new_entries": sum(log["new_entries"] for log in logs),
        "bytes_received": sum(log["bytes_received"] for log in logs),
        "sources_read_more_than_once": read_twice,
        # Read only at a later sweep: deferred (host busy) when no task was left to take them.
        "read_at_a_later_sweep": len(late),
        "late_sources": [specs.get(log["source_id"]) for log in late][:20],
        "hanging": {
            "count": len(hanging),
            "seconds_min": round(min((d["duration_ms"] for d in hanging), default=0) / 1000, 2),
            "seconds_max": round(max((d["duration_ms"] for d in hanging), default=0) / 1000, 2),
            "ended_at_max": round(max(ends(hanging), default=0), 2),
        },
        "others": {
            "count": len(others),
            "ms_p50": percentile(durations, 0.5),
            "ms_p95": percentile(durations, 0.95),
            "ms_p99": percentile(durations, 0.99),
            "ms_max": max(durations, default=0),
            "last_done_at": round(max(ends(others), default=0), 2),
            "done_at_p50": round(percentile(ends(others), 0.5), 2),
        },
        "server": stats,
        "workers_peak_pss_mib": round(sampler.peak_pss_kib / 1024, 1),
        "workers_peak_process_rss_mib": round(sampler.peak_rss_kib / 1024, 1),
        "workers_cpu_seconds": round(cpu, 1),
    }
    print(f"[{label}] {json.dumps(result, ensure_ascii=False)}", flush=True)
    return result


def bare_baseline(threads: int, deadline: float) -> dict:
    """The same conditional requests, sent by bare safe_fetch calls (no database, no leases,
    no robots.txt, no processing) on ``threads`` threads."""
    from ocim.core.fetch import FetchError, safe_fetch
    from ocim.watch.models import Source

    sources = list(Source.objects.values_list("url", "etag", "last_modified"))
    statuses: dict[str, int] = {}
    lock = threading.Lock()

    def one(row):
        url, etag, last_modified = row
        try:
            key = str(
                safe_fetch(
                    url, etag=etag or None, last_modified=last_modified or None, deadline=deadline
                ).status_code
            )
        except FetchError as error:
            key = error.code
        with lock:
            statuses[key] = statuses.get(key, 0) + 1

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(one, sources))
    wall = time.monotonic() - started
    print(f"[bare safe_fetch] {wall:.2f} s {statuses}", flush=True)
    return {
        "wall_seconds": round(wall, 2),
        "threads": threads,
        "statuses": statuses,
        "sources_per_second": round(len(sources) / wall, 1),
    }


# --- Report -----------------------------------------------------------------------------------


def cycle_row(result: dict) -> str:
    o = result["outcomes"]
    errors = sum(v for k, v in o.items() if k.startswith("error"))
    return (
        f"| {result['label']} | {result['wall_seconds']:.1f} | {result['sources_per_second']:.0f} "
        f"| {o.get('content', 0)} | {o.get('not_modified', 0)} | {errors} "
        f"| {result['share_304'] * 100:.1f} % | {result['hanging']['count']} × "
        f"{result['hanging']['seconds_min']:.1f}–{result['hanging']['seconds_max']:.1f} s "
        f"| {result['others']['ms_p50']:,} / {result['others']['ms_p95']:,} / "
        f"{result['others']['ms_max']:,} | {result['others']['last_done_at']:.1f} "
        f"| {result['server'].get('peak_in_flight_per_host', '?')} "
        f"| {result['workers_peak_pss_mib']:.0f} | {result['workers_cpu_seconds']:.0f} |"
    )


def record(report: dict) -> None:
    facts = report["machine"]
    cold, unchanged, control = report["cycles"]
    bare = report["bare"]
    header = (
        "| cycle | wall s | sources/s | 200 | 304 | errors | share of 304 | hanging reads "
        "| other reads ms p50 / p95 / max | last other done at s | most in flight per site "
        "| workers' peak PSS MiB | workers' CPU s |\n"
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|"
    )
    latest = "\n".join(
        [
            START_MARK,
            f"Run of {report['date']} on {facts['cpus']} CPU(s) ({facts['cpu_model']}), "
            f"{facts['os']}; Python {facts['python']}, Django {facts['django']}, PostgreSQL "
            f"{report['postgresql']}; load average before the run: "
            f"{facts['load_average_1min']}.",
            "",
            f"{report['sources']} sources on {report['hosts']} loopback sites; "
            f"{report['workers']} × `{report['worker_command']}`, "
            f"{report['threads']} threads each; fetch deadline {report['deadline']:.0f} s.",
            "",
            header,
            cycle_row(cold),
            cycle_row(unchanged),
            cycle_row(control),
            "",
            f"Cold cycle: {cold['new_entries']:,} new entries stored, "
            f"{cold['bytes_received'] / 1e6:.1f} MB received, "
            f"{cold['server'].get('robots', 0):,} robots.txt read. Sources read more than once "
            f"in a cycle: {cold['sources_read_more_than_once']}, "
            f"{unchanged['sources_read_more_than_once']}, "
            f"{control['sources_read_more_than_once']}. Bare `safe_fetch` of the same "
            f"conditional requests on {bare['threads']} threads (no database, leases, robots.txt "
            f"or processing), no hanging: **{bare['wall_seconds']:.1f} s** "
            f"({bare['sources_per_second']:.0f} sources/s) against "
            f"{control['wall_seconds']:.1f} s for the full machinery.",
            END_MARK,
        ]
    )
    history_line = (
        f"| {report['date']} | {facts['cpus']} | {facts['load_average_1min']} | "
        f"{report['sources']} | {report['workers']} × {report['threads']} ({report['queue']}) | "
        f"{cold['wall_seconds']:.1f} | {unchanged['wall_seconds']:.1f} | "
        f"{unchanged['share_304'] * 100:.1f} % | {unchanged['hanging']['seconds_max']:.1f} | "
        f"{control['wall_seconds']:.1f} | {bare['wall_seconds']:.1f} | "
        f"{max(c['workers_peak_pss_mib'] for c in report['cycles']):.0f} |"
    )
    doc_update(
        DOC, marks=(START_MARK, END_MARK, HISTORY_MARK), latest=latest, history_line=history_line
    )


# --- Main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=1600, help="loopback sites (ports)")
    parser.add_argument("--workers", type=int, default=2, help="fetch worker processes")
    parser.add_argument("--threads", type=int, default=8, help="OCIM_WATCH_FETCH_THREADS")
    parser.add_argument("--deadline", type=int, default=30, help="OCIM_WATCH_FETCH_DEADLINE")
    parser.add_argument(
        "--queue",
        choices=["rq", "db"],
        default="rq",
        help="rq: RQ workers on Redis (production); db: database workers",
    )
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--timeout", type=float, default=1200, help="most seconds per cycle")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL without a database name (env BENCH_POSTGRES_URL)",
    )
    parser.add_argument("--database", default="ocim_bench_wfetch_cycle")
    parser.add_argument(
        "--redis",
        default=os.environ.get("BENCH_WATCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
        help="Redis database number for the queue (must be empty; emptied at the end)",
    )
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument(
        "--reuse-database",
        action="store_true",
        help="skip creating and migrating the database (kept by --keep-database); the watch's "
        "tables are emptied",
    )
    parser.add_argument("--no-record", action="store_true", help="do not touch docs/")
    # Accepted for bench/run_all.py, which passes the same options to every script.
    parser.add_argument("--seconds", type=float, default=None, help=argparse.SUPPRESS)
    args, _unknown = parser.parse_known_args(argv)
    if not re.fullmatch(rf"{DATABASE_PREFIX}[a-z0-9_]+", args.database):
        parser.error(f"--database must match {DATABASE_PREFIX}[a-z0-9_]+")
    if not 1 <= args.hosts <= min(args.sources, 10_000):
        parser.error("need 1 <= --hosts <= --sources (and at most 10,000)")

    facts = machine_facts()
    facts.pop("sqlite", None)
    facts.pop("gunicorn", None)
    workdir = Path(tempfile.mkdtemp(prefix="ocim-bench-watch-"))
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench.watch_settings",
        DATABASE_URL=database_url(args.postgres, args.database),
        SECRET_KEY=secrets.token_urlsafe(50),
        PYTHONPATH=str(ROOT),
        OCIM_WATCH_FETCH_THREADS=str(args.threads),
        OCIM_WATCH_FETCH_DEADLINE=str(args.deadline),
    )
    if args.queue == "rq":
        redis_claim(args.redis)
        env["REDIS_URL"] = args.redis
    plan = plan_build(sources=args.sources, hosts=args.hosts, seed=args.seed)
    plan_path = workdir / "plan.json"
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    server = None
    workers: list[subprocess.Popen] = []
    sampler = None
    try:
        server, ports, control = server_start(plan_path, workdir / "server.log")
        if not args.reuse_database:
            database_recreate(args.postgres, args.database)
            print("migrating…", flush=True)
            run_manage(env, "migrate", "--noinput", timeout=900)
        os.environ.update(env)
        import django

        django.setup()
        from ocim.watch.models import Host, Item, Source, Story

        for model in (Item, Story, Source, Host):
            model.objects.all().delete()

        Source.objects.bulk_create(
            Source(
                title=f"Site {feed['host']} — flux {feed['id']}",
                url=f"http://127.0.0.1:{ports[feed['host']]}{feed['path']}",
            )
            for feed in plan["feeds"]
        )
        urls = {f"http://127.0.0.1:{ports[f['host']]}{f['path']}": f for f in plan["feeds"]}
        hanging_ids = {
            pk
            for pk, url in Source.objects.values_list("pk", "url")
            if urls[url]["behaviour"] == "hang"
        }
        specs = {
            pk: {key: urls[url][key] for key in ("id", "host", "behaviour", "delay")}
            | {"robots": plan["robots"][urls[url]["host"]]}
            for pk, url in Source.objects.values_list("pk", "url")
        }
        workers = workers_start(env, args, workdir)
        time.sleep(3)
        if any(worker.poll() is not None for worker in workers):
            raise SystemExit(f"a worker exited at start; see {workdir}")
        sampler = MemorySampler([worker.pid for worker in workers])
        sampler.start()
        worker_pids = [worker.pid for worker in workers]
        common = {
            "hanging_ids": hanging_ids,
            "sampler": sampler,
            "worker_pids": worker_pids,
            "control": control,
            "timeout": args.timeout,
            "specs": specs,
        }
        cycles = [cycle("cold", **common), cycle("unchanged", **common)]
        server_call(control, "POST", "/unhang")
        cycles.append(cycle("unchanged, no hanging", **common))
        bare = bare_baseline(args.workers * args.threads, float(args.deadline))
    finally:
        if sampler is not None:
            sampler.stop.set()
        processes_stop(workers)
        if server is not None:
            processes_stop([server])
        if args.queue == "rq":
            redis_release(args.redis)
        if not args.keep_database:
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
            database_drop(args.postgres, args.database)

    report = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": facts,
        "postgresql": postgres_version(args.postgres),
        "sources": args.sources,
        "hosts": args.hosts,
        "workers": args.workers,
        "threads": args.threads,
        "queue": args.queue,
        "worker_command": "rqworker --job-class django_tasks_rq.Job fetch"
        if args.queue == "rq"
        else "db_worker --queue-name fetch",
        "deadline": args.deadline,
        "cycles": cycles,
        "bare": bare,
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"watch_cycle_{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"results: {out.relative_to(ROOT)}")
    if not args.no_record:
        record(report)
    failures = []
    for result in cycles:
        if result["server"].get("peak_in_flight_per_host", 0) > 1:
            failures.append(f"{result['label']}: two requests at once on one site")
        if result["sources_read_more_than_once"]:
            failures.append(f"{result['label']}: sources read more than once")
    if failures:
        print("FAILED: " + "; ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

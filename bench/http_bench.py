"""HTTP throughput and latency of the home page against a bare Django view, under gunicorn.

Run on its own (``make bench`` or ``python bench/http_bench.py``), never by the test suite:

1. builds a throw-away SQLite database in a temporary folder (migrate + ``ocim_demo``);
2. starts gunicorn (sync workers, ``ocim.settings.bench``) on a free 127.0.0.1 port;
3. warms each URL up, then loads it for a fixed time with N client threads, each with its own
   ``http.client`` connection (re-opened whenever the server closes it, as sync workers do);
4. prints a markdown table and records it in docs/benchmarks.md (latest run + history line).

All traffic goes to 127.0.0.1 and every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import importlib.metadata
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
RESULTS_DIR = ROOT / "bench" / "results"
HOST = "127.0.0.1"
START_MARK = "<!-- http_bench:latest:start -->"
END_MARK = "<!-- http_bench:latest:end -->"
HISTORY_MARK = "<!-- http_bench:history:next -->"


@dataclass
class Measure:
    label: str
    path: str
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    bytes_received: int = 0

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        """Latency in milliseconds at ``fraction`` (nearest-rank)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
        return ordered[index] * 1000

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "path": self.path,
            "seconds": round(self.seconds, 3),
            "requests_ok": self.ok,
            "errors": self.errors,
            "requests_per_second": round(self.rps, 1),
            "latency_ms": {
                "p50": round(self.percentile(0.50), 2),
                "p95": round(self.percentile(0.95), 2),
                "p99": round(self.percentile(0.99), 2),
                "mean": round(statistics.fmean(self.latencies) * 1000, 2)
                if self.latencies
                else None,
            },
            "mean_body_bytes": round(self.bytes_received / self.ok) if self.ok else 0,
        }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def run_manage(env: dict, *args: str, timeout: float) -> None:
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    print(f"$ manage.py {' '.join(args)}", flush=True)
    subprocess.run(
        command, cwd=ROOT, env=env, check=True, timeout=timeout, stdout=subprocess.DEVNULL
    )


def one_request(conn: http.client.HTTPConnection, path: str) -> tuple[int, int]:
    conn.request("GET", path, headers={"Host": HOST, "Accept-Language": "fr"})
    response = conn.getresponse()
    body = response.read()
    if response.will_close:
        conn.close()  # the next request() opens a new connection by itself
    return response.status, len(body)


def doc_update(doc: Path, *, marks: tuple[str, str, str], latest: str, history_line: str) -> None:
    """Replace the latest run (between the start and end marks, ``latest`` holding both) and
    add ``history_line`` before the history mark, in ``doc``; refuse a document without them."""
    start, end, history = marks
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    if start not in text or end not in text or history not in text:
        raise SystemExit(f"{doc} lacks the {start} / {history} markers; not written")
    before, rest = text.split(start, 1)
    _old, after = rest.split(end, 1)
    text = (before + latest + after).replace(history, f"{history_line}\n{history}")
    doc.write_text(text, encoding="utf-8")
    print(f"recorded in {doc.relative_to(ROOT)}")


def load(
    port: int,
    measure: Measure,
    *,
    concurrency: int,
    seconds: float,
    next_path=None,
) -> Measure:
    """Hit ``measure.path`` (or, given ``next_path``, the path it returns for each request)
    from ``concurrency`` threads for ``seconds``; fills ``measure``."""
    lock = threading.Lock()
    start_barrier = threading.Barrier(concurrency + 1)
    stop_at = [0.0]

    def worker():
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        latencies, errors, received = [], {}, 0
        start_barrier.wait()
        while time.perf_counter() < stop_at[0]:
            path = next_path() if next_path else measure.path
            began = time.perf_counter()
            try:
                status, size = one_request(conn, path)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                key = exc.__class__.__name__
                errors[key] = errors.get(key, 0) + 1
                continue
            took = time.perf_counter() - began
            if status == 200:
                latencies.append(took)
                received += size
            else:
                errors[f"HTTP {status}"] = errors.get(f"HTTP {status}", 0) + 1
        conn.close()
        with lock:
            measure.latencies.extend(latencies)
            measure.bytes_received += received
            for key, count in errors.items():
                measure.errors[key] = measure.errors.get(key, 0) + count

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    start_barrier.wait()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    measure.seconds = time.perf_counter() - began
    return measure


def wait_until_up(port: int, server: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode} before answering")
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            status, _size = one_request(conn, "/bench/bare")
            conn.close()
            if status == 200:
                return
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer on {HOST}:{port} within {timeout:.0f} s")


def machine_facts() -> dict:
    cpu = platform.processor() or "unknown"
    with contextlib.suppress(OSError):
        match = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        if match:
            cpu = match.group(1).strip()

    def version(package: str) -> str:
        try:
            return importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "django": version("django"),
        "wagtail": version("wagtail"),
        "gunicorn": version("gunicorn"),
        "sqlite": sqlite3.sqlite_version,
        # Other work on the machine skews every figure: the 1-minute load before the run says
        # whether it was quiet (compare with the number of CPUs).
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def markdown_table(measures: list[Measure]) -> str:
    lines = [
        "| URL | requests/s | p50 ms | p95 ms | p99 ms | requests | errors | body bytes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in measures:
        lines.append(
            f"| {m.label} `{m.path}` | {m.rps:,.0f} | {m.percentile(0.5):.1f} | "
            f"{m.percentile(0.95):.1f} | {m.percentile(0.99):.1f} | {m.ok:,} | "
            f"{sum(m.errors.values())} | {round(m.bytes_received / m.ok) if m.ok else 0:,} |"
        )
    return "\n".join(lines)


def record(doc: Path, report: dict, table: str) -> None:
    facts = report["machine"]
    home, bare = report["results"]
    ratio_rps = home["requests_per_second"] / bare["requests_per_second"]
    ratio_p50 = home["latency_ms"]["p50"] / bare["latency_ms"]["p50"]
    latest = "\n".join(
        [
            START_MARK,
            f"Run of {report['date']} on {facts['cpus']} CPU(s) ({facts['cpu_model']}), "
            f"{facts['os']}; Python {facts['python']}, Django {facts['django']}, "
            f"Wagtail {facts['wagtail']}, gunicorn {facts['gunicorn']}, "
            f"SQLite {facts['sqlite']}; load average before the run: "
            f"{facts['load_average_1min']}.",
            "",
            f"gunicorn: {report['workers']} sync workers; client: {report['concurrency']} "
            f"threads, {report['seconds']:.0f} s per URL after {report['warmup']:.0f} s of "
            "warm-up, both URLs in the same run.",
            "",
            table,
            "",
            f"Home page / bare view: **{ratio_rps:.2f}×** the throughput, "
            f"**{ratio_p50:.1f}×** the median latency.",
            END_MARK,
        ]
    )
    history_line = (
        f"| {report['date']} | {facts['cpus']} | {home['requests_per_second']:,.0f} | "
        f"{home['latency_ms']['p95']:.1f} | {bare['requests_per_second']:,.0f} | "
        f"{bare['latency_ms']['p95']:.1f} | {ratio_rps:.2f} |"
    )
    doc_update(
        doc, marks=(START_MARK, END_MARK, HISTORY_MARK), latest=latest, history_line=history_line
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="load time per URL")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up time per URL")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--home", default="/fr/", help="the page to measure")
    parser.add_argument("--no-record", action="store_true", help="do not touch docs/")
    args = parser.parse_args(argv)
    if not 0 < args.seconds <= 120 or not 0 <= args.warmup <= 60:
        parser.error("--seconds must be in (0, 120] and --warmup in [0, 60]")

    facts = machine_facts()
    workdir = Path(tempfile.mkdtemp(prefix="ocim-bench-"))
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ocim.settings.bench",
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
        SECRET_KEY=secrets.token_urlsafe(50),
        MEDIA_ROOT=str(workdir / "media"),
        EMAIL_URL="console://",
        PYTHONPATH=str(ROOT),
    )
    server = None
    try:
        run_manage(env, "migrate", "--noinput", timeout=600)
        run_manage(env, "ocim_demo", timeout=600)
        port = free_port()
        gunicorn = [sys.executable, "-m", "gunicorn", "ocim.wsgi:application"]
        gunicorn += ["--bind", f"{HOST}:{port}", "--workers", str(args.workers)]
        gunicorn += ["--worker-class", "sync", "--log-level", "warning", "--chdir", str(ROOT)]
        server = subprocess.Popen(gunicorn, cwd=ROOT, env=env)
        wait_until_up(port, server, timeout=60)

        targets = [("home page", args.home), ("bare Django view", "/bench/bare")]
        for label, path in targets:
            status, _size = one_request(http.client.HTTPConnection(HOST, port, timeout=30), path)
            if status != 200:
                raise SystemExit(f"{label} {path} answered HTTP {status}; nothing measured")
            if args.warmup:
                warm = Measure(label, path, 0)
                load(port, warm, concurrency=args.concurrency, seconds=args.warmup)
        measures = []
        for label, path in targets:
            print(f"measuring {label} {path} for {args.seconds:.0f} s…", flush=True)
            measures.append(
                load(
                    port,
                    Measure(label, path, 0),
                    concurrency=args.concurrency,
                    seconds=args.seconds,
                )
            )
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)

    table = markdown_table(measures)
    print()
    print(table)
    report = {
        "benchmark": "http_bench",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": facts,
        "workers": args.workers,
        "concurrency": args.concurrency,
        "seconds": args.seconds,
        "warmup": args.warmup,
        "results": [m.as_dict() for m in measures],
    }
    home, bare = measures
    if bare.rps:
        print(f"\nhome / bare throughput ratio: {home.rps / bare.rps:.2f}")
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS_DIR / f"http_bench-{stamp}.json").write_text(json.dumps(report, indent=2))
    failed = [m for m in measures if not m.ok or m.errors]
    if failed:
        for m in failed:
            print(f"error: {m.label} {m.path}: {m.ok} ok, errors {m.errors}", file=sys.stderr)
        return 1
    if not args.no_record:
        record(DOC, report, table)
    return 0


if __name__ == "__main__":
    sys.exit(main())

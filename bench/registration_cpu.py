"""CPU time of one registration POST inside the Django process (a developer tool).

Run on its own (``python bench/registration_cpu.py``), never by the test suite. Where the rush
benchmark (``registration_bench.py``) measures latency over HTTP on a machine whose CPUs are
shared by the client, gunicorn and PostgreSQL, this script measures what the rush is made of:
the CPU one registration POST costs the web process, through the WSGI handler exactly as
gunicorn calls it (every middleware, the CSRF check included), so that a change on the hot path
can be judged in a minute.

1. Set-up (not timed): a PostgreSQL database of its own (``--database``; created, migrated and
   given the demo catalogue unless ``--reuse-database``), Redis for the cache, the sessions
   and the task queue (``--redis``, a database number this script may empty), and, through
   ``registration_bench.stage_build``, one open 20-seat session and its logged-in people per
   pass. Each person GETs the form first (CSRF cookie and token, idempotency key).
2. Warm-up: a few POSTs to a session of their own.
3. Timed pass: every person POSTs once; ``time.process_time()`` around the WSGI call
   (response read and closed, ``request_finished`` included). Seats, waiting list and queued
   e-mails are then checked as the rush benchmark checks them.
4. Query pass: a few more POSTs with their SQL captured.
5. Profile pass: another session's people POST under cProfile (top functions by own time and
   by cumulative time).

The script sets its own environment (``ocim.settings.bench``, ``DATABASE_URL``, ``REDIS_URL``).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: make `bench` and `ocim` importable

from bench.http_bench import HOST, run_manage  # noqa: E402  (needs the path above)
from bench.registration_bench import (  # noqa: E402
    DATABASE_PREFIX,
    FORM_DATA,
    FormFields,
    Stage,
    database_recreate,
    database_url,
    django_setup,
    mail_tasks_queued,
    stage_build,
)


class WsgiClient:
    """Calls the WSGI application as gunicorn does (one environ per request, the answer read
    and closed), keeping each person's cookies."""

    def __init__(self, application):
        self.application = application

    def environ(self, method: str, path: str, cookies: dict[str, str], body: bytes = b""):
        environ = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": HOST,
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": HOST,
            "REMOTE_PORT": "50000",
            "HTTP_HOST": HOST,
            "HTTP_ACCEPT_LANGUAGE": "fr",
            "HTTP_CONNECTION": "close",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if body:
            environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
            environ["CONTENT_LENGTH"] = str(len(body))
        return environ

    def request(self, method: str, path: str, cookies: dict[str, str], body: bytes = b""):
        """(status, headers, body); Set-Cookie headers update ``cookies``."""
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"] = int(status.split()[0])
            answer["headers"] = headers

        result = self.application(self.environ(method, path, cookies, body), start_response)
        try:
            content = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        from http.cookies import SimpleCookie

        for name, value in answer["headers"]:
            if name.lower() != "set-cookie":
                continue
            jar = SimpleCookie()
            jar.load(value)
            for key, morsel in jar.items():
                if morsel.value and morsel["max-age"] != "0":
                    cookies[key] = morsel.coded_value
                else:
                    cookies.pop(key, None)
        return answer["status"], answer["headers"], content


def forms_ready(client: WsgiClient, stage: Stage) -> None:
    """Each person opens the form: CSRF cookie and token, idempotency key (not timed)."""
    for person in stage.people:
        status, _headers, body = client.request("GET", stage.register_path, person.cookies)
        if status != 200:
            raise SystemExit(f"GET {stage.register_path}: HTTP {status}")
        parser = FormFields()
        parser.feed(body.decode())
        form = parser.form_with("idempotency_key")
        person.form = {
            "csrfmiddlewaretoken": form["csrfmiddlewaretoken"],
            "idempotency_key": form["idempotency_key"],
            "price_option": form["price_option"],
            **FORM_DATA,
        }


def post(client: WsgiClient, stage: Stage, person) -> tuple[float, int, dict]:
    """One registration POST; (CPU seconds, status, headers)."""
    body = urllib.parse.urlencode(person.form).encode()
    began = time.process_time()
    status, headers, _content = client.request("POST", stage.register_path, person.cookies, body)
    spent = time.process_time() - began
    return spent, status, dict(headers)


def check(stage: Stage, *, seats: int, redis_url: str) -> list[str]:
    """The rush benchmark's checks on the database state and the queued e-mails."""
    from ocim.training.models import SEAT_HOLDING_STATUSES, Registration, RegistrationStatus

    rows = list(
        Registration.objects.filter(session_id=stage.session_id).values_list(
            "status", "seat_number", "waitlist_rank"
        )
    )
    failures = []
    people = len(stage.people)
    holders = sorted(seat for status, seat, _rank in rows if status in SEAT_HOLDING_STATUSES)
    ranks = sorted(rank for status, _s, rank in rows if status == RegistrationStatus.WAITLISTED)
    if len(rows) != people:
        failures.append(f"{len(rows)} registrations for {people} people")
    if holders != list(range(1, min(seats, people) + 1)):
        failures.append(f"seat numbers {holders}")
    if ranks != list(range(1, max(0, people - seats) + 1)):
        failures.append(f"waiting-list ranks {ranks[:5]}…")
    queued = mail_tasks_queued(redis_url, stage)
    if queued != people:
        failures.append(f"{queued} e-mails queued for {people} registrations")
    return failures


def stage_posts(client, stage: Stage, *, seats: int, redis_url: str, profiler=None):
    """Every person of ``stage`` POSTs once; the CPU seconds of each POST."""
    spent = []
    for person in stage.people:
        if profiler is not None:
            profiler.enable()
        seconds, status, headers = post(client, stage, person)
        if profiler is not None:
            profiler.disable()
        location = urllib.parse.urlsplit(headers.get("Location", "")).path
        if status != 302 or location != stage.my_registrations_path:
            raise SystemExit(f"POST answered HTTP {status} → {location!r}, expected a redirect")
        spent.append(seconds)
    failures = check(stage, seats=seats, redis_url=redis_url)
    if failures:
        raise SystemExit("; ".join(failures))
    return spent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200, help="timed POSTs (one person each)")
    parser.add_argument("--seats", type=int, default=20, help="seats of each session")
    parser.add_argument("--profile-posts", type=int, default=100, help="POSTs under cProfile")
    parser.add_argument("--top", type=int, default=40, help="profile lines shown per sort")
    parser.add_argument("--profile-out", help="also save the profile there (pstats file)")
    parser.add_argument(
        "--profile-clock",
        choices=["cpu", "wall"],
        default="cpu",
        help="cProfile's timer: CPU time (waits on PostgreSQL and Redis left out, but each call "
        "costs a system call, which inflates code made of many small calls) or wall time",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL without a database name",
    )
    parser.add_argument(
        "--database",
        default="ocim_bench_cpu",
        help=f"the script's database; must start with {DATABASE_PREFIX}",
    )
    parser.add_argument(
        "--reuse-database",
        action="store_true",
        help="keep the database of an earlier run (already migrated, demo catalogue loaded)",
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        help="Redis for the cache, sessions and tasks; a database number this script empties",
    )
    args = parser.parse_args(argv)
    if not args.database.startswith(DATABASE_PREFIX):
        parser.error(f"--database must start with {DATABASE_PREFIX}")

    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ocim.settings.bench",
        DATABASE_URL=database_url(args.postgres, args.database),
        REDIS_URL=args.redis,
        SECRET_KEY=secrets.token_urlsafe(50),
        MEDIA_ROOT=tempfile.mkdtemp(prefix="ocim-bench-cpu-"),
        PYTHONPATH=str(ROOT),
    )
    import redis

    redis.Redis.from_url(args.redis, socket_timeout=5).flushdb()
    if not args.reuse_database:
        database_recreate(args.postgres, args.database)
        run_manage(env, "migrate", "--noinput", timeout=900)
        run_manage(env, "ocim_demo", timeout=900)
    django_setup(env)
    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = WsgiClient(get_wsgi_application())

    def staged(people: int) -> Stage:
        # People of their own for each pass and each run (a reused database keeps the last).
        prefix = f"cpu-{secrets.token_hex(4)}-"
        stage = stage_build(seats=args.seats, attempts=people, people_prefix=prefix)
        forms_ready(client, stage)
        return stage

    warm = staged(10)
    stage_posts(client, warm, seats=args.seats, redis_url=args.redis)

    timed = staged(args.posts)
    cpu = stage_posts(client, timed, seats=args.seats, redis_url=args.redis)

    counted = staged(args.seats + 5)  # seats and waiting list both
    people = counted.people
    queries = []
    for person in people:
        with CaptureQueriesContext(connection) as captured:
            post(client, counted, person)
        queries.append([q["sql"] for q in captured.captured_queries])

    profiled = staged(args.profile_posts)
    clock = time.process_time if args.profile_clock == "cpu" else time.perf_counter
    profiler = cProfile.Profile(clock)
    stage_posts(client, profiled, seats=args.seats, redis_url=args.redis, profiler=profiler)
    if args.profile_out:
        profiler.dump_stats(args.profile_out)
    for sort in ("tottime", "cumulative"):
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats(sort).print_stats(args.top)
        print(f"--- profile of {args.profile_posts} POSTs by {sort} ({args.profile_clock}) ---")
        print(stream.getvalue())

    print("--- SQL of one POST with a seat, then one on the waiting list ---")
    for sql in (queries[0], queries[-1]):
        for statement in sql:
            print(f"  {statement[:300]}")
        print()
    seat_queries = [len(q) for q in queries[: args.seats]]
    waiting_queries = [len(q) for q in queries[args.seats :]]
    ms = [s * 1000 for s in cpu]
    print(
        f"CPU per registration POST over {len(ms)} POSTs ({args.seats} seats): "
        f"mean {statistics.mean(ms):.2f} ms, median {statistics.median(ms):.2f} ms, "
        f"min {min(ms):.2f} ms, max {max(ms):.2f} ms; queries per POST: "
        f"{min(seat_queries)}–{max(seat_queries)} with a seat, "
        f"{min(waiting_queries)}–{max(waiting_queries)} on the waiting list"
    )
    redis.Redis.from_url(args.redis, socket_timeout=5).flushdb()
    return 0


if __name__ == "__main__":
    sys.exit(main())

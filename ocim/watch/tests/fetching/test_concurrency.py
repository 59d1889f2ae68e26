"""No source is read twice at once and no host gets two requests at once, whatever the number
of workers: real threads, one PostgreSQL connection each, released together."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from ocim.core.tests.servers import Reply
from ocim.watch.fetching import source_fetch, sources_fetch
from ocim.watch.models import Source

from .builders import make_source

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: DATABASE_URL=postgres://…"
    ),
    pytest.mark.django_db(transaction=True),
]


class InFlight:
    """A feed that takes a moment to answer and counts the requests in flight on its server."""

    def __init__(self):
        self.lock = threading.Lock()
        self.current = 0
        self.peak = 0

    def answer(self, request):
        with self.lock:
            self.current += 1
            self.peak = max(self.peak, self.current)
        time.sleep(0.05)
        with self.lock:
            self.current -= 1
        return Reply(200, {"Content-Type": "application/rss+xml"}, b"<rss/>")


def run_together(function, arguments):
    barrier = threading.Barrier(len(arguments))

    def run(argument):
        try:
            barrier.wait(timeout=30)
            return function(argument)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(arguments)) as pool:
        return list(pool.map(run, arguments))


def test_eight_workers_racing_for_one_source_read_it_once(loopback_server, pipeline_spy):
    flight = InFlight()
    loopback_server.reply("/flux.xml", flight.answer)
    source = make_source(loopback_server.url("/flux.xml"))

    results = run_together(lambda _n: source_fetch(source_id=source.pk), range(8))

    assert sorted(r.outcome for r in results) == ["content"] + ["skipped"] * 7
    assert len(loopback_server.requests_to("/flux.xml")) == 1
    source.refresh_from_db()
    assert (source.fetch_count, source.lease_token) == (1, "")


def test_many_workers_over_shared_hosts_keep_one_request_per_host(
    loopback_server_factory, pipeline_spy
):
    """Six fetch tasks, all given the same 30 sources on 3 hosts (as if queued several times),
    each with 3 threads. Round after round (sources deferred by a busy host come back), every
    source is read exactly once and no server ever has two of our requests in flight."""
    servers = [loopback_server_factory() for _ in range(3)]
    flights = [InFlight() for _ in servers]
    ids = []
    for server, flight in zip(servers, flights, strict=True):
        for number in range(10):
            server.reply(f"/flux{number}.xml", flight.answer)
            ids.append(make_source(server.url(f"/flux{number}.xml")).pk)

    for _round in range(20):
        run_together(lambda _n: sources_fetch(ids, threads=3), range(6))
        if not Source.objects.filter(last_fetch_at__isnull=True).exists():
            break
        # What a busy host deferred comes back at the next tick.
        Source.objects.filter(last_fetch_at__isnull=True).update(next_fetch_at=timezone.now())

    assert not Source.objects.filter(last_fetch_at__isnull=True).exists()
    for server in servers:
        paths = [request.path for request in server.requests if request.path != "/robots.txt"]
        assert sorted(paths) == sorted(f"/flux{n}.xml" for n in range(10))
        assert len(server.requests_to("/robots.txt")) == 1
    assert [flight.peak for flight in flights] == [1, 1, 1]
    assert set(Source.objects.values_list("fetch_count", "lease_token")) == {(1, "")}


def test_a_hanging_source_ends_at_its_deadline_while_its_task_reads_the_others(
    loopback_server_factory, pipeline_spy, settings
):
    """A task of two sources, one on a server that never answers (deadline 2 s here): the
    other thread reads its source, then the other due sources (queued in tasks of their own),
    before the hanging read ends; the task ends with the hanging read, not after."""
    from ocim.core.tests.servers import RawReply
    from ocim.watch.models import FetchLog

    settings.OCIM_WATCH_FETCH_DEADLINE = 2
    hanging_server = loopback_server_factory()
    hanging_server.reply("/flux.xml", RawReply([b"HTTP/1.1 200 OK\r\n"], delay=30))
    hanging = make_source(hanging_server.url("/flux.xml"))
    others = []
    for _ in range(7):
        server = loopback_server_factory()
        server.reply("/flux.xml", Reply(200, {"Content-Type": "application/rss+xml"}, b"<rss/>"))
        others.append(make_source(server.url("/flux.xml")))

    started = time.monotonic()
    summary = sources_fetch([hanging.pk, others[0].pk], threads=2)
    elapsed = time.monotonic() - started

    assert summary == {"error": 1, "content": 7}  # its two sources and the five taken on
    # The hanging read ends at its deadline; the margin is for a busy machine (the server
    # would hang for 30 s, and the others' logs below show they were read meanwhile).
    assert 2 <= elapsed < 2 + 3
    hanging.refresh_from_db()
    assert hanging.last_error_code == "deadline_exceeded"
    hanging_log = FetchLog.objects.get(source=hanging)
    hanging_end = hanging_log.started_at + timedelta(milliseconds=hanging_log.duration_ms)
    for other in others:
        log = FetchLog.objects.get(source=other)
        assert log.outcome == "content"
        assert log.started_at < hanging_end


def test_a_thread_with_nothing_else_to_do_waits_for_a_request_in_flight(
    loopback_server, pipeline_spy
):
    from ocim.watch.models import Host

    loopback_server.reply(
        "/flux.xml", Reply(200, {"Content-Type": "application/rss+xml"}, b"<rss/>")
    )
    source = make_source(loopback_server.url("/flux.xml"))
    host = Host.objects.create(
        name=f"127.0.0.1:{loopback_server.port}",
        lease_until=timezone.now() + timedelta(seconds=40),
        lease_token="another-worker",
    )

    def request_ends():
        Host.objects.filter(pk=host.pk).update(lease_until=None, lease_token="")
        connections.close_all()

    timer = threading.Timer(0.5, request_ends)
    timer.start()
    started = time.monotonic()
    result = source_fetch(source_id=source.pk, in_flight_wait=5)
    timer.join()

    assert result.outcome == "content"
    assert 0.5 <= time.monotonic() - started < 3
    # Without the wait, the same situation defers the source.
    Host.objects.filter(pk=host.pk).update(
        lease_until=timezone.now() + timedelta(seconds=40), lease_token="another-worker"
    )
    Source.objects.filter(pk=source.pk).update(next_fetch_at=timezone.now())
    assert source_fetch(source_id=source.pk).outcome == "deferred"

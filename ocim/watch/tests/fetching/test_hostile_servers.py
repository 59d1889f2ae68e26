"""Hostile servers through the fetch of a source: every case ends within its limit (10 MiB, the
fetch deadline, 5 redirects) as a clean error recorded on the source — lease released, health
record and fetch log written, nothing raised to the worker.

The fetch deadline is lowered to 2 s so the suite stays fast; the production 30 s is the same
code path with a bigger number.
"""

import itertools
import time
import zlib

import pytest

from ocim.core.tests.servers import RawReply, Reply
from ocim.watch.fetching import source_fetch
from ocim.watch.models import FetchLog, Host, SourceState

from .builders import make_source

pytestmark = pytest.mark.django_db

DEADLINE = 2
# What the machine may add to a limit (thread scheduling, a busy CI runner).
SLACK = 3.0


@pytest.fixture(autouse=True)
def short_deadline(settings):
    settings.OCIM_WATCH_FETCH_DEADLINE = DEADLINE


def endless(chunk=b"<item>" * 10_000):
    return itertools.repeat(chunk)


def gzip_bomb(decompressed_mib=64):
    """A gzip stream of zeros, produced piece by piece (about 64 KiB on the wire)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = b"\0" * (1024 * 1024)
    for _ in range(decompressed_mib):
        piece = compressor.compress(zeros)
        if piece:
            yield piece
    yield compressor.flush()


def redirect_chain(server, hops):
    for number in range(hops):
        server.reply(f"/r{number}", Reply.redirect(f"/r{number + 1}"))
    server.reply(f"/r{hops}", Reply(200, {"Content-Type": "application/rss+xml"}, b"<rss/>"))


CASES = {
    "endless body": (
        lambda server: server.reply("/flux", Reply(200, {"Content-Type": "text/xml"}, endless())),
        "too_large",
        DEADLINE,
    ),
    "endless body announced": (
        lambda server: server.reply(
            "/flux", Reply(200, {"Content-Length": str(50 * 1024 * 1024)}, endless())
        ),
        "too_large",
        DEADLINE,
    ),
    "gzip bomb": (
        lambda server: server.reply(
            "/flux",
            Reply(200, {"Content-Encoding": "gzip", "Content-Type": "text/xml"}, gzip_bomb()),
        ),
        "too_large",
        DEADLINE,
    ),
    "one byte per second": (
        lambda server: server.reply(
            "/flux", Reply(200, {"Content-Type": "text/xml"}, iter([b"<"] * 60), delay=1.0)
        ),
        "deadline_exceeded",
        DEADLINE,
    ),
    "headers never sent": (
        lambda server: server.reply("/flux", RawReply([b"HTTP/1.1 200 OK\r\n"], delay=30)),
        "deadline_exceeded",
        DEADLINE,
    ),
    "headers trickled": (
        lambda server: server.reply(
            "/flux", RawReply([b"HTTP/1.1 200 OK\r\n"] + [b"X-A: b\r\n"] * 60, delay=0.5)
        ),
        "deadline_exceeded",
        DEADLINE,
    ),
    "redirect loop": (
        lambda server: (
            server.reply("/flux", Reply.redirect("/ailleurs")),
            server.reply("/ailleurs", Reply.redirect("/flux")),
        ),
        "too_many_redirects",
        DEADLINE,
    ),
    "too many redirects": (
        lambda server: (redirect_chain(server, 6), server.reply("/flux", Reply.redirect("/r0"))),
        "too_many_redirects",
        DEADLINE,
    ),
    "lying content length": (
        lambda server: server.reply(
            "/flux", RawReply([b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n<rss>"])
        ),
        "invalid_response",
        DEADLINE,
    ),
    "garbage status line": (
        lambda server: server.reply("/flux", RawReply([b"\x16\x03\x01 not http at all\r\n\r\n"])),
        "invalid_response",
        DEADLINE,
    ),
    "header flood": (
        lambda server: server.reply(
            "/flux", RawReply([b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n"])
        ),
        "invalid_response",
        DEADLINE,
    ),
    "unknown content encoding": (
        lambda server: server.reply("/flux", Reply(200, {"Content-Encoding": "br"}, b"\x1b")),
        "invalid_response",
        DEADLINE,
    ),
    "truncated gzip": (
        lambda server: server.reply(
            "/flux", Reply(200, {"Content-Encoding": "gzip"}, zlib.compress(b"<rss/>" * 100)[:20])
        ),
        "invalid_response",
        DEADLINE,
    ),
    "server error": (
        lambda server: server.reply("/flux", Reply(500, body=b"Internal Server Error")),
        "server_error",
        DEADLINE,
    ),
    "bad gateway": (
        lambda server: server.reply("/flux", Reply(502)),
        "server_error",
        DEADLINE,
    ),
    "too many requests": (
        lambda server: server.reply("/flux", Reply(429, {"Retry-After": "120"})),
        "rate_limited",
        DEADLINE,
    ),
    "closed at once": (
        lambda server: server.reply("/flux", RawReply([b""])),
        "invalid_response",
        DEADLINE,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_server_ends_as_a_clean_recorded_error(case, loopback_server, pipeline_spy):
    script, code, limit = CASES[case]
    script(loopback_server)
    source = make_source(loopback_server.url("/flux"))

    started = time.monotonic()
    result = source_fetch(source_id=source.pk)
    elapsed = time.monotonic() - started

    assert elapsed < limit + SLACK, f"{case} took {elapsed:.1f} s"
    assert (result.outcome, result.error_code) == ("error", code)
    source.refresh_from_db()
    assert source.last_error_code == code
    assert source.consecutive_errors == 1
    assert source.state == SourceState.ACTIVE
    assert (source.lease_token, source.lease_until, source.enqueued_at) == ("", None, None)
    assert source.next_fetch_at is not None
    assert pipeline_spy.calls == []
    log = FetchLog.objects.get(source=source)
    assert (log.outcome, log.error_code) == ("error", code)
    host = Host.objects.get()
    assert host.lease_token == ""
    # The worker can go on: the next source of the same server is read normally.
    loopback_server.reply("/sain", Reply(200, {"Content-Type": "application/rss+xml"}, b"<rss/>"))
    host.blocked_until = None
    host.save()
    healthy = make_source(loopback_server.url("/sain"))
    assert source_fetch(source_id=healthy.pk).outcome == "content"


def test_a_hanging_robots_txt_ends_at_its_own_deadline(loopback_server, pipeline_spy, monkeypatch):
    from ocim.watch.fetching import hosts

    monkeypatch.setattr(hosts, "ROBOTS_DEADLINE", 1.0)
    loopback_server.reply("/robots.txt", RawReply([b"HTTP/1.1 200 OK\r\n"], delay=30))
    loopback_server.reply("/flux", Reply(200, body=b"<rss/>"))
    source = make_source(loopback_server.url("/flux"))

    started = time.monotonic()
    result = source_fetch(source_id=source.pk)

    assert time.monotonic() - started < 1.0 + SLACK
    assert result.error_code == "deadline_exceeded"
    source.refresh_from_db()
    assert source.last_error.startswith("robots.txt: ")
    assert loopback_server.requests_to("/flux") == []

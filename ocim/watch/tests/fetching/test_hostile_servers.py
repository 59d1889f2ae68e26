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


# --- hostile documents: the body arrives, the pipeline must survive it ---------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><guid>bomb</guid><title>&lol9;</title><link>https://example.org/bomb</link></item>
</channel></rss>"""


def external_entity(port):
    return f"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY passwd SYSTEM "file:///etc/passwd">
 <!ENTITY remote SYSTEM "http://127.0.0.1:{port}/secret">
 <!ENTITY % dtd SYSTEM "http://127.0.0.1:{port}/evil.dtd"> %dtd;
]>
<rss version="2.0"><channel><title>t</title>
<item><guid>xxe</guid><title>A &passwd; B &remote;</title><link>https://example.org/xxe</link>
</item></channel></rss>""".encode()


def rss_bytes(title: str, *, encoding: str, declare: str | None = None) -> bytes:
    declaration = f"<?xml version='1.0' encoding='{declare}'?>" if declare else ""
    return declaration.encode() + (
        "<rss version='2.0'><channel><title>Flux</title>"
        f"<item><guid>g1</guid><title>{title}</title><link>https://example.org/1</link></item>"
        "</channel></rss>"
    ).encode(encoding)


def stored_text():
    from ocim.watch.models import Item

    return " ".join(
        f"{item.title} {item.summary} {item.content_text}" for item in Item.objects.all()
    )


DOCUMENT_CASES = {
    "billion laughs": lambda server: Reply(
        200, {"Content-Type": "application/rss+xml"}, BILLION_LAUGHS
    ),
    "external entities": lambda server: Reply(
        200, {"Content-Type": "application/rss+xml"}, external_entity(server.port)
    ),
    "wrong charset": lambda server: Reply(
        200,
        {"Content-Type": "application/rss+xml; charset=utf-8"},
        rss_bytes("Musée d'été", encoding="latin-1"),
    ),
    "missing charset": lambda server: Reply(
        200, {"Content-Type": "application/rss+xml"}, rss_bytes("Musée – été", encoding="cp1252")
    ),
    "unknown charset": lambda server: Reply(
        200,
        {"Content-Type": "application/rss+xml; charset=x-klingon"},
        rss_bytes("Musée", encoding="utf-8", declare="x-klingon"),
    ),
    "control characters": lambda server: Reply(
        200,
        {"Content-Type": "application/rss+xml"},
        rss_bytes("Mus\x00ée\x01\x08 \x1b[31mrouge\x0b", encoding="utf-8"),
    ),
    "binary garbage": lambda server: Reply(
        200, {"Content-Type": "application/rss+xml"}, bytes(range(256)) * 64
    ),
    "empty body": lambda server: Reply(200, {"Content-Type": "application/rss+xml"}, b""),
}


@pytest.mark.parametrize("case", list(DOCUMENT_CASES))
def test_a_hostile_document_ends_as_entries_or_a_clean_error(case, loopback_server, pipeline_spy):
    loopback_server.reply("/flux", DOCUMENT_CASES[case](loopback_server))
    loopback_server.reply("/secret", Reply(200, body=b"TOP-SECRET"))
    loopback_server.reply("/evil.dtd", Reply(200, body=b'<!ENTITY leak "TOP-SECRET">'))
    source = make_source(loopback_server.url("/flux"))

    started = time.monotonic()
    result = source_fetch(source_id=source.pk)

    assert time.monotonic() - started < DEADLINE + SLACK
    assert result.outcome in ("content", "error")
    source.refresh_from_db()
    assert (source.lease_token, source.lease_until) == ("", None)
    if result.outcome == "error":
        assert source.last_error_code and source.last_error
        assert source.last_error_code != "processing_failed", source.last_error
    else:
        assert source.last_error_code == ""
    text = stored_text()
    assert "lollollollol" not in text  # entities never expanded
    assert "root:" not in text and "TOP-SECRET" not in text
    assert loopback_server.requests_to("/secret") == []
    assert loopback_server.requests_to("/evil.dtd") == []
    assert not any(ord(char) < 32 and char not in "\t\n\r" for char in text)


@pytest.mark.parametrize("case", ["wrong charset", "missing charset", "control characters"])
def test_a_readable_document_with_a_broken_encoding_still_gives_its_entry(
    case, loopback_server, pipeline_spy
):
    from ocim.watch.models import Item

    loopback_server.reply("/flux", DOCUMENT_CASES[case](loopback_server))
    source = make_source(loopback_server.url("/flux"))

    assert source_fetch(source_id=source.pk).outcome == "content"
    title = Item.objects.get().title
    assert "Mus" in title
    if case != "control characters":
        assert "Musée" in title

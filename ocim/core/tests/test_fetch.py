"""safe_fetch() against real servers on loopback (allowed by the test settings' allowance)."""

import datetime as dt
import gzip
import socket
import time
import tracemalloc
import zlib

import pytest

from ocim.core.fetch import (
    ConnectionFailed,
    DeadlineExceeded,
    FetchError,
    InsecureRedirect,
    InvalidResponse,
    TooLarge,
    TooManyRedirects,
    UnsupportedScheme,
    safe_fetch,
    validate_redirect,
)
from ocim.core.tests.servers import RawReply, Reply

RSS = "<?xml version='1.0' encoding='iso-8859-1'?><rss><title>Musées été</title></rss>"


def gzip_bomb(mebibytes, *, units_per_write=64):
    """A valid gzip stream of ``mebibytes`` MiB of zeros, produced lazily (1 GiB is ~1 MiB on
    the wire). After a full flush the compressor's state repeats, so one compressed MiB can be
    repeated; the CRC is only computed if a client reads to the end."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    unit = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    final_block = compressor.flush()

    def chunks():
        yield b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # gzip header, no name, no mtime
        for _ in range(mebibytes // units_per_write):
            yield unit * units_per_write
        yield unit * (mebibytes % units_per_write)
        crc = 0
        for _ in range(mebibytes):
            crc = zlib.crc32(zeros, crc)
        yield (
            final_block
            + crc.to_bytes(4, "little")
            + (mebibytes << 20 & 0xFFFFFFFF).to_bytes(4, "little")
        )

    return chunks()


def test_the_gzip_bomb_is_a_real_gzip_stream():
    assert gzip.decompress(b"".join(gzip_bomb(3, units_per_write=2))) == bytes(3 * 1024 * 1024)


def test_a_page_is_fetched_with_its_charset_and_our_identity(loopback_server):
    loopback_server.reply(
        "/flux.xml",
        Reply(
            200, {"Content-Type": "application/rss+xml; charset=ISO-8859-1"}, RSS.encode("latin-1")
        ),
    )

    result = safe_fetch(loopback_server.url("/flux.xml"))

    assert result.status_code == 200
    assert result.ok
    assert not result.not_modified
    assert result.final_url == loopback_server.url("/flux.xml")
    assert result.redirects == ()
    assert result.encoding == "iso-8859-1"
    assert result.content_type == "application/rss+xml"
    assert result.text == RSS
    assert result.content == RSS.encode("latin-1")
    assert 0 < result.elapsed < 5
    [request] = loopback_server.requests
    assert request.headers["User-Agent"] == "OcimBot/1.0 (+https://www.ocim.fr)"
    assert request.headers["Accept-Encoding"] == "gzip, deflate"
    assert request.headers["Accept"] == "*/*"
    assert request.headers["Host"] == loopback_server.netloc
    assert request.headers["If-None-Match"] is None
    assert request.headers["If-Modified-Since"] is None


def test_the_user_agent_and_accept_come_from_settings_and_arguments(loopback_server, settings):
    settings.OCIM_FETCH_USER_AGENT = "OcimBot/2.0 (+https://www.ocim.fr/robot)"
    loopback_server.reply("/", Reply(200, body=b"ok"))

    safe_fetch(loopback_server.url("/"), accept="application/atom+xml", headers={"X-Trace": "1"})

    [request] = loopback_server.requests
    assert request.headers["User-Agent"] == "OcimBot/2.0 (+https://www.ocim.fr/robot)"
    assert request.headers["Accept"] == "application/atom+xml"
    assert request.headers["X-Trace"] == "1"


def conditional_feed(request):
    if request.headers["If-None-Match"] == '"v1"' or request.headers["If-Modified-Since"]:
        return Reply(304, {"ETag": '"v1"'})
    return Reply(200, {"ETag": '"v1"', "Last-Modified": "Mon, 03 Mar 2025 10:00:00 GMT"}, b"<rss/>")


def test_conditional_get_sends_each_validator_independently(loopback_server):
    loopback_server.reply("/feed", conditional_feed)
    url = loopback_server.url("/feed")

    first = safe_fetch(url)
    by_etag = safe_fetch(url, etag=first.etag)
    by_date = safe_fetch(url, last_modified=first.last_modified)
    by_both = safe_fetch(url, etag='"v1"', last_modified=dt.datetime(2025, 3, 3, 11, tzinfo=dt.UTC))

    assert first.status_code == 200
    assert first.etag == '"v1"'
    for result in (by_etag, by_date, by_both):
        assert result.not_modified
        assert result.status_code == 304
        assert result.content == b""
    headers = [
        (r.headers["If-None-Match"], r.headers["If-Modified-Since"])
        for r in loopback_server.requests
    ]
    assert headers == [
        (None, None),
        ('"v1"', None),
        (None, "Mon, 03 Mar 2025 10:00:00 GMT"),
        ('"v1"', "Mon, 03 Mar 2025 11:00:00 GMT"),
    ]


def test_a_naive_last_modified_datetime_is_refused():
    with pytest.raises(ValueError, match="aware"):
        safe_fetch("http://127.0.0.1:9/", last_modified=dt.datetime(2025, 1, 1))


def script_redirect_chain(server, length):
    for index in range(length):
        server.reply(f"/hop/{index}", Reply.redirect(f"/hop/{index + 1}"))
    server.reply(f"/hop/{length}", Reply(200, body=b"arrived"))


def test_five_redirects_are_followed(loopback_server):
    script_redirect_chain(loopback_server, 5)

    result = safe_fetch(loopback_server.url("/hop/0"))

    assert result.status_code == 200
    assert result.content == b"arrived"
    assert result.final_url == loopback_server.url("/hop/5")
    assert result.redirects == tuple(loopback_server.url(f"/hop/{i}") for i in range(5))
    assert result.url == loopback_server.url("/hop/0")


def test_a_sixth_redirect_is_refused(loopback_server):
    script_redirect_chain(loopback_server, 6)

    with pytest.raises(TooManyRedirects) as caught:
        safe_fetch(loopback_server.url("/hop/0"))

    assert caught.value.code == "too_many_redirects"
    assert [r.path for r in loopback_server.requests] == [f"/hop/{i}" for i in range(6)]


def test_max_redirects_is_configurable(loopback_server):
    script_redirect_chain(loopback_server, 2)
    with pytest.raises(TooManyRedirects):
        safe_fetch(loopback_server.url("/hop/0"), max_redirects=1)
    assert safe_fetch(loopback_server.url("/hop/0"), max_redirects=2).ok


def test_a_redirect_loop_is_detected_without_running_the_whole_budget(loopback_server):
    loopback_server.reply("/a", Reply.redirect("/b", 301))
    loopback_server.reply("/b", Reply.redirect(loopback_server.url("/a"), 308))

    with pytest.raises(TooManyRedirects) as caught:
        safe_fetch(loopback_server.url("/a"))

    assert caught.value.detail == "redirect loop"
    assert [r.path for r in loopback_server.requests] == ["/a", "/b"]


def test_relative_locations_are_resolved_against_the_current_url(loopback_server):
    loopback_server.reply("/dossiers/a/", Reply.redirect("../b/?page=2"))
    loopback_server.reply("/dossiers/b/", Reply.redirect("//" + loopback_server.netloc + "/fin"))
    loopback_server.reply("/fin", Reply(200, body=b"fin"))

    result = safe_fetch(loopback_server.url("/dossiers/a/"))

    assert result.final_url == loopback_server.url("/fin")
    assert [r.path for r in loopback_server.requests] == [
        "/dossiers/a/",
        "/dossiers/b/?page=2",
        "/fin",
    ]


def test_303_turns_into_get_and_head_stays_head(loopback_server):
    loopback_server.reply("/see-other", Reply.redirect("/target", 303))
    loopback_server.reply("/target", Reply(200, body=b"x"))

    safe_fetch(loopback_server.url("/see-other"), method="HEAD")

    assert [r.method for r in loopback_server.requests] == ["HEAD", "HEAD"]


def test_credentials_are_not_forwarded_to_another_origin(loopback_server_factory):
    first = loopback_server_factory()
    second = loopback_server_factory()
    first.reply("/", Reply.redirect(second.url("/elsewhere")))
    second.reply("/elsewhere", Reply(200, body=b"ok"))

    safe_fetch(first.url("/"), headers={"Authorization": "Bearer secret", "Cookie": "a=b"})

    assert first.requests[0].headers["Authorization"] == "Bearer secret"
    assert second.requests[0].headers["Authorization"] is None
    assert second.requests[0].headers["Cookie"] is None


# TLS is not needed to test the downgrade rule: it is decided on the URLs of the hop, before
# any connection, by validate_redirect(), which safe_fetch() calls for every redirect.
def test_https_to_http_redirect_is_refused():
    with pytest.raises(InsecureRedirect) as caught:
        validate_redirect("https://www.ocim.fr/flux", "http://www.ocim.fr/flux")
    assert caught.value.code == "insecure_redirect"


def test_redirect_validation_keeps_scheme_for_relative_and_allows_upgrades():
    assert str(validate_redirect("https://www.ocim.fr/a/", "b")) == "https://www.ocim.fr/a/b"
    assert str(validate_redirect("https://www.ocim.fr/a/", "//cdn.ocim.fr/x")) == (
        "https://cdn.ocim.fr/x"
    )
    assert str(validate_redirect("http://www.ocim.fr/", "https://www.ocim.fr/")) == (
        "https://www.ocim.fr/"
    )
    with pytest.raises(UnsupportedScheme):
        validate_redirect("https://www.ocim.fr/", "file:///etc/passwd")


def test_a_redirect_to_a_non_http_scheme_is_refused(loopback_server):
    loopback_server.reply("/", Reply.redirect("gopher://127.0.0.1:70/_GET"))
    with pytest.raises(UnsupportedScheme):
        safe_fetch(loopback_server.url("/"))


def test_a_declared_length_over_the_cap_is_refused_before_reading(loopback_server):
    loopback_server.reply(
        "/big", Reply(200, {"Content-Length": str(50 * 1024 * 1024)}, iter([b"x"]))
    )

    with pytest.raises(TooLarge) as caught:
        safe_fetch(loopback_server.url("/big"))

    assert caught.value.code == "too_large"


def test_a_body_over_the_cap_is_refused(loopback_server):
    loopback_server.reply("/big", Reply(200, body=bytes(2 * 1024 * 1024)))

    with pytest.raises(TooLarge):
        safe_fetch(loopback_server.url("/big"), max_bytes=1024 * 1024)
    assert len(safe_fetch(loopback_server.url("/big"), max_bytes=2 * 1024 * 1024).content) == (
        2 * 1024 * 1024
    )


def test_an_endless_body_stops_at_the_cap(loopback_server):
    def endless():
        while True:
            yield bytes(64 * 1024)

    loopback_server.reply("/endless", Reply(200, body=endless()))
    started = time.monotonic()

    with pytest.raises(TooLarge):
        safe_fetch(loopback_server.url("/endless"), max_bytes=1024 * 1024)

    assert time.monotonic() - started < 5


def test_a_gzip_bomb_is_stopped_at_the_cap_without_inflating_it(loopback_server):
    # 1 GiB of zeros, ~1 MiB on the wire, sent in ~66 kB writes that each inflate to 64 MiB.
    loopback_server.reply("/bomb", Reply(200, {"Content-Encoding": "gzip"}, gzip_bomb(1024)))
    started = time.monotonic()
    tracemalloc.start()
    try:
        with pytest.raises(TooLarge) as caught:
            safe_fetch(loopback_server.url("/bomb"))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert "decoded" in caught.value.detail
    assert time.monotonic() - started < 5
    # The default cap is 10 MiB: memory never held much more than that.
    assert peak < 24 * 1024 * 1024


@pytest.mark.parametrize("wrapped", [True, False], ids=["zlib", "raw-deflate"])
def test_deflate_bodies_are_decoded(loopback_server, wrapped):
    compressor = zlib.compressobj(wbits=zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
    body = compressor.compress("Lettre de l’Ocim".encode()) + compressor.flush()
    loopback_server.reply("/", Reply(200, {"Content-Encoding": "deflate"}, body))

    assert safe_fetch(loopback_server.url("/")).text == "Lettre de l’Ocim"


def test_a_truncated_gzip_body_is_an_invalid_response(loopback_server):
    loopback_server.reply(
        "/", Reply(200, {"Content-Encoding": "gzip"}, gzip.compress(b"x" * 1000)[:-12])
    )
    with pytest.raises(InvalidResponse):
        safe_fetch(loopback_server.url("/"))


def test_an_encoding_we_did_not_ask_for_is_an_invalid_response(loopback_server):
    loopback_server.reply("/", Reply(200, {"Content-Encoding": "br"}, b"\x0b\x02\x80hello\x03"))
    with pytest.raises(InvalidResponse) as caught:
        safe_fetch(loopback_server.url("/"))
    assert caught.value.code == "invalid_response"


def test_head_reports_the_size_without_tripping_the_cap(loopback_server):
    loopback_server.reply(
        "/doc.pdf",
        Reply(200, {"Content-Length": str(500 * 1024 * 1024), "Content-Encoding": "gzip"}),
    )
    result = safe_fetch(loopback_server.url("/doc.pdf"), method="HEAD")
    assert result.headers["content-length"] == str(500 * 1024 * 1024)
    assert result.content == b""


def test_one_byte_per_second_ends_at_the_deadline(loopback_server):
    def trickle():
        while True:
            yield b"x"

    loopback_server.reply("/slow", Reply(200, body=trickle(), delay=1.0))
    started = time.monotonic()

    with pytest.raises(DeadlineExceeded) as caught:
        safe_fetch(loopback_server.url("/slow"), deadline=2.0)

    assert caught.value.code == "deadline_exceeded"
    assert 1.9 < time.monotonic() - started < 3.0


def test_trickled_headers_end_at_the_deadline(loopback_server):
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Padding: " + b"a" * 100
    loopback_server.reply("/slow-head", RawReply([bytes([byte]) for byte in head], delay=0.2))
    started = time.monotonic()

    with pytest.raises(DeadlineExceeded):
        safe_fetch(loopback_server.url("/slow-head"), deadline=1.0)

    assert time.monotonic() - started < 2.0


def test_a_silent_server_ends_at_the_deadline(loopback_server):
    loopback_server.reply("/silent", RawReply([b"H"], delay=4.0))
    started = time.monotonic()

    with pytest.raises(DeadlineExceeded):
        safe_fetch(loopback_server.url("/silent"), deadline=1.0)

    assert time.monotonic() - started < 2.0


def test_the_deadline_covers_the_whole_redirect_chain(loopback_server):
    for index in range(4):
        head = f"HTTP/1.1 302 Found\r\nLocation: /hop/{index + 1}\r\nContent-Length: 0\r\n\r\n"
        loopback_server.reply(f"/hop/{index}", RawReply([head.encode()], delay=0.4))
    loopback_server.reply("/hop/4", Reply(200, body=b"late"))
    started = time.monotonic()

    with pytest.raises(DeadlineExceeded):
        safe_fetch(loopback_server.url("/hop/0"), deadline=1.0)

    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("status", [404, 410, 500, 503])
def test_http_errors_are_results_not_exceptions(loopback_server, status):
    # Decision: the helper reports what the server said; the caller decides whether a 503 is
    # "retry later" (Retry-After) or a 410 "unsubscribe". Only refusals and failures raise.
    loopback_server.reply("/", Reply(status, {"Retry-After": "120"}, b"erreur"))

    result = safe_fetch(loopback_server.url("/"))

    assert result.status_code == status
    assert not result.ok
    assert result.content == b"erreur"
    assert result.headers["retry-after"] == "120"


def test_a_closed_port_is_a_connection_failure():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ConnectionFailed) as caught:
        safe_fetch(f"http://127.0.0.1:{port}/")
    assert caught.value.code == "connection_failed"
    assert caught.value.url == f"http://127.0.0.1:{port}/"


def test_garbage_instead_of_http_is_an_invalid_response(loopback_server):
    loopback_server.reply("/", RawReply([b"SSH-2.0-OpenSSH_9.6\r\n\r\n"]))
    with pytest.raises(FetchError) as caught:
        safe_fetch(loopback_server.url("/"))
    assert caught.value.code in {"invalid_response", "connection_failed"}


def test_an_unknown_charset_falls_back_to_utf8_for_text(loopback_server):
    loopback_server.reply(
        "/", Reply(200, {"Content-Type": "text/plain; charset=klingon"}, "é".encode())
    )
    result = safe_fetch(loopback_server.url("/"))
    assert result.encoding == "klingon"
    assert result.text == "é"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "POST"}, "GET and HEAD"),
        ({"headers": {"Host": "evil.example"}}, "Host"),
        ({"headers": {"Accept-Encoding": "br"}}, "Accept-Encoding"),
        ({"headers": {"X-Note": "a\r\nInjected: 1"}}, "line break"),
        ({"etag": '"v1"\r\nInjected: 1'}, "line break"),
    ],
)
def test_programming_errors_are_reported_before_any_request(loopback_server, kwargs, message):
    with pytest.raises(ValueError, match=message):
        safe_fetch(loopback_server.url("/"), **kwargs)
    assert loopback_server.requests == []


def test_fetch_errors_are_application_errors_with_translated_messages():
    from django.utils import translation

    from ocim.core.errors import ApplicationError

    error = TooLarge(url="https://www.ocim.fr/", detail="more than 10 bytes")
    assert isinstance(error, ApplicationError)
    assert error.extra == {"url": "https://www.ocim.fr/", "detail": "more than 10 bytes"}
    with translation.override("en"):
        assert str(error.message) == "The remote content is larger than the allowed size."


def test_an_ipv6_literal_host_is_fetched_with_its_host_header(loopback_server_factory):
    server = loopback_server_factory("::1")
    server.reply("/", Reply(200, body=b"v6"))

    result = safe_fetch(server.url("/"))

    assert result.content == b"v6"
    assert result.connected_address == "::1"
    assert server.requests[0].headers["Host"] == f"[::1]:{server.port}"


def test_the_next_checked_address_is_tried_when_one_refuses(loopback_server):
    loopback_server.reply("/", Reply(200, body=b"ok"))

    result = safe_fetch(
        f"http://museum.example:{loopback_server.port}/",
        resolver=lambda host, port: ["::1", "127.0.0.1"],
    )

    assert result.content == b"ok"
    assert result.connected_address == "127.0.0.1"
    assert loopback_server.requests[0].headers["Host"] == f"museum.example:{loopback_server.port}"

"""source_fetch(): one read of one source against a real loopback server — the requests sent,
the validators and health record stored, the pipeline called or not, errors and back-off."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ocim.core.models import AuditLogEntry
from ocim.core.tests.servers import RawReply, Reply
from ocim.watch.fetching import source_fetch
from ocim.watch.models import FetchLog, Host, Item, Source, SourceKind, SourceState

from .builders import make_source, rss

pytestmark = pytest.mark.django_db

ENTRIES = [(f"actu-{n}", f"https://museum.example.org/actualites/{n}") for n in range(3)]
RSS = rss(ENTRIES)
FEED_HEADERS = {"Content-Type": "application/rss+xml; charset=utf-8"}


def feed(status=200, body=RSS, **headers):
    return Reply(status, {**FEED_HEADERS, **headers}, body)


def fetch(source, **kwargs):
    result = source_fetch(source_id=source.pk, **kwargs)
    source.refresh_from_db()
    return result


def make_due(source):
    Source.objects.filter(pk=source.pk).update(next_fetch_at=timezone.now())


def test_a_first_read_stores_both_validators_and_hands_the_body_to_the_pipeline(
    loopback_server, pipeline_spy
):
    loopback_server.reply(
        "/flux.xml", feed(ETag='"v1"', **{"Last-Modified": "Mon, 07 Dec 2026 06:00:00 GMT"})
    )
    source = make_source(loopback_server.url("/flux.xml"))
    before = timezone.now()

    result = fetch(source)

    assert (result.outcome, result.new_entries) == ("content", 3)
    assert set(Item.objects.values_list("guid", flat=True)) == {guid for guid, _ in ENTRIES}
    request = loopback_server.requests_to("/flux.xml")[0]
    assert "If-None-Match" not in request.headers
    assert "If-Modified-Since" not in request.headers
    assert request.headers["User-Agent"] == "OcimBot/1.0 (+https://www.ocim.fr)"
    assert "gzip" in request.headers["Accept-Encoding"]
    assert "application/rss+xml" in request.headers["Accept"]
    (call,) = pipeline_spy.calls
    assert call["source"].pk == source.pk
    assert call["body"] == RSS
    assert call["content_type"] == "application/rss+xml"
    assert call["encoding"] == "utf-8"
    assert call["final_url"] == loopback_server.url("/flux.xml")
    assert before <= call["fetched_at"] <= timezone.now()
    assert (source.etag, source.last_modified) == ('"v1"', "Mon, 07 Dec 2026 06:00:00 GMT")
    assert source.last_status == 200
    assert (source.fetch_count, source.not_modified_count, source.consecutive_errors) == (1, 0, 0)
    assert source.last_success_at == source.last_fetch_at == call["fetched_at"]
    assert source.last_new_item_at == call["fetched_at"]
    assert (source.last_error_code, source.last_error) == ("", "")
    # The first read says nothing of the source's pace: the default hour, with some jitter.
    assert source.publication_rate is None
    wait = (source.next_fetch_at - timezone.now()).total_seconds()
    assert 3600 * 0.85 < wait < 3600 * 1.15
    assert (source.lease_token, source.lease_until, source.enqueued_at) == ("", None, None)
    log = FetchLog.objects.get(source=source)
    assert (log.outcome, log.status_code, log.new_entries, log.bytes_received) == (
        "content",
        200,
        3,
        len(RSS),
    )


def test_the_next_read_is_conditional_and_a_304_is_not_processed(loopback_server, pipeline_spy):
    loopback_server.reply(
        "/flux.xml", feed(ETag='"v1"', **{"Last-Modified": "Mon, 07 Dec 2026 06:00:00 GMT"})
    )
    source = make_source(loopback_server.url("/flux.xml"))
    fetch(source)
    loopback_server.reply("/flux.xml", Reply(304, {"ETag": '"v1"'}))
    make_due(source)

    result = fetch(source)

    assert result.outcome == "not_modified"
    request = loopback_server.requests_to("/flux.xml")[1]
    assert request.headers["If-None-Match"] == '"v1"'
    assert request.headers["If-Modified-Since"] == "Mon, 07 Dec 2026 06:00:00 GMT"
    assert len(pipeline_spy.calls) == 1  # the first read only
    assert result.new_entries == 0
    assert (source.fetch_count, source.not_modified_count) == (2, 1)
    assert source.last_status == 304
    assert FetchLog.objects.filter(source=source, outcome="not_modified").count() == 1


def test_a_304_writes_only_the_health_record(
    loopback_server, pipeline_spy, django_assert_max_num_queries
):
    loopback_server.reply("/flux.xml", feed(ETag='"v1"'))
    source = make_source(loopback_server.url("/flux.xml"))
    fetch(source)
    loopback_server.reply("/flux.xml", Reply(304))
    make_due(source)

    # Claim, load, host, host lease, release, the source's row, the fetch log (+ savepoints).
    with django_assert_max_num_queries(10) as queries:
        fetch(source)

    written = [
        q["sql"].split()[0:3]
        for q in queries.captured_queries
        if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    tables = {" ".join(words) for words in written}
    assert all(
        "watch_item" not in table and "watch_itemsighting" not in table for table in tables
    ), tables


def test_validators_are_kept_independently(loopback_server, pipeline_spy):
    loopback_server.reply(
        "/flux.xml", feed(ETag='"v1"', **{"Last-Modified": "Mon, 07 Dec 2026 06:00:00 GMT"})
    )
    source = make_source(loopback_server.url("/flux.xml"))
    fetch(source)

    # A changed ETag with an unchanged Last-Modified: the new ETag is stored.
    loopback_server.reply(
        "/flux.xml", feed(ETag='"v2"', **{"Last-Modified": "Mon, 07 Dec 2026 06:00:00 GMT"})
    )
    make_due(source)
    fetch(source)
    assert (source.etag, source.last_modified) == ('"v2"', "Mon, 07 Dec 2026 06:00:00 GMT")

    # A 304 carrying only a fresher ETag updates the ETag and keeps Last-Modified.
    loopback_server.reply("/flux.xml", Reply(304, {"ETag": '"v3"'}))
    make_due(source)
    fetch(source)
    assert (source.etag, source.last_modified) == ('"v3"', "Mon, 07 Dec 2026 06:00:00 GMT")
    assert loopback_server.requests_to("/flux.xml")[2].headers["If-None-Match"] == '"v2"'

    # A 200 without an ETag: the old one described another body and is forgotten.
    loopback_server.reply("/flux.xml", feed(**{"Last-Modified": "Tue, 08 Dec 2026 06:00:00 GMT"}))
    make_due(source)
    fetch(source)
    assert (source.etag, source.last_modified) == ("", "Tue, 08 Dec 2026 06:00:00 GMT")
    make_due(source)
    fetch(source)
    last = loopback_server.requests_to("/flux.xml")[-1]
    assert "If-None-Match" not in last.headers
    assert last.headers["If-Modified-Since"] == "Tue, 08 Dec 2026 06:00:00 GMT"


@pytest.mark.parametrize(
    "etag", ['"é-accentué"', "x" * 2000, '"a\tb"'], ids=["non-ascii", "too-long", "control"]
)
def test_a_validator_that_could_not_be_sent_back_is_not_stored(loopback_server, pipeline_spy, etag):
    loopback_server.reply("/flux.xml", feed(ETag=etag))
    source = make_source(loopback_server.url("/flux.xml"))
    fetch(source)
    assert source.etag == ""
    make_due(source)

    assert fetch(source).outcome == "content"
    assert "If-None-Match" not in loopback_server.requests_to("/flux.xml")[1].headers


def test_a_body_the_pipeline_cannot_read_is_an_error_and_its_validators_are_not_kept(
    loopback_server, pipeline_spy
):
    page = b"<!doctype html><html><body><p>Maintenance</p></body></html>"
    loopback_server.reply(
        "/flux.xml", Reply(200, {"Content-Type": "text/html", "ETag": '"x"'}, page)
    )
    source = make_source(loopback_server.url("/flux.xml"))

    result = fetch(source)

    assert (result.outcome, result.error_code) == ("error", "not_a_feed")
    assert source.last_error_code == "not_a_feed"
    assert source.last_error  # the pipeline's explanation, in English
    assert source.last_status == 200
    assert source.consecutive_errors == 1
    assert source.etag == ""  # else the next read would get a 304 and never try again
    assert not Item.objects.exists()
    assert FetchLog.objects.get().error_code == "not_a_feed"
    make_due(source)
    loopback_server.reply("/flux.xml", feed(ETag='"x"'))
    assert fetch(source).outcome == "content"
    assert "If-None-Match" not in loopback_server.requests_to("/flux.xml")[1].headers
    assert source.consecutive_errors == 0
    assert source.last_error_code == ""


def test_a_bug_in_processing_is_recorded_and_the_source_released(loopback_server, pipeline_spy):
    loopback_server.reply("/flux.xml", feed())
    pipeline_spy.error = ZeroDivisionError("bug")
    source = make_source(loopback_server.url("/flux.xml"))

    result = fetch(source)

    assert (result.outcome, result.error_code) == ("error", "processing_failed")
    assert source.last_error == "ZeroDivisionError while processing"
    assert (source.lease_token, source.lease_until) == ("", None)


def test_a_web_page_source_asks_for_html(loopback_server, pipeline_spy):
    loopback_server.reply("/actualites", Reply(200, {"Content-Type": "text/html"}, b"<html/>"))
    source = make_source(loopback_server.url("/actualites"), kind=SourceKind.PAGE)

    fetch(source)

    assert loopback_server.requests_to("/actualites")[0].headers["Accept"].startswith("text/html")
    assert pipeline_spy.calls[0]["content_type"] == "text/html"


def test_a_web_page_source_becomes_items_through_its_rules(loopback_server, pipeline_spy):
    pytest.importorskip("ocim.watch.pipeline.pages", reason="web pages are read by the pipeline")
    page = (
        b"<html><body><ul><li><a href='/a1'>Premier</a></li><li><a href='/a2'>Second</a></li>"
        b"</ul></body></html>"
    )
    loopback_server.reply("/actualites", Reply(200, {"Content-Type": "text/html"}, page))
    source = make_source(
        loopback_server.url("/actualites"),
        kind=SourceKind.PAGE,
        extraction_rules={"engine": "css", "item": "li", "title": "a", "link": "a"},
    )

    result = fetch(source)

    assert (result.outcome, result.new_entries) == ("content", 2)
    assert sorted(Item.objects.values_list("url", flat=True)) == [
        loopback_server.url("/a1"),
        loopback_server.url("/a2"),
    ]


def test_a_304_to_a_plain_request_is_an_error(loopback_server, pipeline_spy):
    loopback_server.reply("/flux.xml", Reply(304))
    source = make_source(loopback_server.url("/flux.xml"))

    assert fetch(source).error_code == "unexpected_not_modified"
    assert source.not_modified_count == 0


# --- errors, back-off, suspension ---------------------------------------------------------------


def test_errors_back_off_exponentially(loopback_server, pipeline_spy):
    loopback_server.reply("/flux.xml", Reply(404, body=b"absent"))
    source = make_source(loopback_server.url("/flux.xml"))
    waits = []
    for _ in range(4):
        fetch(source)
        waits.append((source.next_fetch_at - timezone.now()).total_seconds())
        make_due(source)

    assert source.consecutive_errors == 4
    assert (source.last_error_code, source.last_status, source.last_error) == (
        "not_found",
        404,
        "HTTP 404",
    )
    for wait, expected in zip(waits, [900, 1800, 3600, 7200], strict=True):
        assert expected * 0.85 < wait < expected * 1.15
    assert source.state == SourceState.ACTIVE
    assert source.fetch_count == 4
    assert source.last_success_at is None


def test_repeated_failures_suspend_the_source_with_a_visible_reason(
    loopback_server, pipeline_spy, settings
):
    settings.OCIM_WATCH_SUSPEND_AFTER_ERRORS = 3
    loopback_server.reply("/flux.xml", Reply(500, body=b"oops"))
    source = make_source(loopback_server.url("/flux.xml"))
    results = []
    for _ in range(3):
        make_due(source)
        results.append(fetch(source))

    assert [r.suspended for r in results] == [False, False, True]
    assert source.state == SourceState.SUSPENDED
    assert source.state_reason == (
        "Suspendue automatiquement après 3 erreurs consécutives. Dernière erreur : "
        "Le serveur a rencontré une erreur."
    )
    assert source.state_changed_at is not None
    assert source.next_fetch_at is None
    entry = AuditLogEntry.objects.get(action="watch.source.suspended")
    assert entry.object_id == str(source.pk)
    assert entry.actor is None
    assert entry.data["error_code"] == "server_error"
    # Suspended sources are not read any more.
    Source.objects.filter(pk=source.pk).update(next_fetch_at=timezone.now())
    assert fetch(source).outcome == "skipped"
    assert len(loopback_server.requests_to("/flux.xml")) == 3


def test_a_gone_feed_is_suspended_at_once(loopback_server, pipeline_spy):
    loopback_server.reply("/flux.xml", Reply(410))
    source = make_source(loopback_server.url("/flux.xml"))

    result = fetch(source)

    assert (result.error_code, result.suspended) == ("gone", True)
    assert source.state == SourceState.SUSPENDED
    assert "410" in source.state_reason


def test_a_success_clears_the_error_count(loopback_server, pipeline_spy):
    loopback_server.reply("/flux.xml", Reply(502))
    source = make_source(loopback_server.url("/flux.xml"))
    fetch(source)
    fetch_again = make_due(source)  # noqa: F841
    fetch(source)
    assert source.consecutive_errors == 2
    loopback_server.reply("/flux.xml", feed())
    make_due(source)

    fetch(source)

    assert source.consecutive_errors == 0
    assert (source.last_error_code, source.last_status) == ("", 200)


# --- Retry-After ---------------------------------------------------------------------------------


def test_a_429_with_retry_after_holds_the_whole_host(loopback_server, pipeline_spy):
    loopback_server.reply("/a.xml", Reply(429, {"Retry-After": "7200"}))
    loopback_server.reply("/b.xml", feed())
    first = make_source(loopback_server.url("/a.xml"))
    second = make_source(loopback_server.url("/b.xml"))

    result = fetch(first)

    assert (result.outcome, result.error_code, result.status_code) == ("error", "rate_limited", 429)
    host = Host.objects.get(name=f"127.0.0.1:{loopback_server.port}")
    blocked = (host.blocked_until - timezone.now()).total_seconds()
    assert 7190 < blocked <= 7200
    assert first.next_fetch_at >= host.blocked_until
    # The other source of the host waits too, without a request and without an error.
    assert fetch(second).outcome == "deferred"
    assert second.next_fetch_at == host.blocked_until
    assert second.consecutive_errors == 0
    assert loopback_server.requests_to("/b.xml") == []


def test_a_503_retry_after_date_is_honoured_and_capped(loopback_server, pipeline_spy):
    loopback_server.reply("/a.xml", Reply(503, {"Retry-After": "Fri, 31 Dec 2100 23:59:59 GMT"}))
    source = make_source(loopback_server.url("/a.xml"))

    result = fetch(source)

    assert result.error_code == "server_error"
    host = Host.objects.get(name=f"127.0.0.1:{loopback_server.port}")
    assert abs((host.blocked_until - timezone.now()).total_seconds() - 86400) < 10


# --- leases: one reader per source, one request at a time per host -------------------------------


def test_a_source_that_is_not_due_or_paused_is_skipped(loopback_server, pipeline_spy):
    loopback_server.reply("/flux.xml", feed())
    later = make_source(
        loopback_server.url("/flux.xml"), next_fetch_at=timezone.now() + timedelta(minutes=5)
    )
    paused = make_source(loopback_server.url("/flux.xml?p"), state=SourceState.PAUSED)

    assert fetch(later).outcome == "skipped"
    assert fetch(paused).outcome == "skipped"
    assert loopback_server.requests == []


def test_a_source_leased_by_another_worker_is_skipped(loopback_server, pipeline_spy):
    loopback_server.reply("/flux.xml", feed())
    source = make_source(loopback_server.url("/flux.xml"))
    Source.objects.filter(pk=source.pk).update(
        lease_until=timezone.now() + timedelta(minutes=5), lease_token="autre"
    )

    assert fetch(source).outcome == "skipped"
    assert source.lease_token == "autre"
    assert loopback_server.requests == []


def test_an_expired_lease_does_not_block_the_source(loopback_server, pipeline_spy):
    loopback_server.reply("/flux.xml", feed())
    source = make_source(loopback_server.url("/flux.xml"))
    Source.objects.filter(pk=source.pk).update(
        lease_until=timezone.now() - timedelta(seconds=1), lease_token="crashed-worker"
    )

    assert fetch(source).outcome == "content"


def test_a_host_with_a_request_in_flight_defers_the_source(loopback_server, pipeline_spy):
    loopback_server.reply("/flux.xml", feed())
    source = make_source(loopback_server.url("/flux.xml"))
    Host.objects.create(
        name=f"127.0.0.1:{loopback_server.port}",
        lease_until=timezone.now() + timedelta(seconds=30),
        lease_token="another-worker",
    )

    result = fetch(source, host_wait=5)

    assert result.outcome == "deferred"
    assert loopback_server.requests == []
    # Due again a few seconds later: a running fetch task takes it once the host is free.
    wait = (source.next_fetch_at - timezone.now()).total_seconds()
    assert 3 < wait < 7
    assert (source.consecutive_errors, source.fetch_count, source.lease_token) == (0, 0, "")
    assert not FetchLog.objects.exists()


def test_the_host_lease_is_released_after_the_request(loopback_server, pipeline_spy):
    loopback_server.reply("/flux.xml", feed())
    source = make_source(loopback_server.url("/flux.xml"))

    fetch(source)

    host = Host.objects.get(name=f"127.0.0.1:{loopback_server.port}")
    assert (host.lease_until, host.lease_token) == (None, "")


def test_an_invalid_address_is_recorded_without_a_request(pipeline_spy):
    source = make_source("http://exa mple.fr/flux.xml")

    result = fetch(source)

    assert (result.outcome, result.error_code, result.requests) == ("error", "invalid_url", 0)
    assert source.consecutive_errors == 1
    assert not Host.objects.exists()


def test_a_server_that_breaks_the_protocol_is_a_clean_error(loopback_server, pipeline_spy):
    loopback_server.reply("/flux.xml", RawReply([b"HTTP/1.1 200 OK\r\nContent-Length: zz\r\n\r\n"]))
    source = make_source(loopback_server.url("/flux.xml"))

    assert fetch(source).error_code == "invalid_response"

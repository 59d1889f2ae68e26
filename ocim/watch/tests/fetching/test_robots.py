"""robots.txt rules (RFC 9309): group choice, longest match, wildcards, crawl delay, and how the
fetcher obeys and caches them for a source."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ocim.core.tests.servers import Reply
from ocim.watch.fetching import source_fetch
from ocim.watch.fetching.robots import RobotsRules, product_token
from ocim.watch.models import Host, Source, SourceState

from .builders import make_source

UA = "OcimBot/1.0 (+https://www.ocim.fr)"


def rules(text, user_agent=UA):
    return RobotsRules.parse(text, user_agent)


def test_the_product_token_is_the_first_word_before_the_slash():
    assert product_token(UA) == "OcimBot"
    assert product_token("Mozilla/5.0 (X11)") == "Mozilla"
    assert product_token("") == ""


def test_our_own_group_wins_over_the_star_group():
    text = """
    User-agent: *
    Disallow: /

    User-agent: ocimbot
    Disallow: /prive/
    """
    parsed = rules(text)
    assert parsed.allowed("/flux.xml")
    assert not parsed.allowed("/prive/flux.xml")
    assert not rules(text, "AutreBot/2.0").allowed("/flux.xml")


def test_groups_naming_us_are_merged_and_several_agents_share_a_group():
    text = """
    User-agent: AutreBot
    User-agent: OcimBot
    Disallow: /a/

    User-agent: OcimBot
    Disallow: /b/
    """
    parsed = rules(text)
    assert not parsed.allowed("/a/x")
    assert not parsed.allowed("/b/x")
    assert parsed.allowed("/c/x")


def test_the_longest_match_wins_and_allow_wins_a_tie():
    parsed = rules("""
    User-agent: *
    Disallow: /actualites/
    Allow: /actualites/flux
    Allow: /page
    Disallow: /page
    """)
    assert parsed.allowed("/actualites/flux.xml")
    assert not parsed.allowed("/actualites/2026/article")
    assert parsed.allowed("/page")


def test_wildcards_and_end_anchors():
    parsed = rules("""
    User-agent: *
    Disallow: /*.php$
    Disallow: /*?session=
    Disallow: /fichiers/*/brouillon
    """)
    assert not parsed.allowed("/index.php")
    assert parsed.allowed("/index.php?page=2")
    assert not parsed.allowed("/liste?session=abc")
    assert not parsed.allowed("/fichiers/2026/brouillon/x")
    assert parsed.allowed("/fichiers/2026/publie")
    assert parsed.allowed("/")


def test_an_empty_disallow_allows_everything_and_robots_txt_is_always_allowed():
    assert rules("User-agent: *\nDisallow:\n").allowed("/x")
    assert rules("User-agent: *\nDisallow: /\n").allowed("/robots.txt")


def test_comments_unknown_lines_case_and_rules_before_any_group_are_ignored():
    parsed = rules("""
    Disallow: /orphelin
    # commentaire
    Sitemap: https://exemple.fr/plan.xml
    USER-AGENT: *   # tous
    DISALLOW: /secret   # pas ici
    Bizarre: ligne
    """)
    assert parsed.allowed("/orphelin")
    assert not parsed.allowed("/secret/page")


def test_paths_compare_percent_encoded():
    parsed = rules("User-agent: *\nDisallow: /événements\nDisallow: /a%3cb\n")
    assert not parsed.allowed("/%C3%A9v%C3%A9nements/2026")
    assert not parsed.allowed("/a%3Cb")


def test_crawl_delay_of_our_group():
    assert rules("User-agent: OcimBot\nCrawl-delay: 2.5\nDisallow:\n").crawl_delay == 2.5
    assert rules("User-agent: *\nCrawl-delay: abc\n").crawl_delay is None
    assert rules("User-agent: AutreBot\nCrawl-delay: 9\n").crawl_delay is None


def test_a_hostile_file_cannot_make_matching_slow():
    """Many wildcards against a long path: the matcher looks pieces up left to right and never
    backtracks (a regular expression built from this rule would take exponential time)."""
    rule = "/" + "a*" * 200 + "b"
    parsed = rules(f"User-agent: *\nDisallow: {rule}\n")
    assert parsed.allowed("/" + "a" * 1900)
    assert not parsed.allowed("/" + "a" * 1900 + "b")


def test_bytes_are_read_as_utf8_with_a_bom_and_bad_bytes():
    parsed = RobotsRules.parse(b"\xef\xbb\xbfUser-agent: *\nDisallow: /x\xff\n", UA)
    assert not parsed.allowed("/x%EF%BF%BD")
    assert parsed.allowed("/y")


# --- through the fetch of a source ---------------------------------------------------------------


def fetch(source):
    result = source_fetch(source_id=source.pk)
    source.refresh_from_db()
    return result


def make_due(source):
    Source.objects.filter(pk=source.pk).update(next_fetch_at=timezone.now())


FEED = Reply(200, {"Content-Type": "application/rss+xml"}, b"<rss/>")


@pytest.mark.django_db
def test_a_disallowed_source_is_never_requested_and_paused_at_once(loopback_server, pipeline_spy):
    loopback_server.reply(
        "/robots.txt",
        Reply(200, {"Content-Type": "text/plain"}, b"User-agent: OcimBot\nDisallow: /flux\n"),
    )
    loopback_server.reply("/flux.xml", FEED)
    source = make_source(loopback_server.url("/flux.xml"))

    result = fetch(source)

    assert (result.outcome, result.error_code, result.suspended) == (
        "error",
        "robots_disallowed",
        True,
    )
    assert loopback_server.requests_to("/flux.xml") == []
    assert source.state == SourceState.SUSPENDED
    assert "robots.txt" in source.state_reason


@pytest.mark.django_db
def test_robots_txt_is_read_once_a_day_per_host(loopback_server, pipeline_spy):
    loopback_server.reply("/robots.txt", Reply(200, body=b"User-agent: *\nDisallow: /prive\n"))
    loopback_server.reply("/a.xml", FEED)
    loopback_server.reply("/b.xml", FEED)
    first = make_source(loopback_server.url("/a.xml"))
    second = make_source(loopback_server.url("/b.xml"))

    assert fetch(first).requests == 2
    assert fetch(second).requests == 1
    make_due(first)
    fetch(first)

    assert len(loopback_server.requests_to("/robots.txt")) == 1
    robots = loopback_server.requests_to("/robots.txt")[0]
    assert robots.headers["User-Agent"].startswith("OcimBot/")
    host = Host.objects.get(name=f"127.0.0.1:{loopback_server.port}")
    assert host.robots_status == 200
    assert "Disallow: /prive" in host.robots_txt
    assert abs((host.robots_expires_at - timezone.now()).total_seconds() - 86400) < 60

    # Once expired, it is read again and the new rules apply.
    Host.objects.filter(pk=host.pk).update(robots_expires_at=timezone.now())
    loopback_server.reply("/robots.txt", Reply(200, body=b"User-agent: *\nDisallow: /a\n"))
    make_due(first)
    assert fetch(first).error_code == "robots_disallowed"
    assert len(loopback_server.requests_to("/robots.txt")) == 2


@pytest.mark.django_db
def test_a_missing_robots_txt_allows_everything(loopback_server, pipeline_spy):
    loopback_server.reply("/flux.xml", FEED)  # /robots.txt answers 404
    source = make_source(loopback_server.url("/flux.xml"))

    assert fetch(source).outcome == "content"
    assert Host.objects.get().robots_status == 404


@pytest.mark.django_db
def test_a_robots_txt_server_error_stops_the_site_for_an_hour(loopback_server, pipeline_spy):
    loopback_server.reply("/robots.txt", Reply(500))
    loopback_server.reply("/flux.xml", FEED)
    source = make_source(loopback_server.url("/flux.xml"))

    result = fetch(source)

    assert (result.outcome, result.error_code) == ("error", "robots_unavailable")
    assert loopback_server.requests_to("/flux.xml") == []
    host = Host.objects.get()
    assert abs((host.robots_expires_at - timezone.now()).total_seconds() - 3600) < 60
    assert source.state == SourceState.ACTIVE  # it may come back: back-off, not suspension


@pytest.mark.django_db
def test_a_robots_txt_failure_keeps_a_recent_copy_in_use(loopback_server, pipeline_spy):
    loopback_server.reply("/robots.txt", Reply(200, body=b"User-agent: *\nDisallow: /prive\n"))
    loopback_server.reply("/flux.xml", FEED)
    source = make_source(loopback_server.url("/flux.xml"))
    fetch(source)
    Host.objects.update(robots_expires_at=timezone.now() - timedelta(seconds=1))
    loopback_server.reply("/robots.txt", Reply(503))
    make_due(source)

    assert fetch(source).outcome == "content"

    host = Host.objects.get()
    assert host.robots_status == 200
    assert "Disallow: /prive" in host.robots_txt
    assert abs((host.robots_expires_at - timezone.now()).total_seconds() - 3600) < 60


@pytest.mark.django_db
def test_the_crawl_delay_keeps_the_host_closed_after_the_request(loopback_server, pipeline_spy):
    loopback_server.reply("/robots.txt", Reply(200, body=b"User-agent: *\nCrawl-delay: 20\n"))
    loopback_server.reply("/a.xml", FEED)
    loopback_server.reply("/b.xml", FEED)
    first = make_source(loopback_server.url("/a.xml"))
    second = make_source(loopback_server.url("/b.xml"))

    fetch(first)

    host = Host.objects.get()
    assert host.lease_token == ""
    assert 15 < (host.lease_until - timezone.now()).total_seconds() <= 20
    # Another source of the host, waiting at most 1 s: deferred, not requested.
    assert source_fetch(source_id=second.pk, host_wait=1).outcome == "deferred"
    assert loopback_server.requests_to("/b.xml") == []


@pytest.mark.django_db
def test_a_short_crawl_delay_is_waited_for_by_the_same_worker(loopback_server, pipeline_spy):
    loopback_server.reply("/robots.txt", Reply(200, body=b"User-agent: *\nCrawl-delay: 0.5\n"))
    loopback_server.reply("/a.xml", FEED)
    loopback_server.reply("/b.xml", FEED)
    first = make_source(loopback_server.url("/a.xml"))
    second = make_source(loopback_server.url("/b.xml"))

    fetch(first)
    assert source_fetch(source_id=second.pk, host_wait=5).outcome == "content"
    assert len(loopback_server.requests_to("/b.xml")) == 1


@pytest.mark.django_db
def test_a_robots_txt_answering_429_holds_the_site_and_is_read_again_after(
    loopback_server, pipeline_spy
):
    loopback_server.reply("/robots.txt", Reply(429, {"Retry-After": "600"}))
    loopback_server.reply("/flux.xml", FEED)
    source = make_source(loopback_server.url("/flux.xml"))

    result = fetch(source)

    assert result.outcome == "deferred"
    assert loopback_server.requests_to("/flux.xml") == []
    host = Host.objects.get()
    assert host.robots_expires_at == host.blocked_until
    assert source.next_fetch_at == host.blocked_until
    assert source.consecutive_errors == 0

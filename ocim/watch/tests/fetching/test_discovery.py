"""Finding a website's feeds from its address, against loopback servers: the address itself as
a feed, the feeds a page announces, feed-like links, the usual addresses; every candidate read
before it is offered; bad addresses, hostile or slow servers and forbidden targets end with a
message, within the time allowed, without reaching what they must not."""

import json
import time

import pytest
from django.utils.translation import gettext as _

from ocim.core.tests.servers import Reply
from ocim.watch.fetching import discovery
from ocim.watch.fetching.discovery import GUESSES, DiscoveryError, feeds_discover

from .builders import feed_reply

pytestmark = pytest.mark.django_db

HTML = {"Content-Type": "text/html; charset=utf-8"}


def page(head="", body="", title="Muséum d’histoire naturelle"):
    return Reply(
        200,
        HTML,
        (
            f"<!DOCTYPE html><html lang='fr'><head><title>{title}</title>{head}</head>"
            f"<body>{body}</body></html>"
        ).encode(),
    )


def atom(title="Agenda du muséum"):
    return Reply(
        200,
        {"Content-Type": "application/atom+xml"},
        (
            "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
            f"<title>{title}</title><id>urn:agenda</id><updated>2026-12-01T10:00:00Z</updated>"
            "<entry><id>urn:e1</id><title>Nuit des musées</title>"
            "<updated>2026-11-20T10:00:00Z</updated><link href='https://m.example/e1'/></entry>"
            "<entry><id>urn:e2</id><title>Atelier fossiles</title>"
            "<updated>2026-12-01T10:00:00Z</updated><link href='https://m.example/e2'/></entry>"
            "</feed>"
        ).encode(),
    )


def paths(server):
    return [request.path for request in server.requests]


def test_an_address_that_is_a_feed_is_read_and_described(loopback_server):
    loopback_server.reply("/flux.xml", feed_reply([("a", "https://m.example/a")] * 1))
    found = feeds_discover(loopback_server.url("/flux.xml"))
    [candidate] = found.candidates
    assert candidate.url == loopback_server.url("/flux.xml")
    assert (candidate.title, candidate.format, candidate.entries) == (
        "Actualités du muséum",
        "rss",
        1,
    )
    assert candidate.latest_title == "Article a"
    assert candidate.latest_published.isoformat() == "2026-12-07T06:00:00+00:00"
    assert candidate.found_by == "address"
    assert found.requests == 1


def test_a_json_feed_and_an_atom_feed_are_named_by_their_format(loopback_server):
    loopback_server.reply(
        "/feed.json",
        Reply(
            200,
            {"Content-Type": "application/feed+json"},
            json.dumps(
                {
                    "version": "https://jsonfeed.org/version/1.1",
                    "title": "Carnet",
                    "items": [{"id": "1", "url": "https://m.example/1", "title": "Un"}],
                }
            ).encode(),
        ),
    )
    loopback_server.reply("/atom.xml", atom())
    assert feeds_discover(loopback_server.url("/feed.json")).candidates[0].format == "json"
    candidate = feeds_discover(loopback_server.url("/atom.xml")).candidates[0]
    assert candidate.format == "atom"
    # The latest entry is the one with the latest date, not the first written.
    assert candidate.latest_title == "Atelier fossiles"


def test_the_feeds_a_page_announces_are_read_in_the_order_written(loopback_server):
    loopback_server.reply(
        "/",
        page(
            head=(
                "<base href='/actualites/'>"
                "<link rel='alternate' type='application/rss+xml' href='flux.xml'>"
                "<link rel='Alternate' type='application/atom+xml; charset=utf-8' "
                "href='/agenda.atom'>"
                # WordPress's REST API, announced with rel=alternate on every page: not a feed.
                "<link rel='alternate' type='application/json' href='/wp-json/wp/v2/pages/2'>"
                "<link rel='stylesheet' type='text/css' href='/style.css'>"
                # The same feed twice: read once.
                "<link rel='alternate' type='application/rss+xml' href='/actualites/flux.xml'>"
            )
        ),
    )
    loopback_server.reply("/actualites/flux.xml", feed_reply([("a", "https://m.example/a")]))
    loopback_server.reply("/agenda.atom", atom())
    found = feeds_discover(loopback_server.url("/"))
    assert [(c.url, c.format, c.found_by) for c in found.candidates] == [
        (loopback_server.url("/actualites/flux.xml"), "rss", "announced"),
        (loopback_server.url("/agenda.atom"), "atom", "announced"),
    ]
    assert found.page_title == "Muséum d’histoire naturelle"
    assert found.page_language == "fr"
    assert paths(loopback_server) == ["/", "/actualites/flux.xml", "/agenda.atom"]
    assert found.problems == []


def test_an_announced_feed_that_cannot_be_read_is_listed_with_the_reason(loopback_server):
    loopback_server.reply(
        "/",
        page(
            head=(
                "<link rel='alternate' type='application/rss+xml' href='/vieux-flux.xml'>"
                "<link rel='alternate' type='application/rss+xml' href='/page.xml'>"
                "<link rel='alternate' type='application/rss+xml' href='/flux.xml'>"
            )
        ),
    )
    loopback_server.reply("/page.xml", page())  # a web page where a feed was announced
    loopback_server.reply("/flux.xml", feed_reply([("a", "https://m.example/a")]))
    found = feeds_discover(loopback_server.url("/"))
    assert [c.url for c in found.candidates] == [loopback_server.url("/flux.xml")]
    problems = {problem.url: problem.message for problem in found.problems}
    assert "HTTP 404" in problems[loopback_server.url("/vieux-flux.xml")]
    assert problems[loopback_server.url("/page.xml")] == _(
        "The address returned a web page, not a feed."
    )


def test_without_announced_feeds_links_of_the_site_that_look_like_feeds_are_tried(
    loopback_server,
):
    loopback_server.reply(
        "/",
        page(
            body=(
                "<a href='/spip.php?page=backend'>RSS</a>"
                "<a href='https://ailleurs.example/feed/'>Un autre site</a>"
                "<a href='/a-propos/'>À propos</a>"
                "<a href='/rss-actualites.html'>Nos flux</a>"
            )
        ),
    )
    loopback_server.reply("/spip.php", feed_reply([("a", "https://m.example/a")]))
    loopback_server.reply("/rss-actualites.html", page())
    found = feeds_discover(loopback_server.url("/"))
    assert [(c.url, c.found_by) for c in found.candidates] == [
        (loopback_server.url("/spip.php?page=backend"), "link")
    ]
    # A link that only looked like a feed is not a problem worth showing; another site's
    # link and ordinary links are not read at all.
    assert found.problems == []
    assert paths(loopback_server) == ["/", "/spip.php?page=backend", "/rss-actualites.html"]


def test_without_any_hint_the_usual_addresses_are_tried_until_one_is_a_feed(loopback_server):
    loopback_server.reply("/musee/", page())
    loopback_server.reply("/index.xml", feed_reply([("a", "https://m.example/a")]))
    loopback_server.reply("/feed.xml", feed_reply([("b", "https://m.example/b")]))
    found = feeds_discover(loopback_server.url("/musee/"))
    assert [(c.url, c.found_by) for c in found.candidates] == [
        (loopback_server.url("/index.xml"), "guess")
    ]
    # Tried from the site's root, in order, and no further once one answered.
    assert paths(loopback_server) == ["/musee/", "/feed/", "/spip.php?page=backend", "/index.xml"]
    assert found.problems == []


def test_a_site_without_any_feed_gives_an_empty_list_after_the_usual_addresses(loopback_server):
    loopback_server.reply("/", page())
    found = feeds_discover(loopback_server.url("/"))
    assert found.candidates == [] and found.problems == []
    assert found.requests == 1 + len(GUESSES)
    assert not found.incomplete


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("ftp://museum.example/flux.xml", "unsupported_scheme"),
        ("http://", "invalid_url"),
        ("http://10.1.2.3/", "forbidden_address"),
        ("http://169.254.169.254/latest/meta-data/", "forbidden_address"),
        ("http://[::ffff:10.0.0.1]/", "forbidden_address"),
    ],
)
def test_bad_or_forbidden_addresses_are_refused_with_a_message_and_nothing_reached(
    address, code, connect_spy
):
    with pytest.raises(DiscoveryError) as caught:
        feeds_discover(address)
    assert caught.value.code == code
    assert str(caught.value.message)
    assert connect_spy.calls == []


def test_an_address_without_scheme_is_read_as_https():
    assert discovery._address("museum.example/actualites") == "https://museum.example/actualites"
    assert discovery._address(" http://museum.example ") == "http://museum.example"


def test_an_announced_feed_at_a_forbidden_address_is_never_reached(loopback_server, connect_spy):
    loopback_server.reply(
        "/",
        page(
            head=(
                "<link rel='alternate' type='application/rss+xml' href='http://10.0.0.7/flux.xml'>"
                "<link rel='alternate' type='application/rss+xml' href='/flux.xml'>"
            )
        ),
    )
    # A feed that redirects to the cloud's metadata service.
    loopback_server.reply("/flux.xml", Reply.redirect("http://169.254.169.254/latest/"))
    found = feeds_discover(loopback_server.url("/"))
    assert found.candidates == []
    assert len(found.problems) == 2
    assert {host for host, _port in connect_spy.calls} == {"127.0.0.1"}


def test_an_address_that_fails_says_why(loopback_server):
    loopback_server.reply("/gone", Reply(410))
    loopback_server.reply("/image.png", Reply(200, {"Content-Type": "image/png"}, b"\x89PNG\0\0"))
    loopback_server.reply("/loop", Reply.redirect("/loop"))
    with pytest.raises(DiscoveryError) as caught:
        feeds_discover(loopback_server.url("/gone"))
    assert "410" in str(caught.value.message)
    with pytest.raises(DiscoveryError) as caught:
        feeds_discover(loopback_server.url("/missing"))
    assert "404" in str(caught.value.message)
    with pytest.raises(DiscoveryError) as caught:
        feeds_discover(loopback_server.url("/loop"))
    assert caught.value.code == "too_many_redirects"


def test_a_hanging_feed_ends_at_its_deadline_and_the_others_are_still_read(
    loopback_server, monkeypatch
):
    monkeypatch.setattr(discovery, "REQUEST_DEADLINE", 1.0)
    loopback_server.reply(
        "/",
        page(
            head=(
                "<link rel='alternate' type='application/rss+xml' href='/lent.xml'>"
                "<link rel='alternate' type='application/rss+xml' href='/flux.xml'>"
            )
        ),
    )
    loopback_server.reply(
        "/lent.xml", Reply(200, {"Content-Type": "application/rss+xml"}, iter([b"<"] * 50), 0.2)
    )
    loopback_server.reply("/flux.xml", feed_reply([("a", "https://m.example/a")]))
    started = time.monotonic()
    found = feeds_discover(loopback_server.url("/"), deadline=5.0)
    assert time.monotonic() - started < 3.0
    assert [problem.url for problem in found.problems] == [loopback_server.url("/lent.xml")]
    assert [c.url for c in found.candidates] == [loopback_server.url("/flux.xml")]


def test_the_whole_search_ends_within_its_deadline(loopback_server):
    links = "".join(
        f"<link rel='alternate' type='application/rss+xml' href='/lent{n}.xml'>" for n in range(5)
    )
    loopback_server.reply("/", page(head=links))
    for n in range(5):
        loopback_server.reply(
            f"/lent{n}.xml",
            Reply(200, {"Content-Type": "application/rss+xml"}, iter([b"<"] * 50), 0.2),
        )
    started = time.monotonic()
    found = feeds_discover(loopback_server.url("/"), deadline=2.0)
    assert time.monotonic() - started < 3.5
    assert found.incomplete and found.candidates == []
    assert found.requests < 6


def test_the_number_of_requests_is_bounded_whatever_the_page_announces(loopback_server):
    links = "".join(
        f"<link rel='alternate' type='application/rss+xml' href='/flux{n}.xml'>" for n in range(40)
    )
    loopback_server.reply("/", page(head=links))
    found = feeds_discover(loopback_server.url("/"))
    assert found.requests == 1 + discovery.MAX_CANDIDATES
    assert len(loopback_server.requests) == found.requests
    assert len(found.problems) == discovery.MAX_CANDIDATES  # every one answered 404


def test_an_rss_feed_that_links_to_atom_is_still_rss_and_titles_are_text(loopback_server):
    loopback_server.reply(
        "/rss",
        Reply(
            200,
            {"Content-Type": "application/rss+xml"},
            (
                "<?xml version='1.0'?><rss version='2.0' xmlns:atom='http://www.w3.org/2005/Atom'"
                " xmlns:feedburner='http://rssnamespace.org/feedburner/ext/1.0'><channel>"
                "<title>Le &lt;b&gt;Muséum&lt;/b&gt;</title><atom:link rel='self' href='/rss'/>"
                "<feedburner:info uri='museum'/><item><title>Nuit &amp;amp; jour</title>"
                "<link>https://m.example/1</link></item></channel></rss>"
            ).encode(),
        ),
    )
    [candidate] = feeds_discover(loopback_server.url("/rss")).candidates
    assert candidate.format == "rss"
    assert candidate.title == "Le Muséum"
    assert candidate.latest_title == "Nuit & jour"

"""Full text of flagged sources' new items: queued with the items, read politely (same host
rules as sources), handed to the pipeline, tried again or given up on failure."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ocim.core.tests.servers import Reply
from ocim.watch.fetching import source_fetch
from ocim.watch.fetching.full_text import (
    decode_html,
    full_text_fetch,
    full_texts_enqueue_due,
    full_texts_fetch,
)
from ocim.watch.models import FullTextFetch, Host, Item

from .builders import feed_reply, make_source

pytestmark = pytest.mark.django_db

PAGE = Reply(
    200,
    {"Content-Type": "text/html; charset=utf-8"},
    "<html><body><p>Le musée rouvre ses portes.</p></body></html>".encode(),
)


def flagged_source(server, spy, count=2):
    """A "full text" source whose feed links to ``count`` articles on the same server."""
    entries = [(f"guid-{n}", server.url(f"/article{n}.html")) for n in range(count)]
    server.reply("/flux.xml", feed_reply(entries))
    return make_source(server.url("/flux.xml"), fetch_full_text=True)


def test_new_items_of_a_flagged_source_get_their_page_read(
    loopback_server, pipeline_spy, full_text_spy, django_capture_on_commit_callbacks
):
    for n in range(2):
        loopback_server.reply(f"/article{n}.html", PAGE)
    source = flagged_source(loopback_server, pipeline_spy)

    with django_capture_on_commit_callbacks(execute=True):
        assert source_fetch(source_id=source.pk).new_entries == 2

    # The immediate task backend ran the queued read after the commit.
    assert len(full_text_spy.calls) == 2
    assert "Le musée rouvre" in full_text_spy.calls[0][1]
    assert not FullTextFetch.objects.exists()
    assert all(item.full_text for item in Item.objects.all())
    request = loopback_server.requests_to("/article0.html")[0]
    assert request.headers["Accept"].startswith("text/html")


def test_items_already_known_and_unflagged_sources_are_not_read(
    loopback_server, pipeline_spy, full_text_spy, django_capture_on_commit_callbacks
):
    source = flagged_source(loopback_server, pipeline_spy)
    source.fetch_full_text = False
    source.save()

    with django_capture_on_commit_callbacks(execute=True):
        source_fetch(source_id=source.pk)

    assert not FullTextFetch.objects.exists()
    assert full_text_spy.calls == []


def test_a_page_forbidden_by_robots_txt_is_given_up(
    loopback_server, pipeline_spy, full_text_spy, django_capture_on_commit_callbacks
):
    loopback_server.reply("/robots.txt", Reply(200, body=b"User-agent: *\nDisallow: /article\n"))
    source = flagged_source(loopback_server, pipeline_spy, count=1)

    with django_capture_on_commit_callbacks(execute=True):
        source_fetch(source_id=source.pk)

    assert loopback_server.requests_to("/article0.html") == []
    assert full_text_spy.calls == []
    assert not FullTextFetch.objects.exists()


def test_a_failing_page_is_tried_again_later_then_given_up(
    loopback_server, pipeline_spy, full_text_spy, django_capture_on_commit_callbacks
):
    loopback_server.reply("/article0.html", Reply(500))
    source = flagged_source(loopback_server, pipeline_spy, count=1)
    with django_capture_on_commit_callbacks(execute=True):
        source_fetch(source_id=source.pk)

    row = FullTextFetch.objects.get()
    assert (row.attempts, row.last_error_code, row.enqueued_at) == (1, "http_error", None)
    assert 800 < (row.next_attempt_at - timezone.now()).total_seconds() < 1000
    for _ in range(2):
        FullTextFetch.objects.update(next_attempt_at=timezone.now())
        full_text_fetch(fetch_id=row.pk)

    assert not FullTextFetch.objects.exists()
    assert len(loopback_server.requests_to("/article0.html")) == 3
    assert full_text_spy.calls == []


@pytest.mark.parametrize(
    ("reply", "outcome"),
    [
        (Reply(200, {"Content-Type": "application/pdf"}, b"%PDF-1.7"), "given_up"),
        (Reply(404), "given_up"),
        (Reply(429, {"Retry-After": "600"}), "deferred"),
    ],
)
def test_other_answers(
    loopback_server, pipeline_spy, full_text_spy, reply, outcome, django_capture_on_commit_callbacks
):
    source = flagged_source(loopback_server, pipeline_spy, count=1)
    loopback_server.reply("/article0.html", Reply(503))  # first try: retried later
    with django_capture_on_commit_callbacks(execute=True):
        source_fetch(source_id=source.pk)
    loopback_server.reply("/article0.html", reply)
    FullTextFetch.objects.update(next_attempt_at=timezone.now())
    row = FullTextFetch.objects.get()

    assert full_text_fetch(fetch_id=row.pk) == outcome
    if outcome == "deferred":
        host = Host.objects.get()
        assert FullTextFetch.objects.get().next_attempt_at == host.blocked_until
    assert full_text_spy.calls == []


def test_a_busy_host_defers_the_page_and_the_sweep_queues_it_again(
    loopback_server, pipeline_spy, full_text_spy, django_capture_on_commit_callbacks
):
    loopback_server.reply("/article0.html", PAGE)
    source = flagged_source(loopback_server, pipeline_spy, count=1)
    with django_capture_on_commit_callbacks(execute=False):  # the queued read is not run
        source_fetch(source_id=source.pk)
    row = FullTextFetch.objects.get()
    Host.objects.update(lease_until=timezone.now() + timedelta(seconds=20), lease_token="x")

    assert full_texts_fetch([row.pk]) == {"deferred": 1}
    assert loopback_server.requests_to("/article0.html") == []
    row.refresh_from_db()
    assert row.next_attempt_at > timezone.now()

    Host.objects.update(lease_until=None, lease_token="")
    FullTextFetch.objects.update(next_attempt_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert full_texts_enqueue_due() == 1
    assert len(full_text_spy.calls) == 1
    assert not FullTextFetch.objects.exists()


@pytest.mark.parametrize(
    ("content", "declared", "expected"),
    [
        ("é".encode(), "utf-8", "é"),
        ("é".encode("latin-1"), "iso-8859-1", "é"),
        (
            b'<meta charset="windows-1252"><p>\x80</p>',
            None,
            '<meta charset="windows-1252"><p>€</p>',
        ),
        (b"<p>\xff</p>", None, "<p>\ufffd</p>"),
        ("é".encode(), "pas-un-charset", "é"),
    ],
)
def test_pages_are_decoded_with_the_declared_charset(content, declared, expected):
    assert decode_html(content, declared) == expected


ARTICLE = Reply(
    200,
    {"Content-Type": "text/html; charset=utf-8"},
    (
        "<html><head><title>Réouverture</title></head><body>"
        "<nav><a href='/'>Accueil</a> <a href='/agenda'>Agenda</a></nav>"
        "<article><h1>Le muséum de Dijon rouvre ses galeries</h1>"
        "<p>Après deux ans de travaux, le muséum d'histoire naturelle rouvre ses galeries de "
        "zoologie au public. Les collections d'oiseaux naturalisés ont été restaurées par une "
        "équipe de taxidermistes et les vitrines entièrement repensées.</p>"
        "<p>Une nouvelle salle présente les herbiers numérisés du jardin botanique, avec des "
        "bornes de consultation pour les visiteurs et les chercheurs.</p></article>"
        "<footer>Mentions légales</footer></body></html>"
    ).encode(),
)


def test_the_real_pipeline_keeps_the_main_text_of_the_page(
    loopback_server, django_capture_on_commit_callbacks
):
    """No spy: the fetcher hands the page to the pipeline's extraction, which keeps the
    article's text, not the navigation or the footer."""
    loopback_server.reply("/flux.xml", feed_reply([("guid-0", loopback_server.url("/a.html"))]))
    loopback_server.reply("/a.html", ARTICLE)
    source = make_source(loopback_server.url("/flux.xml"), fetch_full_text=True)

    with django_capture_on_commit_callbacks(execute=True):
        source_fetch(source_id=source.pk)

    item = Item.objects.get()
    assert "herbiers numérisés du jardin botanique" in item.full_text
    assert "Mentions légales" not in item.full_text
    assert not FullTextFetch.objects.exists()


def test_a_page_without_main_text_is_given_up_at_once(
    loopback_server, django_capture_on_commit_callbacks
):
    """Reading the same empty page again would not help: no retry, the item keeps its feed
    text."""
    loopback_server.reply("/flux.xml", feed_reply([("guid-0", loopback_server.url("/a.html"))]))
    loopback_server.reply("/a.html", PAGE)  # one short sentence: no article
    source = make_source(loopback_server.url("/flux.xml"), fetch_full_text=True)

    with django_capture_on_commit_callbacks(execute=True):
        source_fetch(source_id=source.pk)

    assert Item.objects.get().full_text == ""
    assert not FullTextFetch.objects.exists()
    assert len(loopback_server.requests_to("/a.html")) == 1

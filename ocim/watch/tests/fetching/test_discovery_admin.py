"""Finding a website's feeds in the back office: a curator gives a museum's address, sees the
feeds found with what each holds, and opens a new source's form already filled in; a feed
already watched is named; bad addresses get a message and nothing is written; other staff are
refused."""

import html

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from ocim.core.tests.servers import Reply
from ocim.watch.models import Source

from ..admin_builders import SourceFactory, user_with_role
from .builders import feed_reply, rss

pytestmark = pytest.mark.django_db

HTML = {"Content-Type": "text/html; charset=utf-8"}


def url(name: str, *args) -> str:
    return reverse(f"watch_sources:{name}", args=args)


@pytest.fixture
def curator_client(client):
    client.force_login(user_with_role("watch-curator"))
    return client


def museum_site(server):
    server.reply(
        "/",
        Reply(
            200,
            HTML,
            (
                "<html lang='fr'><head><title>Muséum de Lyon</title>"
                "<link rel='alternate' type='application/rss+xml' title='Actualités' "
                "href='/actualites.xml'>"
                "<link rel='alternate' type='application/rss+xml' href='/agenda.xml'>"
                "<link rel='alternate' type='application/rss+xml' href='/ancien.xml'>"
                "</head><body></body></html>"
            ).encode(),
        ),
    )
    server.reply(
        "/actualites.xml",
        Reply(
            200,
            {"Content-Type": "application/rss+xml"},
            rss(
                [("a", "https://m.example/a"), ("b", "https://m.example/b")],
                title="Actualités <b>du muséum</b>",
            ),
        ),
    )
    server.reply("/agenda.xml", feed_reply([("c", "https://m.example/c")]))


def test_the_sources_list_offers_the_search_to_curators(curator_client):
    response = curator_client.get(url("index"))
    assert url("discover") in response.content.decode()


def test_a_curator_finds_the_feeds_of_a_website_and_opens_a_filled_in_form(
    curator_client, loopback_server
):
    museum_site(loopback_server)
    watched = SourceFactory(title="Agenda déjà suivi", url=loopback_server.url("/agenda.xml"))
    response = curator_client.post(url("discover"), {"address": loopback_server.url("/")})
    assert response.status_code == 200
    page = response.content.decode()
    feeds = response.context["feeds"]
    assert [feed.url for feed, _add in feeds] == [
        loopback_server.url("/actualites.xml"),
        loopback_server.url("/agenda.xml"),
    ]
    # The feed's title is shown as text (its markup dropped); the feed already watched is
    # named and linked.
    assert "Actualités du muséum" in page and "<b>du" not in page
    assert url("edit", watched.pk) in page and "Agenda déjà suivi" in page
    # The announced feed that answered 404 is listed with the reason.
    assert loopback_server.url("/ancien.xml") in page and "404" in page

    new_feed, add_link = feeds[0]
    assert new_feed.watched is None
    form = curator_client.get(html.unescape(add_link)).context["form"]
    assert form.initial["url"] == loopback_server.url("/actualites.xml")
    assert form.initial["title"] == "Actualités du muséum"
    assert form.initial["site_url"] == loopback_server.url("/")
    # Nothing is written until the form is saved.
    assert Source.objects.count() == 1


def test_a_website_without_feed_offers_to_watch_the_page_with_extraction_rules(
    curator_client, loopback_server
):
    loopback_server.reply(
        "/agenda/",
        Reply(200, HTML, b"<html><head><title>Agenda</title></head><body></body></html>"),
    )
    response = curator_client.post(url("discover"), {"address": loopback_server.url("/agenda/")})
    assert response.status_code == 200
    assert response.context["feeds"] == []
    form = curator_client.get(html.unescape(response.context["page_add_url"])).context["form"]
    assert form.initial == {
        "kind": "page",
        "url": loopback_server.url("/agenda/"),
        "title": "Agenda",
    }


def test_the_form_of_a_new_source_takes_only_known_fields_from_the_link(curator_client):
    response = curator_client.get(
        url("add") + "?kind=bidon&url=https://m.example/rss&state=paused&title=" + "x" * 400
    )
    form = response.context["form"]
    assert form.initial["url"] == "https://m.example/rss"
    assert len(form.initial["title"]) == 300
    assert "kind" not in form.initial and "state" not in form.initial


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("", "This field is required."),
        ("http://192.168.1.10/", None),
        ("ftp://m.example/", "Only http and https addresses can be fetched."),
    ],
)
def test_bad_addresses_get_a_message_and_nothing_is_written(
    curator_client, settings, address, message
):
    settings.OCIM_FETCH_ALLOW_ADDRESSES = []
    response = curator_client.post(url("discover"), {"address": address})
    assert response.status_code == 400
    errors = response.context["form"].errors["address"]
    assert errors
    if message:
        assert errors == [_(message)]
    assert Source.objects.count() == 0


def test_an_address_that_does_not_answer_gets_a_message(curator_client, loopback_server):
    response = curator_client.post(url("discover"), {"address": loopback_server.url("/absent")})
    assert response.status_code == 400
    assert "404" in response.context["form"].errors["address"][0]


def test_staff_without_the_role_and_anonymous_visitors_are_refused(
    client, loopback_server, settings
):
    museum_site(loopback_server)
    client.force_login(user_with_role("editor"))
    assert client.get(url("discover")).status_code == 403
    assert client.post(url("discover"), {"address": loopback_server.url("/")}).status_code == 403
    assert loopback_server.requests == []
    client.logout()
    response = client.get(url("discover"))
    assert response.status_code == 302 and "login" in response["Location"]
    assert url("discover") not in client.get(url("index")).content.decode()

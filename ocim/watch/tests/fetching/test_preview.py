"""A source's preview, from its form: the address read now with the kind and the rules typed,
its first entries as the pipeline would store them, those the watch already holds marked, the
robots.txt verdict; bad rules, unreadable addresses and forbidden targets answer a message;
nothing is ever written."""

import html
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ocim.core.models import Concept
from ocim.core.tests.servers import Reply
from ocim.watch.fetching import preview as preview_module
from ocim.watch.fetching import source_fetch
from ocim.watch.fetching.errors import SourceFetchError
from ocim.watch.fetching.preview import source_preview
from ocim.watch.models import (
    ClassificationRule,
    FetchLog,
    Host,
    Item,
    RuleAction,
    RuleCondition,
    Source,
    SourceKind,
)

from ..admin_builders import user_with_role
from .builders import feed_reply, make_source

pytestmark = pytest.mark.django_db

HTML = {"Content-Type": "text/html; charset=utf-8"}
RULES = {"engine": "css", "item": "article.actu", "title": "h2", "link": "h2 a", "date": "time"}


def agenda_page():
    return Reply(
        200,
        HTML,
        (
            "<html><body>"
            "<article class='actu'><h2><a href='/agenda/nuit'>Nuit des musées</a></h2>"
            "<time datetime='2026-05-16T18:00:00+02:00'>16 mai</time></article>"
            "<article class='actu'><h2><a href='/agenda/fossiles'>Atelier fossiles</a></h2>"
            "<time>3 décembre 2026</time></article>"
            "<article class='autre'><h2>Pas une actualité</h2></article>"
            "</body></html>"
        ).encode(),
    )


def test_a_web_page_is_read_with_the_rules_typed_and_nothing_is_written(loopback_server):
    loopback_server.reply("/agenda/", agenda_page())
    preview = source_preview(
        url=loopback_server.url("/agenda/"), kind=SourceKind.PAGE, rules=RULES, language="fr"
    )
    assert preview.total == 2
    assert [(e.title, e.url) for e in preview.entries] == [
        ("Nuit des musées", loopback_server.url("/agenda/nuit")),
        ("Atelier fossiles", loopback_server.url("/agenda/fossiles")),
    ]
    assert preview.entries[0].published_at.isoformat() == "2026-05-16T16:00:00+00:00"
    assert timezone.localtime(preview.entries[1].published_at).date().isoformat() == "2026-12-03"
    assert {e.language for e in preview.entries} == {"fr"}
    assert preview.new_entries == 2
    assert preview.robots_allowed is True  # robots.txt answered 404: no rules
    assert not (Item.objects.exists() or Source.objects.exists() or FetchLog.objects.exists())
    assert not Host.objects.exists()


def test_entries_the_watch_holds_are_marked(loopback_server):
    entries = [(f"guid-{n}", f"https://m.example/article-{n}") for n in range(3)]
    loopback_server.reply("/flux.xml", feed_reply(entries))
    source = make_source(loopback_server.url("/flux.xml"))
    source_fetch(source_id=source.pk)  # the fetcher stores the three items
    entries.append(("guid-3", "https://m.example/article-3"))
    loopback_server.reply("/flux.xml", feed_reply(entries))
    other = make_source(loopback_server.url("/autre.xml"))
    loopback_server.reply("/autre.xml", feed_reply([("x", "https://m.example/article-0")]))

    seen = source_preview(url=source.url, kind=SourceKind.FEED, source_id=source.pk)
    assert [e.known for e in seen.entries] == ["source", "source", "source", ""]
    assert seen.new_entries == 1
    relayed = source_preview(url=other.url, kind=SourceKind.FEED, source_id=other.pk)
    assert [e.known for e in relayed.entries] == ["watch"]
    assert Item.objects.count() == 3


def test_the_preview_says_what_classification_would_attach_or_leave_out(
    loopback_server, django_capture_on_commit_callbacks
):
    Concept.objects.create(slug="t-musee", label_fr="Musée", label_en="Museum")
    with django_capture_on_commit_callbacks(execute=True):
        rule = ClassificationRule.objects.create(name="Ateliers", action=RuleAction.EXCLUDE)
        RuleCondition.objects.create(rule=rule, field="title", operator="contains", value="atelier")
        rule.save()
    loopback_server.reply("/agenda/", agenda_page())
    preview = source_preview(url=loopback_server.url("/agenda/"), kind=SourceKind.PAGE, rules=RULES)
    night, workshop = preview.entries
    assert (night.excluded_by, workshop.excluded_by) == ("", "Ateliers")
    assert (preview.new_entries, preview.excluded) == (1, 1)
    assert (night.concepts, workshop.concepts) == (["Musée"], [])


def test_only_the_first_entries_are_normalised(loopback_server, monkeypatch):
    monkeypatch.setattr(preview_module, "PREVIEW_ENTRIES", 5)
    loopback_server.reply(
        "/flux.xml", feed_reply([(f"g{n}", f"https://m.example/{n}") for n in range(40)])
    )
    preview = source_preview(url=loopback_server.url("/flux.xml"), kind=SourceKind.FEED)
    assert preview.total == 40 and len(preview.entries) == 5


def test_robots_txt_that_forbids_the_address_is_reported(loopback_server):
    loopback_server.reply("/robots.txt", Reply(200, body=b"User-agent: *\nDisallow: /flux"))
    loopback_server.reply("/flux.xml", feed_reply([("a", "https://m.example/a")]))
    preview = source_preview(url=loopback_server.url("/flux.xml"), kind=SourceKind.FEED)
    assert preview.robots_allowed is False
    loopback_server.reply("/robots.txt", Reply(503))
    preview = source_preview(url=loopback_server.url("/flux.xml"), kind=SourceKind.FEED)
    assert preview.robots_allowed is None


def test_a_hanging_site_ends_at_the_previews_deadline(loopback_server, monkeypatch):
    monkeypatch.setattr(preview_module, "PREVIEW_FETCH_DEADLINE", 1.0)
    loopback_server.reply(
        "/lent.xml", Reply(200, {"Content-Type": "application/rss+xml"}, iter([b"<"] * 40), 0.2)
    )
    started = time.monotonic()
    with pytest.raises(SourceFetchError) as caught:
        source_preview(url=loopback_server.url("/lent.xml"), kind=SourceKind.FEED)
    assert caught.value.code == "deadline_exceeded"
    assert time.monotonic() - started < 3.0


def test_unreadable_addresses_end_with_the_fetchers_error(loopback_server, settings):
    loopback_server.reply("/gone.xml", Reply(410))
    with pytest.raises(SourceFetchError) as caught:
        source_preview(url=loopback_server.url("/gone.xml"), kind=SourceKind.FEED)
    assert caught.value.code == "gone"
    settings.OCIM_FETCH_ALLOW_ADDRESSES = []
    with pytest.raises(SourceFetchError) as caught:
        source_preview(url=loopback_server.url("/flux.xml"), kind=SourceKind.FEED)
    assert caught.value.code == "forbidden_address"
    assert loopback_server.requests_to("/flux.xml") == []


# --- The view behind the form's button ---------------------------------------------------------


def preview_url():
    return reverse("watch_sources:preview")


@pytest.fixture
def curator_client(client):
    client.force_login(user_with_role("watch-curator"))
    return client


def test_the_forms_show_the_preview_and_the_health_record_leads_to_it(curator_client):
    page = curator_client.get(reverse("watch_sources:add")).content.decode()
    assert 'id="source-preview"' in page and "form-preview.js" in page
    assert 'data-extra-value=""' in page
    source = make_source("https://m.example/flux.xml")
    page = curator_client.get(reverse("watch_sources:edit", args=[source.pk])).content.decode()
    assert f'data-extra-value="{source.pk}"' in page
    health = curator_client.get(reverse("watch_health:source", args=[source.pk]))
    edit_preview = reverse("watch_sources:edit", args=[source.pk]) + "#source-preview"
    assert edit_preview in health.content.decode()


def test_the_view_answers_the_entries_of_the_form_fields(curator_client, loopback_server):
    loopback_server.reply("/agenda/", agenda_page())
    response = curator_client.post(
        preview_url(),
        {
            "url": loopback_server.url("/agenda/"),
            "kind": "page",
            "rules_engine": "css",
            "rules_item": "article.actu",
            "rules_title": "h2",
            "rules_link": "h2 a",
            "rules_date": "",
            "rules_summary": "",
            "title": "ignored",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nuit des musées" in page and "Atelier fossiles" in page
    assert "Pas une actualité" not in page
    assert Source.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": "", "kind": "feed"}, "Give the address."),
        (
            {"url": "https://10.0.0.1/flux.xml", "kind": "feed"},
            "This address points to a private, local or reserved network: the watch cannot "
            "read it.",
        ),
        (
            {"url": "https://m.example/agenda/", "kind": "page", "rules_item": "article["},
            "This is not a valid CSS selector.",
        ),
    ],
)
def test_bad_input_answers_a_message_and_reads_nothing(curator_client, settings, data, message):
    settings.OCIM_FETCH_ALLOW_ADDRESSES = []
    response = curator_client.post(preview_url(), data)
    assert response.status_code == 400
    assert _(message) in html.unescape(response.content.decode())


def test_a_document_that_is_not_what_the_kind_says_answers_why(curator_client, loopback_server):
    loopback_server.reply("/agenda/", agenda_page())
    response = curator_client.post(
        preview_url(), {"url": loopback_server.url("/agenda/"), "kind": "feed"}
    )
    # Not the platform's error: the preview answers, and says why.
    assert response.status_code == 200
    assert _("The address returned a web page, not a feed.") in html.unescape(
        response.content.decode()
    )
    response = curator_client.post(
        preview_url(),
        {
            "url": loopback_server.url("/agenda/"),
            "kind": "page",
            "rules_item": "li.introuvable",
            "rules_link": "a",
        },
    )
    assert response.status_code == 200
    assert _(
        "The item selector matched nothing on the page: its layout may have changed."
    ) in html.unescape(response.content.decode())


def test_other_staff_cannot_preview(client, loopback_server):
    loopback_server.reply("/flux.xml", feed_reply([("a", "https://m.example/a")]))
    client.force_login(user_with_role("editor"))
    response = client.post(preview_url(), {"url": loopback_server.url("/flux.xml")})
    assert response.status_code == 403
    assert loopback_server.requests == []
    assert client.get(preview_url()).status_code in (403, 405)

"""Embargoed full text never leaks through any channel.

An embargoed article carries a unique canary word in its body and in its PDF; an article
opened early carries another. Every channel is read as an anonymous reader: the embargoed
canary never shows; the open canary shows where full text is expected (so this test fails if a
channel stops serving text at all). After the wall lifts, the first canary shows there too.
"""

import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from freezegun import freeze_time
from wagtail.documents.models import Document
from wagtail.models import PageViewRestriction

from ocim.accounts.tests.factories import UserFactory
from ocim.publishing.access import article_opens_on
from ocim.publishing.models import DossierPage

from . import builders, news_builders

pytestmark = pytest.mark.django_db

EMBARGOED = "zorglubembargo"
OPEN = "zorglubouvert"
DRAFT = "zorglubbrouillon"
PRIVATE = "zorglubprive"
ISSUE_PDF = "zorglubnumero"


def _pdf(marker):
    document = Document(title="PDF")
    document.file.save("texte.pdf", ContentFile(f"%PDF-1.4\n% {marker}\n".encode()), save=False)
    document.save()
    return document


def _full_text(canary: str) -> list:
    return [
        ("paragraph", f"<p>Le texte secret {canary} [1].</p>"),
        (
            "video",
            {
                "url": "https://vimeo.com/76979871",
                "title": "Une vidéo",
                "caption": "",
                "credit": "",
                "transcript": f"La transcription {canary}note.",
            },
        ),
        ("notes", [f"<p>Une note {canary}video.</p>"]),
    ]


@pytest.fixture
def file_storage(settings, tmp_path):
    """Files on disk: Wagtail serves a document of the in-memory test storage as a 404, which
    would hide whether the document URL gives the text."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


@pytest.fixture
def world(file_storage):
    magazine = builders.site_with_magazine(moving_wall_months=12)
    dossier_rubric = builders.rubric("Dossier")
    issue = builders.issue(
        magazine, number=300, publication_date=timezone.localdate() - dt.timedelta(days=30)
    )
    issue.pdf = _pdf(ISSUE_PDF)
    issue.save_revision().publish()
    embargoed = builders.article(
        issue,
        title="Titrequartz sous le mur",
        rubric_value=dossier_rubric,
        body_text=f"Le texte secret {EMBARGOED}.",
    )
    embargoed.pdf = _pdf(EMBARGOED)
    # The canary is in every part of the full text: a paragraph, a note, a video transcript.
    embargoed.body = _full_text(EMBARGOED)
    # No abstract: a preview or feed that fell back on the body would show the canary.
    embargoed.abstracts.all().delete()
    embargoed.save_revision().publish()
    opened = builders.article(
        issue,
        title="Titrefeldspath ouvert",
        rubric_value=dossier_rubric,
        open_early=True,
        body_text=f"Le texte libre {OPEN}.",
    )
    opened.pdf = _pdf(OPEN)
    opened.body = _full_text(OPEN)
    opened.save_revision().publish()
    draft = builders.article(issue, title="Titremica brouillon", body_text=DRAFT, open_early=True)
    draft.unpublish()
    private = builders.article(issue, title="Titregneiss privé", body_text=PRIVATE, open_early=True)
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    dossier = DossierPage(
        title="Le dossier", slug="dossier-300", issue=issue, rubric=dossier_rubric
    )
    magazine.add_child(instance=dossier)
    dossier.save_revision().publish()
    index = news_builders.news_index(magazine)
    news_builders.news(index, title="Une actualité", related_issue=issue)
    return {
        "magazine": magazine,
        "issue": builders.IssuePage.objects.get(pk=issue.pk),
        "embargoed": builders.ArticlePage.objects.get(pk=embargoed.pk),
        "opened": builders.ArticlePage.objects.get(pk=opened.pk),
        "draft": draft,
        "private": private,
        "dossier": dossier,
    }


def _content(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("latin-1")
    return response.content.decode()


CANARIES = {EMBARGOED, OPEN, DRAFT, PRIVATE, ISSUE_PDF}


def _channels(world):
    """(name, url, canaries shown while walled, canaries shown once the wall lifted), for
    every channel; every other canary must be absent."""
    embargoed, opened, issue = world["embargoed"], world["opened"], world["issue"]
    channels = [
        ("embargoed article page", embargoed.url, set(), {EMBARGOED}),
        ("open article page", opened.url, {OPEN}, {OPEN}),
        ("issue page", issue.url, set(), set()),
        ("dossier page", world["dossier"].url, set(), set()),
        ("magazine page", world["magazine"].url, set(), set()),
        ("articles feed (RSS)", reverse("publishing:feed_articles_rss"), {OPEN}, {OPEN, EMBARGOED}),
        (
            "articles feed (Atom)",
            reverse("publishing:feed_articles_atom"),
            {OPEN},
            {OPEN, EMBARGOED},
        ),
        ("issues feed (RSS)", reverse("publishing:feed_issues_rss"), set(), set()),
        ("issues feed (Atom)", reverse("publishing:feed_issues_atom"), set(), set()),
        ("news feed (RSS)", reverse("publishing:feed_news_rss"), set(), set()),
        ("news feed (Atom)", reverse("publishing:feed_news_atom"), set(), set()),
        ("API article list", reverse("api:publishing_article_list"), set(), set()),
        ("API issue list", reverse("api:publishing_issue_list"), set(), set()),
        ("API issue detail", reverse("api:publishing_issue_detail", args=[300]), set(), set()),
        ("API news list", reverse("api:publishing_news_list"), set(), set()),
        ("API schema", reverse("api:openapi-json"), set(), set()),
        ("API search", reverse("api:publishing_search") + "?q=Titrequartz", set(), set()),
        ("API search (open)", reverse("api:publishing_search") + "?q=Titrefeldspath", set(), set()),
        ("API search (canary)", reverse("api:publishing_search") + f"?q={EMBARGOED}", set(), set()),
        (
            "API embargoed article",
            reverse("api:publishing_article_detail", args=[embargoed.pk]),
            set(),
            {EMBARGOED},
        ),
        (
            "API open article",
            reverse("api:publishing_article_detail", args=[opened.pk]),
            {OPEN},
            {OPEN},
        ),
        ("sitemap", "/sitemap.xml", set(), set()),
        (
            "embargoed article PDF view",
            reverse("publishing:article_pdf", args=[embargoed.pk]),
            set(),
            {EMBARGOED},
        ),
        (
            "open article PDF view",
            reverse("publishing:article_pdf", args=[opened.pk]),
            {OPEN},
            {OPEN},
        ),
        ("embargoed document URL", embargoed.pdf.url, set(), {EMBARGOED}),
        ("open document URL", opened.pdf.url, {OPEN}, {OPEN}),
        ("issue PDF view", reverse("publishing:issue_pdf", args=[issue.pk]), set(), {ISSUE_PDF}),
        ("issue document URL", issue.pdf.url, set(), {ISSUE_PDF}),
        # Searches for the (indexed) titles: the results and their snippets carry no text.
        ("site search", reverse("core:search") + "?q=Titrequartz", set(), set()),
        ("site search (open)", reverse("core:search") + "?q=Titrefeldspath", set(), set()),
    ]
    if _has_publishing_search():
        url = reverse("publishing:search")
        channels += [
            ("publishing search", url + "?q=Titrequartz", set(), set()),
            ("publishing search (open)", url + "?q=Titrefeldspath", set(), set()),
        ]
    return channels


# A search may show an excerpt of an open article's text: allowed, not required.
MAY_SHOW = {
    "site search (open)": {OPEN},
    "publishing search (open)": {OPEN},
    "API search (open)": {OPEN},
    # The query is echoed in the answer: the canary shows as asked, never as found.
    "API search (canary)": {EMBARGOED},
}


def _check(client, world, *, wall_lifted: bool):
    for name, url, walled, lifted in _channels(world):
        expected = lifted if wall_lifted else walled
        response = client.get(url)
        content = _content(response)
        if expected:
            assert response.status_code == 200, (name, url, response.status_code)
        else:
            assert response.status_code in (200, 403), (name, url, response.status_code)
        for canary in CANARIES - MAY_SHOW.get(name, set()):
            if canary in expected:
                assert canary in content, f"{name} does not give the full text ({canary})"
            else:
                assert canary not in content, f"{canary} leaks through {name}"
        assert "Titremica" not in content, f"a draft shows in {name}"
        assert "Titregneiss" not in content, f"a private page shows in {name}"


def test_embargoed_text_leaks_through_no_channel(client, world):
    _check(client, world, wall_lifted=False)
    # The embargoed PDFs are refused, not just empty.
    assert client.get(world["embargoed"].pdf.url).status_code == 403
    assert (
        client.get(reverse("publishing:article_pdf", args=[world["embargoed"].pk])).status_code
        == 403
    )
    assert client.get(world["issue"].pdf.url).status_code == 403


def test_a_subscribers_visits_do_not_leak_to_anonymous_readers(client, world):
    """Whatever a cache keeps of a subscriber's visit must not reach an anonymous reader."""
    subscriber = UserFactory()
    today = timezone.localdate()
    builders.individual_subscription(subscriber, starts_on=today, ends_on=today)
    subscribed = Client()
    subscribed.force_login(subscriber)
    for _name, url, _walled, _lifted in _channels(world):
        subscribed.get(url)
    page = _content(subscribed.get(world["embargoed"].url))
    assert EMBARGOED in page  # the subscriber did read it...
    _check(client, world, wall_lifted=False)  # ...and the anonymous reader still cannot


def test_the_search_finds_the_articles_without_their_text(client, world):
    for path in [reverse("core:search")] + (
        [reverse("publishing:search")] if _has_publishing_search() else []
    ):
        html = client.get(path, {"q": "Titrequartz"}).content.decode()
        assert world["embargoed"].url in html, path  # the search works...
        assert EMBARGOED not in html  # ...and shows no full text
        # Searching for the canary itself finds nothing (the body of an embargoed article is
        # not searchable); the query is echoed in the form, so look for the result link.
        html = client.get(path, {"q": EMBARGOED}).content.decode()
        assert world["embargoed"].url not in html, path
    # The API search too: the title is found, the body is not.
    api = reverse("api:publishing_search")
    found = client.get(api, {"q": "Titrequartz"}).json()
    assert [result["id"] for result in found["results"]] == [world["embargoed"].pk]
    assert client.get(api, {"q": EMBARGOED}).json()["count"] == 0


def _has_publishing_search():
    try:
        reverse("publishing:search")
    except NoReverseMatch:
        return False
    return True


def test_sitemap_lists_embargoed_articles_by_url_only(client, world):
    xml = client.get("/sitemap.xml").content.decode()
    assert world["embargoed"].full_url in xml
    assert EMBARGOED not in xml and "Titrequartz" not in xml
    assert world["draft"].slug not in xml and world["private"].slug not in xml
    entry = re.search(
        rf"<url>\s*<loc>{re.escape(world['embargoed'].full_url)}</loc>(.*?)</url>", xml, re.S
    )
    assert entry and set(re.findall(r"<(\w+)>", entry.group(1))) <= {"lastmod"}


def test_link_preview_never_uses_the_embargoed_body(client, world):
    html = client.get(world["embargoed"].url).content.decode()
    head = html.split("</head>")[0]
    assert 'property="og:title" content="Titrequartz sous le mur"' in head
    assert EMBARGOED not in head


def test_after_the_wall_lifts_the_text_shows_where_expected(client, world):
    opens_on = article_opens_on(world["embargoed"])
    with freeze_time(dt.datetime.combine(opens_on + dt.timedelta(days=1), dt.time(12, 0))):
        _check(client, world, wall_lifted=True)
        assert client.get(world["embargoed"].pdf.url).status_code == 200

"""axe-core (WCAG 2.1 A and AA rules) finds no violation on the magazine's article page (numbered
paragraphs, notes, a video opened by the reader) and on its search page, counts estimated.

Kept with the other browser tests: one Chromium per test session, shared fixtures. No request
leaves the machine: any address but the live server's is refused by the browser context."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from ocim.publishing.tests import builders

pytestmark = pytest.mark.browser

BODY = [
    ("paragraph", "<p>Les herbiers [1] sont fragiles et précieux.</p>"),
    ("heading", {"text": "Conserver les planches", "level": "h2"}),
    ("paragraph", "<p>On les numérise [2] avant de les ranger.</p>"),
    (
        "video",
        {
            "url": "https://vimeo.com/76979871",
            "title": "Visite de l'herbier",
            "caption": "Les armoires de l'herbier",
            "credit": "Ocim",
            "transcript": "La conservatrice ouvre une armoire et présente une planche.",
        },
    ),
    ("notes", ["<p>Planches séchées.</p>", "<p>En haute définition.</p>"]),
]


@pytest.fixture
def offline(context):
    """The browser reaches the live server only (the video's player is refused, not fetched)."""
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost)"), lambda route: route.abort())
    return context


@pytest.fixture
def article(demo_site):
    magazine = builders.site_with_magazine()
    issue = builders.issue(magazine, number=9001, publication_date=dt.date(2019, 1, 1))
    page = builders.article(issue, title="Les herbiers numérisés", open_early=True)
    page.body = BODY
    page.save_revision().publish()
    return page


def test_article_with_notes_and_a_video_has_no_wcag_violation(
    demo_site, offline, article, page, axe_check
):
    response = page.goto(demo_site.url + article.url)
    assert response.status == 200
    assert page.locator("#par-2").count() == 1
    axe_check(page)
    # The note call leads to the note, and the note back to the call.
    page.locator("sup.note-call a").first.click()
    assert page.url.endswith("#note-1")
    # The video is loaded only when the reader opens it.
    player = page.locator("details.video__player")
    assert not player.evaluate("details => details.open")
    player.locator("summary").click()
    assert page.locator("details.video__player iframe[title='Visite de l\\'herbier']").is_visible()
    axe_check(page)


def test_search_with_estimated_counts_has_no_wcag_violation(
    demo_site, offline, article, page, axe_check, settings
):
    settings.OCIM_SEARCH_EXACT_COUNT_LIMIT = 1
    issue = article.get_parent()
    for title in ("Les herbiers de Dijon", "Herbiers et climat", "Un herbier rouvre"):
        builders.article(issue, title=title, open_early=True)
    url = demo_site.url + reverse("publishing:search") + "?q=herbier"
    response = page.goto(url)
    assert response.status == 200
    summary = page.locator("[role='status']").inner_text()
    assert "Environ" in summary
    assert page.locator("#facets-estimated").count() == 1
    axe_check(page)

"""The article body as journals print it: numbered paragraphs (each with an anchor to cite it),
note calls linked to the notes and back, videos from a few hosts loaded only when the reader
opens them, with a transcript. Notes and transcripts are full text: behind the moving wall."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from wagtail.blocks.struct_block import StructBlockValidationError

from ocim.publishing.blocks import VIDEO_PLAYER_ORIGINS, ArticleBodyBlock, VideoBlock, video_player
from ocim.publishing.models import SearchDocument

from . import builders

pytestmark = pytest.mark.django_db


def _video(**fields):
    return {
        "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "title": "Visite des réserves",
        "caption": "Les réserves du muséum",
        "credit": "Ocim",
        "transcript": "La conservatrice ouvre les armoires des herbiers.",
        **fields,
    }


BODY = [
    ("paragraph", "<p>Les herbiers [1] sont fragiles.</p>"),
    ("heading", {"text": "Conserver", "level": "h2"}),
    ("paragraph", "<p>On les numérise [2], puis on les range [1]. Voir [7].</p>"),
    ("quotation", {"text": "Un herbier est une bibliothèque.", "source": "Anonyme"}),
    ("video", _video()),
    ("paragraph", "<p>Fin.</p>"),
    ("notes", ["<p>Planches séchées.</p>", "<p>En haute définition.</p>"]),
]


@pytest.fixture
def open_article():
    magazine = builders.site_with_magazine()
    issue = builders.issue(magazine, number=91, publication_date=dt.date(2019, 1, 1))
    article = builders.article(issue, title="Herbiers", open_early=True)
    article.body = BODY
    article.save_revision().publish()
    return article


def _body_html(client, article) -> str:
    html = client.get(article.url).text
    return re.search(r'<div class="prose" id="article-body">(.*?)</section>', html, re.S)[1]


def test_paragraphs_are_numbered_with_an_anchor(client, open_article):
    body = _body_html(client, open_article)
    numbers = re.findall(
        r'<div class="numbered-paragraph" id="par-(\d+)"><span class="paragraph-number" '
        r'aria-hidden="true">(\d+)</span>',
        body,
    )
    assert numbers == [("1", "1"), ("2", "2"), ("3", "3")]  # headings and quotations are not
    assert "<h2" in body and "Un herbier est une bibliothèque" in body


def test_note_calls_link_to_the_notes_and_back(client, open_article):
    body = _body_html(client, open_article)
    calls = re.findall(r'<sup class="note-call"><a href="#note-(\d+)"( id="[^"]+")?', body)
    assert calls == [("1", ' id="note-call-1"'), ("2", ' id="note-call-2"'), ("1", "")]
    assert "Voir [7]." in body  # there is no seventh note: left as typed
    notes = re.findall(r'<li id="note-(\d+)">(.*?)</li>', body, re.S)
    assert [number for number, _text in notes] == ["1", "2"]
    assert "Planches séchées" in notes[0][1] and 'href="#note-call-1"' in notes[0][1]


def test_a_video_is_loaded_only_when_opened_and_has_a_transcript(client, open_article):
    response = client.get(open_article.url)
    body = _body_html(client, open_article)
    frame = re.search(r"<details class=\"video__player\">.*?<iframe ([^>]*)>", body, re.S)
    assert frame, "the player sits in a closed <details>"
    attributes = frame[1]
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in attributes
    assert 'title="Visite des réserves"' in attributes and 'loading="lazy"' in attributes
    assert "La conservatrice ouvre les armoires" in body
    policy = response["Content-Security-Policy"]
    frame_sources = re.search(r"frame-src ([^;]*)", policy)[1].split()
    assert set(VIDEO_PLAYER_ORIGINS.values()) <= set(frame_sources)


@pytest.mark.parametrize(
    ("url", "player"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10",
            "youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://youtu.be/dQw4w9WgXcQ", "youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://m.youtube.com/shorts/dQw4w9WgXcQ", "youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "player.vimeo.com/video/76979871"),
        ("https://www.dailymotion.com/video/x8abcde", "dailymotion.com/embed/video/x8abcde"),
        ("https://dai.ly/x8abcde", "dailymotion.com/embed/video/x8abcde"),
    ],
)
def test_video_addresses_of_the_known_hosts(url, player):
    assert video_player(url)[1].endswith(player)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/video/123",
        "javascript:alert(1)",
        "https://www.youtube.com/watch?v=%22onload%3Dalert(1)",
        "https://vimeo.com/channels/staffpicks",
        "ftp://youtu.be/dQw4w9WgXcQ",
        "",
    ],
)
def test_other_video_addresses_are_refused_with_a_message(url):
    assert video_player(url) is None
    with pytest.raises(StructBlockValidationError) as raised:
        VideoBlock().clean(VideoBlock().to_python(_video(url=url)))
    assert "url" in raised.value.block_errors


def test_notes_and_transcripts_are_full_text_behind_the_wall(client):
    magazine = builders.site_with_magazine(moving_wall_months=12)
    issue = builders.issue(
        magazine, number=92, publication_date=timezone.localdate() - dt.timedelta(days=20)
    )
    article = builders.article(issue, title="Sous le mur")
    article.body = [
        ("paragraph", "<p>Texte [1].</p>"),
        ("video", _video(transcript="Transcription zorglubvideo.")),
        ("notes", ["<p>Note zorglubnote.</p>"]),
    ]
    article.save_revision().publish()
    html = client.get(article.url).text
    assert "zorglubvideo" not in html and "zorglubnote" not in html
    assert SearchDocument.objects.get(page=article).body_text == ""


def test_notes_and_transcripts_are_searched_once_open(open_article):
    document = SearchDocument.objects.get(page=open_article)
    assert "Planches séchées" in document.body_text
    assert "La conservatrice ouvre les armoires" in document.body_text


def test_the_body_renders_without_any_query(django_assert_num_queries):
    value = ArticleBodyBlock().to_python(
        [
            {"type": block_type, "value": value}
            for block_type, value in [item for item in BODY if item[0] != "video"]
        ]
    )
    with django_assert_num_queries(0):
        html = str(value.render_as_block())
    assert 'id="par-3"' in html and 'id="note-2"' in html

"""Web pages without a feed: extraction rules are validated for the source form, then read
each entry of the page (CSS or XPath), and a page whose layout changed is a clear error."""

from datetime import UTC, datetime

import pytest

from ocim.watch.models import Item, SourceKind
from ocim.watch.pipeline.errors import ExtractionRulesError, FeedParseError
from ocim.watch.pipeline.ingest import source_document_ingest
from ocim.watch.pipeline.pages import extraction_rules_clean, page_date, page_parse

from .support import FETCHED_AT, source_make

PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="windows-1252">
<title>Actualités — Muséum</title></head><body>
<nav><a href="/">Accueil</a></nav>
<article class="news"><h2><a href="/actualites/eclipse?utm_source=site">L’éclipse au planétarium</a>
</h2><time datetime="2026-03-02T18:30:00+01:00">2 mars</time>
<p class="chapo">Observez <b>l’éclipse</b> avec nous.<script>alert(1)</script></p></article>
<article class="news"><h2><a href="https://autre.example.org/expo">Nouvelle exposition</a></h2>
<span class="date">le 1er mars 2026</span><p class="chapo">Minéraux &amp; météorites.</p></article>
<article class="news"><h2>Sans lien</h2><span class="date">bientôt</span></article>
</body></html>""".encode("cp1252")

CSS = {"engine": "css", "item": "article.news", "title": "h2", "link": "h2 a",
       "date": "time, .date", "summary": ".chapo"}  # fmt: skip
XPATH = {
    "engine": "xpath",
    "item": "//article[@class='news']",
    "title": "normalize-space(./h2)",
    "link": "./h2/a/@href",
    "date": "./time/@datetime | ./span[@class='date']",
    "summary": "./p[@class='chapo']",
}


@pytest.mark.parametrize("rules", [CSS, XPATH], ids=["css", "xpath"])
def test_a_page_is_read_with_css_or_xpath_rules(rules):
    parsed = page_parse(PAGE, rules=rules, base_url="https://museum.example.org/actus/")
    assert parsed.parser == rules["engine"]
    assert parsed.title == "Actualités — Muséum"
    first, second, third = parsed.entries
    assert (first.title, first.link) == (
        "L’éclipse au planétarium",
        "/actualites/eclipse?utm_source=site",
    )
    assert first.published == datetime(2026, 3, 2, 17, 30, tzinfo=UTC)
    assert "<b>l’éclipse</b>" in first.summary
    assert second.published == datetime(2026, 2, 28, 23, 0, tzinfo=UTC)  # Paris midnight
    assert (third.title, third.link, third.published) == ("Sans lien", "", None)
    assert third.date_unreadable


@pytest.mark.django_db
def test_a_page_source_is_ingested_like_a_feed():
    source = source_make(
        kind=SourceKind.PAGE, url="https://museum.example.org/actus/", extraction_rules=CSS
    )
    report = source_document_ingest(
        source=source,
        body=PAGE,
        content_type="text/html",
        encoding=None,
        final_url=source.url,
        fetched_at=FETCHED_AT,
    )
    assert (report.parser, report.new_items) == ("css", 3)
    eclipse = Item.objects.get(title="L’éclipse au planétarium")
    assert eclipse.canonical_url == "https://museum.example.org/actualites/eclipse"
    assert eclipse.summary == "Observez l’éclipse avec nous."
    assert "script" not in eclipse.summary_html
    # No link: recognised next time by its text.
    assert Item.objects.get(title="Sans lien").guid.startswith("content:")
    again = source_document_ingest(
        source=source,
        body=PAGE,
        content_type="text/html",
        encoding=None,
        final_url=source.url,
        fetched_at=FETCHED_AT,
    )
    assert (again.new_items, again.duplicates) == (0, 3)


@pytest.mark.parametrize(
    ("rules", "code"),
    [
        ({}, "extraction_rules_missing"),
        ({"engine": "css", "item": "article[", "link": "a"}, "extraction_rules_invalid"),
        ({"engine": "css", "item": "section.nothing-here", "link": "a"}, "extraction_no_items"),
    ],
)
def test_missing_broken_or_outdated_rules_are_clean_errors(rules, code):
    with pytest.raises(FeedParseError) as raised:
        page_parse(PAGE, rules=rules)
    assert raised.value.code == code
    assert str(raised.value.message)


def test_extraction_rules_clean_normalises_good_rules():
    assert extraction_rules_clean(
        {"engine": "css", "item": "  li.news ", "link": "a", "title": "", "date": None}
    ) == {"engine": "css", "item": "li.news", "link": "a"}
    assert extraction_rules_clean(XPATH) == XPATH


@pytest.mark.parametrize(
    ("rules", "faulty"),
    [
        ("article", {"__all__"}),
        ({"engine": "regex", "item": "x", "link": "a"}, {"engine"}),
        ({"engine": "css", "link": "a"}, {"item"}),
        ({"engine": "css", "item": "li"}, {"link"}),
        ({"engine": "css", "item": "li[", "link": "a::attr(href)"}, {"item", "link"}),
        ({"engine": "xpath", "item": "//li[", "link": "./a/@href"}, {"item"}),
        ({"engine": "css", "item": "li", "link": 3}, {"link"}),
        ({"engine": "css", "item": "li" * 300, "link": "a"}, {"item"}),
        ({"engine": "css", "item": "li", "link": "a", "script": "x"}, {"__all__"}),
    ],
)
def test_extraction_rules_clean_names_each_faulty_key(rules, faulty):
    with pytest.raises(ExtractionRulesError) as raised:
        extraction_rules_clean(rules)
    assert set(raised.value.extra["errors"]) == faulty
    assert all(str(message) for message in raised.value.extra["errors"].values())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-02", datetime(2026, 3, 1, 23, 0, tzinfo=UTC)),
        ("2026-03-02T10:00:00Z", datetime(2026, 3, 2, 10, 0, tzinfo=UTC)),
        ("Publié le lundi 2 mars 2026 à 14h", datetime(2026, 3, 2, 13, 0, tzinfo=UTC)),
        ("12 déc. 2025", datetime(2025, 12, 11, 23, 0, tzinfo=UTC)),
        ("March 2, 2026", datetime(2026, 3, 1, 23, 0, tzinfo=UTC)),
        ("bientôt", None),
        ("", None),
    ],
)
def test_page_dates_in_french_and_english(text, expected):
    assert page_date(text) == expected


def test_hostile_pages_end_cleanly():
    for body in (
        b"\x00\x01\x02" * 100,
        b"<html><body>" + b"<div>" * 50_000 + b"</body></html>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<html><body><article class="news"><a href="/x">&e;</a></article></body></html>',
    ):
        try:
            parsed = page_parse(body, rules=CSS)
        except FeedParseError as error:
            assert error.code
            continue
        assert all("root:" not in entry.title for entry in parsed.entries)

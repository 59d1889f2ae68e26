"""Builders shared by the pipeline's tests: sources, and feeds written by hand in each format."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html import escape

from ocim.watch.models import Source, SourceKind

FETCHED_AT = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def source_make(**fields) -> Source:
    count = Source.objects.count()
    fields.setdefault("title", f"Source {count + 1}")
    fields.setdefault("url", f"https://source{count + 1}.example.org/feed.xml")
    fields.setdefault("kind", SourceKind.FEED)
    return Source.objects.create(**fields)


def rss_item(
    number: int,
    *,
    title: str | None = None,
    link: str | None = None,
    guid: str | None = None,
    description: str | None = None,
    content: str | None = None,
    date: str | None = "Tue, 10 Mar 2026 09:00:00 +0100",
) -> str:
    parts = [f"<title>{escape(title if title is not None else f'Actualité {number}')}</title>"]
    link = link if link is not None else f"https://musee.example.org/actualites/{number}"
    if link:
        parts.append(f"<link>{escape(link)}</link>")
    guid = guid if guid is not None else f"urn:musee:{number}"
    if guid:
        parts.append(f'<guid isPermaLink="false">{escape(guid)}</guid>')
    if date:
        parts.append(f"<pubDate>{date}</pubDate>")
    description = (
        description
        if description is not None
        else f"<p>Le muséum présente sa nouvelle galerie, épisode {number}.</p>"
    )
    parts.append(f"<description><![CDATA[{description}]]></description>")
    if content is not None:
        parts.append(f"<content:encoded><![CDATA[{content}]]></content:encoded>")
    return "<item>" + "".join(parts) + "</item>"


def rss(items: list[str] | int, *, encoding: str = "utf-8", language: str = "fr") -> bytes:
    if isinstance(items, int):
        items = [rss_item(number) for number in range(1, items + 1)]
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel><title>Actualités du musée</title><link>https://musee.example.org/</link>"
        f"<description>Nouvelles</description><language>{language}</language>"
        + "".join(items)
        + "</channel></rss>"
    )
    return text.encode(encoding)


def atom(entries: list[str]) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Science news</title><id>urn:feed</id><updated>2026-03-09T10:00:00Z</updated>"
        + "".join(entries)
        + "</feed>"
    ).encode()


def atom_entry(number: int, *, link: str | None = None, updated="2026-03-09T10:00:00Z") -> str:
    link = link if link is not None else f"https://science.example.com/news/{number}"
    return (
        f"<entry><title>Science news {number}</title><id>tag:science.example.com,2026:{number}</id>"
        f'<link rel="alternate" href="{escape(link)}"/><updated>{updated}</updated>'
        f"<summary>The planetarium opens a new show about the solar system ({number}).</summary>"
        "<author><name>Ada Lovelace</name></author></entry>"
    )


def json_feed(items: list) -> bytes:
    return json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": "Flux JSON", "items": items}
    ).encode()

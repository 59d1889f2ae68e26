"""Feeds (RSS 0.9x/1.0/2.0, Atom, JSON Feed) read into neutral entries.

XML goes to the fast parser (fastfeedparser: a native extractor for well-formed RSS and Atom,
lxml's recovering parser for the rest, entities never resolved) after ``decoding`` made it safe;
when the fast parser fails or finds nothing, feedparser (slow, very tolerant) gets the same
safe bytes. JSON Feed is read here directly (``json`` is in C and the format is small).
Whatever the input, the result is a ``ParsedFeed`` or a ``FeedParseError``.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.utils.translation import gettext_lazy as _

from .decoding import DecodedDocument, document_decode, xml_make_safe
from .errors import FeedParseError

logger = logging.getLogger(__name__)

PARSER_FAST = "fastfeedparser"
PARSER_FALLBACK = "feedparser"
PARSER_JSON = "jsonfeed"

_HTML_START = re.compile(
    r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)


@dataclass(slots=True)
class RawEntry:
    """One entry as the parser saw it: strings as given (HTML unsanitised), dates parsed."""

    guid: str = ""
    link: str = ""
    title: str = ""
    summary: str = ""
    content: str = ""
    author: str = ""
    published: datetime | None = None
    # A date was given but could not be understood.
    date_unreadable: bool = False
    categories: list[str] = field(default_factory=list)


@dataclass
class ParsedFeed:
    entries: list[RawEntry]
    parser: str
    title: str = ""
    language: str = ""
    # Codes of the repairs the document needed (see decoding.DecodedDocument.repairs).
    repairs: list[str] = field(default_factory=list)


def _string(value) -> str:
    """A parser's field as a string ("" for anything that is not text)."""
    if isinstance(value, str):
        return value
    return ""


def _iso_date(value) -> tuple[datetime | None, bool]:
    if not value or not isinstance(value, str):
        return None, False
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None, True
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC), False
    except (OverflowError, ValueError):
        return None, True


def _struct_date(value) -> datetime | None:
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (ValueError, OverflowError, TypeError):
        return None


def _content_value(contents, summary: str) -> str:
    """The entry's full content: the longest HTML or text value that is not the summary."""
    best = ""
    if isinstance(contents, list):
        for content in contents:
            if isinstance(content, dict):
                value = _string(content.get("value"))
                if len(value) > len(best):
                    best = value
    return "" if best.strip() == summary.strip() else best


def _categories(tags) -> list[str]:
    terms = []
    if isinstance(tags, list):
        for tag in tags[:50]:
            if isinstance(tag, dict):
                term = _string(tag.get("term")) or _string(tag.get("label"))
                if term:
                    terms.append(term)
    return terms


def _from_fast(feed) -> ParsedFeed:
    entries = []
    for raw in feed.get("entries") or []:
        summary = _string(raw.get("description"))
        published, unreadable = _iso_date(raw.get("published"))
        if published is None:
            published, unreadable_updated = _iso_date(raw.get("updated"))
            unreadable = unreadable or unreadable_updated
        entries.append(
            RawEntry(
                guid=_string(raw.get("id")),
                link=_string(raw.get("link")),
                title=_string(raw.get("title")),
                summary=summary,
                content=_content_value(raw.get("content"), summary),
                author=_string(raw.get("author")),
                published=published,
                date_unreadable=unreadable,
                categories=_categories(raw.get("tags")),
            )
        )
    info = feed.get("feed") or {}
    return ParsedFeed(
        entries=entries,
        parser=PARSER_FAST,
        title=_string(info.get("title")),
        language=_string(info.get("language")),
    )


def _from_feedparser(result) -> ParsedFeed:
    entries = []
    for raw in result.get("entries") or []:
        summary = _string(raw.get("summary"))
        # dict.get: feedparser's own get() maps a missing "updated" to "published", with a
        # deprecation warning.
        published = _struct_date(dict.get(raw, "published_parsed")) or _struct_date(
            dict.get(raw, "updated_parsed")
        )
        given = dict.get(raw, "published") or dict.get(raw, "updated")
        entries.append(
            RawEntry(
                guid=_string(raw.get("id")),
                link=_string(raw.get("link")),
                title=_string(raw.get("title")),
                summary=summary,
                content=_content_value(raw.get("content"), summary),
                author=_string(raw.get("author")),
                published=published,
                date_unreadable=published is None and bool(given),
                categories=_categories(raw.get("tags")),
            )
        )
    info = result.get("feed") or {}
    return ParsedFeed(
        entries=entries,
        parser=PARSER_FALLBACK,
        title=_string(info.get("title")),
        language=_string(info.get("language")),
    )


def _json_author(item: dict) -> str:
    authors = item.get("authors")
    if isinstance(authors, list):
        names = [_string(a.get("name")) for a in authors[:10] if isinstance(a, dict)]
        return ", ".join(name for name in names if name)
    author = item.get("author")
    return _string(author.get("name")) if isinstance(author, dict) else ""


def _json_date(value) -> tuple[datetime | None, bool]:
    if not isinstance(value, str) or not value:
        return None, False
    value = value.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    return _iso_date(value)


def json_feed_parse(text: str) -> ParsedFeed:
    """A JSON Feed (1.0 or 1.1) read into entries; items that are not objects are skipped."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise FeedParseError(
            _("The document is not valid JSON."), code="json_invalid", extra={"detail": str(error)}
        ) from error
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise FeedParseError(
            _("The document is JSON but not a JSON Feed (it has no list of items)."),
            code="not_a_feed",
        )
    entries = []
    for item in data["items"]:
        if not isinstance(item, dict):
            continue
        summary = _string(item.get("summary"))
        content = _string(item.get("content_html"))
        if not content and _string(item.get("content_text")):
            # Plain text: escape it, the rest of the pipeline reads HTML.
            from html import escape

            content = escape(_string(item.get("content_text")))
        published, unreadable = _json_date(item.get("date_published"))
        if published is None:
            published, unreadable_modified = _json_date(item.get("date_modified"))
            unreadable = unreadable or unreadable_modified
        identifier = item.get("id")
        if isinstance(identifier, int | float) and not isinstance(identifier, bool):
            identifier = str(identifier)
        tags = item.get("tags")
        entries.append(
            RawEntry(
                guid=_string(identifier),
                link=_string(item.get("url")) or _string(item.get("external_url")),
                title=_string(item.get("title")),
                summary=summary,
                content="" if content.strip() == summary.strip() else content,
                author=_json_author(item),
                published=published,
                date_unreadable=unreadable,
                categories=[t for t in tags[:50] if isinstance(t, str)]
                if isinstance(tags, list)
                else [],
            )
        )
    return ParsedFeed(
        entries=entries,
        parser=PARSER_JSON,
        title=_string(data.get("title")),
        language=_string(data.get("language")),
    )


def _fast_parse(safe: bytes):
    import fastfeedparser

    return fastfeedparser.parse(safe)


def _fallback_parse(safe: bytes):
    import feedparser

    # sanitize_html and resolve_relative_uris: the pipeline does both itself, with the
    # platform's allowlist and the document's final address.
    return feedparser.parse(safe, sanitize_html=False, resolve_relative_uris=False)


def _looks_like_json(text: str, content_type: str) -> bool:
    start = text.lstrip()[:1]
    return start in ("{", "[") or ("json" in (content_type or "").lower() and start != "<")


def feed_parse(body: bytes, *, content_type: str = "", encoding: str | None = None) -> ParsedFeed:
    """Read ``body`` as a feed. Raises ``FeedParseError`` when it is empty, a web page, not a
    feed, or unreadable by both parsers; never anything else for bad input."""
    if not body or not body.strip():
        raise FeedParseError(_("The document is empty."), code="empty")
    document: DecodedDocument = document_decode(body, declared_encoding=encoding)
    if _looks_like_json(document.text, content_type):
        parsed = json_feed_parse(document.text)
        parsed.repairs = document.repairs
        return parsed
    if _HTML_START.match(document.text[:4096]):
        raise FeedParseError(_("The address returned a web page, not a feed."), code="not_a_feed")
    if "<" not in document.text[:4096]:
        raise FeedParseError(_("The document is neither XML nor JSON."), code="not_a_feed")
    safe = xml_make_safe(document)
    parsed: ParsedFeed | None = None
    try:
        fast = _fast_parse(safe)
        parsed = _from_fast(fast)
    except Exception as error:
        logger.debug("fast parser failed, falling back to feedparser: %r", error)
    if parsed is None or not parsed.entries:
        try:
            result = _fallback_parse(safe)
        except Exception as error:
            logger.info("feedparser failed on a document: %r", error)
            result = None
        if result is not None and result.get("version"):
            fallback = _from_feedparser(result)
            if parsed is None or len(fallback.entries) > len(parsed.entries):
                parsed = fallback
    if parsed is None:
        raise FeedParseError(
            _("The document is not a feed that can be read (RSS, Atom or JSON Feed)."),
            code="not_a_feed",
        )
    parsed.repairs = document.repairs
    return parsed

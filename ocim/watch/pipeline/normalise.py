"""One parsed entry made into what an item stores: identity (GUID and canonical link), plain
text and sanitised HTML, a UTC date, a language.

The cheap part (identity) and the costly part (sanitising, text, language) are separate steps:
the pipeline pays the second only for entries it has not seen before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape, unescape

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ocim.core.sanitiser import sanitise_html

from .language import MAX_CHARACTERS, language_detect
from .parsing import RawEntry
from .text import sanitised_to_text, text_clean, title_to_text, truncate
from .urls import MAX_URL_LENGTH, link_resolve, text_hash, url_canonical

# Longest HTML kept per field (characters, before sanitising): a longer one is cut (the
# sanitiser closes what the cut left open).
MAX_HTML_CHARACTERS = 512 * 1024
MAX_GUID_CHARACTERS = 2000
MAX_TITLE_CHARACTERS = 1000
MAX_AUTHOR_CHARACTERS = 500
# A plain-text summary made from the content when the entry has no summary of its own.
SUMMARY_FROM_CONTENT_CHARACTERS = 600
# Dates outside [EARLIEST_DATE, fetch time + FUTURE_TOLERANCE] are wrong: the fetch time is used.
EARLIEST_DATE = datetime(1970, 1, 2, tzinfo=UTC)
FUTURE_TOLERANCE = timedelta(days=1)

_RELATIVE_LINK = re.compile(r'\b(href|src)="(?!https?:|mailto:|tel:)([^"]*)"', re.IGNORECASE)


@dataclass(slots=True)
class EntryProblem:
    """Something wrong with one entry of a document (``index`` in the document's order)."""

    index: int
    code: str
    message: str | Promise

    def as_dict(self) -> dict:
        return {"index": self.index, "code": self.code, "message": str(self.message)}


@dataclass(slots=True)
class EntryIdentity:
    """What tells whether an entry was seen before."""

    index: int
    raw: RawEntry
    guid: str
    guid_hash: str
    url: str
    canonical_url: str
    url_hash: str


@dataclass(slots=True)
class NormalisedEntry:
    identity: EntryIdentity
    title: str
    author: str
    summary_html: str
    summary: str
    content_html: str
    content_text: str
    published_at: datetime
    date_estimated: bool
    language: str
    categories: list[str] = field(default_factory=list)


def entry_identify(
    raw: RawEntry, *, index: int, base_url: str, problems: list[EntryProblem]
) -> EntryIdentity | None:
    """The entry's GUID, link and their hashes; ``None`` (and a problem) for an entry with
    nothing to recognise it by."""
    link_given = text_clean(raw.link).strip()
    url = link_resolve(link_given, base_url) if link_given else ""
    if link_given and not url:
        problems.append(
            EntryProblem(index, "link_refused", _("The link is not a web address; ignored."))
        )
    canonical = url_canonical(url)
    guid = text_clean(raw.guid).strip()
    if not guid:
        guid = url or link_given
    if not guid:
        body = "\n".join((raw.title or "", raw.summary or "", raw.content or ""))
        if not body.strip():
            problems.append(
                EntryProblem(
                    index,
                    "empty_entry",
                    _("The entry has no identifier, link, title or text; skipped."),
                )
            )
            return None
        guid = "content:" + text_hash(text_clean(body))
    guid = guid[:MAX_GUID_CHARACTERS]
    return EntryIdentity(
        index=index,
        raw=raw,
        guid=guid,
        guid_hash=text_hash(guid),
        url=url if len(url) <= MAX_URL_LENGTH else "",
        canonical_url=canonical if len(canonical) <= MAX_URL_LENGTH else "",
        url_hash=text_hash(canonical) if canonical else "",
    )


def _absolute_link(match: re.Match, base: str) -> str:
    target = link_resolve(unescape(match.group(2)), base)
    if not target:
        # Not resolvable to a web address: the attribute goes (a link without a target reads
        # as text).
        return ""
    return f'{match.group(1)}="{escape(target, quote=False)}"'


def html_sanitise(value: str, *, base_url: str) -> tuple[str, bool]:
    """``value`` through the core sanitiser, relative links made absolute against
    ``base_url`` (shown on our site they would point to our own pages). Returns the HTML and
    whether it had to be cut to ``MAX_HTML_CHARACTERS``."""
    if not value or not value.strip():
        return "", False
    truncated = len(value) > MAX_HTML_CHARACTERS
    if truncated:
        value = value[:MAX_HTML_CHARACTERS]
    cleaned = sanitise_html(text_clean(value))
    if base_url and ('href="' in cleaned or 'src="' in cleaned):
        cleaned = _RELATIVE_LINK.sub(lambda match: _absolute_link(match, base_url), cleaned)
    return cleaned, truncated


def entry_normalise(
    identity: EntryIdentity,
    *,
    base_url: str,
    fetched_at: datetime,
    language: str,
    language_hint: str,
    problems: list[EntryProblem],
) -> NormalisedEntry:
    """Text, HTML, date and language of an entry (the costly step). ``language`` is the
    source's fixed language ("" to detect it); ``language_hint`` the feed's declared one."""
    raw = identity.raw
    index = identity.index
    link_base = identity.url or base_url
    summary_html, summary_cut = html_sanitise(raw.summary, base_url=link_base)
    content_html, content_cut = html_sanitise(raw.content, base_url=link_base)
    if content_html and content_html == summary_html:
        content_html = ""
    if summary_cut or content_cut:
        problems.append(
            EntryProblem(index, "truncated", _("The entry's text was too long and was cut."))
        )
    summary = sanitised_to_text(summary_html)
    content_text = sanitised_to_text(content_html)
    if not summary and content_text:
        summary = truncate(content_text, SUMMARY_FROM_CONTENT_CHARACTERS)
    title = truncate(title_to_text(raw.title), MAX_TITLE_CHARACTERS)
    if not title:
        title = truncate(summary or content_text, 200)
    author = truncate(title_to_text(raw.author), MAX_AUTHOR_CHARACTERS)

    published = raw.published
    date_estimated = False
    if published is None:
        date_estimated = True
        if raw.date_unreadable:
            problems.append(
                EntryProblem(
                    index,
                    "date_unreadable",
                    _("The entry's date could not be read; the fetch time is used."),
                )
            )
    elif published < EARLIEST_DATE or published > fetched_at + FUTURE_TOLERANCE:
        date_estimated = True
        problems.append(
            EntryProblem(
                index,
                "date_out_of_range",
                _("The entry's date is in the future or implausibly old; the fetch time is used."),
            )
        )
    if date_estimated:
        published = fetched_at

    if not language:
        language = language_detect(
            f"{title}\n{summary}\n{content_text[:MAX_CHARACTERS]}", hint=language_hint
        )
    return NormalisedEntry(
        identity=identity,
        title=title,
        author=author,
        summary_html=summary_html,
        summary=summary,
        content_html=content_html,
        content_text=content_text,
        published_at=published,
        date_estimated=date_estimated,
        language=language,
        categories=[title_to_text(term)[:200] for term in raw.categories],
    )

"""What a source would bring, read now and stored nowhere: the curator's check of a feed, and
of a web page's extraction rules, before saving them (or of a source that fails).

``source_preview`` reads the address once through the SSRF-safe fetch helper (no conditional
headers: the whole document), parses it as the source's kind says (a feed, or a page with its
rules), and runs the first entries through the pipeline's own identification and
normalisation: the titles, links, dates, languages and summaries shown are the ones the items
would get, with the problems each entry would record, and the classifier says which concepts
each would get, or which rule would leave it out. Entries the watch already holds are
marked (read from this source before, or from another source). It also reads the site's
robots.txt, to warn when the fetcher would not be allowed to read the address.

Nothing is written: no item, no health record, no host state. Like finding a website's feeds,
it is a visit on the curator's behalf: two requests at most, within 15 and 5 seconds, so the
answer comes well within a web worker's timeout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import httpx
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocim.core.fetch import FetchError, parse_url, safe_fetch
from ocim.core.models import Concept
from ocim.watch.models import ClassificationRule, Item, ItemSighting, SourceKind
from ocim.watch.pipeline.classify import ItemText, classifier_current
from ocim.watch.pipeline.normalise import EntryProblem, entry_identify, entry_normalise
from ocim.watch.pipeline.pages import page_parse
from ocim.watch.pipeline.parsing import feed_parse
from ocim.watch.pipeline.text import title_to_text, truncate

from . import errors
from .errors import SourceFetchError
from .hosts import ROBOTS_DEADLINE, ROBOTS_MAX_BYTES, user_agent
from .robots import RobotsRules
from .sources import FEED_ACCEPT, PAGE_ACCEPT, fetch_deadline

PREVIEW_ENTRIES = 20
SUMMARY_SHOWN = 300
# The preview answers a web request: its two reads end well within a web worker's timeout
# (gunicorn's 30 s by default), however slow the site.
PREVIEW_FETCH_DEADLINE = 15.0
PREVIEW_ROBOTS_DEADLINE = 5.0


@dataclass(frozen=True)
class PreviewEntry:
    title: str
    url: str
    published_at: datetime
    date_estimated: bool
    language: str
    author: str
    summary: str
    problems: list[str]
    # "source": read from this source before; "watch": in the watch from another source;
    # "": new to the watch.
    known: str = ""
    # The rule that would leave it out (its name), or what classification would attach.
    excluded_by: str = ""
    concepts: list[str] = field(default_factory=list)


@dataclass
class SourcePreview:
    url: str
    final_url: str
    status: int
    parser: str
    title: str
    total: int  # entries in the document
    entries: list[PreviewEntry] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # entries the pipeline would skip, why
    repairs: list[str] = field(default_factory=list)
    # None when robots.txt could not be read (the fetcher would wait for it).
    robots_allowed: bool | None = None
    new_entries: int = 0
    excluded: int = 0


# What the decoder had to repair in a document, in words for the curator.
REPAIRS = {
    "charset_guessed": _("The document's character set was wrong or missing; it was guessed."),
    "control_characters": _("The document held control characters; they were removed."),
    "doctype_removed": _(
        "The document declared a DTD or entities; they were removed, never expanded."
    ),
}


def _robots_allowed(url: httpx.URL, fetch) -> bool | None:
    """Whether robots.txt lets the fetcher read ``url``: RFC 9309 as the fetcher applies it
    (a 4xx file means no rules; a server error or no answer, None: unknown for now)."""
    try:
        result = fetch(
            f"{url.scheme}://{url.netloc.decode('ascii')}/robots.txt",
            accept="text/plain, */*;q=0.5",
            max_bytes=ROBOTS_MAX_BYTES,
            deadline=min(ROBOTS_DEADLINE, PREVIEW_ROBOTS_DEADLINE),
        )
    except FetchError:
        return None
    if 400 <= result.status_code < 500 and result.status_code != 429:
        return True
    if not 200 <= result.status_code < 300:
        return None
    rules = RobotsRules.parse(result.content, user_agent())
    return rules.allowed(url.raw_path.decode("ascii", errors="replace"))


def _known(identities, source_id: int | None) -> dict[int, str]:
    """For each entry index, whether the watch holds it already (see ``PreviewEntry.known``)."""
    known: dict[int, str] = {}
    if source_id is not None:
        seen = set(
            ItemSighting.objects.filter(
                source_id=source_id, guid_hash__in=[i.guid_hash for i in identities]
            ).values_list("guid_hash", flat=True)
        )
        known.update({i.index: "source" for i in identities if i.guid_hash in seen})
    url_hashes = [i.url_hash for i in identities if i.url_hash and i.index not in known]
    stored = set(Item.objects.filter(url_hash__in=url_hashes).values_list("url_hash", flat=True))
    known.update(
        {i.index: "watch" for i in identities if i.index not in known and i.url_hash in stored}
    )
    return known


def _classified(entries, *, source_text: str) -> list[tuple[str, list[str]]]:
    """For each normalised entry, the name of the rule that would leave it out ("" if none)
    and the labels of the concepts classification would attach (rules and thesaurus; the
    source's own concepts are not known yet for a new source, and not shown)."""
    classifier = classifier_current()
    results = []
    for entry in entries:
        text = ItemText.of_entry(entry, source=source_text)
        results.append(classifier.classify(text))
    rule_ids = {result.excluded_by for result in results if result.excluded_by}
    rule_names = dict(ClassificationRule.objects.filter(pk__in=rule_ids).values_list("pk", "name"))
    concept_ids = {pk for result in results for pk in result.concepts}
    labels = {concept.pk: concept.label for concept in Concept.objects.filter(pk__in=concept_ids)}
    return [
        (
            rule_names.get(result.excluded_by, "") if result.excluded_by else "",
            sorted(labels[pk] for pk in result.concepts if pk in labels),
        )
        for result in results
    ]


def source_preview(
    *,
    url: str,
    kind: str,
    rules: dict | None = None,
    language: str = "",
    source_id: int | None = None,
    source_title: str = "",
    fetch=safe_fetch,
) -> SourcePreview:
    """Read ``url`` now as a source of ``kind`` (with ``rules`` for a web page) and describe
    its first entries as the pipeline would store them. Raises ``SourceFetchError`` when the
    address cannot be read (with the fetcher's error codes and messages) and
    ``FeedParseError`` when the document cannot be read as that kind; writes nothing."""
    try:
        target = parse_url(url)
        result = fetch(
            str(target),
            accept=PAGE_ACCEPT if kind == SourceKind.PAGE else FEED_ACCEPT,
            deadline=min(fetch_deadline(), PREVIEW_FETCH_DEADLINE),
        )
    except FetchError as error:
        raise SourceFetchError(error.code, detail=error.detail) from error
    status = result.status_code
    if not 200 <= status < 300:
        code = {404: errors.NOT_FOUND, 410: errors.GONE, 429: errors.RATE_LIMITED}.get(status)
        code = code or (errors.SERVER_ERROR if status >= 500 else errors.HTTP_ERROR)
        raise SourceFetchError(code, detail=f"HTTP {status}", status_code=status)
    final_url = str(result.final_url)
    if kind == SourceKind.PAGE:
        parsed = page_parse(
            result.content,
            rules=rules or {},
            content_type=result.content_type,
            encoding=result.encoding,
            base_url=final_url,
        )
    else:
        parsed = feed_parse(
            result.content, content_type=result.content_type, encoding=result.encoding
        )

    now = timezone.now()
    problems: list[EntryProblem] = []
    identities = []
    skipped = []
    for index, raw in enumerate(parsed.entries[:PREVIEW_ENTRIES]):
        identity = entry_identify(raw, index=index, base_url=final_url, problems=problems)
        if identity is None:
            skipped.append(str(problems[-1].message))
        else:
            identities.append(identity)
    known = _known(identities, source_id)
    normalised = []
    for identity in identities:
        entry_problems: list[EntryProblem] = []
        entry = entry_normalise(
            identity,
            base_url=final_url,
            fetched_at=now,
            language=language,
            language_hint=parsed.language,
            problems=entry_problems,
        )
        normalised.append((identity, entry, entry_problems))
    classified = _classified(
        [entry for _identity, entry, _problems in normalised],
        source_text=f"{source_title} {url}",
    )
    entries = []
    for (identity, entry, entry_problems), (excluded_by, concepts) in zip(
        normalised, classified, strict=True
    ):
        entries.append(
            PreviewEntry(
                title=entry.title,
                url=identity.url,
                published_at=entry.published_at,
                date_estimated=entry.date_estimated,
                language=entry.language,
                author=entry.author,
                summary=truncate(entry.summary, SUMMARY_SHOWN),
                problems=[
                    str(problem.message)
                    for problem in (*problems, *entry_problems)
                    if problem.index == identity.index
                ],
                known=known.get(identity.index, ""),
                excluded_by=excluded_by,
                concepts=concepts,
            )
        )
    return SourcePreview(
        url=str(target),
        final_url=final_url,
        status=status,
        parser=parsed.parser,
        title=title_to_text(parsed.title or "")[:300],
        total=len(parsed.entries),
        entries=entries,
        skipped=skipped,
        repairs=[str(REPAIRS.get(code, code)) for code in dict.fromkeys(parsed.repairs)],
        robots_allowed=_robots_allowed(httpx.URL(final_url), fetch),
        new_entries=sum(1 for entry in entries if not entry.known and not entry.excluded_by),
        excluded=sum(1 for entry in entries if entry.excluded_by),
    )

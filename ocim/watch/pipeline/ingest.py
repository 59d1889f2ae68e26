"""The pipeline's entry point: a fetched document in, new items and sightings stored.

    report = source_document_ingest(source=source, body=response.body,
                                    content_type=response.content_type, encoding=None,
                                    final_url=response.url, fetched_at=timezone.now())

Steps, each paid only by the entries that need it:

1. parse (``parsing`` for feeds, ``pages`` for web pages read with extraction rules);
2. identify every entry (GUID, canonical link and their hashes);
3. look up, in one query each, the GUIDs already seen in this source (duplicates, skipped) and
   the canonical links already stored by any source (a new sighting of that item);
4. normalise only the entries left (sanitised HTML, plain text, UTC date, language), group
   near-duplicates into stories (``stories``) and classify them (``classify``); an entry a
   rule leaves out stops here, nothing of it stored;
5. store items, sightings, classification links and the new items' rows of the staff's
   search index (``search.index_rows_new``, from the text in memory): one statement on
   PostgreSQL (``bulk.rows_write``), one bulk INSERT per table elsewhere.

Writes happen in one transaction, whose commit on PostgreSQL does not wait for the disk
(``bulk.ingest_transaction_settings``: a crash right after may lose the document, fetched
again).
Concurrent workers are safe: uniqueness is the database's (canonical link of an item, GUID of
a sighting per source); a worker that loses a race gets an IntegrityError, rolls back to its
savepoint, looks again and stores what is still missing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext_lazy as _

from ..models import Item, ItemSighting, Source, SourceKind
from .bulk import ids_reserve, lookups_and_settings, rows_write
from .classify import (
    Classification,
    ItemText,
    SourceFacts,
    classification_rows,
    classifier_current,
)
from .errors import FeedParseError
from .normalise import (
    EntryIdentity,
    EntryProblem,
    NormalisedEntry,
    entry_identify,
    entry_normalise,
)
from .parsing import ParsedFeed, feed_parse
from .retention import retention_cutoff
from .stories import (
    BANDS,
    signature_bands,
    stories_assign,
    stories_grow,
    story_text_words,
    text_signature,
)

logger = logging.getLogger(__name__)

# Largest document read (bytes): the fetcher's own limit, checked again for other callers.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# Rows per IN (…) lookup: well under every database's limit on parameters.
LOOKUP_CHUNK = 1000
# A lost race is retried this many times before the error is raised.
MAX_ATTEMPTS = 3


@dataclass
class IngestReport:
    """What ``source_document_ingest`` did with a document.

    ``entries_read``: entries found in the document. ``new_items``: items created.
    ``new_sightings``: entries new to this source whose item already existed (carried by
    another source, or the same link under another identifier). ``duplicates``: entries
    already seen in this source (or repeated within the document), skipped. ``too_old``:
    entries published before the retention age (``OCIM_WATCH_RETENTION_DAYS``), skipped.
    ``excluded``: new entries a classification rule leaves out, not stored.
    ``problems``: per-entry problems (skipped entries, ignored links, unreadable dates…).
    ``repairs``: what the document itself needed (charset guessed, control characters or a
    document type declaration removed). ``new_item_ids``: ids of the items created (the
    fetcher fetches their full text for flagged sources). ``stories_joined``: new items
    grouped with a near-duplicate from another source (see ``stories``).
    """

    parser: str
    entries_read: int = 0
    new_items: int = 0
    new_sightings: int = 0
    duplicates: int = 0
    too_old: int = 0
    excluded: int = 0
    stories_joined: int = 0
    feed_title: str = ""
    problems: list[EntryProblem] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    new_item_ids: list[int] = field(default_factory=list)


_SIGHTING_FIELDS = ("item", "source", "guid_hash", "url", "seen_at")


def _items_rows(items: list[Item]) -> tuple:
    """Give ``items`` their ids and return their rows for ``rows_write``. PostgreSQL: ids
    taken from the sequence, the items written with everything else in one statement;
    elsewhere the items are inserted here (one bulk INSERT that returns their ids) and no
    rows are left to write."""
    if connection.vendor != "postgresql":
        Item.objects.bulk_create(items)
        return Item, (), []
    for item, pk in zip(items, ids_reserve(Item, len(items)), strict=True):
        item.pk = pk
        # As bulk_create leaves them: saved instances (the statement runs right after).
        item._state.adding = False
        item._state.db = connection.alias
    fields = Item._meta.concrete_fields
    return (
        Item,
        tuple(field.name for field in fields),
        [tuple(getattr(item, field.attname) for field in fields) for item in items],
    )


def _chunks(values: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _document_parse(
    *, source: Source, body: bytes, content_type: str, encoding: str | None, final_url: str
) -> ParsedFeed:
    if len(body) > MAX_DOCUMENT_BYTES:
        raise FeedParseError(
            _("The document is larger than %(size)s MiB.") % {"size": MAX_DOCUMENT_BYTES >> 20},
            code="too_large",
        )
    if source.kind == SourceKind.PAGE:
        from .pages import page_parse

        return page_parse(
            body,
            rules=source.extraction_rules,
            content_type=content_type,
            encoding=encoding,
            base_url=final_url or source.url,
        )
    return feed_parse(body, content_type=content_type, encoding=encoding)


def source_document_ingest(
    *,
    source: Source,
    body: bytes,
    content_type: str,
    encoding: str | None,
    final_url: str,
    fetched_at: datetime,
    redoable: bool = False,
) -> IngestReport:
    """Parse ``body`` (fetched from ``final_url`` at ``fetched_at``) per ``source.kind``,
    normalise, deduplicate, classify and store its entries; return what was done.

    The transaction that stores them commits without waiting for the disk (see
    ``bulk.ingest_transaction_settings``) when it is the ingest's own, or when the caller
    says its transaction is ``redoable``: lost in a crash, it is done again (the fetcher's:
    the source's state, its log and the entries go together, and the source is fetched
    again).

    Raises ``FeedParseError`` (translated message, stable ``code``) when nothing can be read:
    empty body, a web page instead of a feed, a document no parser understands, missing or
    broken extraction rules. Bad entries never raise: they are skipped or stored as well as
    they can be, and listed in ``report.problems``. Writes nothing on error.
    """
    if fetched_at.tzinfo is None:
        raise ValueError("fetched_at must be an aware datetime")
    fetched_at = fetched_at.astimezone(UTC)
    base_url = final_url or source.url
    parsed = _document_parse(
        source=source, body=body, content_type=content_type, encoding=encoding, final_url=base_url
    )
    report = IngestReport(
        parser=parsed.parser,
        entries_read=len(parsed.entries),
        feed_title=parsed.title[:300],
        repairs=list(parsed.repairs),
    )
    identities: list[EntryIdentity] = []
    seen: set[str] = set()
    cutoff = retention_cutoff(fetched_at)
    for index, raw in enumerate(parsed.entries):
        if cutoff is not None and raw.published is not None and raw.published < cutoff:
            report.too_old += 1
            continue
        try:
            identity = entry_identify(raw, index=index, base_url=base_url, problems=report.problems)
        except Exception:
            logger.exception("entry %s of source %s could not be identified", index, source.pk)
            report.problems.append(
                EntryProblem(index, "entry_unreadable", _("The entry could not be read."))
            )
            continue
        if identity is None:
            continue
        if identity.guid_hash in seen:
            report.duplicates += 1
            continue
        seen.add(identity.guid_hash)
        identities.append(identity)
    if not identities:
        return report
    _Storage(
        source=source,
        identities=identities,
        report=report,
        base_url=base_url,
        fetched_at=fetched_at,
        language_hint=parsed.language,
        redoable=redoable,
    ).run()
    return report


class _Storage:
    """Stores one document's identified entries (see the module docstring)."""

    def __init__(
        self, *, source, identities, report, base_url, fetched_at, language_hint, redoable
    ):
        self.source = source
        self.identities = identities
        self.report = report
        self.base_url = base_url
        self.fetched_at = fetched_at
        self.language_hint = language_hint
        self.redoable = redoable
        # Normalised entries by GUID hash, kept across retries (the costly step runs once).
        self.normalised: dict[str, NormalisedEntry | None] = {}
        self.problems_by_guid: dict[str, list[EntryProblem]] = {}

    def run(self) -> None:
        problems_before = list(self.report.problems)
        # This document's own transaction, or a caller's that may be lost: other callers'
        # writes keep their commit.
        self.tune_transaction = self.redoable or not connection.in_atomic_block
        with transaction.atomic():
            for attempt in range(1, MAX_ATTEMPTS + 1):
                try:
                    with transaction.atomic():
                        self._store()
                    break
                except IntegrityError:
                    if attempt == MAX_ATTEMPTS:
                        raise
                    logger.info(
                        "source %s: a concurrent worker stored some entries first; retrying",
                        self.source.pk,
                    )
        self.report.problems = problems_before + [
            problem for problems in self.problems_by_guid.values() for problem in problems
        ]
        self.report.problems.sort(key=lambda problem: problem.index)

    def _normalise(self, identity: EntryIdentity) -> NormalisedEntry | None:
        key = identity.guid_hash
        if key not in self.normalised:
            problems: list[EntryProblem] = []
            try:
                self.normalised[key] = entry_normalise(
                    identity,
                    base_url=self.base_url,
                    fetched_at=self.fetched_at,
                    language=self.source.language,
                    language_hint=self.language_hint,
                    problems=problems,
                )
            except Exception:
                logger.exception(
                    "entry %s of source %s could not be normalised", identity.index, self.source.pk
                )
                problems.append(
                    EntryProblem(
                        identity.index, "entry_unreadable", _("The entry could not be read.")
                    )
                )
                self.normalised[key] = None
            self.problems_by_guid[key] = problems
        return self.normalised[key]

    def _lookups(self) -> tuple[set[str], dict[str, int], list[int] | None]:
        """What is already stored: the GUID hashes of this document's entries seen in this
        source, the items of their canonical links (any source), and the source's concepts.
        PostgreSQL: one statement, which also sets the transaction up for the writes (see
        ``bulk.ingest_transaction_settings``); a round trip per look-up was a large share of
        a small document's time. Elsewhere: a query each, only those needed (the concepts,
        ``None`` here, when something is classified)."""
        source = self.source
        guid_hashes = [identity.guid_hash for identity in self.identities]
        if connection.vendor == "postgresql":
            return lookups_and_settings(
                source_id=source.pk,
                guid_hashes=guid_hashes,
                url_hashes=sorted(
                    {identity.url_hash for identity in self.identities if identity.url_hash}
                ),
                tune=self.tune_transaction,
            )
        known: set[str] = set()
        for chunk in _chunks(guid_hashes):
            known.update(
                ItemSighting.objects.filter(source=source, guid_hash__in=chunk).values_list(
                    "guid_hash", flat=True
                )
            )
        url_hashes = sorted(
            {
                identity.url_hash
                for identity in self.identities
                if identity.url_hash and identity.guid_hash not in known
            }
        )
        existing: dict[str, int] = {}
        for chunk in _chunks(url_hashes):
            # The unique index on url_hash is partial (url_hash != ''): the condition is
            # repeated so that SQLite uses it (without it, every lookup scanned the table).
            existing.update(
                Item.objects.filter(url_hash__in=chunk)
                .exclude(url_hash="")
                .values_list("url_hash", "id")
            )
        return known, existing, None

    def _store(self) -> None:
        source = self.source
        known, existing, self.source_concepts = self._lookups()
        fresh = [identity for identity in self.identities if identity.guid_hash not in known]
        new_sightings = 0

        sightings: list[tuple] = []
        # Entries of this document whose item is created now, and the later entries of the
        # document with the same link (sighted once the item has its id).
        new_entries: list[NormalisedEntry] = []
        new_by_url: dict[str, NormalisedEntry] = {}
        pending: list[tuple[EntryIdentity, NormalisedEntry]] = []
        for identity in fresh:
            item_id = existing.get(identity.url_hash) if identity.url_hash else None
            if item_id is not None:
                sightings.append(self._sighting(identity, item_id))
                new_sightings += 1
                continue
            if identity.url_hash and identity.url_hash in new_by_url:
                pending.append((identity, new_by_url[identity.url_hash]))
                new_sightings += 1
                continue
            entry = self._normalise(identity)
            if entry is None:
                continue
            new_entries.append(entry)
            if identity.url_hash:
                new_by_url[identity.url_hash] = entry

        classifications = self._classify(new_entries)
        excluded = {
            id(entry)
            for entry, result in zip(new_entries, classifications, strict=True)
            if result is not None and result.excluded_by is not None
        }
        if excluded:
            # Left out by a rule: nothing of the entry is stored, nor of its repeats.
            kept = [
                (entry, result)
                for entry, result in zip(new_entries, classifications, strict=True)
                if id(entry) not in excluded
            ]
            new_entries = [entry for entry, _result in kept]
            classifications = [result for _entry, result in kept]
            repeats = len(pending)
            pending = [
                (identity, entry) for identity, entry in pending if id(entry) not in excluded
            ]
            new_sightings -= repeats - len(pending)
        items = [self._item(entry) for entry in new_entries]
        stories = stories_assign(items, source_id=source.pk, now=self.fetched_at)
        tables = []
        if items:
            from ..search import index_rows_new

            tables.append(_items_rows(items))
            tables += classification_rows(
                [
                    (item.pk, result)
                    for item, result in zip(items, classifications, strict=True)
                    if result is not None
                ]
            )
            tables.append(index_rows_new(items))
        for entry, item in zip(new_entries, items, strict=True):
            sightings.append(self._sighting(entry.identity, item.pk))
        position = {id(entry): item.pk for entry, item in zip(new_entries, items, strict=True)}
        for identity, entry in pending:
            sightings.append(self._sighting(identity, position[id(entry)]))
        tables.append((ItemSighting, _SIGHTING_FIELDS, sightings))
        # Items, sightings, classification links and search rows: one statement on
        # PostgreSQL (see bulk), whatever the number of entries.
        rows_write(tables)
        stories_grow(stories, now=self.fetched_at)
        # Counted once the writes went through (a lost race rolls them back and runs again).
        self.report.duplicates += len(known)
        self.report.new_sightings = new_sightings
        self.report.new_items = len(items)
        self.report.excluded = len(excluded)
        self.report.stories_joined = sum(1 for item in items if item.story_id is not None)
        self.report.new_item_ids = [item.pk for item in items]

    def _classify(self, entries: list[NormalisedEntry]) -> list[Classification | None]:
        if not entries:
            return []
        classifier = classifier_current()
        if self.source_concepts is None:
            facts = SourceFacts.of(self.source)
        else:
            facts = SourceFacts(
                concepts=self.source_concepts,
                region=self.source.region_id,
                department=self.source.department_id,
            )
        source_text = f"{self.source.title} {self.source.url}"
        results: list[Classification | None] = []
        for entry in entries:
            text = ItemText.of_entry(entry, source=source_text)
            try:
                results.append(classifier.classify(text, source_facts=facts))
            except Exception:
                # A classifier bug must not lose the item: it is stored unclassified.
                logger.exception("item %s of source %s not classified", entry.title, self.source.pk)
                results.append(None)
        return results

    def _sighting(self, identity: EntryIdentity, item_id: int) -> tuple:
        # In the order of _SIGHTING_FIELDS.
        return (item_id, self.source.pk, identity.guid_hash, identity.url, self.fetched_at)

    def _item(self, entry: NormalisedEntry) -> Item:
        identity = entry.identity
        signature = text_signature(story_text_words(entry.summary, entry.content_text))
        bands = signature_bands(signature) if signature is not None else [None] * BANDS
        return Item(
            minhash=signature,
            **{f"story_band{band}": key for band, key in enumerate(bands)},
            source_id=self.source.pk,
            guid=identity.guid,
            url=identity.url,
            canonical_url=identity.canonical_url,
            url_hash=identity.url_hash,
            title=entry.title,
            author=entry.author,
            summary_html=entry.summary_html,
            summary=entry.summary,
            content_html=entry.content_html,
            content_text=entry.content_text,
            published_at=entry.published_at,
            date_estimated=entry.date_estimated,
            first_seen_at=self.fetched_at,
            language=entry.language,
        )

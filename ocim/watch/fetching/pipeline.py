"""The two calls the fetcher makes into the processing pipeline (``ocim.watch.pipeline``), in one
place: what a source's body becomes, and what a linked page adds to its item."""

from __future__ import annotations

from datetime import datetime


def document_ingest(
    *,
    source,
    body: bytes,
    content_type: str,
    encoding: str | None,
    final_url: str,
    fetched_at: datetime,
):
    """Parse, normalise, deduplicate, classify and store what a source answered; returns the
    pipeline's ``IngestReport``; raises an ``ApplicationError`` (``FeedParseError``) when
    nothing can be read."""
    from ocim.watch.pipeline.ingest import source_document_ingest

    return source_document_ingest(
        source=source,
        body=body,
        content_type=content_type,
        encoding=encoding,
        final_url=final_url,
        fetched_at=fetched_at,
        # The fetcher's transaction (the source's state and log with the entries) may be lost
        # in a crash: the source is then fetched again. Its commit need not wait for the disk.
        redoable=True,
    )


def new_item_ids(report) -> list[int]:
    """Ids of the items this document created (their linked page is read for flagged
    sources)."""
    return list(report.new_item_ids)


def new_entry_count(report) -> int:
    """Entries this source had not carried before: new items and new sightings of items
    another source brought first."""
    return int(report.new_items) + int(report.new_sightings)


def excluded_entry_count(report) -> int:
    """New entries a classification rule left out (not stored)."""
    return int(report.excluded)


def full_text_extract(item, html: str) -> None:
    """Keep the main text of ``item``'s linked page (re-classified, re-indexed); raises
    ``FullTextError`` when the page has no main text."""
    from ocim.watch.pipeline.full_text import item_full_text_extract

    item_full_text_extract(item, html)

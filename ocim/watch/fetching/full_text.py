"""Full text of the items of "fetch full text" sources: their linked page, read politely.

When a flagged source brings new items, one ``FullTextFetch`` row per item is written in the
transaction that stores them and a task is queued for them after the commit. The page is read
with the same rules as a source (host lease, ``Retry-After``, robots.txt, the SSRF-safe
helper), then handed to the pipeline's ``item_full_text_extract``. A busy host defers the row;
a failure is tried again later (15 min, 30 min), and given up after ``MAX_ATTEMPTS``. Rows left
behind by a lost task are picked up by the periodic sweep (:func:`full_texts_enqueue_due`).
"""

from __future__ import annotations

import logging
import re
import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ocim.core.fetch import FetchError, parse_url, safe_fetch
from ocim.watch.models import MIN_INTERVAL_SECONDS, FullTextFetch, Item

from . import errors, hosts, pipeline, runner
from .schedule import jittered
from .sources import HOST_BUSY_DELAY, PAGE_ACCEPT, fetch_deadline, host_lease_seconds

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
LEASE = timedelta(minutes=10)
REQUEUE_AFTER = timedelta(minutes=30)
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{1,40})""", re.I)


def full_texts_plan(*, item_ids: list[int]) -> list[int]:
    """Queue the full text of the items ``item_ids`` (new items of a flagged source). Call
    inside the transaction that stored the items; the fetch task is enqueued after its
    commit. Items without a fetchable link are left out. Returns the ids of the rows
    written."""
    now = timezone.now()
    items = Item.objects.filter(pk__in=item_ids, full_text="").exclude(url="")
    rows = []
    for item_id, url in items.values_list("pk", "url"):
        host = hosts.host_key_for(url)
        if host is None:
            continue
        rows.append(
            FullTextFetch(
                item_id=item_id,
                url=url,
                host=host,
                created_at=now,
                next_attempt_at=now,
                enqueued_at=now,
            )
        )
    FullTextFetch.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        FullTextFetch.objects.filter(item_id__in=[row.item_id for row in rows], enqueued_at=now)
        .values_list("pk", "host")
        .order_by("pk")
    )
    if ids:
        transaction.on_commit(lambda: _enqueue(_by_host(ids)))
    return [pk for pk, _host in ids]


def full_texts_enqueue_due(*, now: datetime | None = None, limit: int = 2000) -> int:
    """Queue the full texts that are due and not already queued (the periodic sweep); returns
    how many were queued."""
    now = now or timezone.now()
    with transaction.atomic():
        due = (
            FullTextFetch.objects.filter(next_attempt_at__lte=now)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - REQUEUE_AFTER))
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
            .order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True)
        )
        rows = list(due.values_list("pk", "host")[:limit])
        FullTextFetch.objects.filter(pk__in=[pk for pk, _host in rows]).update(enqueued_at=now)
        if rows:
            transaction.on_commit(lambda: _enqueue(_by_host(rows)))
    return len(rows)


def full_texts_fetch(fetch_ids: list[int], *, threads: int | None = None) -> dict[str, int]:
    """Read the pages of the given ``FullTextFetch`` rows, a host's pages one after the other,
    hosts side by side. Returns how many ended each way."""
    rows = FullTextFetch.objects.filter(pk__in=fetch_ids).values_list("pk", "host")
    outcomes = runner.run_groups(
        _by_host(list(rows)).values(),
        lambda pk, _taken: full_text_fetch(fetch_id=pk, host_wait=5.0),
        release=lambda ids: FullTextFetch.objects.filter(pk__in=ids).update(enqueued_at=None),
        threads=threads,
    )
    summary: dict[str, int] = {}
    for outcome in outcomes:
        summary[outcome] = summary.get(outcome, 0) + 1
    return summary


def full_text_fetch(*, fetch_id: int, host_wait: float = 0.0) -> str:
    """Read one item's linked page if it is due and not being read elsewhere. Returns
    ``done``, ``deferred``, ``retry``, ``given_up`` or ``skipped``; never raises for the page's
    failure."""
    now = timezone.now()
    token = uuid.uuid4().hex
    claimed = (
        FullTextFetch.objects.filter(pk=fetch_id, next_attempt_at__lte=now)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .update(lease_until=now + LEASE, lease_token=token)
    )
    if not claimed:
        return "skipped"
    row = FullTextFetch.objects.select_related("item").get(pk=fetch_id)
    try:
        return _read(row, token, host_wait=host_wait)
    except Exception:
        logger.exception("Full text of item %s failed unexpectedly.", row.item_id)
        return _failed(row, token, "processing_failed")


def _read(row: FullTextFetch, token: str, *, host_wait: float) -> str:
    if row.item.full_text:
        row.delete()
        return "done"
    try:
        url = parse_url(row.url)
    except FetchError as error:
        return _give_up(row, error.code)
    host = hosts.host_get(hosts.host_key(url))
    if host.blocked_until and host.blocked_until > timezone.now():
        return _defer(row, token, host.blocked_until)
    host_token = hosts.lease_claim_waiting(host, seconds=host_lease_seconds(), max_wait=host_wait)
    if host_token is None:
        wait = max(1.0, hosts.busy_wait(host, in_flight_wait=HOST_BUSY_DELAY))
        return _defer(row, token, timezone.now() + timedelta(seconds=jittered(wait)))
    crawl_delay = 0.0
    result = None
    failure = None
    try:
        try:
            answer = hosts.robots_rules(host, scheme=url.scheme)
        except FetchError as error:
            answer = None
            failure = error.code
        if answer is not None:
            crawl_delay = answer.rules.crawl_delay or 0.0
            if answer.rules.unavailable:
                failure = errors.ROBOTS_UNAVAILABLE
            elif not answer.rules.allowed(url.raw_path.decode("ascii", errors="replace")):
                failure = errors.ROBOTS_DISALLOWED
            elif not (host.blocked_until and host.blocked_until > timezone.now()):
                try:
                    result = safe_fetch(url, accept=PAGE_ACCEPT, deadline=fetch_deadline())
                except FetchError as error:
                    failure = error.code
    finally:
        hosts.lease_release(host, host_token, rest_seconds=crawl_delay)
    if failure == errors.ROBOTS_DISALLOWED:
        return _give_up(row, failure)
    if failure:
        return _failed(row, token, failure)
    if result is None:
        return _defer(row, token, host.blocked_until)
    if result.status_code in (429, 503):
        until = hosts.block_from_response(host, result, now=timezone.now())
        if until:
            return _defer(row, token, until)
        return _failed(row, token, errors.RATE_LIMITED)
    if not 200 <= result.status_code < 300:
        if result.status_code in (404, 410):
            return _give_up(row, errors.NOT_FOUND)
        return _failed(row, token, errors.HTTP_ERROR)
    if result.content_type not in HTML_TYPES:
        return _give_up(row, errors.NOT_HTML)
    item = row.item
    from ocim.watch.pipeline.full_text import FullTextError

    try:
        pipeline.full_text_extract(item, decode_html(result.content, result.encoding))
    except FullTextError as error:
        # The page has no main text (a menu, a cookie wall, an empty shell): asking again
        # would read the same page, so the item keeps its feed text.
        return _give_up(row, error.code)
    row.delete()
    return "done"


def decode_html(content: bytes, declared: str | None) -> str:
    """The page as text: the charset of the Content-Type header, else of a ``<meta>`` in the
    first kilobytes, else UTF-8 (bytes that do not decode become U+FFFD)."""
    import codecs

    for candidate in (declared, _meta_charset(content), "utf-8"):
        if not candidate:
            continue
        try:
            codecs.lookup(candidate)
        except LookupError:
            continue
        return content.decode(candidate, errors="replace")
    return content.decode("utf-8", errors="replace")


def _meta_charset(content: bytes) -> str | None:
    match = _META_CHARSET.search(content[:4096])
    return match.group(1).decode("ascii") if match else None


def _defer(row: FullTextFetch, token: str, until: datetime) -> str:
    FullTextFetch.objects.filter(pk=row.pk, lease_token=token).update(
        next_attempt_at=until, enqueued_at=None, lease_until=None, lease_token=""
    )
    return "deferred"


def _failed(row: FullTextFetch, token: str, code: str) -> str:
    attempts = row.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        return _give_up(row, code)
    wait = MIN_INTERVAL_SECONDS * 2 ** (attempts - 1)
    FullTextFetch.objects.filter(pk=row.pk, lease_token=token).update(
        attempts=attempts,
        last_error_code=code[:64],
        next_attempt_at=timezone.now() + timedelta(seconds=jittered(wait)),
        enqueued_at=None,
        lease_until=None,
        lease_token="",
    )
    return "retry"


def _give_up(row: FullTextFetch, code: str) -> str:
    logger.info("Full text of item %s given up: %s (%s).", row.item_id, code, row.url)
    row.delete()
    return "given_up"


def _by_host(rows: list[tuple[int, str]]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for pk, host in rows:
        groups.setdefault(host, []).append(pk)
    return groups


def _enqueue(groups: dict[str, list[int]]) -> None:
    from ocim.watch.tasks import fetch_full_texts

    for batch in runner.pack(groups.values(), runner.batch_size()):
        try:
            fetch_full_texts.enqueue(fetch_ids=batch)
        except Exception:
            # The rows stay due: the sweep queues them again once REQUEUE_AFTER has passed.
            logger.exception("Could not queue the full texts %s.", batch)
            FullTextFetch.objects.filter(pk__in=batch).update(enqueued_at=None)

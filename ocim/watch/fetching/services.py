"""The fetcher's services: scheduling, batches of reads, and the staff's reset and retry.

- :func:`sources_enqueue_due` (the periodic job): due sources into fetch tasks on the
  ``fetch`` queue, grouped by host;
- :func:`sources_fetch` (the fetch task): read a batch of sources on a few threads;
- :func:`source_reset` and :func:`source_retry_now` (staff actions, audited);
- :func:`fetch_log_prune` (the periodic job): the fetch log's retention.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocim.core.audit import audit_log
from ocim.core.errors import ApplicationError
from ocim.watch.models import FetchLog, Host, Source, SourceState

from . import hosts, runner
from .errors import SourceStateError
from .sources import source_fetch

logger = logging.getLogger(__name__)

# A source queued this long ago and still not read is queued again (its task was lost: Redis
# emptied, worker killed). The fetch task re-checks that a source is due, so a duplicate costs
# one UPDATE.
REQUEUE_AFTER = timedelta(minutes=30)
ENQUEUE_LIMIT = 5000
# A worker reading several sources of one host waits this long for the host's crawl delay.
HOST_WAIT_SECONDS = 10.0
DEFAULT_FETCH_LOG_DAYS = 7
_PRUNE_CHUNK = 5000


def sources_enqueue_due(*, now: datetime | None = None, limit: int = ENQUEUE_LIMIT) -> int:
    """Put the active sources that are due (never read, or ``next_fetch_at`` passed) and not
    already queued or being read into fetch tasks, most overdue first; returns how many.

    The sources are marked ``enqueued_at`` in the same transaction (``SELECT … FOR UPDATE SKIP
    LOCKED`` on PostgreSQL: two schedulers never queue the same source), grouped by host, packed
    into batches of ``4 × OCIM_WATCH_FETCH_THREADS`` and queued after the commit. A batch that
    cannot be queued is unmarked, so the next tick tries again.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = (
            Source.objects.filter(state=SourceState.ACTIVE)
            .filter(Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now))
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - REQUEUE_AFTER))
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
            .order_by(F("next_fetch_at").asc(nulls_first=True), "pk")
            .select_for_update(skip_locked=True)
        )
        rows = list(due.values_list("pk", "url")[:limit])
        if not rows:
            return 0
        Source.objects.filter(pk__in=[pk for pk, _url in rows]).update(enqueued_at=now)
        batches = runner.pack(_by_host(rows).values(), runner.batch_size())
        transaction.on_commit(lambda: _enqueue_batches(batches))
    return len(rows)


def sources_fetch(source_ids: list[int], *, threads: int | None = None) -> dict[str, int]:
    """Read the given sources (those still due when their turn comes), a host's sources one
    after the other on one thread, hosts side by side on up to ``threads`` threads
    (``OCIM_WATCH_FETCH_THREADS``); threads done early while another waits on a slow server
    read other due sources meanwhile. Returns how many ended each way (``content``,
    ``not_modified``, ``error``, ``deferred``, ``skipped``, ``released``). Safe to run twice."""
    rows = list(Source.objects.filter(pk__in=source_ids).values_list("pk", "url"))
    released: list[int] = []

    def release(ids: list[int]) -> None:
        released.extend(ids)
        Source.objects.filter(pk__in=ids).update(enqueued_at=None)

    results = runner.run_groups(
        _by_host(rows).values(),
        lambda pk, taken: source_fetch(
            source_id=pk,
            host_wait=HOST_WAIT_SECONDS,
            # A source taken by an idle thread may collide with another task's request to its
            # host: that thread has nothing better to do than wait a little for it.
            in_flight_wait=HOST_WAIT_SECONDS if taken else 0.0,
        ),
        release=release,
        refill=_claim_due,
        threads=threads,
    )
    summary: dict[str, int] = {}
    for result in results:
        summary[result.outcome] = summary.get(result.outcome, 0) + 1
    if released:
        summary["released"] = len(released)
    return summary


def source_reset(*, source: Source, actor) -> Source:
    """Start the source's health record afresh and read it soon: errors and counters cleared,
    stored validators forgotten (the next read downloads the whole document), a source paused
    automatically resumed. A source paused by staff stays paused. Audited
    (``watch.source.reset``)."""
    now = timezone.now()
    with transaction.atomic():
        locked = Source.objects.select_for_update().get(pk=source.pk)
        before = {
            "state": locked.state,
            "consecutive_errors": locked.consecutive_errors,
            "last_error_code": locked.last_error_code,
        }
        fields = {
            "consecutive_errors": 0,
            "last_error_code": "",
            "last_error": "",
            "last_status": None,
            "fetch_count": 0,
            "not_modified_count": 0,
            "etag": "",
            "last_modified": "",
            "next_fetch_at": now,
        }
        if locked.state == SourceState.SUSPENDED:
            fields.update(state=SourceState.ACTIVE, state_reason="", state_changed_at=now)
        Source.objects.filter(pk=locked.pk).update(**fields)
        audit_log(action="watch.source.reset", actor=actor, obj=locked, data={"before": before})
        if locked.state != SourceState.PAUSED:
            transaction.on_commit(lambda: _enqueue_one(locked.pk))
    source.refresh_from_db()
    return source


def source_retry_now(*, source: Source, actor) -> Source:
    """Read the source as soon as a worker is free, whatever its back-off; a source paused
    automatically is resumed for this try (its error count is kept: if the try fails again it
    is paused again at once). The host's rules still apply (robots.txt, one request at a time,
    Retry-After). Raises SourceStateError for a source paused by staff (resume it first).
    Audited (``watch.source.retried``)."""
    now = timezone.now()
    with transaction.atomic():
        locked = Source.objects.select_for_update().get(pk=source.pk)
        if locked.state == SourceState.PAUSED:
            raise SourceStateError(
                _("This source is paused by staff; resume it before asking for a new read.")
            )
        fields = {"next_fetch_at": now}
        if locked.state == SourceState.SUSPENDED:
            fields.update(state=SourceState.ACTIVE, state_changed_at=now)
        Source.objects.filter(pk=locked.pk).update(**fields)
        audit_log(
            action="watch.source.retried",
            actor=actor,
            obj=locked,
            data={"state": locked.state, "consecutive_errors": locked.consecutive_errors},
        )
        transaction.on_commit(lambda: _enqueue_one(locked.pk))
    source.refresh_from_db()
    return source


def fetch_log_prune(*, older_than_days: int | None = None) -> int:
    """Delete fetch-log entries older than ``older_than_days`` (default
    ``OCIM_WATCH_FETCH_LOG_DAYS``), in chunks; returns how many."""
    days = older_than_days
    if days is None:
        days = getattr(settings, "OCIM_WATCH_FETCH_LOG_DAYS", DEFAULT_FETCH_LOG_DAYS)
    if days < 0:
        raise ApplicationError(_("The retention period cannot be negative."))
    cutoff = timezone.now() - timedelta(days=days)
    deleted = 0
    while True:
        ids = list(
            FetchLog.objects.filter(started_at__lt=cutoff).values_list("pk", flat=True)[
                :_PRUNE_CHUNK
            ]
        )
        if not ids:
            return deleted
        deleted += FetchLog.objects.filter(pk__in=ids).delete()[0]


def _claim_due(limit: int) -> list[list[int]]:
    """Due sources for a fetch thread with nothing left to do while its task waits for a slow
    server: the most overdue ones, grouped by host, whether or not a queued task holds them
    (that task will find them read and skip them)."""
    now = timezone.now()
    # Hosts with a request in flight (or resting after one): their sources would only be
    # deferred, so they are left to their own tasks.
    busy = set(Host.objects.filter(lease_until__gt=now).values_list("name", flat=True))
    with transaction.atomic():
        due = (
            Source.objects.filter(state=SourceState.ACTIVE)
            .filter(Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now))
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
            .order_by(F("next_fetch_at").asc(nulls_first=True), "pk")
            .select_for_update(skip_locked=True)
        )
        candidates = due.values_list("pk", "url")[: limit * 4 + len(busy)]
        rows = [(pk, url) for pk, url in candidates if hosts.host_key_for(url) not in busy]
        rows = rows[:limit]
        if rows:
            Source.objects.filter(pk__in=[pk for pk, _url in rows]).update(enqueued_at=now)
    return list(_by_host(rows).values())


def _by_host(rows: list[tuple[int, str]]) -> dict[str, list[int]]:
    """Source ids grouped by host key (addresses that cannot be parsed alone: they end as an
    error without a request)."""
    groups: dict[str, list[int]] = {}
    for pk, url in rows:
        key = hosts.host_key_for(url) or f"invalid:{pk}"
        groups.setdefault(key, []).append(pk)
    return groups


def _enqueue_batches(batches: list[list[int]]) -> None:
    from ocim.watch.tasks import fetch_sources

    for batch in batches:
        try:
            fetch_sources.enqueue(source_ids=batch)
        except Exception:
            logger.exception("Could not queue the fetch of sources %s.", batch)
            Source.objects.filter(pk__in=batch).update(enqueued_at=None)


def _enqueue_one(source_id: int) -> None:
    now = timezone.now()
    Source.objects.filter(pk=source_id).update(enqueued_at=now)
    _enqueue_batches([[source_id]])

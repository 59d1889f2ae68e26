"""Reading one source: lease, politeness, conditional GET, processing, health record.

:func:`source_fetch` is what a fetch task runs for each of its sources. The steps:

1. claim the source's lease (conditional UPDATE: active, due, not leased) — whatever the number
   of workers and machines, one of them reads a given source at a time;
2. check the host: held by ``Retry-After`` → deferred to then; another worker's request in
   flight → deferred by a few seconds (never waited for: the worker goes on with other
   sources, and takes this one back once the host is free);
3. holding the host's lease: robots.txt (cached), then the request with the stored ETag and
   Last-Modified, through the SSRF-safe fetch helper (limits: 10 MiB, 30 s, 5 redirects);
4. release the host (kept for the crawl delay robots.txt asks, capped);
5. 304 → nothing parsed, nothing written but the health record; 2xx → the processing pipeline,
   in the same transaction as the new validators (a body that fails to parse does not store
   them, so it is downloaded again next time); anything else → the source's recorded error,
   exponential back-off, automatic suspension after repeated failures.

Every outcome ends in a clean state: the lease released, the health record written, no
exception for the worker.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from ocim.core.audit import audit_log
from ocim.core.errors import ApplicationError
from ocim.core.fetch import DEFAULT_DEADLINE, FetchError, parse_url, safe_fetch
from ocim.watch.models import FetchLog, FetchOutcome, Source, SourceKind, SourceState

from . import errors, hosts, pipeline
from .errors import SourceFetchError
from .schedule import (
    backoff_seconds,
    interval_for_rate,
    jittered,
    publication_rate_update,
)

logger = logging.getLogger(__name__)

# Long enough for robots.txt, the request and the processing of a 10 MiB body; only a crashed
# worker lets it run out (then another worker may read the source).
SOURCE_LEASE = timedelta(minutes=10)
# When another worker's request to the host is in flight, the source is due again after this:
# a fetch task still running takes it as soon as the host is free (tasks never take sources of
# a busy host), else the next sweep does.
HOST_BUSY_DELAY = 5.0
DEFAULT_SUSPEND_AFTER = 10

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.8"


@dataclass(frozen=True)
class SourceFetchResult:
    """What :func:`source_fetch` did. ``outcome``: ``content`` (a body was read and processed),
    ``not_modified`` (304), ``error``, ``deferred`` (host busy or holding us off: nothing was
    asked) or ``skipped`` (not due, paused, or being read by another worker)."""

    source_id: int
    outcome: str
    status_code: int | None = None
    error_code: str = ""
    new_entries: int = 0
    suspended: bool = False
    requests: int = 0


def fetch_deadline() -> float:
    return float(getattr(settings, "OCIM_WATCH_FETCH_DEADLINE", DEFAULT_DEADLINE))


def suspend_after() -> int:
    return int(getattr(settings, "OCIM_WATCH_SUSPEND_AFTER_ERRORS", DEFAULT_SUSPEND_AFTER))


def host_lease_seconds() -> float:
    return fetch_deadline() + hosts.ROBOTS_DEADLINE + 15.0


def source_fetch(
    *, source_id: int, host_wait: float = 0.0, in_flight_wait: float = 0.0
) -> SourceFetchResult:
    """Read source ``source_id`` if it is active, due and not being read elsewhere.

    ``host_wait``: how long to wait for a host that is resting after a request (crawl delay) —
    a fetch task reading several sources of one host passes a few seconds.
    ``in_flight_wait``: how long to wait for another worker's request to the host (0: the
    source is deferred at once; a thread with nothing else to do waits a little).

    Side effects: requests to the source's host, the source's health record and fetch-log
    entry, items stored by the processing pipeline, full-text reads queued for a flagged
    source's new items, an audit entry when the source is suspended. Never raises for a
    source's failure: the failure is recorded.
    """
    now = timezone.now()
    token = uuid.uuid4().hex
    claimed = (
        Source.objects.filter(pk=source_id, state=SourceState.ACTIVE)
        .filter(Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now))
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .update(lease_until=now + SOURCE_LEASE, lease_token=token)
    )
    if not claimed:
        # Not due, paused, or another worker has it (and will clear the mark itself).
        Source.objects.filter(pk=source_id, enqueued_at__isnull=False).filter(
            Q(lease_until__isnull=True) | Q(lease_until__lte=now)
        ).update(enqueued_at=None)
        return SourceFetchResult(source_id=source_id, outcome="skipped")
    try:
        return _Fetch(source_id, token, host_wait=host_wait, in_flight_wait=in_flight_wait).run()
    except Exception:
        # A bug must not leave the source leased or the worker dead: record it and go on.
        logger.exception("Reading source %s failed unexpectedly.", source_id)
        source = Source.objects.get(pk=source_id)
        fetch = _Fetch(source_id, token, host_wait=0)
        fetch.source = source
        return fetch.finish_error(
            SourceFetchError(errors.PROCESSING_FAILED, detail="unexpected error, see the logs")
        )


class _Fetch:
    """One read of one claimed source (the steps of the module docstring)."""

    def __init__(self, source_id: int, token: str, *, host_wait: float, in_flight_wait=0.0):
        self.source_id = source_id
        self.token = token
        self.host_wait = host_wait
        self.in_flight_wait = in_flight_wait
        self.source: Source | None = None
        self.started_at = timezone.now()
        self.started = time.monotonic()
        self.requests = 0
        self.bytes_received = 0

    # --- steps

    def run(self) -> SourceFetchResult:
        self.source = source = Source.objects.get(pk=self.source_id)
        try:
            url = parse_url(source.url)
        except FetchError as error:
            return self.finish_error(SourceFetchError(error.code, detail=error.detail))
        host = hosts.host_get(hosts.host_key(url))
        if host.blocked_until and host.blocked_until > timezone.now():
            return self.defer(host.blocked_until)
        host_token = hosts.lease_claim_waiting(
            host,
            seconds=host_lease_seconds(),
            max_wait=self.host_wait,
            in_flight_wait=self.in_flight_wait,
        )
        if host_token is None:
            wait = max(1.0, hosts.busy_wait(host, in_flight_wait=HOST_BUSY_DELAY))
            return self.defer(timezone.now() + timedelta(seconds=jittered(wait)))
        crawl_delay = 0.0
        try:
            outcome = self._request(source, url, host)
            if isinstance(outcome, tuple):
                outcome, crawl_delay = outcome
        finally:
            hosts.lease_release(host, host_token, rest_seconds=crawl_delay)
        if isinstance(outcome, SourceFetchError):
            return self.finish_error(outcome)
        if isinstance(outcome, datetime):
            return self.defer(outcome)
        return self.handle(outcome, host)

    def _request(self, source, url, host):
        """robots.txt, then the request, under the host's lease. Returns the fetch result and
        the crawl delay, or the error to record, or the time to defer to."""
        try:
            answer = hosts.robots_rules(host, scheme=url.scheme)
        except FetchError as error:
            self.requests += 1
            return SourceFetchError(error.code, detail=f"robots.txt: {error.detail}")
        self.requests += int(answer.fetched)
        rules = answer.rules
        if host.blocked_until and host.blocked_until > timezone.now():
            return host.blocked_until  # robots.txt answered 429 with Retry-After
        if rules.unavailable:
            if answer.error is not None:
                return SourceFetchError(
                    answer.error.code, detail=f"robots.txt: {answer.error.detail}"
                )
            return SourceFetchError(
                errors.ROBOTS_UNAVAILABLE,
                detail=f"robots.txt answered {host.robots_status or 'nothing'}",
            )
        path = url.raw_path.decode("ascii", errors="replace")
        if not rules.allowed(path):
            return SourceFetchError(errors.ROBOTS_DISALLOWED, detail=f"disallowed: {path}")
        self.requests += 1
        try:
            result = safe_fetch(
                url,
                etag=source.etag or None,
                last_modified=source.last_modified or None,
                accept=PAGE_ACCEPT if source.kind == SourceKind.PAGE else FEED_ACCEPT,
                deadline=fetch_deadline(),
            )
        except FetchError as error:
            return SourceFetchError(error.code, detail=error.detail)
        self.bytes_received = len(result.content)
        return result, rules.crawl_delay or 0.0

    def handle(self, result, host) -> SourceFetchResult:
        status = result.status_code
        if status in (429, 503):
            until = hosts.block_from_response(host, result, now=timezone.now())
            code = errors.RATE_LIMITED if status == 429 else errors.SERVER_ERROR
            detail = f"HTTP {status}" + (
                f", Retry-After until {until:%Y-%m-%d %H:%M:%S}Z" if until else ""
            )
            return self.finish_error(
                SourceFetchError(code, detail=detail, status_code=status), not_before=until
            )
        if status == 304:
            if not (self.source.etag or self.source.last_modified):
                return self.finish_error(
                    SourceFetchError(
                        errors.UNEXPECTED_NOT_MODIFIED, detail="HTTP 304", status_code=status
                    )
                )
            return self.finish_not_modified(result)
        if 200 <= status < 300:
            return self.finish_content(result)
        if status == 404:
            code = errors.NOT_FOUND
        elif status == 410:
            code = errors.GONE
        elif status >= 500:
            code = errors.SERVER_ERROR
        else:
            code = errors.HTTP_ERROR
        return self.finish_error(
            SourceFetchError(code, detail=f"HTTP {status}", status_code=status)
        )

    # --- endings

    def finish_not_modified(self, result) -> SourceFetchResult:
        fields = self._success_fields(status=304, new_entries=0)
        fields["not_modified_count"] = F("not_modified_count") + 1
        # A 304 may carry fresher validators; each one is kept on its own.
        etag = _validator(result.etag, 1024)
        if etag:
            fields["etag"] = etag
        last_modified = _validator(result.last_modified, 128)
        if last_modified:
            fields["last_modified"] = last_modified
        with transaction.atomic():
            self._write(fields)
            self._log(FetchOutcome.NOT_MODIFIED, status_code=304)
        return self._result("not_modified", status_code=304)

    def finish_content(self, result) -> SourceFetchResult:
        source = self.source
        try:
            with transaction.atomic():
                report = pipeline.document_ingest(
                    source=source,
                    body=result.content,
                    content_type=result.content_type,
                    encoding=result.encoding,
                    final_url=result.final_url,
                    fetched_at=self.started_at,
                )
                new_entries = pipeline.new_entry_count(report)
                fields = self._success_fields(status=result.status_code, new_entries=new_entries)
                # The validators describe this body: absent ones are forgotten.
                fields["etag"] = _validator(result.etag, 1024)
                fields["last_modified"] = _validator(result.last_modified, 128)
                self._write(fields)
                self._log(
                    FetchOutcome.CONTENT,
                    status_code=result.status_code,
                    new_entries=new_entries,
                    excluded_entries=pipeline.excluded_entry_count(report),
                )
                created = pipeline.new_item_ids(report)
                if source.fetch_full_text and created:
                    from .full_text import full_texts_plan

                    full_texts_plan(item_ids=created)
        except ApplicationError as error:
            with translation.override("en"):
                detail = str(error.extra.get("detail") or error.message)
            return self.finish_error(
                SourceFetchError(error.code, detail=detail, status_code=result.status_code)
            )
        except Exception as error:
            logger.exception("Processing source %s failed.", source.pk)
            return self.finish_error(
                SourceFetchError(
                    errors.PROCESSING_FAILED,
                    detail=f"{type(error).__name__} while processing",
                    status_code=result.status_code,
                )
            )
        return self._result("content", status_code=result.status_code, new_entries=new_entries)

    def finish_error(
        self, error: SourceFetchError, *, not_before: datetime | None = None
    ) -> SourceFetchResult:
        source = self.source
        now = timezone.now()
        count = source.consecutive_errors + 1
        next_fetch_at = now + timedelta(seconds=jittered(backoff_seconds(count)))
        if not_before and not_before > next_fetch_at:
            next_fetch_at = not_before
        fields = {
            "last_fetch_at": self.started_at,
            "last_status": error.status_code,
            "last_error_code": error.code[:64],
            "last_error": error.detail[:2000],
            "consecutive_errors": count,
            "fetch_count": F("fetch_count") + 1,
            "next_fetch_at": next_fetch_at,
        }
        immediate = error.code in errors.IMMEDIATE_SUSPENSION
        suspend = immediate or count >= suspend_after()
        suspended = False
        with transaction.atomic():
            self._write(fields)
            self._log(FetchOutcome.ERROR, status_code=error.status_code, error=error)
            if suspend:
                suspended = self._suspend(error, count=count, immediate=immediate, now=now)
        return self._result(
            "error", status_code=error.status_code, error_code=error.code, suspended=suspended
        )

    def defer(self, until: datetime) -> SourceFetchResult:
        """Nothing was asked (host busy or holding us off): try again at ``until``, no error."""
        self._write({"next_fetch_at": until})
        return self._result("deferred")

    # --- writing

    def _success_fields(self, *, status: int, new_entries: int) -> dict:
        source = self.source
        elapsed = None
        if source.last_success_at is not None:
            elapsed = (self.started_at - source.last_success_at).total_seconds()
        rate = publication_rate_update(
            source.publication_rate, new_entries=new_entries, elapsed_seconds=elapsed
        )
        interval = interval_for_rate(rate, source.interval_seconds)
        fields = {
            "last_fetch_at": self.started_at,
            "last_success_at": self.started_at,
            "last_status": status,
            "last_error_code": "",
            "last_error": "",
            "consecutive_errors": 0,
            "fetch_count": F("fetch_count") + 1,
            "publication_rate": rate,
            "interval_seconds": interval,
            "next_fetch_at": timezone.now() + timedelta(seconds=jittered(interval)),
        }
        if new_entries:
            fields["last_new_item_at"] = self.started_at
        return fields

    def _write(self, fields: dict) -> None:
        written = Source.objects.filter(pk=self.source_id, lease_token=self.token).update(
            lease_until=None, lease_token="", enqueued_at=None, **fields
        )
        if not written:
            # Only when the lease ran out (a stalled worker) and another worker took it.
            logger.warning("Source %s: lease lost before the result was recorded.", self.source_id)

    def _log(
        self, outcome, *, status_code=None, error=None, new_entries=0, excluded_entries=0
    ) -> None:
        FetchLog.objects.create(
            source_id=self.source_id,
            started_at=self.started_at,
            duration_ms=int((time.monotonic() - self.started) * 1000),
            outcome=outcome,
            status_code=status_code,
            error_code=error.code[:64] if error else "",
            detail=error.detail[:500] if error else "",
            bytes_received=self.bytes_received,
            new_entries=new_entries,
            excluded_entries=excluded_entries,
        )

    def _suspend(self, error: SourceFetchError, *, count: int, immediate: bool, now) -> bool:
        # The reason is written in the site's language; the code stays in last_error_code for
        # a display in the reader's language.
        with translation.override(settings.LANGUAGE_CODE):
            message = str(error.message)
            if immediate:
                reason = gettext("Paused automatically: %(message)s") % {"message": message}
            else:
                reason = gettext(
                    "Paused automatically after %(count)d errors in a row. Last error: %(message)s"
                ) % {"count": count, "message": message}
        suspended = Source.objects.filter(pk=self.source_id, state=SourceState.ACTIVE).update(
            state=SourceState.SUSPENDED,
            state_reason=reason,
            state_changed_at=now,
            next_fetch_at=None,
        )
        if suspended:
            audit_log(
                action="watch.source.suspended",
                obj=self.source,
                data={
                    "error_code": error.code,
                    "consecutive_errors": count,
                    "detail": error.detail,
                },
            )
        return bool(suspended)

    def _result(self, outcome: str, **values) -> SourceFetchResult:
        return SourceFetchResult(
            source_id=self.source_id, outcome=outcome, requests=self.requests, **values
        )


def _validator(value: str | None, max_length: int) -> str:
    """A validator worth storing: printable ASCII that fits (anything else could not be sent
    back as a header, or would be sent truncated and never match)."""
    if not value:
        return ""
    value = value.strip()
    if len(value) > max_length or not value.isascii() or not value.isprintable():
        return ""
    return value

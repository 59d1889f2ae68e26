"""Politeness per host, shared by every worker on every machine through the ``Host`` rows:

- **one request at a time**: a worker sends a request only while it holds the host's lease,
  claimed by a conditional UPDATE (``lease_until`` in the past) and released after the
  request, or kept for the crawl delay robots.txt asks for (capped). A lease that a crashed
  worker never released expires by itself;
- **Retry-After**: a 429 or 503 holds every source of the host until ``blocked_until``;
- **robots.txt**: read when it expires (a day after a definite answer, an hour after a
  failure), kept in the row, parsed once per process and version.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import NamedTuple

import httpx
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from ocim.core.fetch import (
    DEFAULT_USER_AGENT,
    FetchError,
    ForbiddenAddress,
    InsecureRedirect,
    InvalidURL,
    TooManyRedirects,
    UnsupportedScheme,
    parse_url,
    safe_fetch,
)
from ocim.core.fetch.client import DEFAULT_PORTS
from ocim.watch.models import Host

from .robots import MAX_BYTES as ROBOTS_MAX_BYTES
from .robots import RobotsRules
from .schedule import retry_after_seconds

logger = logging.getLogger(__name__)

ROBOTS_TTL = timedelta(hours=24)
ROBOTS_RETRY = timedelta(hours=1)
# A copy read successfully is still trusted this long while the file cannot be read again.
ROBOTS_STALE_LIMIT = timedelta(days=30)
ROBOTS_DEADLINE = 10.0
# The longest crawl delay honoured; sites asking for more still get one request at a time.
MAX_CRAWL_DELAY = 30.0
# How often a worker that waits for another worker's request looks again.
IN_FLIGHT_POLL = 0.25
# Refusals that concern the address itself, not robots.txt: they are the source's own error.
_ADDRESS_REFUSALS = (InvalidURL, UnsupportedScheme, ForbiddenAddress)


def user_agent() -> str:
    return getattr(settings, "OCIM_FETCH_USER_AGENT", DEFAULT_USER_AGENT)


def host_key(url: httpx.URL) -> str:
    """``host:port`` of a parsed URL (IPv6 in brackets, default port made explicit): two
    addresses share a key exactly when their requests reach the same server."""
    host = url.host.lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{url.port or DEFAULT_PORTS[url.scheme]}"


def host_key_for(url: str) -> str | None:
    """The host key of a URL string, or None when it is not a fetchable address."""
    try:
        return host_key(parse_url(url))
    except FetchError:
        return None


def host_get(name: str) -> Host:
    """The row of host ``name``, created on first sight (safe when two workers race). The
    robots.txt text is not loaded: see :func:`robots_rules`."""
    host = Host.objects.defer("robots_txt").filter(name=name).first()
    if host is None:
        try:
            with transaction.atomic():
                Host.objects.create(name=name)
        except IntegrityError:
            pass
        host = Host.objects.defer("robots_txt").get(name=name)
    return host


def lease_claim(host: Host, *, seconds: float, now: datetime | None = None) -> str | None:
    """Claim the right to send one request to ``host`` for at most ``seconds``; returns the
    lease token, or None when another worker holds the host (or its crawl delay runs)."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    claimed = (
        Host.objects.filter(pk=host.pk)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .update(lease_until=now + timedelta(seconds=seconds), lease_token=token)
    )
    return token if claimed else None


def lease_claim_waiting(
    host: Host, *, seconds: float, max_wait: float, in_flight_wait: float = 0.0
) -> str | None:
    """Like :func:`lease_claim`, but waits up to ``max_wait`` seconds when the host is only
    resting (crawl delay after a request, no request in flight), and up to ``in_flight_wait``
    seconds for another worker's request in flight (0 by default: the caller defers its work
    rather than hold a thread that has other work)."""
    started = time.monotonic()
    while True:
        token = lease_claim(host, seconds=seconds)
        if token is not None:
            return token
        row = Host.objects.filter(pk=host.pk).values("lease_until", "lease_token").first()
        if row is None or row["lease_until"] is None:
            continue  # released meanwhile: claim again
        left = (max_wait if not row["lease_token"] else in_flight_wait) - (
            time.monotonic() - started
        )
        wait = (row["lease_until"] - timezone.now()).total_seconds()
        if row["lease_token"]:
            wait = min(wait, IN_FLIGHT_POLL)  # the request may end long before its lease
        if left <= 0 or wait > left:
            return None
        time.sleep(max(0.0, wait) + 0.01)


def lease_release(host: Host, token: str, *, rest_seconds: float = 0.0) -> None:
    """Give the host back after a request; it stays closed ``rest_seconds`` more (crawl
    delay). Only the holder of ``token`` can release it."""
    rest = min(MAX_CRAWL_DELAY, max(0.0, rest_seconds))
    Host.objects.filter(pk=host.pk, lease_token=token).update(
        lease_until=timezone.now() + timedelta(seconds=rest) if rest > 0 else None,
        lease_token="",
    )


def busy_wait(host: Host, *, in_flight_wait: float) -> float:
    """How long to put work for ``host`` aside: the rest of a crawl delay, or
    ``in_flight_wait`` while another worker's request is in flight (its lease only bounds it
    from above: it ends when the request does)."""
    row = Host.objects.filter(pk=host.pk).values("lease_until", "lease_token").first()
    if not row or row["lease_until"] is None:
        return 0.0
    remaining = max(0.0, (row["lease_until"] - timezone.now()).total_seconds())
    return min(remaining, in_flight_wait) if row["lease_token"] else remaining


def block(host: Host, until: datetime) -> None:
    """Hold every request to ``host`` until ``until`` (never shortens an existing block)."""
    Host.objects.filter(pk=host.pk).filter(
        Q(blocked_until__isnull=True) | Q(blocked_until__lt=until)
    ).update(blocked_until=until)
    if host.blocked_until is None or host.blocked_until < until:
        host.blocked_until = until


def block_from_response(host: Host, result, *, now: datetime) -> datetime | None:
    """Apply a 429/503's ``Retry-After`` to the host; returns until when it is blocked."""
    if result.status_code not in (429, 503):
        return None
    seconds = retry_after_seconds(result.headers.get("retry-after"), now=now)
    if seconds is None or seconds <= 0:
        return None
    until = now + timedelta(seconds=seconds)
    block(host, until)
    return until


# --- robots.txt -------------------------------------------------------------------------------

_parsed_lock = threading.Lock()
_parsed: OrderedDict[tuple, RobotsRules] = OrderedDict()
_PARSED_MAX = 2048


def _parsed_rules(host: Host) -> RobotsRules:
    status = host.robots_status
    if status is None or status == 429 or status >= 500:
        return RobotsRules.disallow_all()
    if not 200 <= status < 300:
        return RobotsRules.allow_all()  # 4xx (and unfollowable redirects): no rules
    key = (host.name, host.robots_fetched_at, user_agent())
    with _parsed_lock:
        rules = _parsed.get(key)
        if rules is not None:
            _parsed.move_to_end(key)
            return rules
    text = Host.objects.filter(pk=host.pk).values_list("robots_txt", flat=True).first() or ""
    rules = RobotsRules.parse(text, user_agent())
    with _parsed_lock:
        _parsed[key] = rules
        while len(_parsed) > _PARSED_MAX:
            _parsed.popitem(last=False)
    return rules


class RobotsAnswer(NamedTuple):
    rules: RobotsRules
    # The error met when reading the file now (None when it was read, or was not due).
    error: FetchError | None
    # Whether a request was made for it.
    fetched: bool


def robots_rules(host: Host, *, scheme: str, now: datetime | None = None) -> RobotsAnswer:
    """The robots.txt rules of ``host`` for our user agent, read again when they expired.

    Must be called while holding the host's lease (reading robots.txt is a request). RFC 9309:
    a 2xx file is obeyed; a 4xx means no rules; a 5xx, a 429 or an unreachable server means
    "disallow everything" for now — unless a copy read in the last 30 days exists, which is
    used meanwhile. Raises the fetch helper's error when the address itself is refused
    (forbidden network, invalid URL): that is the source's error, not robots.txt's.
    """
    now = now or timezone.now()
    error = None
    due = host.robots_expires_at is None or host.robots_expires_at <= now
    if due:
        error = _robots_refresh(host, scheme=scheme, now=now)
    return RobotsAnswer(_parsed_rules(host), error, due)


def _robots_refresh(host: Host, *, scheme: str, now: datetime) -> FetchError | None:
    url = f"{scheme}://{host.name}/robots.txt"
    status = None
    text = None
    failure = None
    blocked_until = None
    try:
        result = safe_fetch(
            url,
            accept="text/plain, */*;q=0.5",
            max_bytes=ROBOTS_MAX_BYTES,
            deadline=ROBOTS_DEADLINE,
        )
        status = result.status_code
        if 200 <= status < 300:
            text = result.content.decode("utf-8", errors="replace").replace("\x00", "")
        if status == 429:
            blocked_until = block_from_response(host, result, now=now)
        if 300 <= status < 400:
            status = 404  # a redirect without a usable Location: "unavailable", no rules
    except _ADDRESS_REFUSALS as error:
        if error.url in (url, str(parse_url(url))):
            raise
        status = 404  # robots.txt redirects to a refused address: unavailable, no rules
    except (TooManyRedirects, InsecureRedirect):
        status = 404  # RFC 9309 §2.3.1.2: too many redirects → unavailable (no rules)
    except FetchError as error:
        logger.info("robots.txt of %s could not be read: %s", host.name, error)
        failure = error
    definite = status is not None and status < 500 and status != 429
    expires = now + (ROBOTS_TTL if definite else ROBOTS_RETRY)
    if blocked_until is not None:
        expires = blocked_until  # asked to wait: read it again as soon as we may
    fields = {"robots_expires_at": expires}
    keep_copy = (
        not definite
        and host.robots_status is not None
        and 200 <= host.robots_status < 300
        and host.robots_fetched_at is not None
        and host.robots_fetched_at > now - ROBOTS_STALE_LIMIT
    )
    if not keep_copy:
        fields.update(robots_txt=text or "", robots_status=status, robots_fetched_at=now)
    Host.objects.filter(pk=host.pk).update(**fields)
    for name, value in fields.items():
        setattr(host, name, value)
    return failure

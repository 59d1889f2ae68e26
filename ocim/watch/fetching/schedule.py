"""When a source is read again: after a success, an interval that follows the source's
publication rate; after an error, an exponential back-off; after a 429/503, what the server
asked for in ``Retry-After`` (capped). Pure functions: the fetcher stores what they return.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from ocim.watch.models import MAX_INTERVAL_SECONDS, MIN_INTERVAL_SECONDS

DAY = 86_400.0
# Publication rates are smoothed over a few days: a source's pace, not one busy morning.
RATE_SMOOTHING_DAYS = 2.0
# The interval grows at most this much from one fetch to the next (it may shrink at once): a
# source that was quiet for an hour is not dropped to once a day straight away.
MAX_GROWTH = 2.0
# Spread of the next fetch around its due time, so sources added together drift apart.
JITTER = 0.1
# The longest wait a Retry-After header can impose on us.
RETRY_AFTER_MAX_SECONDS = MAX_INTERVAL_SECONDS


def clamp_interval(seconds: float) -> int:
    return int(min(MAX_INTERVAL_SECONDS, max(MIN_INTERVAL_SECONDS, seconds)))


def publication_rate_update(
    previous_rate: float | None,
    *,
    new_entries: int,
    elapsed_seconds: float | None,
) -> float | None:
    """The smoothed number of new entries per day after a successful fetch.

    ``elapsed_seconds`` is the time since the previous successful fetch (None for the first
    one: it brings the feed's whole backlog, which says nothing about its pace, so the rate
    stays unknown). The second success sets the rate to what it saw; later ones move it toward
    what they saw with a weight that grows with the time they cover (an exponential moving
    average in continuous time), so a source read every 15 minutes and one read once a day
    converge at the same speed.
    """
    if elapsed_seconds is None or elapsed_seconds <= 0:
        return previous_rate
    elapsed_days = elapsed_seconds / DAY
    observed = max(0, new_entries) / elapsed_days
    if previous_rate is None:
        return observed
    weight = 1.0 - math.exp(-elapsed_days / RATE_SMOOTHING_DAYS)
    return previous_rate + weight * (observed - previous_rate)


def interval_for_rate(rate: float | None, previous_interval: int) -> int:
    """Seconds until the next fetch: about one new entry per fetch, between 15 minutes and 24
    hours; unknown rate keeps the current interval; growth limited to ``MAX_GROWTH``."""
    if rate is None:
        return clamp_interval(previous_interval)
    target = MAX_INTERVAL_SECONDS if rate <= 0 else DAY / rate
    return clamp_interval(min(target, previous_interval * MAX_GROWTH))


def backoff_seconds(consecutive_errors: int) -> int:
    """Wait after the n-th error in a row: 15 min, 30 min, 1 h, 2 h… up to 24 h."""
    exponent = max(0, consecutive_errors - 1)
    if exponent >= 20:  # 2**20 quarters of an hour is far past the cap
        return MAX_INTERVAL_SECONDS
    return clamp_interval(MIN_INTERVAL_SECONDS * 2**exponent)


def jittered(seconds: float, *, spread: float = JITTER) -> float:
    return seconds * (1 + random.uniform(-spread, spread))  # noqa: S311 - not cryptographic


def retry_after_seconds(value: str | None, *, now: datetime) -> int | None:
    """The wait a ``Retry-After`` header asks for, in whole seconds, capped at 24 hours; None
    when absent or unreadable. Accepts delay-seconds and HTTP dates; a date in the past is 0."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = int(value[:12])
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when is None:
            return None
        if when.tzinfo is None:  # RFC 9110 dates are GMT
            when = when.replace(tzinfo=now.tzinfo)
        seconds = math.ceil((when - now).total_seconds())
    return int(min(RETRY_AFTER_MAX_SECONDS, max(0, seconds)))


def after(now: datetime, seconds: float) -> datetime:
    return now + timedelta(seconds=seconds)

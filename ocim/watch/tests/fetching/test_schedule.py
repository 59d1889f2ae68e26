"""When a source is read again: the adaptive interval, the back-off and Retry-After."""

from datetime import UTC, datetime

import pytest

from ocim.watch.fetching.schedule import (
    backoff_seconds,
    interval_for_rate,
    publication_rate_update,
    retry_after_seconds,
)

HOUR = 3600
DAY = 86400
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def settle(rate, interval, *, per_day, fetches=200):
    """Read a source publishing ``per_day`` entries a day, evenly, at the adaptive interval."""
    backlog = 0.0
    for _ in range(fetches):
        backlog += per_day * interval / DAY
        new = int(backlog)
        backlog -= new
        rate = publication_rate_update(rate, new_entries=new, elapsed_seconds=interval)
        interval = interval_for_rate(rate, interval)
    return rate, interval


def test_the_first_read_leaves_the_rate_unknown_and_the_interval_unchanged():
    assert publication_rate_update(None, new_entries=50, elapsed_seconds=None) is None
    assert interval_for_rate(None, HOUR) == HOUR


def test_the_second_read_sets_the_rate_to_what_it_saw():
    assert publication_rate_update(None, new_entries=2, elapsed_seconds=HOUR) == pytest.approx(48)


@pytest.mark.parametrize(
    ("per_day", "low", "high"),
    [
        (200, 15 * 60, 15 * 60),  # a busy news site: the floor
        (24, 0.8 * HOUR, 1.3 * HOUR),  # hourly: about an hour
        (2, 10 * HOUR, 14 * HOUR),  # twice a day: about twelve hours
        (0.2, DAY, DAY),  # weekly or less: the ceiling
    ],
)
def test_the_interval_follows_the_publication_rate(per_day, low, high):
    _rate, interval = settle(None, HOUR, per_day=per_day)
    assert low <= interval <= high


def test_a_quiet_source_slows_down_gradually():
    rate = publication_rate_update(None, new_entries=0, elapsed_seconds=HOUR)
    intervals = []
    interval = HOUR
    for _ in range(6):
        interval = interval_for_rate(rate, interval)
        intervals.append(interval)
        rate = publication_rate_update(rate, new_entries=0, elapsed_seconds=interval)
    assert intervals == [2 * HOUR, 4 * HOUR, 8 * HOUR, 16 * HOUR, DAY, DAY]


def test_a_burst_brings_the_interval_down_at_once():
    rate, interval = settle(None, HOUR, per_day=0.1, fetches=20)
    assert interval == DAY
    rate = publication_rate_update(rate, new_entries=40, elapsed_seconds=interval)
    assert interval_for_rate(rate, interval) < 2 * HOUR


def test_backoff_doubles_from_a_quarter_hour_up_to_a_day():
    assert [backoff_seconds(n) for n in range(1, 10)] == [
        900,
        1800,
        3600,
        7200,
        14400,
        28800,
        57600,
        86400,
        86400,
    ]
    assert backoff_seconds(10_000) == DAY


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120),
        (" 3600 ", 3600),
        ("0", 0),
        ("99999999999999999999", DAY),
        ("Mon, 07 Dec 2026 12:10:00 GMT", 600),
        ("Monday, 07-Dec-26 12:10:00 GMT", 600),
        ("Mon, 07 Dec 2026 11:00:00 GMT", 0),
        ("Fri, 31 Dec 2100 23:59:59 GMT", DAY),
        ("-5", None),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_in_seconds_or_as_a_date(value, expected):
    assert retry_after_seconds(value, now=NOW) == expected

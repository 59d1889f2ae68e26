"""Login throttling per account (e-mail) and per client address, with a growing back-off.

Rule: after ``ACCOUNT_THRESHOLD`` failed logins for one e-mail address (or ``IP_THRESHOLD`` from
one address), every further attempt must wait ``BASE_DELAY`` seconds, doubled for each further
failure, capped at ``MAX_DELAY``, counted from the last failure. There is no permanent lockout:
the counters are forgotten ``FORGET_AFTER`` seconds after the last failure, and a successful
login resets the account counter (not the address counter, so one good account cannot launder
a scan from the same address). Attempts refused during a wait are not counted, so they neither
extend the wait nor lock a victim out for longer.

The counters live in Django's cache (Redis in production), shared by every web node. Unknown
e-mail addresses are counted exactly like known ones, so the messages reveal nothing about
which accounts exist.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import gettext, ngettext

ACCOUNT_THRESHOLD = 5
IP_THRESHOLD = 20
BASE_DELAY = 15  # seconds, the wait after the threshold is reached
MAX_DELAY = 15 * 60
FORGET_AFTER = 60 * 60  # a counter untouched for an hour starts again from zero

_PREFIX = "accounts:login-throttle"


@dataclass(frozen=True)
class Dimension:
    name: str
    threshold: int


ACCOUNT = Dimension("email", ACCOUNT_THRESHOLD)
IP = Dimension("ip", IP_THRESHOLD)


def _key(dimension: Dimension, value: str) -> str:
    # Hash so that neither e-mail addresses nor IPs appear in cache keys (and keys stay short).
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()
    return f"{_PREFIX}:{dimension.name}:{digest}"


def delay_for(failures: int, threshold: int) -> int:
    """Seconds to wait after ``failures`` consecutive failures (0 below the threshold)."""
    if failures < threshold:
        return 0
    return min(BASE_DELAY * 2 ** (failures - threshold), MAX_DELAY)


def _state(dimension: Dimension, value: str) -> tuple[int, float]:
    state = cache.get(_key(dimension, value))
    if not state:
        return 0, 0.0
    return int(state[0]), float(state[1])


def _remaining(dimension: Dimension, value: str, now: float) -> int:
    failures, last = _state(dimension, value)
    wait = delay_for(failures, dimension.threshold)
    return max(0, math.ceil(last + wait - now)) if wait else 0


def wait_seconds(*, email: str, ip: str | None) -> int:
    """How many seconds this attempt must still wait (0 when it may go ahead)."""
    now = time.time()
    waits = [_remaining(ACCOUNT, email, now)] if email else []
    if ip:
        waits.append(_remaining(IP, ip, now))
    return max(waits, default=0)


def _bump(dimension: Dimension, value: str, now: float) -> int:
    failures, _last = _state(dimension, value)
    failures += 1
    # A read-modify-write race between nodes can lose one increment at worst; the back-off
    # still grows, which is all this needs.
    cache.set(_key(dimension, value), (failures, now), timeout=FORGET_AFTER)
    return failures


def record_failure(*, email: str, ip: str | None) -> bool:
    """Count one failed login. Returns True when this failure starts (or lengthens) a wait."""
    now = time.time()
    throttled = False
    if email:
        throttled |= _bump(ACCOUNT, email, now) >= ACCOUNT.threshold
    if ip:
        throttled |= _bump(IP, ip, now) >= IP.threshold
    return throttled


def record_success(*, email: str) -> None:
    """A successful login forgets the failures of that account."""
    cache.delete(_key(ACCOUNT, email))


def describe_wait(seconds: int) -> str:
    """'3 minutes', '45 seconds': the wait, rounded up, in words."""
    if seconds >= 60:
        minutes = math.ceil(seconds / 60)
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}


def wait_message(seconds: int) -> str:
    return gettext(
        "Too many unsuccessful login attempts. For your security, please wait %(wait)s "
        "before trying again."
    ) % {"wait": describe_wait(seconds)}

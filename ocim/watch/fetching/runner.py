"""How one fetch task spreads its work over threads.

A task receives the ids of a batch of sources (or of full texts to read), grouped by host by
the scheduler. Each group goes to one thread, which reads the host's entries one after the
other (one request at a time per host comes naturally, and a crawl delay costs that thread
only); the groups run side by side on up to ``OCIM_WATCH_FETCH_THREADS`` threads. A server
that hangs holds one thread until its deadline while the others go on; once they have finished
the batch they take more due sources from the database instead of idling until the hanging one
ends (``refill``). So a hanging source delays neither the rest of its batch nor the worker, and
a task worker (one RQ job or database task at a time) still reads many sources at once.

Each thread uses its own database connection, closed when the thread ends. With one thread
(or one group) the work runs in the calling thread.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_THREADS = 8
# A task stops starting new reads after this long; what is left goes back to the scheduler.
DEFAULT_BUDGET_SECONDS = 300.0
# A thread out of work while another is still busy asks for this many more entries, and waits
# a little longer each time nothing is due.
REFILL_SIZE = 4
REFILL_PAUSE = 0.5
REFILL_PAUSE_MAX = 5.0


def fetch_threads() -> int:
    return max(1, int(getattr(settings, "OCIM_WATCH_FETCH_THREADS", DEFAULT_THREADS)))


def batch_size() -> int:
    """How many entries the scheduler puts in one task: a few per thread."""
    return fetch_threads() * 4


def run_groups(
    groups: Iterable[list[T]],
    work: Callable[[T, bool], R],
    *,
    release: Callable[[list[T]], None],
    refill: Callable[[int], list[list[T]]] | None = None,
    threads: int | None = None,
    budget_seconds: float = DEFAULT_BUDGET_SECONDS,
) -> list[R]:
    """Run ``work(entry, taken)`` on every entry, the entries of a group in order on one
    thread, the groups on up to ``threads`` threads (largest groups first); ``taken`` is true
    for entries that came from ``refill``. Entries not started when the budget
    runs out are handed to ``release`` instead. An exception of ``work`` is logged and the
    thread goes on with the next entry.

    ``refill(n)``: more work (at most ``n`` entries, grouped) for a thread that is done while
    another still reads one of the given groups — a server that hangs until the deadline then
    keeps one thread busy, not the whole task. Work taken that way is not waited for beyond
    the given groups: the task ends when they are all done.
    """
    ordered = sorted((list(group) for group in groups if group), key=len, reverse=True)
    threads = min(threads or fetch_threads(), len(ordered))
    stop_at = time.monotonic() + budget_seconds
    results: list[R] = []
    lock = threading.Lock()
    originals_left = len(ordered)

    def run_group(group: list[T], taken: bool = False) -> None:
        for index, entry in enumerate(group):
            if time.monotonic() >= stop_at:
                release(group[index:])
                return
            try:
                outcome = work(entry, taken)
            except Exception:
                logger.exception("Fetch work on %r failed.", entry)
                continue
            with lock:
                results.append(outcome)

    if threads <= 1:
        for group in ordered:
            run_group(group)
        return results

    pending: queue.SimpleQueue[tuple[list[T], bool]] = queue.SimpleQueue()
    for group in ordered:
        pending.put((group, True))

    def next_group() -> tuple[list[T], bool] | None:
        pause = REFILL_PAUSE
        while True:
            try:
                return pending.get_nowait()
            except queue.Empty:
                pass
            with lock:
                waiting_for = originals_left
            if refill is None or waiting_for == 0 or time.monotonic() >= stop_at:
                return None
            more = refill(REFILL_SIZE)
            if more:
                for group in more[1:]:
                    pending.put((group, False))
                return more[0], False
            time.sleep(pause)
            pause = min(pause * 2, REFILL_PAUSE_MAX)

    def thread_main() -> None:
        nonlocal originals_left
        try:
            while (taken := next_group()) is not None:
                group, original = taken
                try:
                    run_group(group, not original)
                finally:
                    if original:
                        with lock:
                            originals_left -= 1
        finally:
            connections.close_all()  # this thread's connections only

    workers = [
        threading.Thread(target=thread_main, name=f"ocim-watch-fetch-{number}", daemon=True)
        for number in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results


def pack(groups: Iterable[list[T]], size: int) -> list[list[T]]:
    """Batches of about ``size`` entries made of whole groups (a group bigger than ``size``
    makes a batch of its own), so that a host's entries stay in one task."""
    batches: list[list[T]] = []
    current: list[T] = []
    for group in sorted((list(g) for g in groups if g), key=len, reverse=True):
        if current and len(current) + len(group) > size:
            batches.append(current)
            current = []
        current.extend(group)
    if current:
        batches.append(current)
    return batches

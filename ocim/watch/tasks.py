"""Background tasks of the watch: thin wrappers that call a service (safe to run twice).

The reads run on the ``fetch`` queue (outbound HTTP, slow); the scheduling sweeps and the log's
retention are quick database work on the ``default`` queue, so a long fetch backlog never
delays them.
"""

from django_tasks import task

from .fetching import services as fetching
from .fetching.full_text import full_texts_enqueue_due, full_texts_fetch


@task()
def enqueue_due_sources() -> int:
    """Queue the fetch of every due source; returns how many were queued."""
    return fetching.sources_enqueue_due()


@task(queue_name="fetch")
def fetch_sources(source_ids: list[int]) -> dict[str, int]:
    """Read a batch of sources (those still due); returns how many ended each way."""
    return fetching.sources_fetch(source_ids)


@task()
def enqueue_due_full_texts() -> int:
    """Queue the reading of the linked pages that are due; returns how many were queued."""
    return full_texts_enqueue_due()


@task(queue_name="fetch")
def fetch_full_texts(fetch_ids: list[int]) -> dict[str, int]:
    """Read the linked pages of a batch of items; returns how many ended each way."""
    return full_texts_fetch(fetch_ids)


@task()
def prune_fetch_log(older_than_days: int | None = None) -> int:
    """Delete fetch-log entries past their retention; returns how many."""
    return fetching.fetch_log_prune(older_than_days=older_than_days)

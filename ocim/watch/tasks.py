"""Background tasks of the watch: thin wrappers that call a service (safe to run twice).

Everything that reads the network, and the sweeps that feed it, run on the ``fetch`` queue:
when the fetch workers fall behind, the sweeps wait in the same queue instead of piling more
batches on top (back-pressure; a source already queued is not queued again anyway). The fetch
log's retention is plain database work on the ``default`` queue.
"""

from django_tasks import task

from .fetching import services as fetching
from .fetching.full_text import full_texts_enqueue_due, full_texts_fetch


@task(queue_name="fetch")
def enqueue_due_sources() -> int:
    """Queue the fetch of every due source; returns how many were queued."""
    return fetching.sources_enqueue_due()


@task(queue_name="fetch")
def fetch_sources(source_ids: list[int]) -> dict[str, int]:
    """Read a batch of sources (those still due); returns how many ended each way."""
    return fetching.sources_fetch(source_ids)


@task(queue_name="fetch")
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

"""The watch's fetching side: reading sources politely and safely, at scale.

Public API (other parts of the watch call these; see each docstring)::

    from ocim.watch.fetching import (
        source_reset, source_retry_now,        # staff actions (audited)
        sources_enqueue_due, sources_fetch,    # scheduler job and fetch task
        source_fetch,                          # one source (used by the fetch task)
        fetch_error_message,                   # an error code's message for staff
    )
"""

from .errors import SourceFetchError, SourceStateError, fetch_error_message
from .services import (
    fetch_log_prune,
    source_reset,
    source_retry_now,
    sources_enqueue_due,
    sources_fetch,
)
from .sources import SourceFetchResult, source_fetch

__all__ = [
    "SourceFetchError",
    "SourceFetchResult",
    "SourceStateError",
    "fetch_error_message",
    "fetch_log_prune",
    "source_fetch",
    "source_reset",
    "source_retry_now",
    "sources_enqueue_due",
    "sources_fetch",
]

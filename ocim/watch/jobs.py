"""Periodic jobs of the watch (registered with the scheduler; imported by WatchConfig.ready())."""

from datetime import timedelta

from ocim.core.scheduler import register_periodic

from .tasks import enqueue_due_full_texts, enqueue_due_sources, prune_fetch_log

# Every minute: a source is read at most a minute after it is due (the shortest interval is
# 15 minutes), and a host found busy is tried again a minute later.
register_periodic("watch.sources.enqueue_due", task=enqueue_due_sources, every=timedelta(minutes=1))
register_periodic(
    "watch.full_texts.enqueue_due", task=enqueue_due_full_texts, every=timedelta(minutes=1)
)
register_periodic("watch.fetch_log.prune", task=prune_fetch_log, every=timedelta(days=1))
